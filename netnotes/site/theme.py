"""The theme: Jinja2 templates and static files, the vault's ``theme/`` over the default one.

``themes/default/`` ships in the package as ``netnotes.themes``. A vault's ``theme/templates/x``
replaces ``templates/x`` and its ``theme/static/x`` replaces ``static/x``; anything else is taken
from the default. Autoescaping is on for every template: note text is always escaped, and only
HTML netnotes made itself (rendered Markdown, SVG charts) is passed in as ``Markup``.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import importlib.resources
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from ..markdown import is_web_url
from .pages import show_value
from .search import fold
from .template_cache import TemplateCache

THEME_DIR = "theme"  # in the vault
_SAFE_NAME_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]*$")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


# Static files of the default theme that only ``netnotes serve`` puts in its copy of the site
# (a built site opened from disk has no server to ask): ``build`` leaves them out.
SERVED_ONLY = frozenset({"netnotes-reload.js"})


def default_theme() -> Path:
    return Path(str(importlib.resources.files("netnotes.themes") / "default"))


def served_only_file(name: str) -> bytes:
    """The default theme's ``static/<name>``, one of ``SERVED_ONLY``."""
    return (default_theme() / "static" / name).read_bytes()


@dataclass(frozen=True, slots=True)
class Theme:
    env: jinja2.Environment
    static: dict[str, Path]  # '/'-separated path under static/ -> the file to copy
    templates: tuple[Path, ...] = ()  # the template folders, searched in this order


MAX_TEMPLATE_FILES = 5000  # a theme with more is not digested: its pages are always rendered


def templates_digest(theme: Theme) -> str | None:
    """A SHA-256 of every file in the theme's template folders (symbolic links followed, as
    Jinja2 follows them) and of the sandbox in use: what a page's HTML takes from the theme.
    None when the folders cannot be read in full."""
    digest = hashlib.sha256(type(theme.env).__qualname__.encode())
    count = 0
    for number, folder in enumerate(theme.templates):
        seen: set[str] = set()
        for dirpath, dirnames, filenames in os.walk(folder, followlinks=True):
            real = os.path.realpath(dirpath)
            if real in seen:  # a link back up the tree: walked already
                dirnames[:] = []
                continue
            seen.add(real)
            dirnames.sort()
            for name in sorted(filenames):
                count += 1
                if count > MAX_TEMPLATE_FILES:
                    return None
                path = Path(dirpath) / name
                if not path.is_file():
                    continue  # a device or a pipe is no template (and reading it may never end)
                try:
                    data = path.read_bytes()
                except OSError:
                    return None
                rel = path.relative_to(folder).as_posix()
                digest.update(f"{number}\0{rel}\0{len(data)}\0".encode("utf-8", "surrogateescape"))
                digest.update(data)
    return digest.hexdigest()


def load_theme(vault_root: Path, today: dt.date | None = None, warn: Callable[[str], None] | None = None) -> Theme:
    """The vault's theme over the default one. With ``warn``, compiled templates are kept in
    the user's template cache (``template_cache``), and why it cannot be used goes to ``warn``."""
    default = default_theme()
    own = Path(vault_root) / THEME_DIR
    loaders: list[jinja2.BaseLoader] = []
    folders: list[Path] = []
    environment: type[jinja2.Environment] = jinja2.Environment
    if (own / "templates").is_dir():
        loaders.append(jinja2.FileSystemLoader(str(own / "templates")))
        folders.append(own / "templates")
        # A vault may be someone else's (a cloned repository): its templates get Jinja2's
        # sandbox, which keeps them from Python's internals (and so from running commands).
        # The default theme is netnotes' own and renders without the sandbox's cost.
        environment = ImmutableSandboxedEnvironment
    loaders.append(jinja2.FileSystemLoader(str(default / "templates")))
    folders.append(default / "templates")
    loader = jinja2.ChoiceLoader(loaders)
    env = environment(
        loader=loader,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
        bytecode_cache=TemplateCache.open(warn) if warn is not None else None,
    )
    env.filters.update(
        date=functools.partial(format_date, today=today), days=format_days, plural=plural, fold=fold, shown=show_value
    )
    env.tests.update(web_url=is_web_url)
    return Theme(env, static_files(vault_root), tuple(folders))


def theme_key(vault_root: Path, today: dt.date | None) -> tuple[str, dt.date | None, bool]:
    """What ``load_theme`` makes a theme of besides its template files: a theme loaded under the
    same key whose templates digest the same (``templates_digest``) may be used again, with its
    compiled templates, after ``static_files`` is read again (``netnotes serve`` does)."""
    return os.path.realpath(vault_root), today, (Path(vault_root) / THEME_DIR / "templates").is_dir()


def static_files(vault_root: Path) -> dict[str, Path]:
    """The theme's static files: the vault's ``theme/static/`` over the default theme's."""
    default = default_theme()
    static = {name: path for name, path in _static_files(default / "static", None).items() if name not in SERVED_ONLY}
    static.update(_static_files(Path(vault_root) / THEME_DIR / "static", Path(vault_root)))
    return dict(sorted(static.items()))


def _static_files(folder: Path, vault_root: Path | None) -> dict[str, Path]:
    """Files under ``folder`` by relative path; hidden files, odd names and (for a vault's
    theme) anything that resolves outside the vault are left out."""
    found: dict[str, Path] = {}
    if not folder.is_dir():
        return found
    real_vault = os.path.realpath(vault_root) if vault_root is not None else None
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if _SAFE_NAME_RE.match(d))
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if not _SAFE_NAME_RE.match(name) or not path.is_file():
                continue
            if real_vault is not None and not Path(os.path.realpath(path)).is_relative_to(real_vault):
                continue
            found[path.relative_to(folder).as_posix()] = path
    return found


def format_date(day: dt.date | None, style: str = "short", today: dt.date | None = None) -> str:
    """``2026-11-25`` -> ``Wed 25 Nov`` (short) or ``25 Nov 2026`` (long); ISO with ``iso``.

    A short date in another year than ``today``'s is written long, so that a favour done in
    May 2025 does not read as May of this year.
    """
    if day is None:
        return ""
    if style == "iso":
        return day.isoformat()
    if style == "long" or (today is not None and day.year != today.year):
        return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
    return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]}"


def format_days(days: int) -> str:
    """Days from today as words: ``today``, ``tomorrow``, ``in 3 days``, ``5 days ago``."""
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days == -1:
        return "yesterday"
    return f"in {days} days" if days > 0 else f"{-days} days ago"


def plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count} {word if count == 1 else (many or word + 's')}"
