"""Safe output (issue 4, point 5): built aside and swapped in whole; a failed, interrupted or
killed build leaves the previous site as it was; a folder netnotes did not make is never
written to; the vault gets nothing but its output and .netnotes/."""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any, NoReturn

import pytest
from click.testing import Result
from conftest import MakeVault, RunCli
from site_html import build, tree

from netnotes.site import build as build_module
from netnotes.site import output
from netnotes.site.output import MARKER, OutputRefused, SiteWriteError, check_output, staged_output
from netnotes.site.pages import Kept, Page

VAULT = {
    "netnotes.yaml": "title: Test network\ncircles:\n  inner: 3w\n",
    "contacts/jane-doe.md": "---\nname: Jane Doe\ncircle: inner\ncompany: Acme\n---\nHello.\n",
    "contacts/sam-lee.md": "---\nname: Sam Lee\ntags: [python]\n---\n",
    "interactions/2026-11-01-coffee.md": "---\ndate: 2026-11-01\nwith: jane-doe\nkind: coffee\n---\nNice.\n",
}


@pytest.fixture
def vault(make_vault: MakeVault) -> Path:
    return make_vault(VAULT)


def vault_files(vault: Path) -> dict[str, bytes]:
    """The vault's files other than the build's own folders."""
    return {k: v for k, v in tree(vault).items() if not k.startswith(("_site/", ".netnotes/"))}


def _fail(err: OSError) -> Callable[..., NoReturn]:
    def failing(*args: object, **kwargs: object) -> NoReturn:
        raise err

    return failing


def _c_library(monkeypatch: pytest.MonkeyPatch, libc: object) -> None:
    """Make ``ctypes.CDLL(None)``, the C library the site's swap asks for renameat2, be ``libc``."""
    real_cdll = ctypes.CDLL
    monkeypatch.setattr(ctypes, "CDLL", lambda name, *a, **kw: libc if name is None else real_cdll(name, *a, **kw))


def no_renameat2(monkeypatch: pytest.MonkeyPatch) -> None:
    """As on a system whose C library has no renameat2: no atomic exchange, so two renames."""
    _c_library(monkeypatch, SimpleNamespace())


def renameat2_fails(monkeypatch: pytest.MonkeyPatch, code: int) -> None:
    """The atomic exchange (renameat2) fails with the error number ``code``."""

    def renameat2(*args: object) -> int:
        ctypes.set_errno(code)
        return -1

    _c_library(monkeypatch, SimpleNamespace(renameat2=renameat2))


def test_default_output_is_marked_and_nothing_else_is_written(vault: Path) -> None:
    before = vault_files(vault)
    out, _ = build(vault)
    assert (out / MARKER).is_file() and (out / "index.html").is_file()
    assert vault_files(vault) == before
    assert {p.name for p in vault.iterdir()} == {"netnotes.yaml", "contacts", "interactions", "_site", ".netnotes"}
    assert list((vault / ".netnotes" / "build").iterdir()) == []  # no staging left behind


def test_output_outside_the_vault_stages_next_to_it(vault: Path, tmp_path: Path) -> None:
    out, _ = build(vault, tmp_path / "elsewhere" / "site")
    assert (out / "index.html").is_file()
    assert [p.name for p in out.parent.iterdir()] == ["site"]
    assert not (vault / "_site").exists()
    assert [p.name for p in (vault / ".netnotes").iterdir()] == ["cache"]  # rendered notes only


def test_rebuild_replaces_the_site_whole(vault: Path) -> None:
    out, _ = build(vault)
    (out / "stale.html").write_text("from an older build")
    (vault / "contacts/sam-lee.md").unlink()
    build(vault)
    assert not (out / "stale.html").exists()
    assert not (out / "contacts/sam-lee.html").exists()
    assert (out / "contacts/jane-doe.html").exists()


@pytest.mark.parametrize(
    "content",
    [{"notes.txt": "mine"}, {"sub/keep.md": "mine"}, {".hidden": ""}],
    ids=["a-file", "a-subfolder", "a-hidden-file"],
)
def test_refuses_a_non_empty_folder_it_did_not_make(vault: Path, tmp_path: Path, content: dict[str, str]) -> None:
    out = tmp_path / "mine"
    for name, text in content.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_text(text)
    before = tree(out)
    with pytest.raises(OutputRefused, match="not empty and was not made by netnotes"):
        build(vault, out)
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine", "vault"]


def test_an_empty_folder_is_used(vault: Path, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    out, _ = build(vault, tmp_path / "empty")
    assert (out / "index.html").is_file()


def test_refuses_the_vault_itself_a_file_and_a_symlink(vault: Path, tmp_path: Path) -> None:
    with pytest.raises(OutputRefused, match="holds the vault"):
        check_output(vault, vault)
    with pytest.raises(OutputRefused, match="holds the vault"):
        check_output(vault.parent, vault)
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputRefused, match="is a file"):
        check_output(tmp_path / "file", vault)
    (tmp_path / "target").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "target")
    with pytest.raises(OutputRefused, match="symbolic link"):
        check_output(tmp_path / "link", vault)


@pytest.mark.parametrize("out", [".netnotes/build", ".netnotes"])
def test_refuses_the_folder_it_stages_in(vault: Path, run_cli: RunCli, out: str) -> None:
    result = run_cli("--vault", vault, "build", "--out", vault / out, "--today", "2026-11-25")
    assert result.exit_code == 2, result.output
    assert "holds the folder netnotes builds in" in result.stderr


def test_cli_refusal_exits_2_and_touches_nothing(vault: Path, tmp_path: Path, run_cli: RunCli) -> None:
    out = tmp_path / "docs"
    out.mkdir()
    (out / "report.txt").write_text("keep me")
    result = run_cli("--vault", vault, "build", "--out", out, "--today", "2026-11-25")
    assert result.exit_code == 2
    assert "refusing to build into" in result.stderr and "report.txt" not in result.stderr
    assert tree(out) == {"report.txt": b"keep me"}


def test_an_error_midway_leaves_the_old_site(vault: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out, _ = build(vault)
    old = tree(out)
    real_pages = build_module.pages

    def failing_pages(*args: Any, **kwargs: Any) -> Iterator[Page | Kept]:
        for n, page in enumerate(real_pages(*args, **kwargs)):
            if n == 3:
                raise RuntimeError("disk on fire")
            yield page

    monkeypatch.setattr(build_module, "pages", failing_pages)
    (vault / "contacts/new-person.md").write_text("---\nname: New Person\n---\n")
    with pytest.raises(RuntimeError, match="disk on fire"):
        build(vault)
    assert tree(out) == old
    assert list((vault / ".netnotes" / "build").iterdir()) == []


def test_ctrl_c_midway_leaves_the_old_site(vault: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out, _ = build(vault)
    old = tree(out)
    (vault / "contacts/new-person.md").write_text("---\nname: New Person\n---\n")  # something to build
    real_write = output.Staging.write

    def interrupted(self: output.Staging, relpath: str, data: str | bytes) -> None:
        if relpath.startswith("contacts/"):
            raise KeyboardInterrupt
        real_write(self, relpath, data)

    monkeypatch.setattr(output.Staging, "write", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build(vault)
    assert tree(out) == old


def test_a_swap_cut_between_its_renames_is_undone_by_the_next_build(
    vault: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, _ = build(vault)
    old = tree(out)
    no_renameat2(monkeypatch)  # the swap takes two renames: old site aside, new site in
    (vault / "contacts/new-person.md").write_text("---\nname: New Person\n---\n")  # something to build
    real_rename = os.rename

    def crash_on_second_rename(src: str | Path, dst: str | Path) -> None:
        if Path(src).name.startswith(".") and ".tmp-" in Path(src).name:  # staging -> out: the crash point
            raise OSError("power cut")
        real_rename(src, dst)

    with monkeypatch.context() as cut:
        cut.setattr(os, "rename", crash_on_second_rename)
        with pytest.raises(OSError, match="power cut"):
            build(vault)
    assert not out.exists()  # the old site is aside, under .netnotes/build/
    with monkeypatch.context() as full:  # the next build puts it back first, even one that then fails
        full.setattr(tempfile, "mkdtemp", _fail(OSError(errno.ENOSPC, "No space left on device")))
        with pytest.raises(SiteWriteError, match="No space left on device"):
            build(vault)
    assert tree(out) == old
    build(vault)  # and the next build goes through
    assert (out / "index.html").is_file()
    assert list((vault / ".netnotes" / "build").iterdir()) == []


SLOW_BUILD = textwrap.dedent("""
    import sys, time, datetime as dt
    from pathlib import Path
    from netnotes.loader import load_vault
    from netnotes.site import output
    from netnotes.site.build import BuildOptions, build_site

    real_write = output.Staging.write
    def slow_write(self, relpath, data):
        real_write(self, relpath, data)
        if self.files > 5:
            time.sleep(0.05)  # slow enough that the test can kill us mid-build
    output.Staging.write = slow_write
    root = Path(sys.argv[1])
    build_site(root, load_vault(root), root / "_site", dt.date(2026, 11, 25), BuildOptions(jobs=1))
""")


def test_sigkill_midway_leaves_the_old_site_and_the_next_build_cleans_up(vault: Path) -> None:
    for n in range(30):
        (vault / f"contacts/person-{n:02d}.md").write_text(f"---\nname: Person {n}\n---\n")
    out, _ = build(vault)
    old = tree(out)
    (vault / "contacts/late-comer.md").write_text("---\nname: Late Comer\n---\n")
    proc = subprocess.Popen([sys.executable, "-c", SLOW_BUILD, str(vault)])
    staging_root = vault / ".netnotes" / "build"
    deadline = time.monotonic() + 30
    try:
        while time.monotonic() < deadline:
            staged = [p for p in staging_root.iterdir() if ".tmp-" in p.name]
            if staged and sum(1 for f in staged[0].rglob("*.html")) >= 4:
                break
            time.sleep(0.01)
        else:
            pytest.fail("the build never got going")
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert tree(out) == old
    assert any(".tmp-" in p.name for p in staging_root.iterdir())  # what the killed build left
    build(vault)
    assert (out / "contacts/late-comer.html").is_file()
    assert list(staging_root.iterdir()) == []


def test_staging_of_a_live_build_is_left_alone(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    vault.mkdir()
    with staged_output(vault / "_site", vault) as first:
        first.write("index.html", "one")
        assert output.remove_stale_staging(vault / "_site", vault) == 0  # we are alive
        assert first.folder.exists()
    assert (vault / "_site/index.html").read_text() == "one"


def test_write_refuses_unsafe_paths(tmp_path: Path) -> None:
    staging = output.Staging(tmp_path)
    for bad in ("../x.html", "/etc/x", "a/../../x", ".hidden", "a//b", "a b.html", ""):
        with pytest.raises(ValueError):
            staging.write(bad, "x")
    assert list(tmp_path.iterdir()) == []


# -- Issue 8, item 1: `build --out` must never take a folder of the vault's own (or one holding
# notes) as its output, even an empty or already marked one: the next build would replace it.


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every file (its bytes) and folder (None) under ``folder``: to show nothing was written."""
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes() if p.is_file() else None) for p in sorted(folder.rglob("*"))
    }


def test_the_reported_reproduction_keeps_the_new_contact(
    tmp_path: Path,
    run_cli: RunCli,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    assert run_cli("init", "v").exit_code == 0
    monkeypatch.chdir(tmp_path / "v")
    first = run_cli("build", "--out", "contacts")
    assert first.exit_code == 2
    assert "refusing to build into" in first.stderr and "contacts/ folder" in first.stderr
    assert "Traceback" not in first.output
    assert list((tmp_path / "v/contacts").iterdir()) == []  # not marked as a site
    assert run_cli("new", "contact", "Jane Doe").exit_code == 0
    note = (tmp_path / "v/contacts/jane-doe.md").read_bytes()
    second = run_cli("build", "--out", "contacts")
    assert second.exit_code == 2
    assert "refusing to build into" in second.stderr and "contacts/ folder" in second.stderr
    assert (tmp_path / "v/contacts/jane-doe.md").read_bytes() == note
    assert not (tmp_path / "v/contacts" / MARKER).exists()


PROTECTED = ["contacts", "interactions", "asks", "theme", ".git"]
STATES = {
    "empty": lambda folder: folder.mkdir(parents=True),
    "marked": lambda folder: (folder.mkdir(parents=True), (folder / MARKER).write_text(output.MARKER_TEXT)),
    "missing": lambda folder: None,
}


@pytest.mark.parametrize("state", list(STATES))
@pytest.mark.parametrize("name", PROTECTED)
def test_refuses_a_folder_of_the_vault_before_writing_anything(
    make_vault: MakeVault,
    run_cli: RunCli,
    name: str,
    state: str,
) -> None:
    vault = make_vault({"netnotes.yaml": "title: Mine\n"})
    STATES[state](vault / name)
    before = snapshot(vault)
    result = run_cli("--vault", vault, "build", "--out", vault / name, "--today", "2026-11-25")
    assert result.exit_code == 2, result.output
    assert f"refusing to build into '{vault / name}': it is the vault's {name}/ folder" in result.stderr
    assert snapshot(vault) == before  # not even .netnotes/


@pytest.mark.parametrize(
    "inside", ["contacts/site", "interactions/2026/site", "asks/x", "theme/static/site", ".git/site"]
)
def test_refuses_a_folder_inside_a_folder_of_the_vault(vault: Path, run_cli: RunCli, inside: str) -> None:
    (vault / inside).parent.mkdir(parents=True, exist_ok=True)
    before = snapshot(vault)
    result = run_cli("--vault", vault, "build", "--out", vault / inside, "--today", "2026-11-25")
    assert result.exit_code == 2, result.output
    name = inside.split("/")[0]
    assert f"it lies inside the vault's {name}/ folder" in result.stderr
    assert snapshot(vault) == before


def test_refuses_a_relative_out_naming_a_note_folder(
    vault: Path,
    run_cli: RunCli,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (vault / "asks").mkdir()
    monkeypatch.chdir(vault / "contacts")
    before = snapshot(vault)
    for out in ("../asks", "../asks/../asks/", "."):
        result = run_cli("build", "--out", out, "--today", "2026-11-25")
        assert result.exit_code == 2, (out, result.output)
        assert "refusing to build into" in result.stderr
    assert snapshot(vault) == before


def test_refuses_a_note_folder_reached_through_a_symlink(vault: Path, tmp_path: Path, run_cli: RunCli) -> None:
    (tmp_path / "to-contacts").symlink_to(vault / "contacts")
    (tmp_path / "to-vault").symlink_to(vault)
    before = snapshot(vault)
    for out in (tmp_path / "to-contacts" / "site", tmp_path / "to-vault" / "interactions"):
        result = run_cli("--vault", vault, "build", "--out", out, "--today", "2026-11-25")
        assert result.exit_code == 2, (out, result.output)
        assert "refusing to build into" in result.stderr and "folder" in result.stderr
    # and the vault given through a symlink, the output by its real path
    result = run_cli("--vault", tmp_path / "to-vault", "build", "--out", vault / "contacts" / "x")
    assert result.exit_code == 2 and "lies inside the vault's contacts/ folder" in result.stderr
    assert snapshot(vault) == before


@pytest.mark.parametrize("configured", ["contacts", "theme", "asks/site", ".git"])
def test_refuses_output_in_netnotes_yaml_naming_a_folder_of_the_vault(
    make_vault: MakeVault,
    run_cli: RunCli,
    configured: str,
) -> None:
    vault = make_vault({**VAULT, "netnotes.yaml": f"title: Mine\noutput: {configured}\n"})
    (vault / configured.split("/")[0]).mkdir(exist_ok=True)
    before = snapshot(vault)
    result = run_cli("--vault", vault, "build", "--today", "2026-11-25")
    assert result.exit_code == 2, result.output
    assert f"refusing to build into '{vault / configured}'" in result.stderr
    assert snapshot(vault) == before


@pytest.mark.parametrize("held", ["notes/jane-doe.md", "README.MD", "netnotes.yaml", "deep/er/netnotes.yaml"])
def test_refuses_a_marked_folder_holding_a_note_or_settings(
    vault: Path,
    tmp_path: Path,
    run_cli: RunCli,
    held: str,
) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / MARKER).write_text(output.MARKER_TEXT)
    (out / held).parent.mkdir(parents=True, exist_ok=True)
    (out / held).write_text("---\nname: Jane Doe\n---\n")
    before = snapshot(out)
    result = run_cli("--vault", vault, "build", "--out", out, "--today", "2026-11-25")
    assert result.exit_code == 2, result.output
    assert f"it holds '{held}'" in result.stderr
    assert snapshot(out) == before


def test_refuses_a_folder_inside_any_git_folder(vault: Path, tmp_path: Path, run_cli: RunCli) -> None:
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    result = run_cli("--vault", vault, "build", "--out", tmp_path / "repo" / ".git" / "site")
    assert result.exit_code == 2 and "inside a .git folder" in result.stderr
    assert list((tmp_path / "repo" / ".git").iterdir()) == []


def test_refuses_the_vault_even_when_it_carries_the_marker(vault: Path, run_cli: RunCli) -> None:
    (vault / MARKER).write_text(output.MARKER_TEXT)
    before = snapshot(vault)
    result = run_cli("--vault", vault, "build", "--out", vault)
    assert result.exit_code == 2 and "holds the vault" in result.stderr
    assert snapshot(vault) == before


@pytest.mark.parametrize("out", ["_site", "site", "public/dashboard", "contacts-site"])
def test_folders_of_the_users_choosing_in_the_vault_still_build_twice(vault: Path, run_cli: RunCli, out: str) -> None:
    """A theme may ship Markdown among its static files: the site's own static/ is not notes."""
    (vault / "theme/static").mkdir(parents=True)
    (vault / "theme/static/README.md").write_text("# my theme\n")
    for _ in range(2):
        result = run_cli("--vault", vault, "build", "--out", vault / out, "--today", "2026-11-25")
        assert result.exit_code == 0, result.output
    assert (vault / out / "static/README.md").is_file() and (vault / out / MARKER).is_file()


# -- Issue 8, item 2: a failing write is an `Error:` line and exit 2, never a traceback, and
# the previous site stays whole. Everything runs as root here, so permission bits stop nothing:
# the failures are raised from the call that would fail.


def _build_cli(run_cli: RunCli, vault: Path, *args: str | Path) -> Result:
    return run_cli("--vault", vault, "build", "--today", "2026-11-25", *args)


def test_a_full_disk_is_an_error_line_and_keeps_the_old_site(
    vault: Path,
    run_cli: RunCli,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert _build_cli(run_cli, vault).exit_code == 0
    old = tree(vault / "_site")
    (vault / "contacts/new-person.md").write_text("---\nname: New Person\n---\n")
    real_write = output.Staging.write

    def disk_fills_up(self: output.Staging, relpath: str, data: str | bytes) -> None:
        if relpath.startswith("contacts/"):
            raise OSError(errno.ENOSPC, "No space left on device", str(self.folder / relpath))
        real_write(self, relpath, data)

    monkeypatch.setattr(output.Staging, "write", disk_fills_up)
    result = _build_cli(run_cli, vault)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: cannot write the site to '{vault / '_site'}': No space left on device (")
    assert "the previous site is left as it was" in result.stderr and "Traceback" not in result.output
    assert tree(vault / "_site") == old
    assert list((vault / ".netnotes" / "build").iterdir()) == []  # the half-written staging is gone


@pytest.mark.parametrize("swap", ["exchange", "two-renames"])
@pytest.mark.parametrize(
    "err",
    [PermissionError(errno.EACCES, "Permission denied"), OSError(errno.EROFS, "Read-only file system")],
    ids=["denied", "read-only"],
)
def test_a_site_folder_that_cannot_be_replaced_is_an_error_line(
    vault: Path,
    run_cli: RunCli,
    swap: str,
    err: OSError,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert _build_cli(run_cli, vault).exit_code == 0
    site = vault / "_site"
    old = tree(site)
    (vault / "contacts/new-person.md").write_text("---\nname: New Person\n---\n")  # something to build
    err.filename = str(site)
    if swap == "exchange":
        assert err.errno is not None
        renameat2_fails(monkeypatch, err.errno)
    else:  # a system without renameat2: the first of the two renames fails
        no_renameat2(monkeypatch)
        real_rename = os.rename
        monkeypatch.setattr(os, "rename", lambda src, dst: _fail(err)() if Path(src) == site else real_rename(src, dst))
    result = _build_cli(run_cli, vault)
    assert result.exit_code == 2, result.output
    assert f"Error: cannot write the site to '{site}': {err.strerror} ('{site}')" in result.stderr
    assert tree(site) == old


def test_an_unwritable_parent_of_out_is_an_error_line(
    vault: Path,
    tmp_path: Path,
    run_cli: RunCli,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out = tmp_path / "public" / "site"
    assert _build_cli(run_cli, vault, "--out", out).exit_code == 0
    old = tree(out)
    (vault / "contacts/new-person.md").write_text("---\nname: New Person\n---\n")  # something to build
    denied = PermissionError(errno.EACCES, "Permission denied", str(out.parent))
    monkeypatch.setattr(tempfile, "mkdtemp", _fail(denied))
    result = _build_cli(run_cli, vault, "--out", out)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: cannot write the site to '{out}': Permission denied ('{out.parent}')")
    assert tree(out) == old and sorted(p.name for p in out.parent.iterdir()) == ["site"]


def test_a_site_that_swapped_in_is_no_failure_when_the_old_one_cannot_be_removed(
    vault: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _build_cli(run_cli, vault).exit_code == 0
    (vault / "contacts/new-person.md").write_text("---\nname: New Person\n---\n")
    real_rmtree = shutil.rmtree

    def busy(path: str | Path, ignore_errors: bool = False, **kwargs: Any) -> None:
        if not ignore_errors:
            raise OSError(errno.EBUSY, "Device or resource busy", str(path))

    monkeypatch.setattr(shutil, "rmtree", busy)
    result = _build_cli(run_cli, vault)
    monkeypatch.setattr(shutil, "rmtree", real_rmtree)
    assert result.exit_code == 0, result.output
    assert (vault / "_site/contacts/new-person.html").is_file()
