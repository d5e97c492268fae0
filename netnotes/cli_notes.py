"""The commands that write notes and move data: ``new``, ``log``, ``ask``, ``import``, ``export``.

Each parses its options, calls one function of ``writer``, ``importers`` or ``exporters``,
and prints the path(s) written. A ``WriteError`` becomes a message and exit code 2.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .cli import DATE, EXIT_PROBLEMS, EXIT_USAGE, Context, pass_ctx, report_problems, today_or
from .fsio import WriteError, WriteFailed
from .loader import load_vault
from .model import ASK_KINDS
from .problems import format_text, has_errors
from .refs import RefIndex, key

if TYPE_CHECKING:
    from .importers import ImportSummary
    from .model import Vault


class CannotWrite(click.ClickException):
    """A note or file could not be written as asked (bad value, unknown ref...): exit 2."""

    exit_code = EXIT_USAGE


def shown(path: Path) -> str:
    """``path`` relative to the current folder when it is inside it, else absolute."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def cannot_write(err: WriteError) -> CannotWrite:
    """``err`` for the user; a write the file system refused names the file as ``shown`` does."""
    if isinstance(err, WriteFailed):
        return CannotWrite(f"cannot write {shown(err.path)}: {err.reason}")
    return CannotWrite(str(err))


def message_body(messages: tuple[str, ...]) -> str:
    """``-m`` texts as the note's body: one paragraph each (like ``git commit -m``), ending in a newline."""
    text = "\n\n".join(messages)
    return text if not text or text.endswith("\n") else text + "\n"


def load_for_writing(ctx: Context) -> Vault:
    """The vault a new note is checked against, its problems summed up on stderr."""
    result = ctx.load()
    report_problems(result, "circles and kinds given here are not checked")
    return result.vault


def finish(ctx: Context, root: Path, path: Path, edit: bool) -> None:
    """Print the path written; with ``--edit``, open it and report what is wrong after editing."""
    click.echo(shown(path))
    if not edit:
        return
    click.edit(filename=str(path))
    rel = path.relative_to(root).as_posix()
    problems = [p for p in load_vault(root).problems if p.path == rel]
    if problems:
        click.echo(format_text(problems), nl=False, err=True)


# ---------------------------------------------------------------------------------------------
# new contact / log / ask


class NewGroup(click.Group):
    """``new``, which only makes contacts: the other notes have their own commands, and a user
    guessing ``new interaction`` is told which."""

    ELSEWHERE = {
        "interaction": "netnotes log REF...",
        "ask": "netnotes ask REF --direction in|out --kind K",
    }

    def resolve_command(self, ctx: click.Context, args: list[str]):  # type: ignore[no-untyped-def]
        name = args[0] if args else None
        if name in self.ELSEWHERE and self.get_command(ctx, name) is None:
            raise click.UsageError(f"'new {name}' does not exist; write one with: {self.ELSEWHERE[name]}", ctx)
        return super().resolve_command(ctx, args)


@click.group("new", cls=NewGroup)
def new_group() -> None:
    """Write a new contact note (interactions: netnotes log; asks: netnotes ask)."""


@new_group.command("contact")
@click.argument("name")
@click.option("--company", help="Current company.")
@click.option("--role", help="Current job title.")
@click.option("--location", help="Where they are.")
@click.option("--email", multiple=True, help="An email address (repeat for several).")
@click.option("--phone", multiple=True, help="A phone number (repeat for several).")
@click.option("--alias", multiple=True, help="Another name they go by (repeat for several).")
@click.option("--linkedin", metavar="URL", help="LinkedIn profile URL.")
@click.option("--website", metavar="URL", help="Website URL.")
@click.option("--circle", help="A circle from netnotes.yaml (gives the keep-in-touch cadence).")
@click.option("--cadence", metavar="DUR", help="Keep-in-touch cadence (2w, 3m, monthly, never...).")
@click.option("--tag", multiple=True, help="A tag (repeat for several).")
@click.option("--since", type=DATE, help="When you met (default: not set).")
@click.option("--birthday", metavar="YYYY-MM-DD|--MM-DD", help="Birthday; --MM-DD when the year is unknown.")
@click.option("--met-at", help="Where you met.")
@click.option("-m", "--message", multiple=True, help="Notes for the body (repeat for paragraphs).")
@click.option("--edit", is_flag=True, help="Open the new note in $VISUAL/$EDITOR.")
@pass_ctx
def new_contact_command(
    ctx: Context,
    name: str,
    company: str | None,
    role: str | None,
    location: str | None,
    email: tuple[str, ...],
    phone: tuple[str, ...],
    alias: tuple[str, ...],
    linkedin: str | None,
    website: str | None,
    circle: str | None,
    cadence: str | None,
    tag: tuple[str, ...],
    since: dt.date | None,
    birthday: str | None,
    met_at: str | None,
    message: tuple[str, ...],
    edit: bool,
) -> None:
    """Write contacts/<name>.md for a new person NAME."""
    from .writer import new_contact

    root = ctx.root
    vault = load_for_writing(ctx)
    try:
        path = new_contact(
            root,
            name,
            config=vault.config,
            aliases=alias,
            company=company,
            role=role,
            location=location,
            email=email,
            phone=phone,
            linkedin=linkedin,
            website=website,
            tags=tag,
            circle=circle,
            cadence=cadence,
            since=since,
            birthday=birthday,
            met_at=met_at,
            body=message_body(message),
        )
    except WriteError as err:
        raise cannot_write(err) from None
    namesakes = RefIndex(vault.contacts).names.get(key(name), [])
    if namesakes:
        others = ", ".join(vault.contacts_by_id[i].path for i in namesakes)
        verb, all_ = ("has", "both") if len(namesakes) == 1 else ("have", "all of them")
        click.echo(
            f"note: {others} {verb} the same name; refer to these people by id "
            f"('{path.stem}'), a name that matches {all_} is ambiguous",
            err=True,
        )
    finish(ctx, root, path, edit)


@click.command("log")
@click.argument("refs", nargs=-1, required=True, metavar="REF...")
@click.option(
    "--kind",
    default="other",
    show_default=True,
    help="coffee, lunch, call, email, text, meeting, event, linkedin, thank-you, invitation, intro, "
    "other, or a kind from netnotes.yaml.",
)
@click.option("--date", "day", type=DATE, help="When it happened (default: today); a later date is a plan.")
@click.option("--follow-up", metavar="DATE|DUR", help="A next step's date, or a duration from --date (2w).")
@click.option("--next", "next_step", metavar="TEXT", help="What the next step is.")
@click.option("--title", help="A one-line summary.")
@click.option("-m", "--message", multiple=True, help="Notes for the body (repeat for paragraphs).")
@click.option("--edit", is_flag=True, help="Open the new note in $VISUAL/$EDITOR.")
@pass_ctx
def log_command(
    ctx: Context,
    refs: tuple[str, ...],
    kind: str,
    day: dt.date | None,
    follow_up: str | None,
    next_step: str | None,
    title: str | None,
    message: tuple[str, ...],
    edit: bool,
) -> None:
    """Write a new interaction with the contacts REF... (ids, names, aliases or [[wikilinks]])."""
    from .writer import log_interaction

    root = ctx.root
    vault = load_for_writing(ctx)
    try:
        path = log_interaction(
            root,
            vault,
            refs,
            kind=kind,
            date=day,
            follow_up=follow_up,
            next=next_step,
            message=message_body(message),
            title=title,
        )
    except WriteError as err:
        raise cannot_write(err) from None
    if next_step and next_step.strip() and follow_up is None:
        click.echo("hint: --next without --follow-up is never listed by due; add --follow-up 1w", err=True)
    finish(ctx, root, path, edit)


@click.command("ask")
@click.argument("ref")
@click.option(
    "--direction", type=click.Choice(["out", "in"]), required=True, help="out: I asked them; in: they asked me."
)
@click.option("--kind", type=click.Choice(ASK_KINDS), required=True, help="What is asked.")
@click.option("--due", type=DATE, help="Needed by this date.")
@click.option("--intro-to", metavar="REF|TEXT", help="For introductions: to whom (a contact) or to which company.")
@click.option("--date", "day", type=DATE, help="When the ask was made (default: today).")
@click.option("-m", "--message", multiple=True, help="Notes for the body (repeat for paragraphs).")
@click.option("--edit", is_flag=True, help="Open the new note in $VISUAL/$EDITOR.")
@pass_ctx
def ask_command(
    ctx: Context,
    ref: str,
    direction: str,
    kind: str,
    due: dt.date | None,
    intro_to: str | None,
    day: dt.date | None,
    message: tuple[str, ...],
    edit: bool,
) -> None:
    """Write a new open ask with the contact REF."""
    from .writer import record_ask

    root = ctx.root
    vault = load_for_writing(ctx)
    try:
        path = record_ask(
            root, vault, ref, direction, kind, due=due, message=message_body(message), intro_to=intro_to, date=day
        )
    except WriteError as err:
        raise cannot_write(err) from None
    finish(ctx, root, path, edit)


# ---------------------------------------------------------------------------------------------
# import


@click.group("import")
def import_group() -> None:
    """Make contact notes from a LinkedIn or vCard export, skipping people already in the vault."""


def _report_import(summary: ImportSummary) -> None:
    for path in summary.created:
        click.echo(shown(path))
    for label, rows in (
        ("skipped", summary.skipped),
        ("invalid", summary.invalid),
        ("warning", summary.warnings),
        ("namesake", summary.namesakes),
    ):
        for row in rows:
            who = f" ({row.name})" if row.name else ""
            click.echo(f"{label}: {row.where}{who}: {row.reason}", err=True)
    verb = "would create" if summary.dry_run else "created"
    namesakes = len(summary.namesakes)
    among = f" ({namesakes} namesake{'s' if namesakes > 1 else ''})" if namesakes else ""
    tail = "; dry run, nothing written" if summary.dry_run else ""
    click.echo(
        f"{verb} {len(summary.created)}{among}, skipped {len(summary.skipped)}, invalid {len(summary.invalid)}{tail}",
        err=True,
    )


def _run_import(ctx: Context, which: str, file: Path, dry_run: bool) -> None:
    from .importers import import_linkedin, import_vcard

    root = ctx.root
    result = ctx.load()
    report_problems(result, None)
    vault = result.vault
    run = import_linkedin if which == "linkedin" else import_vcard
    try:
        summary = run(root, vault, file, dry_run=dry_run)
    except WriteError as err:
        raise cannot_write(err) from None
    _report_import(summary)
    if summary.failure is not None:
        written = len(summary.created)
        raise CannotWrite(
            f"{cannot_write(summary.failure).message}; {written} contact{'s' * (written != 1)} "
            f"{'were' if written != 1 else 'was'} written before the failure (importing again adds the rest)"
        )


@import_group.command("linkedin")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show what would be created; write nothing.")
@pass_ctx
def import_linkedin_command(ctx: Context, file: Path, dry_run: bool) -> None:
    """Import LinkedIn's Connections.csv, or the export's .zip (Settings > Data privacy > Get a copy of your data)."""
    _run_import(ctx, "linkedin", file, dry_run)


@import_group.command("vcard")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show what would be created; write nothing.")
@pass_ctx
def import_vcard_command(ctx: Context, file: Path, dry_run: bool) -> None:
    """Import a .vcf file (vCard 2.1, 3.0 or 4.0) from a phone or address book."""
    _run_import(ctx, "vcard", file, dry_run)


# ---------------------------------------------------------------------------------------------
# export


@click.command("export")
@click.argument("fmt", metavar="ics|vcard|json", type=click.Choice(["ics", "vcard", "json"]))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file (replaced atomically) instead of standard output.",
)
@click.option("--today", type=DATE, help="Pretend today is this date (ics and json; default: the local date).")
@pass_ctx
def export_command(ctx: Context, fmt: str, output: Path | None, today: dt.date | None) -> None:
    """Write follow-ups and birthdays (ics), contacts (vcard) or the whole model (json)."""
    from .discover import is_vault_file
    from .exporters import export_ics, export_json, export_vcard
    from .fsio import replace_file

    if output is not None and is_vault_file(ctx.root, output):
        raise CannotWrite(f"refusing to export to {output}: it is a file the vault reads (a note or its settings)")
    result = ctx.load(today)
    report_problems(result, "the export is incomplete")
    day = today_or(today)
    if fmt == "ics":
        data = export_ics(result.vault, day)
    elif fmt == "vcard":
        data = export_vcard(result.vault).encode("utf-8")
    else:
        data = export_json(result.vault, day).encode("utf-8")
    if output is None:
        click.echo(data, nl=False)  # bytes go to the binary stream: CRLF lines stay CRLF
    else:
        try:
            replace_file(output, data)
        except WriteError as err:
            raise cannot_write(err) from None
        click.echo(shown(output))
    sys.exit(EXIT_PROBLEMS if has_errors(result.problems) else 0)


def register(group: click.Group) -> None:
    """Add these commands to the ``netnotes`` group."""
    for command in (new_group, log_command, ask_command, import_group, export_command):
        group.add_command(command)
