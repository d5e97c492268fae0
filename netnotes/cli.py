"""The ``netnotes`` command: parses options, calls one library function, prints its result.

Exit codes (the contract's section 6): 0 fine, 1 the vault has errors (or warnings under
``--strict``), 2 wrong usage or an unreadable vault.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import click

from . import __version__
from .dates import DateError, Duration, parse_duration
from .discover import VaultError, find_vault
from .loader import LoadResult, load_vault
from .problems import format_json, format_text, has_errors

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, what shells report for a command stopped by Ctrl-C
STOPPED_BY_CTRL_C = frozenset({"serve"})  # commands that run until Ctrl-C: stopping them is success


class VaultUnusable(click.ClickException):
    exit_code = EXIT_USAGE


class Context:
    def __init__(self, vault: str | None) -> None:
        self.vault_option = vault

    @property
    def root(self) -> Path:
        try:
            return find_vault(self.vault_option)
        except VaultError as err:
            raise VaultUnusable(str(err)) from None

    def load(self, today: dt.date | None = None) -> LoadResult:
        try:
            return load_vault(self.root, today=today)
        except VaultError as err:
            raise VaultUnusable(str(err)) from None


pass_ctx = click.make_pass_decorator(Context)


class DateParam(click.ParamType):
    name = "YYYY-MM-DD"

    def convert(self, value, param, ctx):  # type: ignore[no-untyped-def]
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            self.fail(f"'{value}' is not a date as YYYY-MM-DD", param, ctx)


DATE = DateParam()


def report_problems(result: LoadResult, incomplete: str | None) -> None:
    """The vault's problems for a command that is not `check`: one summary line on stderr (so
    stdout stays its output), plus a line saying that ``incomplete`` when netnotes.yaml cannot
    be read (None: the command's result does not depend on it)."""
    for line in result.notices(incomplete):
        click.echo(line, err=True)


class _NetnotesGroup(click.Group):
    """Turns Ctrl-C into a quiet exit, once for every command: click would print "Aborted!".

    ``serve`` runs until Ctrl-C, so it says "Stopped." and exits 0; any other command exits 130.
    """

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            if ctx.invoked_subcommand in STOPPED_BY_CTRL_C:
                click.echo("Stopped.", err=True)
                raise click.exceptions.Exit(EXIT_OK) from None
            raise click.exceptions.Exit(EXIT_INTERRUPTED) from None


@click.group(cls=_NetnotesGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="netnotes")
@click.option(
    "--vault",
    metavar="DIR",
    envvar="NETNOTES_VAULT",
    help="The vault folder. Default: the nearest folder upward with netnotes.yaml, else the current "
    "folder if it has contacts/, interactions/ or asks/.",
)
@click.pass_context
def main(ctx: click.Context, vault: str | None) -> None:
    """netnotes: a plain-text personal CRM for professional networking.

    Your network is Markdown notes with YAML front matter in contacts/, interactions/ and asks/.
    """
    ctx.obj = Context(vault)


@main.command()
@click.argument("folder", required=False, type=click.Path(path_type=Path))
@pass_ctx
def init(ctx: Context, folder: Path | None) -> None:
    """Make a new vault in FOLDER (default: --vault or NETNOTES_VAULT, else the current folder)."""
    from .scaffold import InitError, init_vault

    target = folder or (Path(ctx.vault_option) if ctx.vault_option is not None else Path.cwd())
    try:
        made = init_vault(target)
    except InitError as err:
        raise VaultUnusable(str(err)) from None
    for path in made:
        click.echo(path)
    click.echo(f"New vault in {target}. Add a contact: netnotes --vault {target} new contact 'Jane Doe'", err=True)


@main.command()
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@pass_ctx
def check(ctx: Context, strict: bool, fmt: str) -> None:
    """Report every problem in the vault, like a linter (FILE:LINE:COL: severity CODE message)."""
    result = ctx.load()
    problems = result.problems
    click.echo(format_json(problems) if fmt == "json" else format_text(problems), nl=False)
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    v = result.vault
    click.echo(
        f"{len(v.contacts)} contacts, {len(v.interactions)} interactions, {len(v.asks)} asks: "
        f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}",
        err=True,
    )
    sys.exit(EXIT_PROBLEMS if has_errors(problems, strict) else EXIT_OK)


def parse_within(value: str | None) -> Duration | None:
    if value is None:
        return None
    try:
        return parse_duration(value, allow_never=False)
    except DateError as err:
        raise click.BadParameter(str(err), param_hint="'--within'") from None


def today_or(day: dt.date | None) -> dt.date:
    return day if day is not None else dt.date.today()


@main.command()
@click.option("--today", type=DATE, help="Pretend today is this date (default: the local date).")
@click.option("--within", metavar="DUR", help="How far ahead 'soon' looks (default: horizon in netnotes.yaml).")
@click.option("--all", "show_all", is_flag=True, help="Also list items due later than the horizon.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@pass_ctx
def due(ctx: Context, today: dt.date | None, within: str | None, show_all: bool, fmt: str) -> None:
    """Who is due for a touch, which follow-ups and asks are waiting, and birthdays coming up."""
    from .followup import due_items
    from .moves import moves_for
    from .report import format_due_json, format_due_text

    horizon = parse_within(within)
    result = ctx.load(today)
    report_problems(result, "this list is incomplete")
    items = due_items(result.vault, today_or(today), horizon, show_all, moves_for(ctx.root, result.vault.config))
    if fmt == "json":
        click.echo(format_due_json(items), nl=False)
    else:
        color = False if os.environ.get("NO_COLOR") else None
        click.echo(format_due_text(items, today_or(today), result.vault.contacts_by_id), nl=False, color=color)
    sys.exit(EXIT_PROBLEMS if has_errors(result.problems) else EXIT_OK)


@main.command()
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Address to listen on (keep it local: the site is private)."
)
@click.option(
    "--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port; 0 picks a free one."
)
@click.option("--today", type=DATE, help="Pretend today is this date (default: the local date, read at each rebuild).")
@pass_ctx
def serve(ctx: Context, host: str, port: int, today: dt.date | None) -> None:
    """Build the dashboard, serve it on HOST:PORT, rebuild and reload the browser on every change."""
    from .serve import ListenError, serve_vault
    from .site.build import ThemeError
    from .site.output import OutputRefused, SiteWriteError

    def log(message: str) -> None:
        click.echo(message, err=True)

    def ready(url: str) -> None:
        click.echo(f"Serving {url}  (Ctrl-C to stop)")

    try:
        serve_vault(ctx.root, host, port, lambda: today_or(today), log, ready)
    except (ListenError, OutputRefused, SiteWriteError, ThemeError) as err:
        raise VaultUnusable(str(err)) from None


from .cli_notes import register as _register_notes  # noqa: E402

_register_notes(main)

from .cli_site import register as _register_site  # noqa: E402

_register_site(main)
