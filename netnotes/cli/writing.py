"""The commands that write notes: ``init`` (a new vault), ``new contact``, ``log`` and ``ask``;
and those that change notes: ``done``, ``snooze``, ``edit``, and ``merge``, which folds one
contact's note into another's.

Each parses its options, calls one function of ``scaffold``, ``writer`` or ``actions`` and
prints the path written or changed. A ``WriteError`` or a refusal becomes a message and exit
code 2.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..actions import CLOSING_STATUSES, problems_after_edit
from ..fsio import WriteError
from ..model import ASK_KINDS, Direction, Vault
from ..problems import format_text
from .common import (
    DATE,
    CannotWrite,
    Context,
    Refused,
    VaultUnusable,
    cannot_write,
    complete_circle,
    complete_contact,
    complete_kind,
    complete_note,
    complete_open_item,
    complete_status,
    edit_option,
    exit_for,
    message_option,
    on_terminal,
    pass_ctx,
    report_problems,
    shown,
    today_option,
    today_or,
)

if TYPE_CHECKING:
    from ..actions import Outcome, Refusal, Status


@click.command()
@click.argument("folder", required=False, type=click.Path(path_type=Path))
@pass_ctx
def init(ctx: Context, folder: Path | None) -> None:
    """Make a new vault in FOLDER (default: --vault or NETNOTES_VAULT, else the current folder)."""
    from ..scaffold import InitError, init_vault

    target = folder or (Path(ctx.vault_option) if ctx.vault_option is not None else Path.cwd())
    try:
        made = init_vault(target)
    except InitError as err:
        raise VaultUnusable(str(err)) from None
    for path in made:
        click.echo(path)
    click.echo(f"New vault in {target}. Add a contact: netnotes --vault {target} new contact 'Jane Doe'", err=True)


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
    problems = problems_after_edit(root, path.relative_to(root).as_posix())
    if problems:  # on stderr: stdout is the path written
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

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
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
@click.option(
    "--circle", shell_complete=complete_circle, help="A circle from netnotes.yaml (gives the keep-in-touch cadence)."
)
@click.option("--cadence", metavar="DUR", help="Keep-in-touch cadence (2w, 3m, monthly, never...).")
@click.option("--tag", multiple=True, help="A tag (repeat for several).")
@click.option("--since", type=DATE, help="When you met (default: not set).")
@click.option("--birthday", metavar="YYYY-MM-DD|--MM-DD", help="Birthday; --MM-DD when the year is unknown.")
@click.option("--met-at", help="Where you met.")
@message_option
@edit_option
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
    from ..writer import namesakes_notice, new_contact

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
    notice = namesakes_notice(vault, name, path.stem)
    if notice:
        click.echo(notice, err=True)
    finish(ctx, root, path, edit)


@click.command("log")
@click.argument("refs", nargs=-1, required=True, metavar="REF...", shell_complete=complete_contact)
@click.option(
    "--kind",
    default="other",
    show_default=True,
    shell_complete=complete_kind,
    help="coffee, lunch, call, email, text, meeting, event, linkedin, thank-you, invitation, intro, "
    "other, or a kind from netnotes.yaml.",
)
@click.option("--date", "day", type=DATE, help="When it happened (default: today); a later date is a plan.")
@click.option("--follow-up", metavar="DATE|DUR", help="A next step's date, or a duration from --date (2w).")
@click.option("--next", "next_step", metavar="TEXT", help="What the next step is.")
@click.option("--title", help="A one-line summary.")
@message_option
@edit_option
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
    from ..writer import log_interaction

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
@click.argument("ref", shell_complete=complete_contact)
@click.option(
    "--direction",
    type=click.Choice([d.value for d in Direction]),
    required=True,
    help="out: I asked them; in: they asked me.",
)
@click.option("--kind", type=click.Choice(ASK_KINDS), required=True, help="What is asked.")
@click.option("--due", type=DATE, help="Needed by this date.")
@click.option(
    "--intro-to",
    metavar="REF|TEXT",
    shell_complete=complete_contact,
    help="For introductions: to whom (a contact) or to which company.",
)
@click.option("--date", "day", type=DATE, help="When the ask was made (default: today).")
@message_option
@edit_option
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
    from ..writer import record_ask

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
# done / snooze / edit: change an existing note


def report_outcome(root: Path, outcome: Outcome) -> None:
    """The paths changed on stdout; what was done, hints and refusals on stderr. Exits 0, or 2
    when something was refused (then nothing changed)."""
    for path in outcome.changed:
        click.echo(shown(root / path))
    for change in outcome.changes:
        click.echo(change.message, err=True)
        if change.hint:
            click.echo(f"hint: {change.hint}", err=True)
    for refusal in outcome.refusals:
        click.echo(f"Error: {refusal.message}", err=True)
        for item in refusal.choices:
            click.echo(f"  {item.describe()}", err=True)
    sys.exit(outcome.exit_code)


def choose(refusal: Refusal) -> str:
    """On a terminal, the path of the open item the user picks for an ambiguous contact ref."""
    click.echo(refusal.message.split(";", 1)[0] + ":", err=True)
    for number, item in enumerate(refusal.choices, 1):
        click.echo(f"  {number}. {item.describe()}", err=True)
    try:
        choices = len(refusal.choices)
        number = click.prompt(f"Close which one (1-{choices})", type=click.IntRange(1, choices), err=True)
    except click.Abort:
        raise Refused("nothing chosen; nothing changed") from None
    return refusal.choices[number - 1].path


def chosen(targets: Sequence[str], refusals: Sequence[Refusal]) -> tuple[str, ...]:
    """``targets`` with each ambiguous contact ref replaced by the item picked for it."""
    picked = {r.target: choose(r) for r in refusals}
    return tuple(picked.get(t, t) for t in targets)


@click.command("done")
@click.argument("targets", nargs=-1, required=True, metavar="TARGET...", shell_complete=complete_open_item)
@click.option(
    "--status",
    type=click.Choice(CLOSING_STATUSES),
    default="done",
    show_default=True,
    shell_complete=complete_status,
    help="What an open ask became (a follow-up or a thank-you is only done).",
)
@click.option("--date", "day", type=DATE, help="When an ask was closed (default: today).")
@today_option()
@pass_ctx
def done_command(
    ctx: Context, targets: tuple[str, ...], status: Status, day: dt.date | None, today: dt.date | None
) -> None:
    """Close what due lists: TARGET is a follow-up's or an ask's path (as due --long prints it),
    or a contact with exactly one open follow-up or ask."""
    from ..actions import done

    root = ctx.root
    result = ctx.load(today)
    report_problems(result, None)
    outcome = done(root, result, targets, status=status, date=day, today=today_or(today))
    if outcome.refusals and all(r.choices for r in outcome.refusals) and on_terminal():
        outcome = done(root, result, chosen(targets, outcome.refusals), status=status, date=day, today=today_or(today))
    report_outcome(root, outcome)


@click.command("snooze")
@click.argument("ref", shell_complete=complete_contact)
@click.argument("until", metavar="[DATE|DUR]", required=False)
@click.option("--clear", is_flag=True, help="Remove the snooze instead.")
@today_option("Count a DUR from this date, and refuse dates before it (default: the local date).")
@pass_ctx
def snooze_command(ctx: Context, ref: str, until: str | None, clear: bool, today: dt.date | None) -> None:
    """No keep-in-touch reminder for REF before DATE, or for DUR (2w, 3m...) from today."""
    from ..actions import snooze, snooze_date

    if clear == (until is not None):
        raise click.UsageError("give either DATE|DUR or --clear")
    day = today_or(today)
    try:
        date = None if until is None else snooze_date(until, day)
    except ValueError as err:
        raise click.BadParameter(str(err), param_hint="'DATE|DUR'") from None
    root = ctx.root
    result = ctx.load(today)
    report_problems(result, "whether REF has a keep-in-touch reminder is not known")
    report_outcome(root, snooze(root, result, ref, date, today=day))


@click.command("edit")
@click.argument("target", metavar="REF|PATH", shell_complete=complete_note)
@pass_ctx
def edit_command(ctx: Context, target: str) -> None:
    """Open a contact's note (REF) or any note (PATH) in $VISUAL/$EDITOR, then report its problems."""
    from ..actions import Refusal, note_to_edit

    root = ctx.root
    found = note_to_edit(root, ctx.load(), target, Path.cwd())
    if isinstance(found, Refusal):
        raise Refused(found.message)
    try:
        click.edit(filename=str(root / found))
    except click.ClickException as err:  # no editor, or it failed
        raise Refused(err.format_message()) from None
    problems = problems_after_edit(root, found)
    click.echo(format_text(problems), nl=False)
    exit_for(problems)


# ---------------------------------------------------------------------------------------------
# merge


@click.command("merge")
@click.argument("keep")
@click.argument("drop")
@click.option("--dry-run", is_flag=True, help="Print every change as a diff; write nothing.")
@pass_ctx
def merge_command(ctx: Context, keep: str, drop: str, dry_run: bool) -> None:
    """Fold the contact DROP into KEEP: every note naming DROP names KEEP, DROP's note is removed."""
    from ..merge import apply_merge, plan_merge
    from ..refs import RefIndex

    root = ctx.root
    result = ctx.load()
    report_problems(result, None)
    index = RefIndex(result.vault.contacts)
    ids = []
    for ref in (keep, drop):
        found = index.lookup_for_cli(ref)
        if found.contact_id is None:
            raise CannotWrite(found.message or f"'{ref}' matches no contact")
        ids.append(found.contact_id)
    try:
        plan = plan_merge(root, result, ids[0], ids[1])
        if dry_run:
            click.echo(plan.diff(), nl=False)
        else:
            apply_merge(plan)
    except WriteError as err:
        raise cannot_write(err) from None
    if not dry_run:
        for f in plan.changed:
            click.echo(shown(f.path))
        click.echo(f"removed {shown(plan.removed.path)}")
    for line in plan.summary():
        click.echo(line, err=True)
    if dry_run:
        click.echo("dry run: nothing was written", err=True)


COMMANDS = (init, new_group, log_command, ask_command, done_command, snooze_command, edit_command, merge_command)
