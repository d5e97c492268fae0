"""The commands that write notes: ``init`` (a new vault), ``new contact``, ``log`` and ``ask``;
and ``merge``, which folds one contact's note into another's.

Each parses its options, calls one function of ``scaffold`` or ``writer`` and prints the path
written. A ``WriteError`` becomes a message and exit code 2.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from ..fsio import WriteError
from ..loader import load_vault
from ..model import ASK_KINDS, Vault
from ..problems import format_text
from .common import (
    DATE,
    CannotWrite,
    Context,
    VaultUnusable,
    cannot_write,
    edit_option,
    message_option,
    pass_ctx,
    report_problems,
    shown,
)


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
@click.option("--circle", help="A circle from netnotes.yaml (gives the keep-in-touch cadence).")
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
@click.argument("ref")
@click.option(
    "--direction", type=click.Choice(["out", "in"]), required=True, help="out: I asked them; in: they asked me."
)
@click.option("--kind", type=click.Choice(ASK_KINDS), required=True, help="What is asked.")
@click.option("--due", type=DATE, help="Needed by this date.")
@click.option("--intro-to", metavar="REF|TEXT", help="For introductions: to whom (a contact) or to which company.")
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


COMMANDS = (init, new_group, log_command, ask_command, merge_command)
