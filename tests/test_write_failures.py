"""Writes that the file system refuses (issue 8): an `Error:` line naming the file, exit 2.

Everything here runs as root, whom permission bits do not stop, so the refusal is simulated:
the low-level call (mkdir, create, write, link, replace) raises what a read-only folder, a
read-only file system or a full disk would make it raise. Whatever fails, the folder listing
afterwards is the listing before: no partial note, no temporary file, no empty folder.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import MakeVault, RunCli

REFUSALS = {
    "no-permission": (lambda: PermissionError(errno.EACCES, os.strerror(errno.EACCES)), "Permission denied"),
    "read-only-fs": (lambda: OSError(errno.EROFS, os.strerror(errno.EROFS)), "Read-only file system"),
    "disk-full": (lambda: OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)), "No space left on device"),
}

CONNECTIONS = (
    'Notes:\n"Some export notes"\n\n'
    "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
    "Ada,Lovelace,https://www.linkedin.com/in/ada,,Analytical,Engineer,15 Mar 2024\n"
    "Grace,Hopper,https://www.linkedin.com/in/grace,,Navy,Admiral,16 Mar 2024\n"
    "Alan,Turing,https://www.linkedin.com/in/alan,,Bletchley,Analyst,17 Mar 2024\n"
)
VCARDS = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada Lovelace\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Grace Hopper\r\nEND:VCARD\r\n"
)


def listing(folder: Path) -> dict[str, bytes | None]:
    """Every file and folder under ``folder``, hidden ones too, with the files' bytes."""
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes() if p.is_file() else None) for p in sorted(folder.rglob("*"))
    }


@pytest.fixture
def workspace(make_vault: MakeVault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The current folder: a vault (`vault/`, no note folders yet but `contacts/jane-doe.md`),
    two import files, and nothing else."""
    make_vault({"contacts/jane-doe.md": "---\nname: Jane Doe\n---\n"}, config="title: test\n")
    (tmp_path / "Connections.csv").write_text(CONNECTIONS, encoding="utf-8")
    (tmp_path / "people.vcf").write_text(VCARDS, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NETNOTES_VAULT", raising=False)
    return tmp_path


def move_contacts_aside(workspace: Path) -> None:
    """`new contact` and imports then have to make `contacts/` too."""
    (workspace / "vault/contacts/jane-doe.md").unlink()
    (workspace / "vault/contacts").rmdir()


# (command line, what it writes first, the primitives it goes through)
COMMANDS = {
    "new-contact": (
        ["--vault", "vault", "new", "contact", "Grace Liu"],
        "vault/contacts/grace-liu.md",
        ["mkdir", "create", "write", "link"],
    ),
    "log": (
        ["--vault", "vault", "log", "jane-doe", "--kind", "coffee", "--date", "2026-06-11"],
        "vault/interactions/2026/2026-06-11-coffee-jane-doe.md",
        ["mkdir", "create", "write", "link"],
    ),
    "ask": (
        ["--vault", "vault", "ask", "Jane Doe", "--direction", "out", "--kind", "advice", "--date", "2026-06-12"],
        "vault/asks/2026-06-12-advice-jane-doe.md",
        ["mkdir", "create", "write", "link"],
    ),
    "import-linkedin": (
        ["--vault", "vault", "import", "linkedin", "Connections.csv"],
        "vault/contacts/ada-lovelace.md",
        ["mkdir", "create", "write", "link"],
    ),
    "import-vcard": (
        ["--vault", "vault", "import", "vcard", "people.vcf"],
        "vault/contacts/ada-lovelace.md",
        ["mkdir", "create", "write", "link"],
    ),
    "export-ics": (["--vault", "vault", "export", "ics", "-o", "due.ics"], "due.ics", ["create", "write", "replace"]),
    "export-json": (
        ["--vault", "vault", "export", "json", "-o", "model.json"],
        "model.json",
        ["create", "write", "replace"],
    ),
    "init": (["init", "fresh"], "fresh", ["mkdir", "create", "write", "link"]),
    "init-into-vault-option": (["--vault", "fresh", "init"], "fresh", ["mkdir", "create", "write", "link"]),
    "init-with-a-gitignore": (["init", "vault-to-be"], "vault-to-be/.gitignore", ["replace"]),
}


def refuse(monkeypatch: pytest.MonkeyPatch, primitive: str, error: Callable[[], OSError]) -> None:
    """Make one low-level call fail as the file system would."""
    real_open = os.open

    def fail(*args: object, **kwargs: object) -> None:
        raise error()

    def open_refusing_creation(path: str | bytes | os.PathLike[str], flags: int, *args: Any, **kwargs: Any) -> int:
        if flags & os.O_CREAT:
            raise error()
        return real_open(path, flags, *args, **kwargs)

    if primitive == "create":
        monkeypatch.setattr(os, "open", open_refusing_creation)
    else:
        monkeypatch.setattr(
            os, {"mkdir": "mkdir", "write": "write", "link": "link", "replace": "replace"}[primitive], fail
        )


CASES = [
    pytest.param(command, primitive, refusal, id=f"{command}-{primitive}-{refusal}")
    for command, (_, _, primitives) in COMMANDS.items()
    for primitive in primitives
    for refusal in REFUSALS
]


@pytest.mark.parametrize(("command", "primitive", "refusal"), CASES)
def test_a_refused_write_is_an_error_line_and_leaves_nothing_behind(
    run_cli: RunCli, workspace: Path, monkeypatch: pytest.MonkeyPatch, command: str, primitive: str, refusal: str
) -> None:
    args, target, _ = COMMANDS[command]
    if command in ("new-contact", "import-linkedin", "import-vcard"):
        move_contacts_aside(workspace)
    if command == "init-with-a-gitignore":
        (workspace / "vault-to-be").mkdir()
        (workspace / "vault-to-be/.gitignore").write_text("*.pyc\n", encoding="utf-8")
    make_error, cause = REFUSALS[refusal]
    before = listing(workspace)
    with monkeypatch.context() as patched:
        refuse(patched, primitive, make_error)
        result = run_cli(*args)
    assert result.exit_code == 2, result.output
    assert (
        result.stderr.startswith(f"Error: cannot write {target}") or f"\nError: cannot write {target}" in result.stderr
    ), result.stderr
    assert f": {cause}" in result.stderr.splitlines()[-1]
    assert "Traceback" not in result.output
    assert listing(workspace) == before


def test_an_import_that_fails_half_way_says_how_many_notes_it_wrote(
    run_cli: RunCli, workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_link = os.link
    links: list[str] = []

    def link_until_the_disk_is_full(
        src: str | os.PathLike[str], dst: str | os.PathLike[str], *args: Any, **kwargs: Any
    ) -> None:
        if not str(dst).endswith(".md"):  # netnotes' own cache key, made on first use
            return real_link(src, dst, *args, **kwargs)
        if links:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        links.append(str(dst))
        real_link(src, dst, *args, **kwargs)

    with monkeypatch.context() as patched:
        patched.setattr(os, "link", link_until_the_disk_is_full)
        result = run_cli("--vault", "vault", "import", "linkedin", "Connections.csv")
    assert result.exit_code == 2
    assert result.stdout == "vault/contacts/ada-lovelace.md\n"
    assert result.stderr.splitlines()[-2:] == [
        "created 1, skipped 0, invalid 0",
        "Error: cannot write vault/contacts/grace-hopper.md: No space left on device; "
        "1 contact was written before the failure (importing again adds the rest)",
    ]
    assert sorted(p.name for p in (workspace / "vault/contacts").iterdir()) == ["ada-lovelace.md", "jane-doe.md"]
    again = run_cli("--vault", "vault", "import", "linkedin", "Connections.csv")
    assert again.exit_code == 0
    assert "created 2, skipped 1, invalid 0" in again.stderr


@pytest.mark.parametrize(
    "args",
    [["--vault", "vault", "export", "ics", "-o", "shared.txt"], ["init", "."]],
    ids=["export", "init-adding-to-a-gitignore"],
)
def test_a_file_replaced_in_one_step_keeps_its_permissions(run_cli: RunCli, workspace: Path, args: list[str]) -> None:
    replaced = workspace / ("shared.txt" if "export" in args else ".gitignore")
    replaced.write_text("old\n", encoding="utf-8")
    replaced.chmod(0o644)
    result = run_cli(*args)
    assert result.exit_code == 0, result.output
    assert replaced.read_text(encoding="utf-8") != "old\n"
    assert oct(replaced.stat().st_mode & 0o777) == oct(0o644)
