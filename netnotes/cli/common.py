"""What every ``netnotes`` command shares: finding and loading the vault, the exit codes of the
contract (section 6), the ``DATE`` type and the options several commands repeat, and how the
vault's problems are reported. A leaf: command modules import it, it imports no command.

Exit codes: 0 fine, 1 the vault has errors (or warnings under ``--strict``), 2 wrong usage or
an unreadable vault, 130 stopped with Ctrl-C.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NoReturn, TypeVar

import click
from click.shell_completion import CompletionItem

from ..config import load_config
from ..discover import VaultError, find_vault
from ..fsio import WriteError, WriteFailed
from ..loader import LoadResult, load_vault
from ..problems import Problem, has_errors

if TYPE_CHECKING:
    from ..completion import Candidate

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, what shells report for a command stopped by Ctrl-C

Decorated = TypeVar("Decorated", bound=Callable[..., Any])


class VaultUnusable(click.ClickException):
    """No vault here, or one that cannot be read or built: exit 2."""

    exit_code = EXIT_USAGE


class CannotWrite(click.ClickException):
    """A note or file could not be written as asked (bad value, unknown ref...): exit 2."""

    exit_code = EXIT_USAGE


class Refused(click.ClickException):
    """What was asked cannot be done as given (a ref to no contact, a target that is not a
    note, a refused change): exit 2, nothing changed."""

    exit_code = EXIT_USAGE


class Context:
    """The vault the command works on: ``--vault`` (or ``NETNOTES_VAULT``), else found upward."""

    def __init__(self, vault: str | None) -> None:
        self.vault_option = vault

    @property
    def root(self) -> Path:
        try:
            return find_vault(self.vault_option)
        except VaultError as err:
            raise VaultUnusable(str(err)) from None

    def load(self, today: dt.date | None = None, model: bool = True, raw_notes: bool = True) -> LoadResult:
        """The vault, loaded; what kept its note cache from being used is a warning on stderr.
        ``model=False``: the model is not asked for here, only when the command needs it
        (``build``, which compares keys first, and keeps the garbage collector off itself; in a
        large vault the load unpickles it anyway while another core stats the files).
        ``raw_notes=False``: the command changes no note (``load_vault``)."""
        root = self.root
        # The model lives until the command ends: the cyclic garbage collector need not scan
        # its million objects again at every collection the command's own work triggers. They
        # are frozen before it runs again, or its first collection would scan them all once.
        gc_was_enabled = gc.isenabled()
        gc.disable()
        try:
            result = load_vault(root, today=today, raw_notes=raw_notes)
            if model:
                result.vault  # noqa: B018 - unpickled now, so that it is frozen below with the rest
        except VaultError as err:
            raise VaultUnusable(str(err)) from None
        finally:
            gc.freeze()
            if gc_was_enabled:
                gc.enable()
        for warning in result.cache_warnings:
            click.echo(f"Warning: {warning}", err=True)
        return result


pass_ctx = click.make_pass_decorator(Context)


def on_terminal() -> bool:
    """Whether a person is at the keyboard and the screen (stdin and stdout are terminals), so a
    command may ask a question instead of failing."""
    return sys.stdin.isatty() and sys.stdout.isatty()


class DateParam(click.ParamType):
    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> dt.date:
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            self.fail(f"'{value}' is not a date as YYYY-MM-DD", param, ctx)


DATE = DateParam()


def today_or(day: dt.date | None) -> dt.date:
    return day if day is not None else dt.date.today()


# Options that several commands take, written once.


TODAY_HELP = "Pretend today is this date (default: the local date)."


def today_option(help: str = TODAY_HELP) -> Callable[[Decorated], Decorated]:
    return click.option("--today", type=DATE, help=help)


# What --format may name (the contract's section 6); each command offers some of them.
Format = Literal["text", "json", "markdown"]


def format_option(*formats: Format) -> Callable[[Decorated], Decorated]:
    """``--format``, one of ``formats`` (the first is the default), passed as ``fmt``."""
    return click.option("--format", "fmt", type=click.Choice(list(formats)), default=formats[0], show_default=True)


message_option = click.option("-m", "--message", multiple=True, help="Notes for the body (repeat for paragraphs).")
edit_option = click.option("--edit", is_flag=True, help="Open the new note in $VISUAL/$EDITOR.")
dry_run_option = click.option("--dry-run", is_flag=True, help="Show what would be created; write nothing.")


# Reporting.


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


def report_problems(result: LoadResult, incomplete: str | None) -> None:
    """The vault's problems for a command that is not `check`: one summary line on stderr (so
    stdout stays its output), plus a line saying that ``incomplete`` when netnotes.yaml cannot
    be read (None: the command's result does not depend on it)."""
    for line in result.notices(incomplete):
        click.echo(line, err=True)


def exit_for(problems: list[Problem], strict: bool = False) -> NoReturn:
    """End the command: exit 1 when the vault has errors (or, ``strict``, any problem), else 0."""
    sys.exit(EXIT_PROBLEMS if has_errors(problems, strict) else EXIT_OK)


# Shell completion. Click calls these with the command line parsed so far; they find the vault
# as the command would (``--vault``, ``NETNOTES_VAULT``, else upward) and never fail: a shell
# shows whatever a completion prints, so any error means no candidates, not a traceback.


def _completion_root(ctx: click.Context) -> Path:
    vault = ctx.find_root().params.get("vault")
    return find_vault(vault if isinstance(vault, str) else None)


def _offered(candidates: list[Candidate]) -> list[CompletionItem]:
    return [CompletionItem(c.value, help=c.help) for c in candidates]


def _quietly(find: Callable[[], list[Candidate]]) -> list[CompletionItem]:
    try:
        return _offered(find())
    except Exception:  # noqa: BLE001 - a completion that fails offers nothing, whatever the cause
        return []


def complete_contact(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """REF: contact ids, names and aliases."""
    from ..completion import contact_refs

    return _quietly(lambda: contact_refs(load_vault(_completion_root(ctx)).vault.contacts, incomplete))


def complete_note(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """REF|PATH: a contact, or (once a folder separator is typed) a file, completed by the shell."""
    if "/" in incomplete or os.sep in incomplete:
        return [CompletionItem(incomplete, type="file")]
    return complete_contact(ctx, param, incomplete)


def complete_open_item(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """``done`` TARGET: the paths of the open follow-ups and asks, and of asks wanting a thank-you."""
    from ..completion import open_item_paths

    def find() -> list[Candidate]:
        day = today_or(ctx.params.get("today"))
        return open_item_paths(load_vault(_completion_root(ctx), today=day), day, incomplete)

    return _quietly(find)


def complete_kind(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """An interaction's ``--kind``: the built-in kinds and those of netnotes.yaml."""
    from ..completion import interaction_kinds

    return _quietly(lambda: interaction_kinds(load_config(_completion_root(ctx))[0], incomplete))


def complete_circle(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """``--circle``: the circles of netnotes.yaml."""
    from ..completion import circles

    return _quietly(lambda: circles(load_config(_completion_root(ctx))[0], incomplete))


def complete_status(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """``done --status``: done, declined, dropped."""
    from ..completion import ask_statuses

    return _quietly(lambda: ask_statuses(incomplete))
