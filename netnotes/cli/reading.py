"""The commands that read the vault and print what they find: ``check``, ``due`` and ``dupes``."""

from __future__ import annotations

import datetime as dt
import os

import click

from ..dates import DateError, Duration, parse_duration
from ..problems import format_json, format_text
from .common import Context, exit_for, format_option, pass_ctx, report_problems, today_option, today_or


@click.command()
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
@format_option("text", "json")
@pass_ctx
def check(ctx: Context, strict: bool, fmt: str) -> None:
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
@format_option("text", "json")
@pass_ctx
def due(ctx: Context, today: dt.date | None, within: str | None, show_all: bool, fmt: str) -> None:
    """Who is due for a touch, which follow-ups and asks are waiting, and birthdays coming up."""
    from ..followup import due_items
    from ..report import format_due_json, format_due_text

    horizon = parse_within(within)
    result = ctx.load(today)
    report_problems(result, "this list is incomplete")
    items = due_items(result.vault, today_or(today), horizon, include_later=show_all)
    if fmt == "json":
        click.echo(format_due_json(items), nl=False)
    else:
        color = False if os.environ.get("NO_COLOR") else None
        click.echo(format_due_text(items, today_or(today), result.vault.contacts_by_id), nl=False, color=color)
    exit_for(result.problems)


@click.command()
@format_option("text", "json")
@pass_ctx
def dupes(ctx: Context, fmt: str) -> None:
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


COMMANDS = (check, due, dupes)
