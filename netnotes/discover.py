"""Finding the vault and the note files in it.

Only ``contacts/``, ``interactions/`` and ``asks/`` are read. Hidden files and folders are
skipped, and anything that resolves (through a symlink) outside the vault is neither followed
nor read, so a vault cannot be made to leak files from elsewhere into its dashboard.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from .problems import Problem, problem

CONFIG_FILE = "netnotes.yaml"
KINDS = ("contacts", "interactions", "asks")


class VaultError(Exception):
    """The vault itself cannot be used (missing folder, not a folder): exit code 2."""


@dataclass(frozen=True, slots=True)
class NoteFile:
    kind: str  # contacts | interactions | asks
    path: str  # vault-relative, '/'-separated
    abspath: str
    id: str = field(init=False)  # the file name without .md, case-folded

    def __post_init__(self) -> None:
        object.__setattr__(self, "id", self.path.rsplit("/", 1)[-1][:-3].casefold())


NO_VAULT = "no vault here: run `netnotes init` or pass --vault"


def find_vault(explicit: str | os.PathLike[str] | None = None, start: Path | None = None) -> Path:
    """``--vault`` if given; else the nearest folder upward holding netnotes.yaml; else the
    current folder when it holds a note folder. Anywhere else is no vault: a command run in the
    wrong folder says so instead of finding nothing due or writing notes there."""
    if explicit is not None:
        root = Path(explicit)
        if not root.exists():
            raise VaultError(f"vault folder '{root}' does not exist")
        if not root.is_dir():
            raise VaultError(f"vault '{root}' is not a folder")
        return root.resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_FILE).is_file():
            return folder
    if any((here / kind).is_dir() for kind in KINDS):
        return here
    raise VaultError(NO_VAULT)


def discover(root: Path) -> tuple[list[NoteFile], list[Problem]]:
    """Every note file of the vault, sorted by path, plus warnings for skipped symlinks."""
    real_root = os.path.realpath(root)
    files: list[NoteFile] = []
    problems: list[Problem] = []
    for kind in KINDS:
        _walk(real_root, str(root), kind, kind, files, problems, set())
    files.sort(key=lambda f: f.path)
    return files, problems


def is_inside(real_root: str, real: str) -> bool:
    return real == real_root or real.startswith(real_root + os.sep)


def is_vault_file(root: Path, path: Path) -> bool:
    """Whether ``path`` is, or once written would be, read by the vault: its netnotes.yaml or a
    note. (A symlink at ``path`` itself counts as the link, which is what replacing it replaces.)"""
    real_root = os.path.realpath(root)
    real = os.path.join(os.path.realpath(path.parent), path.name)
    if not is_inside(real_root, real):
        return False
    parts = os.path.relpath(real, real_root).split(os.sep)
    return parts == [CONFIG_FILE] or (len(parts) > 1 and parts[0] in KINDS and parts[-1].lower().endswith(".md"))


def _is_utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _walk(real_root: str, root: str, kind: str, rel: str, files: list[NoteFile],
          problems: list[Problem], seen: set[str]) -> None:
    folder = os.path.join(root, rel)
    real = os.path.realpath(folder)
    if not is_inside(real_root, real):
        problems.append(problem(rel, 1, 1, "NN206",
                                f"'{rel}' links outside the vault (to {real}); it was not read"))
        return
    if real in seen:  # a symlink loop inside the vault
        return
    seen.add(real)
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except (FileNotFoundError, NotADirectoryError):
        return
    except OSError as err:
        problems.append(problem(rel, 1, 1, "NN100", f"cannot read folder: {err.strerror or err}"))
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        entry_rel = f"{rel}/{entry.name}"
        try:
            is_link = entry.is_symlink()
            if is_link:
                target = os.path.realpath(entry.path)
                if not is_inside(real_root, target):
                    problems.append(problem(entry_rel, 1, 1, "NN206",
                                            f"symlink points outside the vault (to {target}); it was not read"))
                    continue
            mode = os.stat(entry.path).st_mode
        except OSError:
            continue  # a dangling symlink or a file removed meanwhile
        is_dir = stat.S_ISDIR(mode)
        if (is_dir or entry.name.lower().endswith(".md")) and not _is_utf8(entry.name):
            # Undecodable bytes come back from the OS as lone surrogates, which no page, export
            # or terminal can show; the problem names the file with U+FFFD in their place.
            shown = entry_rel.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            what = "folder" if is_dir else "file"
            problems.append(problem(shown, 1, 1, "NN100", f"{what} name is not valid UTF-8; rename it"))
            continue
        if is_dir:
            _walk(real_root, root, kind, entry_rel, files, problems, seen)
        elif stat.S_ISREG(mode) and entry.name.lower().endswith(".md"):
            files.append(NoteFile(kind, entry_rel, entry.path))
