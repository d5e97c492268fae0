"""``netnotes init``: a new, empty vault with commented settings and a .gitignore."""

from __future__ import annotations

from pathlib import Path

from .config import TEMPLATE
from .discover import CONFIG_FILE, KINDS
from .fsio import WriteFailed, create_file, make_folders, remove_folders, replace_file

GITIGNORE = "# netnotes: the built dashboard and the cache are not notes\n_site/\n.netnotes/\n"


class InitError(Exception):
    pass


def init_vault(folder: Path) -> list[Path]:
    """Create the vault in ``folder``; refuse if it already holds a vault or note folders.

    All or nothing: when the file system refuses a write, what this call made is removed again.
    """
    if (folder / CONFIG_FILE).exists():
        raise InitError(f"'{folder}' is already a vault ({CONFIG_FILE} exists); nothing was changed")
    clashes = [k for k in KINDS if (folder / k).exists()]
    if clashes:
        raise InitError(f"'{folder}' already has {', '.join(clashes)}/; nothing was changed")
    if folder.exists() and not folder.is_dir():
        raise InitError(f"'{folder}' is not a folder")
    ignore = folder / ".gitignore"
    folders: list[Path] = []
    config = folder / CONFIG_FILE
    try:
        folders += make_folders(folder, folder)
        for kind in KINDS:
            folders += make_folders(folder / kind, folder / kind)
        if not create_file(config, TEMPLATE.encode("utf-8")):
            raise InitError(f"'{folder}' is already a vault ({CONFIG_FILE} exists); nothing was changed")
        try:
            _write_gitignore(ignore)
        except BaseException:
            config.unlink(missing_ok=True)
            raise
    except WriteFailed as err:
        remove_folders(folders)
        raise InitError(f"{err}; nothing was changed") from None
    except BaseException:
        remove_folders(folders)
        raise
    return [*(folder / kind for kind in KINDS), config, ignore]


def _write_gitignore(ignore: Path) -> None:
    """A new .gitignore, or the lines netnotes needs added to the one there."""
    if not ignore.exists():
        if create_file(ignore, GITIGNORE.encode("utf-8")):
            return
    data = ignore.read_bytes()
    missing = [line for line in ("_site/", ".netnotes/") if line.encode() not in data.split()]
    if missing:
        added = ("" if data.endswith(b"\n") or not data else "\n") + "\n".join(missing) + "\n"
        replace_file(ignore, data + added.encode("utf-8"))
