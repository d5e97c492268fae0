"""Files of the site taken by their stamp (issue 12): a build that takes a file from the site in
place reads it only when its stamp (size, mtime_ns, ctime_ns, inode) is not the one the manifest
recorded once its bytes were proven; a file edited by hand moves its stamp, and is rendered again."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from conftest import MakeVault
from site_html import build, tree
from test_site_incremental import VAULT, cold_tree, edit, manifest_of

from netnotes.site import output
from netnotes.site.manifest import Manifest

HOUR_NS = 3600 * 10**9


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The site-relative path of every file of the site read to hash it, from now on."""
    paths: list[str] = []
    real = output.file_digest

    def counting(path: str | Path) -> str:
        parts = Path(path).parts
        # staged files are read in the staging folder (.netnotes/build/._site-<tag>.tmp-...),
        # the site's own in _site/
        top = next(n for n, part in enumerate(parts) if part == "_site" or part.startswith("._site-"))
        paths.append("/".join(parts[top + 1 :]))
        return real(path)

    monkeypatch.setattr(output, "file_digest", counting)  # which the manifest's checks call too
    return paths


def age(out: Path) -> dict[str, int]:
    """Date every file of the site an hour back (a site built an hour ago); their inodes."""
    then = time.time_ns() - HOUR_NS
    inodes = {}
    for path in sorted(out.rglob("*")):
        if path.is_file():
            os.utime(path, ns=(then, then))
            inodes[path.relative_to(out).as_posix()] = path.stat().st_ino
    return inodes


def written_since(out: Path, inodes: dict[str, int]) -> set[str]:
    """The files of the site that are not the inodes ``inodes`` names: written afresh."""
    return {
        p.relative_to(out).as_posix()
        for p in out.rglob("*")
        if p.is_file() and inodes.get(p.relative_to(out).as_posix()) != p.stat().st_ino
    }


def in_marker_tick(out: Path, paths: set[str]) -> set[str]:
    """Those of ``paths`` whose mtime is not older than the site's marker: files a build wrote
    within the clock tick it wrote its marker in, which it cannot prove (``Staging.settle``)."""
    marker = (out / output.MARKER).stat().st_mtime_ns
    return {p for p in paths if (out / p).stat().st_mtime_ns >= marker}


def proven_site(make_vault: MakeVault) -> tuple[Path, Path]:
    """A vault whose site's files all carry a recorded stamp: built, aged, built again."""
    vault = make_vault(VAULT)
    out, _ = build(vault)
    age(out)
    edit(vault, "interactions/2026-11-01-coffee.md", "Nice.", "Nice!")  # so the build takes files
    build(vault)
    return vault, out


def test_a_file_proven_once_is_taken_by_its_stamp_and_never_read_again(
    make_vault: MakeVault, tmp_path: Path, reads: list[str]
) -> None:
    vault = make_vault(VAULT)
    out, _ = build(vault)
    inodes = age(out)
    edit(vault, "interactions/2026-11-01-coffee.md", "Nice.", "Nice!")
    build(vault)
    taken = {p for p in inodes if p not in written_since(out, inodes)} - {output.MARKER}
    assert taken and set(reads) == taken  # each file taken was read once, to prove its bytes
    fresh = written_since(out, inodes) - {output.MARKER}
    racy = in_marker_tick(out, fresh)
    reads.clear()
    inodes = {p.relative_to(out).as_posix(): p.stat().st_ino for p in out.rglob("*") if p.is_file()}
    edit(vault, "interactions/2026-11-01-coffee.md", "Nice!", "Nice?")
    build(vault)
    # the files the last build wrote were proven by the bytes it wrote, but those written in
    # the clock tick of its marker: only those are read (of the ones taken this time)
    assert set(reads) == racy & set(inodes) - written_since(out, inodes)
    assert tree(out) == cold_tree(vault, tmp_path)


def test_a_build_with_nothing_changed_reads_only_the_files_not_yet_proven(
    make_vault: MakeVault, reads: list[str]
) -> None:
    vault = make_vault(VAULT)
    out, _ = build(vault)
    inodes = age(out)
    edit(vault, "interactions/2026-11-01-coffee.md", "Nice.", "Nice!")
    build(vault)
    fresh = written_since(out, inodes) - {output.MARKER}
    racy = in_marker_tick(out, fresh)
    reads.clear()
    _, report = build(vault)
    assert report.rendered == () and sorted(reads) == sorted(racy)


@pytest.mark.parametrize("mtime", ["moved", "put back"])
@pytest.mark.parametrize("vault_edit", [True, False], ids=["one-edit", "nothing-changed"])
def test_a_page_edited_by_hand_is_made_again_though_the_manifest_kept_its_stamp(
    make_vault: MakeVault, tmp_path: Path, mtime: str, vault_edit: bool
) -> None:
    vault, out = proven_site(make_vault)
    page = out / "contacts/jane-doe.html"
    stamp = page.stat()
    text = page.read_text()
    page.write_text(text.replace("Jane Doe", "Jane Dxe", 1))  # the same size
    if mtime == "put back":  # as `cp -p` or `touch -r` would: only the ctime says it changed
        os.utime(page, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    if vault_edit:  # an edit Jane's page does not show
        edit(vault, "interactions/2026-11-01-coffee.md", "Nice!", "Nice?")
    _, report = build(vault)
    assert "contacts/jane-doe.html" in report.rendered
    assert tree(out) == cold_tree(vault, tmp_path)


def test_stamps_forged_in_the_manifest_are_a_warning_and_never_trusted(make_vault: MakeVault, tmp_path: Path) -> None:
    vault, out = proven_site(make_vault)
    page = out / "contacts/jane-doe.html"
    page.write_text(page.read_text().replace("Jane Doe", "Jane Dxe", 1))
    manifest = manifest_of(vault)
    data = json.loads(manifest.read_text())
    text, mac = data["stamps"]
    stamps = json.loads(text)
    info = page.stat()
    stamps["contacts/jane-doe.html"][1:] = [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino]
    data["stamps"] = [json.dumps(stamps, separators=(",", ":")), mac]
    manifest.write_text(json.dumps(data))
    _, report = build(vault)
    assert "contacts/jane-doe.html" in report.rendered
    assert any("file stamps" in w and "not this user's" in w for w in report.cache_warnings)
    assert tree(out) == cold_tree(vault, tmp_path)


def test_a_page_written_to_during_the_build_gets_no_stamp(
    make_vault: MakeVault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Taken by hard link, the staged page is the site's file: an edit of the site while a
    build runs lands in it, and is not recorded as the bytes the build proved."""
    vault, out = proven_site(make_vault)
    real_save = Manifest.save

    def edited_first(self: Manifest, *args: object, **kwargs: object) -> None:
        page = out / "contacts/jane-doe.html"
        page.write_text(page.read_text().replace("Jane Doe", "Jane Dxe", 1))
        real_save(self, *args, **kwargs)  # type: ignore[arg-type]  # passed on as given

    edit(vault, "interactions/2026-11-01-coffee.md", "Nice!", "Nice?")  # not on Jane's or Sam's page
    monkeypatch.setattr(Manifest, "save", edited_first)
    build(vault)
    monkeypatch.undo()
    stamps = json.loads(json.loads(manifest_of(vault).read_text())["stamps"][0])
    assert "contacts/jane-doe.html" not in stamps and "contacts/sam-lee.html" in stamps
    _, report = build(vault)
    assert "contacts/jane-doe.html" in report.rendered
    assert tree(out) == cold_tree(vault, tmp_path)


def test_a_file_whose_mtime_had_not_settled_when_it_was_read_is_read_again(
    make_vault: MakeVault, reads: list[str]
) -> None:
    """Two writes within one tick of the clock can leave the same stamp (git's "racy clean"
    case): a file read less than ``RACY_NS`` after its last write proves nothing for later."""
    vault = make_vault(VAULT)
    out, _ = build(vault)
    now = time.time_ns()
    for path in out.rglob("*"):  # every file touched just now: its stamp moved, and is too young
        os.utime(path, ns=(now, now))
    edit(vault, "interactions/2026-11-01-coffee.md", "Nice.", "Nice!")
    build(vault)
    first = set(reads)
    assert "contacts/jane-doe.html" in first
    reads.clear()
    edit(vault, "interactions/2026-11-01-coffee.md", "Nice!", "Nice?")
    build(vault)
    assert "contacts/jane-doe.html" in reads
    manifest = json.loads(manifest_of(vault).read_text())
    assert "contacts/jane-doe.html" not in json.loads(manifest.get("stamps", ["{}"])[0])


def test_a_site_a_build_found_nothing_to_do_for_is_read_once_then_known_by_its_stamps(
    make_vault: MakeVault, tmp_path: Path, reads: list[str]
) -> None:
    """A build with nothing to do checks the site in place byte for byte. A file whose stamp
    is not the one recorded (here every file: their times were moved) is read; once its times
    have settled, its stamp is recorded then, so the next such build reads nothing."""
    vault = make_vault(VAULT)
    out, _ = build(vault)
    files = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()} - {output.MARKER}
    age(out)
    reads.clear()
    _, report = build(vault)
    assert report.rendered == () and set(reads) == files
    reads.clear()
    _, report = build(vault)
    assert report.rendered == () and reads == []
    assert tree(out) == cold_tree(vault, tmp_path)
    (out / "contacts.html").write_text("tampered\n", encoding="utf-8")  # moves its stamp: read, and made again
    _, report = build(vault)
    assert "contacts.html" in reads
    assert tree(out) == cold_tree(vault, tmp_path)


def test_a_file_the_build_wrote_is_proven_only_when_older_than_the_marker(tmp_path: Path) -> None:
    stage = output.Staging(tmp_path)
    stage.write("old.html", "<p>written a tick before the marker</p>")
    stage.write("same.html", "<p>written in the marker's tick</p>")
    marker_ns = time.time_ns()
    os.utime(tmp_path / "old.html", ns=(marker_ns - 1, marker_ns - 1))
    os.utime(tmp_path / "same.html", ns=(marker_ns, marker_ns))
    stage.settle(marker_ns)
    old = (tmp_path / "old.html").stat()
    assert stage.proofs == {"old.html": (old.st_size, old.st_mtime_ns, old.st_ino)}


def test_a_cold_build_proves_what_it_wrote_so_the_next_reads_at_most_the_last_tick(
    make_vault: MakeVault, tmp_path: Path, reads: list[str]
) -> None:
    vault = make_vault(VAULT)
    out, _ = build(vault)
    written = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()} - {output.MARKER}
    racy = in_marker_tick(out, written)
    stamps = json.loads(json.loads(manifest_of(vault).read_text())["stamps"][0])
    assert set(stamps) == written - racy  # recorded with their stamps, but those of the last tick
    _, report = build(vault)
    assert report.rendered == () and set(reads) == racy
    assert tree(out) == cold_tree(vault, tmp_path)
