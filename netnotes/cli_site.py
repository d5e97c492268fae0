"""``netnotes build``: the dashboard site. A thin command over ``site.build.build_site``."""

from __future__ import annotations

import datetime as dt
import shutil
import sys
from pathlib import Path

import click

from .cli import DATE, EXIT_OK, EXIT_PROBLEMS, Context, VaultUnusable, pass_ctx, report_problems, today_or
from .problems import has_errors


def output_folder(root: Path, out: Path | None, configured: str) -> Path:
    """``--out`` as given (relative to the current folder), else ``output`` from netnotes.yaml
    relative to the vault."""
    return out if out is not None else root / configured


def clean_cache(root: Path, out: Path) -> list[str]:
    """Drop netnotes' caches in the vault and staging folders of builds that died; what could
    not be removed, as warnings (the build goes on: it renders every note afresh anyway)."""
    from .site.build import RENDER_CACHE
    from .site.output import remove_stale_staging

    folder = root / RENDER_CACHE
    try:
        if folder.is_dir() and not folder.is_symlink():
            shutil.rmtree(folder)
    except OSError as err:
        return [f"cannot remove the render cache {err.filename or folder}: {err.strerror or err}"]
    try:
        remove_stale_staging(out, root)
    except OSError as err:
        return [f"cannot clear old staging folders in {err.filename}: {err.strerror or err}"]
    return []


@click.command()
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    help="Output folder (default: 'output' in netnotes.yaml, _site, inside the vault).",
)
@click.option("--today", type=DATE, help="Pretend today is this date (default: the local date).")
@click.option(
    "--clean", is_flag=True, help="Drop cached data under the vault's .netnotes/ first (a full rebuild from the notes)."
)
@pass_ctx
def build(ctx: Context, out: Path | None, today: dt.date | None, clean: bool) -> None:
    """Render the private dashboard site: open OUT/index.html in a browser.

    The site is built aside and swapped in whole, so a failed or interrupted build leaves the
    previous one as it was. A non-empty folder that netnotes did not make is never written to.
    """
    from .site.build import ThemeError, build_site
    from .site.output import OutputRefused, SiteWriteError, check_output

    root = ctx.root
    result = ctx.load(today)
    target = output_folder(root, out, result.vault.config.output)
    try:
        check_output(target, root)  # before --clean deletes anything
        warnings = clean_cache(root, target) if clean else []
        report_problems(result, "the dashboard is incomplete")
        report = build_site(root, result, target, today_or(today))
    except (OutputRefused, ThemeError, SiteWriteError) as err:
        raise VaultUnusable(str(err)) from None
    for warning in (*warnings, *report.cache_warnings):
        click.echo(f"Warning: {warning}", err=True)
    click.echo(str(report.out))
    click.echo(report.summary(), err=True)
    sys.exit(EXIT_PROBLEMS if has_errors(result.problems) else EXIT_OK)


def register(group: click.Group) -> None:
    group.add_command(build)
