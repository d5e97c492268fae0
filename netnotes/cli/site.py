"""The commands that make the dashboard: ``build`` writes it, ``serve`` serves and rebuilds it.
Thin commands over ``site.build.build_site`` and ``serve.serve_vault``."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import click

from .common import Context, VaultUnusable, exit_for, pass_ctx, report_problems, today_option, today_or


@click.command()
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    help="Output folder (default: 'output' in netnotes.yaml, _site, inside the vault).",
)
@today_option()
@click.option(
    "--clean",
    is_flag=True,
    help="Drop netnotes' caches of this vault first (a full rebuild from the notes).",
)
@click.option(
    "--encrypt",
    is_flag=True,
    help="Encrypt every page for a passphrase (from NETNOTES_PASSPHRASE, else asked twice); see docs/encryption.md.",
)
@click.option("--new-salt", is_flag=True, help="With --encrypt: draw a new salt (after changing the passphrase).")
@click.option(
    "--allow-weak-passphrase", is_flag=True, help="With --encrypt: accept a passphrase that is easy to guess."
)
@pass_ctx
def build(
    ctx: Context,
    out: Path | None,
    today: dt.date | None,
    clean: bool,
    encrypt: bool,
    new_salt: bool,
    allow_weak_passphrase: bool,
) -> None:
    """Render the private dashboard site: open OUT/index.html in a browser.

    The site is built aside and swapped in whole, so a failed or interrupted build leaves the
    previous one as it was. A non-empty folder that netnotes did not make is never written to.
    """
    from ..config import load_config
    from ..site.build import BuildOptions, ThemeError, build_site, clean_cache, output_folder
    from ..site.encrypt import EncryptionError, encryption_from
    from ..site.output import OutputRefused, SiteWriteError, check_output

    if (new_salt or allow_weak_passphrase) and not encrypt:
        raise click.UsageError("--new-salt and --allow-weak-passphrase go with --encrypt")
    try:  # first: the passphrase leaves the environment before anything starts a process
        encryption = encryption_from(os.environ, _ask_passphrase, new_salt, allow_weak_passphrase) if encrypt else None
    except EncryptionError as err:
        raise VaultUnusable(str(err)) from None
    root = ctx.root
    target = output_folder(root, out, load_config(root)[0].output)
    try:
        check_output(target, root)  # before --clean deletes anything
    except OutputRefused as err:
        raise VaultUnusable(str(err)) from None
    warnings = clean_cache(root, target) if clean else []  # before loading: --clean reads every note afresh
    result = ctx.load(today, model=False, raw_notes=False)
    try:
        report_problems(result, "the dashboard is incomplete")
        report = build_site(root, result, target, today_or(today), BuildOptions(encryption=encryption))
    except (OutputRefused, ThemeError, SiteWriteError, EncryptionError) as err:
        raise VaultUnusable(str(err)) from None
    for warning in (*warnings, *report.cache_warnings):
        click.echo(f"Warning: {warning}", err=True)
    click.echo(str(report.out))
    click.echo(report.summary(), err=True)
    exit_for(result.problems)


def _ask_passphrase() -> str:
    try:
        return str(click.prompt("Passphrase", hide_input=True, confirmation_prompt=True, err=True))
    except click.Abort:  # no input left (or Ctrl-C): a usage error, not a vault with errors
        raise VaultUnusable(
            "no passphrase was typed; type it at the prompt, or set NETNOTES_PASSPHRASE to give it without one"
        ) from None


@click.command()
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Address to listen on (keep it local: the site is private)."
)
@click.option(
    "--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port; 0 picks a free one."
)
@today_option("Pretend today is this date (default: the local date, read at each rebuild).")
@pass_ctx
def serve(ctx: Context, host: str, port: int, today: dt.date | None) -> None:
    """Build the dashboard, serve it on HOST:PORT, rebuild and reload the browser on every change."""
    from ..serve import ListenError, serve_vault
    from ..site.build import ThemeError
    from ..site.output import OutputRefused, SiteWriteError

    def log(message: str) -> None:
        click.echo(message, err=True)

    def ready(url: str) -> None:
        click.echo(f"Serving {url}  (Ctrl-C to stop)")

    try:
        serve_vault(ctx.root, host, port, lambda: today_or(today), log, ready)
    except (ListenError, OutputRefused, SiteWriteError, ThemeError) as err:
        raise VaultUnusable(str(err)) from None


COMMANDS = (build, serve)
