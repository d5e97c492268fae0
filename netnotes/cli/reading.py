"""The commands that read the vault and print what they find: ``check``, ``due``, ``show``, ``path``
and ``dupes``."""

from __future__ import annotations

import datetime as dt
import os

import click

from ..dates import DateError, Duration, parse_duration
from ..problems import format_json, format_text
from .common import (
    Context,
    Format,
    Refused,
    complete_contact,
    exit_for,
    format_option,
    pass_ctx,
    report_problems,
    today_option,
    today_or,
)


@click.command()
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
@format_option("text", "json")
@pass_ctx
def check(ctx: Context, strict: bool, fmt: Format) -> None:
    """Report every problem in the vault, like a linter (FILE:LINE:COL: severity CODE message)."""
    result = ctx.load()
    click.echo(format_json(result.problems) if fmt == "json" else format_text(result.problems), nl=False)
    click.echo(result.check_summary(), err=True)
    exit_for(result.problems, strict)


def parse_within(value: str | None) -> Duration | None:
    if value is None:
        return None
    try:
        return parse_duration(value, allow_never=False)
    except DateError as err:
        raise click.BadParameter(str(err), param_hint="'--within'") from None


@click.command()
@today_option()
@click.option("--within", metavar="DUR", help="How far ahead 'soon' looks (default: horizon in netnotes.yaml).")
@click.option("--all", "show_all", is_flag=True, help="Also list items due later than the horizon.")
@click.option("--long", "long_", is_flag=True, help="Show each item's note (the TARGET netnotes done takes).")
@format_option("text", "json")
@pass_ctx
def due(ctx: Context, today: dt.date | None, within: str | None, show_all: bool, long_: bool, fmt: Format) -> None:
    """Who is due for a touch, which follow-ups and asks are waiting, and birthdays coming up."""
    from ..followup import due_items
    from ..moves import moves_for
    from ..report import format_due_json, format_due_text

    horizon = parse_within(within)
    result = ctx.load(today)
    report_problems(result, "this list is incomplete")
    moves = moves_for(ctx.root, result.vault.config)
    items = due_items(result.vault, today_or(today), horizon, include_later=show_all, moves=moves)
    if fmt == "json":
        click.echo(format_due_json(items), nl=False)
    else:
        color = False if os.environ.get("NO_COLOR") else None
        text = format_due_text(items, today_or(today), result.vault.contacts_by_id, sources=long_)
        click.echo(text, nl=False, color=color)
    exit_for(result.problems)


@click.command()
@click.argument("ref", shell_complete=complete_contact)
@today_option()
@format_option("text", "markdown", "json")
@pass_ctx
def show(ctx: Context, ref: str, today: dt.date | None, fmt: Format) -> None:
    """The brief to read before meeting REF: profile, strength, last touches, what is open both
    ways, reciprocity, who introduced whom, and the first lines of the notes."""
    from ..brief import brief_for, format_brief_json, format_brief_markdown, format_brief_text
    from ..moves import moves_for
    from ..refs import RefIndex

    result = ctx.load(today)
    report_problems(result, "this brief is incomplete")
    found = RefIndex(result.vault.contacts).lookup_for_cli(ref)
    if found.contact_id is None:
        raise Refused(found.message or f"'{ref}' matches no contact")
    day = today_or(today)
    the_brief = brief_for(result.vault, found.contact_id, day, moves_for(ctx.root, result.vault.config))
    render = {"text": format_brief_text, "markdown": format_brief_markdown, "json": format_brief_json}[fmt]
    click.echo(render(the_brief), nl=False)
    exit_for(result.problems)


@click.command()
@click.argument("target")
@today_option()
@click.option(
    "--limit", type=click.IntRange(min=0), default=20, show_default=True, help="Introducer paths to list (0: all)."
)
@format_option("text", "json")
@pass_ctx
def path(ctx: Context, target: str, today: dt.date | None, limit: int, fmt: Format) -> None:
    """Who can introduce me to TARGET: a company (any spelling) or a contact ([[Name]] for the
    person when a company has the same name)."""
    import json

    from ..moves import moves_for
    from ..paths import PathIndex, find_target, format_paths_text, paths_json
    from ..strength import relationships

    day = today_or(today)
    result = ctx.load(today)
    report_problems(result, "these paths may be incomplete")
    vault = result.vault
    index = PathIndex(vault, day, moves_for(ctx.root, vault.config), relationships(vault, day))
    found = find_target(index, target)
    if found.target is None:
        raise Refused(found.message or f"no company or contact matches '{target}'")
    if found.note:
        click.echo(f"note: {found.note}", err=True)
    top = limit or None
    answer = (
        index.company(found.target.key, top) if found.target.kind == "company" else index.person(found.target.key, top)
    )
    if fmt == "json":
        click.echo(json.dumps(paths_json(answer), ensure_ascii=False, indent=2))
    else:
        click.echo(format_paths_text(answer), nl=False)
    exit_for(result.problems)


@click.command()
@format_option("text", "json")
@pass_ctx
def dupes(ctx: Context, fmt: Format) -> None:
    """Pairs of contacts that look like one person (same email or LinkedIn URL, names that match
    after folding accents, initials and nicknames), each with the merge command to run."""
    from ..dupes import find_dupes, format_dupes_json, format_dupes_text

    result = ctx.load()
    report_problems(result, None)
    pairs = find_dupes(result.vault)
    click.echo(format_dupes_json(pairs) if fmt == "json" else format_dupes_text(pairs), nl=False)
    if fmt == "text":
        click.echo(f"{len(pairs)} possible duplicate{'s' * (len(pairs) != 1)}", err=True)
    exit_for(result.problems)


COMMANDS = (check, due, show, path, dupes)
