"""Reading the git history of a cloned, untrusted vault safely, and caching what was read.

A repository's own config can name programs for git to run (fsmonitor, hooks, pagers, external
diff, textconv, signature checks). Each hostile setting here is first shown to run its program
under a plain git command, then shown not to run under netnotes.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import Result
from git_history import GIT_ENV, Repo, contact, snapshot

from netnotes import history
from netnotes.moves import Move, moves_for

T = "2026-11-25"
RunCli = Callable[..., Result]


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Repo]:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    repo = Repo(tmp_path / "vault")
    repo.commit({"contacts/ana.md": contact("Ana Lima", "Helix", "Engineer")}, "2026-01-10")
    repo.commit({"contacts/ana.md": contact("Ana Lima", "Quillmark", "CTO")}, "2026-11-10")
    yield repo
    monkeypatch.undo()
    time.tzset()


def script(path: Path, marker: Path) -> Path:
    """An executable that only records that it ran (and with what) in ``marker``."""
    path.write_text(f'#!/bin/sh\necho "$0 $*" >> "{marker}"\n', encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return path


def moves(vault: Path, warnings: list[str] | None = None) -> list[tuple[str, str]]:
    found = moves_for(vault, SimpleNamespace(), warn=pytest.fail if warnings is None else warnings.append)
    return [(m.contact, m.detail) for m in found]


MOVED = [("ana", "now CTO at Quillmark (was Engineer at Helix)")]


# -- an untrusted repository


def make_hostile(repo: Repo, tmp_path: Path) -> Path:
    """Config and attributes that would run a program under plain git; the marker it writes."""
    marker = tmp_path / "ran"
    bin_dir = tmp_path / "bin"
    hooks = tmp_path / "hooks"
    bin_dir.mkdir()
    hooks.mkdir()
    run = script(bin_dir / "run", marker)
    for hook in ("pre-commit", "post-checkout", "post-merge", "reference-transaction", "post-index-change"):
        script(hooks / hook, marker)
    # A signed head commit, so that log.showSignature has something to verify with gpg.program.
    raw = repo.git("cat-file", "commit", "HEAD")
    header, message = raw.split("\n\n", 1)
    signed = f"{header}\ngpgsig -----BEGIN PGP SIGNATURE-----\n \n iQ==\n -----END PGP SIGNATURE-----\n\n{message}\n"
    commit = (
        subprocess.run(
            ["git", "hash-object", "-t", "commit", "-w", "--stdin"],
            cwd=repo.top,
            input=signed.encode(),
            capture_output=True,
            check=True,
            env={**os.environ, **GIT_ENV},
        )
        .stdout.decode()
        .strip()
    )
    repo.git("update-ref", "refs/heads/main", commit)
    (repo.vault / ".gitattributes").write_text("*.md diff=notes\n", encoding="utf-8")
    with (repo.top / ".git" / "config").open("a", encoding="utf-8") as config:
        config.write(
            f"[core]\n\tfsmonitor = {run}\n\thooksPath = {hooks}\n\tpager = {run}\n\tsshCommand = {run}\n"
            f"[diff]\n\texternal = {run}\n\trenames = copies\n\trelative = true\n"
            f'[diff "notes"]\n\ttextconv = {run}\n\tcommand = {run}\n'
            f"[log]\n\tshowSignature = true\n\tshowRoot = false\n\tfollow = true\n"
            f"[gpg]\n\tprogram = {run}\n[color]\n\tui = always\n[pager]\n\tlog = {run}\n"
        )
    return marker


def test_a_hostile_repository_runs_nothing(repo: Repo, tmp_path: Path, run_cli: RunCli) -> None:
    (repo.vault / "contacts" / "work").mkdir()
    repo.git("mv", "contacts/ana.md", "contacts/work/ana.md")  # which diff.renames would pair up
    repo.commit({"contacts/work/ana.md": contact("Ana Lima", "Quillmark", "VP")}, "2026-11-12")
    marker = make_hostile(repo, tmp_path)
    env = {**os.environ, **GIT_ENV}
    for plain in (["status"], ["log", "-1"], ["log", "-p", "-1", "--", "contacts/ana.md"]):
        subprocess.run(["git", *plain], cwd=repo.top, env=env, capture_output=True, check=False)
        assert marker.exists(), f"git {' '.join(plain)} should have run the repository's program"
        marker.unlink()
    (repo.top / ".git" / "index").touch()  # whatever plain `git status` refreshed, before the snapshot
    before = snapshot(repo.top / ".git")

    assert moves(repo.vault) == [*MOVED, ("ana", "now VP at Quillmark (was CTO at Quillmark)")]
    due = run_cli("--vault", repo.vault, "due", "--today", T, "--format", "json")
    assert [i["reason"] for i in json.loads(due.stdout)] == ["congratulate"]
    assert run_cli("--vault", repo.vault, "build", "--today", T, "--out", tmp_path / "site").exit_code == 0
    assert b"Congratulate: Ana Lima" in run_cli("--vault", repo.vault, "export", "ics", "--today", T).stdout_bytes

    assert not marker.exists()
    assert snapshot(repo.top / ".git") == before  # nothing written to the repository


def test_git_gets_only_the_environment_it_needs(
    repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: RunCli
) -> None:
    calls = tmp_path / "calls"
    wrapper = tmp_path / "bin" / "git"
    wrapper.parent.mkdir()
    real = subprocess.run(["sh", "-c", "command -v git"], capture_output=True, text=True, check=True).stdout.strip()
    wrapper.write_text(f'#!/bin/sh\n{{ echo "ARGS $*"; env; }} >> "{calls}"\nexec "{real}" "$@"\n', encoding="utf-8")
    wrapper.chmod(0o755)
    monkeypatch.setenv("PATH", f"{wrapper.parent}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("NETNOTES_PASSPHRASE", "correct horse battery staple")
    monkeypatch.setenv("GIT_DIR", str(tmp_path / "elsewhere"))  # a user's git settings do not leak in
    monkeypatch.setenv("GIT_CONFIG_PARAMETERS", "'core.fsmonitor'='true'")

    assert moves(repo.vault) == MOVED
    seen = calls.read_text(encoding="utf-8")
    assert "correct horse" not in seen and "elsewhere" not in seen and "GIT_CONFIG_PARAMETERS" not in seen
    assert "GIT_CONFIG_NOSYSTEM=1" in seen and "GIT_OPTIONAL_LOCKS=0" in seen


def test_a_git_that_hangs_is_given_up_with_a_warning(
    repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = subprocess.run(["sh", "-c", "command -v git"], capture_output=True, text=True, check=True).stdout.strip()
    wrapper = tmp_path / "bin" / "git"
    wrapper.parent.mkdir()
    wrapper.write_text(f'#!/bin/sh\ncase "$*" in *" log "*) exec sleep 30;; esac\nexec "{real}" "$@"\n')
    wrapper.chmod(0o755)
    monkeypatch.setenv("PATH", f"{wrapper.parent}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr(history, "TIMEOUT", 1.0)

    warnings: list[str] = []
    assert moves(repo.vault, warnings) == []
    assert warnings == ["cannot read the git history of contacts/: git took more than 1 s; no career moves this time"]


# -- the cache


def record_git(monkeypatch: pytest.MonkeyPatch) -> tuple[list[tuple[str, ...]], list[str]]:
    """The git commands run and the blobs read from now on."""
    commands: list[tuple[str, ...]] = []
    blobs: list[str] = []
    run, read = history._Git.run, history._Git.blobs

    def recorded_run(self: history._Git, *args: str, quiet: bool = False) -> bytes:
        commands.append(args)
        return run(self, *args, quiet=quiet)

    def recorded_blobs(self: history._Git, ids: list[str]) -> Iterator[tuple[str, bytes | None]]:
        commands.append(("cat-file",))
        blobs.extend(ids)
        return read(self, ids)

    monkeypatch.setattr(history._Git, "run", recorded_run)
    monkeypatch.setattr(history._Git, "blobs", recorded_blobs)
    return commands, blobs


def test_a_warm_run_reads_only_head_and_new_commits_only_them(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    assert moves(repo.vault) == MOVED
    cache = repo.vault / ".netnotes" / "cache" / "history.json"
    cached = json.loads(cache.read_text(encoding="utf-8"))
    assert cached["head"] == repo.head()
    commands, blobs = record_git(monkeypatch)

    assert moves(repo.vault) == MOVED
    assert [c[0] for c in commands] == ["rev-parse"]

    old = repo.head()
    repo.commit({"contacts/bo.md": contact("Bo Chen", "Orbit")}, "2026-11-11")
    repo.commit({"interactions/coffee.md": "---\ndate: 2026-11-01\nwith: bo\n---\n"}, "2026-11-12")
    repo.commit({"contacts/bo.md": contact("Bo Chen", "Helix")}, "2026-11-13")
    commands.clear()
    assert moves(repo.vault) == [*MOVED, ("bo", "now Helix (was Orbit)")]
    assert [c[0] for c in commands] == ["rev-parse", "rev-list", "log", "cat-file"]
    assert f"{old}..{repo.head()}" in commands[2]
    assert len(blobs) == 2  # Bo's two versions, nothing older


def test_a_rewritten_history_is_read_in_full(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    assert moves(repo.vault) == MOVED
    repo.git("commit", "--amend", "-qm", "reworded", date="2026-11-10")
    commands, blobs = record_git(monkeypatch)

    assert moves(repo.vault) == MOVED
    assert [c[0] for c in commands] == ["rev-parse", "rev-list", "log", "cat-file"]
    assert ".." not in " ".join(commands[2]) and len(blobs) == 2


@pytest.mark.parametrize(
    "content",
    [
        b"not json",
        b"\x80\x03cos\nsystem\nq\x00.",  # a pickle: never unpickled
        b"[]",
        b'{"format": 1}',
        b"\xff\xfe",
    ],
    ids=["text", "pickle", "list", "missing keys", "not UTF-8"],
)
def test_a_corrupt_cache_is_a_warning_and_read_again(repo: Repo, content: bytes) -> None:
    cache = repo.vault / ".netnotes" / "cache" / "history.json"
    cache.parent.mkdir(parents=True)
    cache.write_bytes(content)

    warnings: list[str] = []
    assert moves(repo.vault, warnings) == MOVED
    assert len(warnings) == 1 and "history cache" in warnings[0]
    assert json.loads(cache.read_text(encoding="utf-8"))["head"] == repo.head()  # replaced by a good one


def test_a_cache_entry_of_the_wrong_type_is_corrupt(repo: Repo) -> None:
    assert moves(repo.vault) == MOVED
    cache = repo.vault / ".netnotes" / "cache" / "history.json"
    data = json.loads(cache.read_text(encoding="utf-8"))
    data["head"] = "0" * 40  # so that it would be used for a new read on top
    data["versions"]["ana"][0][4] = ["<script>"]
    cache.write_text(json.dumps(data), encoding="utf-8")

    warnings: list[str] = []
    assert moves(repo.vault, warnings) == MOVED
    assert warnings == [f"ignored the history cache {cache}: it is corrupt; reading the git history in full"]


def test_an_unwritable_cache_is_a_warning(repo: Repo, run_cli: RunCli) -> None:
    (repo.vault / ".netnotes").mkdir()
    (repo.vault / ".netnotes" / "cache").write_text("a file where the folder would be")

    result = run_cli("--vault", repo.vault, "due", "--today", T, "--format", "json")
    assert [i["reason"] for i in json.loads(result.stdout)] == ["congratulate"]
    assert result.stderr.startswith("Warning: cannot save the history cache")
    assert result.exit_code == 0


def test_a_cache_folder_that_leads_out_of_the_vault_is_neither_read_nor_written(repo: Repo, tmp_path: Path) -> None:
    """A cloned vault may make .netnotes a link to a folder of the user's: the history is read
    from git, and nothing is written there."""
    theirs = tmp_path / "documents"
    theirs.mkdir()
    (repo.vault / ".netnotes").symlink_to(theirs)
    warnings: list[str] = []
    assert moves(repo.vault, warnings) == MOVED and warnings == []
    assert list(theirs.iterdir()) == []


def test_moves_are_kept_with_their_commit(repo: Repo) -> None:
    (move,) = moves_for(repo.vault, SimpleNamespace())
    assert isinstance(move, Move) and move.commit == repo.head() and move.date.isoformat() == "2026-11-10"
