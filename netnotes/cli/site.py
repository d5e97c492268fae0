"""The commands that make the dashboard: ``build`` writes it, ``serve`` serves and rebuilds it.
Thin commands over ``site.build.build_site`` and ``serve.serve_vault``."""

from __future__ import annotations

import datetime as dt
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
@pass_ctx
def build(ctx: Context, out: Path | None, today: dt.date | None, clean: bool) -> None:
    """Render the private dashboard site: open OUT/index.html in a browser.

    The site is built aside and swapped in whole, so a failed or interrupted build leaves the
    previous one as it was. A non-empty folder that netnotes did not make is never written to.
    """
    from ..config import load_config
    from ..site.build import ThemeError, build_site, clean_cache, output_folder
    from ..site.output import OutputRefused, SiteWriteError, check_output

    root = ctx.root
    target = output_folder(root, out, load_config(root)[0].output)
    try:
        check_output(target, root)  # before --clean deletes anything
    except OutputRefused as err:
        raise VaultUnusable(str(err)) from None
    warnings = clean_cache(root, target) if clean else []  # before loading: --clean reads every note afresh
    result = ctx.load(today)
    try:
        report_problems(result, "the dashboard is incomplete")
        report = build_site(root, result, target, today_or(today))
    except (OutputRefused, ThemeError, SiteWriteError) as err:
        raise VaultUnusable(str(err)) from None
    for warning in (*warnings, *report.cache_warnings):
        click.echo(f"Warning: {warning}", err=True)
    click.echo(str(report.out))
    click.echo(report.summary(), err=True)
    exit_for(result.problems)


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
