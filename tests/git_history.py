"""Helpers for the career-move tests: a vault in a git repository, with commits at fixed dates.

``Repo.commit({path: text or None}, "2026-11-10")`` writes (None: deletes) files of the vault and
commits them with that author and committer date (noon UTC unless a time is given), so every
history is the same on every machine. git runs with no system or global config.
"""

from __future__ import annotations

import os
import subprocess
import textwrap
from collections.abc import Mapping
from pathlib import Path

GIT_ENV = {
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_AUTHOR_NAME": "Sam Rivera",
    "GIT_AUTHOR_EMAIL": "sam@example.org",
    "GIT_COMMITTER_NAME": "Sam Rivera",
    "GIT_COMMITTER_EMAIL": "sam@example.org",
}

Files = Mapping[str, str | bytes | None]


def _stamp(date: str) -> str:
    return date if "T" in date else f"{date}T12:00:00+00:00"


def contact(name: str, company: str | None = None, role: str | None = None, **more: str) -> str:
    """A contact note's text."""
    lines = ["---", f"name: {name}"]
    if company is not None:
        lines.append(f"company: {company}")
    if role is not None:
        lines.append(f"role: {role}")
    lines += [f"{k}: {v}" for k, v in more.items()]
    return "\n".join([*lines, "---", ""])


class Repo:
    """A git repository whose work tree holds the vault at ``vault`` (maybe a subfolder)."""

    def __init__(self, top: Path, vault: str = "") -> None:
        self.top = top
        self.vault = top / vault if vault else top
        self.vault.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")
        (self.vault / ".gitignore").write_text(".netnotes/\n_site/\n", encoding="utf-8")

    def git(self, *args: str, date: str | None = None, committed: str | None = None) -> str:
        """Run git in the repository; ``date`` is the author date, and the committer date too
        unless ``committed`` is given."""
        env = {**os.environ, **GIT_ENV}
        if date is not None:
            env.update(GIT_AUTHOR_DATE=_stamp(date), GIT_COMMITTER_DATE=_stamp(committed or date))
        done = subprocess.run(["git", *args], cwd=self.top, env=env, capture_output=True, text=True, check=True)
        return done.stdout.strip()

    def write(self, files: Files) -> None:
        for relpath, text in files.items():
            path = self.vault / relpath
            if text is None:
                path.unlink()
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(text, str):
                text = textwrap.dedent(text).removeprefix("\n").encode("utf-8")
            path.write_bytes(text)

    def commit(self, files: Files, date: str, message: str = "notes") -> str:
        """Write ``files`` into the vault, commit everything at ``date``; the new commit's id."""
        self.write(files)
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message, date=date)
        return self.head()

    def head(self) -> str:
        return self.git("rev-parse", "HEAD")


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under ``folder`` with its bytes and modification time: to see nothing changed."""
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }
