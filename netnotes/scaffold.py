"""``netnotes init``: a new, empty vault with commented settings and a .gitignore."""

from __future__ import annotations

from pathlib import Path

from .config import TEMPLATE
from .discover import CONFIG_FILE, KINDS

GITIGNORE = "# netnotes: the built dashboard and the cache are not notes\n_site/\n.netnotes/\n"


class InitError(Exception):
    pass


def init_vault(folder: Path) -> list[Path]:
    """Create the vault in ``folder``; refuse if it already holds a vault or note folders."""
    if (folder / CONFIG_FILE).exists():
        raise InitError(f"'{folder}' is already a vault ({CONFIG_FILE} exists); nothing was changed")
    clashes = [k for k in KINDS if (folder / k).exists()]
    if clashes:
        raise InitError(f"'{folder}' already has {', '.join(clashes)}/; nothing was changed")
    if folder.exists() and not folder.is_dir():
        raise InitError(f"'{folder}' is not a folder")
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for kind in KINDS:
        (folder / kind).mkdir()
        made.append(folder / kind)
    config = folder / CONFIG_FILE
    with open(config, "x", encoding="utf-8") as fh:
        fh.write(TEMPLATE)
    made.append(config)
    ignore = folder / ".gitignore"
    if ignore.exists():
        text = ignore.read_text(encoding="utf-8", errors="replace")
        missing = [line for line in ("_site/", ".netnotes/") if line not in text.split()]
        if missing:
            with open(ignore, "a", encoding="utf-8") as fh:
                fh.write(("" if text.endswith("\n") or not text else "\n") + "\n".join(missing) + "\n")
    else:
        with open(ignore, "x", encoding="utf-8") as fh:
            fh.write(GITIGNORE)
    made.append(ignore)
    return made
