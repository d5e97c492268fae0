"""The commands that move data between the vault and other tools: ``import`` (LinkedIn's
connections, vCards; LinkedIn messages and calendars as interactions) and ``export`` (ics,
vcard, json). Each calls one function of
``importers`` or ``exporters`` and prints the path(s) written."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..fsio import WriteError
from .common import (
    DATE,
    CannotWrite,
    Context,
    cannot_write,
    dry_run_option,
    exit_for,
    pass_ctx,
    report_problems,
    shown,
    today_option,
    today_or,
)

if TYPE_CHECKING:
    from ..exporters import ExportFormat
    from ..importers import HistorySummary, ImportSummary
    from ..model import Vault

    Importer = Callable[..., ImportSummary]


@click.group("import")
def import_group() -> None:
    """Make contact notes from a LinkedIn or vCard export, skipping people already in the vault;
    or interactions from LinkedIn messages or a calendar, skipping those already imported."""


def _run_import(ctx: Context, run: Importer, file: Path, dry_run: bool) -> None:
    root = ctx.root
    result = ctx.load()
    report_problems(result, None)
    try:
        summary = run(root, result.vault, file, dry_run=dry_run)
    except WriteError as err:
        raise cannot_write(err) from None
    for path in summary.created:
        click.echo(shown(path))
    for line in summary.row_lines():
        click.echo(line, err=True)
    click.echo(summary.tally(), err=True)
    if summary.failure is not None:
        raise CannotWrite(f"{cannot_write(summary.failure).message}; {summary.written_before_failure()}")


@import_group.command("linkedin")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@dry_run_option
@pass_ctx
def import_linkedin_command(ctx: Context, file: Path, dry_run: bool) -> None:
    """Import LinkedIn's Connections.csv, or the export's .zip (Settings > Data privacy > Get a copy of your data)."""
    from ..importers import import_linkedin

    _run_import(ctx, import_linkedin, file, dry_run)


@import_group.command("vcard")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@dry_run_option
@pass_ctx
def import_vcard_command(ctx: Context, file: Path, dry_run: bool) -> None:
    """Import a .vcf file (vCard 2.1, 3.0 or 4.0) from a phone or address book."""
    from ..importers import import_vcard

    _run_import(ctx, import_vcard, file, dry_run)


def _run_history(ctx: Context, run: Callable[[Path, Vault], HistorySummary]) -> None:
    """Run an import of history: the notes written, appended to and created on stdout; the lines
    of the file that were skipped, the people not matched and the summary on stderr."""
    result = ctx.load()
    report_problems(result, None)
    try:
        summary = run(ctx.root, result.vault)
    except WriteError as err:
        raise cannot_write(err) from None
    for path in (*summary.contacts, *summary.written, *summary.appended):
        click.echo(shown(path))
    for line in summary.row_lines():
        click.echo(line, err=True)
    click.echo(summary.tally(), err=True)
    if summary.failure is not None:
        done = len(summary.written) + len(summary.appended)
        raise CannotWrite(
            f"{cannot_write(summary.failure).message}; {done} note{'s' * (done != 1)} were written or "
            "appended to before the failure (importing again adds the rest)"
        )
    if summary.refused:
        raise CannotWrite(f"{len(summary.refused)} note(s) could not be changed (listed above); the rest was imported")


@import_group.command("linkedin-messages")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--me", metavar="URL", help="Your LinkedIn profile URL (default: who is in every conversation).")
@click.option("--create", is_flag=True, help="Make a contact for each person not matched to one.")
@click.option("--no-content", is_flag=True, help="Leave the messages out of the notes: only who and when.")
@dry_run_option
@pass_ctx
def import_linkedin_messages_command(
    ctx: Context, file: Path, me: str | None, create: bool, no_content: bool, dry_run: bool
) -> None:
    """Import LinkedIn's messages.csv, or the export's .zip: one interaction per conversation and day."""
    from ..importers import import_linkedin_messages

    _run_history(
        ctx,
        lambda root, vault: import_linkedin_messages(
            root, vault, file, me=me, create=create, content=not no_content, dry_run=dry_run
        ),
    )


@import_group.command("ics")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--me", metavar="EMAIL", help="Your email in the calendar (default: the organizer of most events).")
@click.option("--since", type=DATE, help="Only meetings on or after this date.")
@today_option("Pretend today is this date: later meetings are not imported (default: the local date).")
@dry_run_option
@pass_ctx
def import_ics_command(
    ctx: Context, file: Path, me: str | None, since: dt.date | None, today: dt.date | None, dry_run: bool
) -> None:
    """Import past meetings with contacts from a calendar file (.ics): one interaction per meeting."""
    from ..importers import import_ics

    _run_history(
        ctx,
        lambda root, vault: import_ics(root, vault, file, today_or(today), me=me, since=since, dry_run=dry_run),
    )


@click.command("export")
@click.argument("fmt", metavar="ics|vcard|json", type=click.Choice(["ics", "vcard", "json"]))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file (replaced atomically) instead of standard output.",
)
@today_option("Pretend today is this date (ics and json; default: the local date).")
@pass_ctx
def export_command(ctx: Context, fmt: ExportFormat, output: Path | None, today: dt.date | None) -> None:
    """Write follow-ups and birthdays (ics), contacts (vcard) or the whole model (json)."""
    from ..discover import is_vault_file
    from ..exporters import export
    from ..fsio import replace_file

    if output is not None and is_vault_file(ctx.root, output):
        raise CannotWrite(f"refusing to export to {output}: it is a file the vault reads (a note or its settings)")
    result = ctx.load(today)
    report_problems(result, "the export is incomplete")
    data = export(result.vault, fmt, today_or(today))
    if output is None:
        click.echo(data, nl=False)  # bytes go to the binary stream: CRLF lines stay CRLF
    else:
        try:
            replace_file(output, data)
        except WriteError as err:
            raise cannot_write(err) from None
        click.echo(shown(output))
    exit_for(result.problems)


COMMANDS = (import_group, export_command)
