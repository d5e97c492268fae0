"""Incremental builds of the encrypted site (issues 12 and 14 together): an encrypted build takes
unchanged files from the site in place only when they were sealed under the same key, so a warm
build, a new salt, a new passphrase, or a switch between plain and encrypted builds into one
folder always gives the bytes of a cold build of that kind."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest
from conftest import MakeVault
from sealed import PASSPHRASE, unseal
from site_html import build, tree

from netnotes.site.build import BuildOptions
from netnotes.site.encrypt import SALT_FILE, Encryption
from netnotes.site.output import MARKER

TODAY = dt.date(2026, 11, 25)
OTHER_PASSPHRASE = "marble quiver lantern orchid"
VAULT = {
    "netnotes.yaml": "title: Test network\ncircles:\n  inner: 3w\n",
    "contacts/jane-doe.md": "---\nname: Jane Doe\ncircle: inner\ncompany: Acme\ntags: [python]\n---\nHello.\n",
    "contacts/sam-lee.md": "---\nname: Sam Lee\ncompany: Acme\n---\n",
    "contacts/ana-ruiz.md": "---\nname: Ana Ruiz\ntags: [python]\n---\n",
    "interactions/2026-03-01-lunch.md": (
        "---\ndate: 2026-03-01\nwith: [jane-doe, sam-lee]\nkind: lunch\ntitle: Lunch at Bo's\n---\nTalked shop.\n"
    ),
    "interactions/2026-11-01-coffee.md": "---\ndate: 2026-11-01\nwith: ana-ruiz\nkind: coffee\n---\nNice.\n",
}
PLAIN = BuildOptions(jobs=1)


def encrypted(passphrase: str = PASSPHRASE, new_salt: bool = False) -> BuildOptions:
    return BuildOptions(jobs=1, encryption=Encryption(passphrase, new_salt))


def cold_encrypted(vault: Path, like: Path, tmp_path: Path, passphrase: str = PASSPHRASE) -> dict[str, bytes]:
    """A cold encrypted build (no manifest, no render cache, a fresh folder) under the salt of
    the site in ``like``."""
    out = tmp_path / "cold-encrypted"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    (out / MARKER).write_bytes((like / MARKER).read_bytes())
    shutil.copyfile(like / SALT_FILE, out / SALT_FILE)
    build(vault, out, TODAY, BuildOptions(jobs=1, cache=False, encryption=Encryption(passphrase)))
    return tree(out)


def cold_plain(vault: Path, tmp_path: Path) -> dict[str, bytes]:
    out = tmp_path / "cold-plain"
    shutil.rmtree(out, ignore_errors=True)
    build(vault, out, TODAY, BuildOptions(jobs=1, cache=False))
    return tree(out)


def sealed_files(site: dict[str, bytes]) -> list[str]:
    return [name for name in site if not name.startswith("static/") and name not in (SALT_FILE, MARKER)]


def test_an_unchanged_encrypted_site_is_left_as_it_is(make_vault: MakeVault) -> None:
    vault = make_vault(VAULT)
    out, first = build(vault, today=TODAY, options=encrypted())
    assert first.encrypted and len(first.rendered) == first.pages == 12
    before = tree(out)
    inode = os.stat(out / "index.html").st_ino
    _, again = build(vault, today=TODAY, options=encrypted())
    assert again.encrypted and again.rendered == ()
    assert tree(out) == before and os.stat(out / "index.html").st_ino == inode


def test_a_warm_encrypted_build_after_one_edit_equals_a_cold_one(make_vault: MakeVault, tmp_path: Path) -> None:
    vault = make_vault(VAULT)
    out, _ = build(vault, today=TODAY, options=encrypted())
    build(vault, tmp_path / "plain", TODAY, PLAIN)
    before = tree(out)
    make_vault({"interactions/2026-03-01-lunch.md": VAULT["interactions/2026-03-01-lunch.md"].replace("shop", "tea")})
    ana = next(name for name in sealed_files(before) if "<h1>Ana Ruiz" in unseal(out, name))
    inode = os.stat(out / ana).st_ino
    _, warm = build(vault, today=TODAY, options=encrypted())
    _, plain = build(vault, tmp_path / "plain", TODAY, PLAIN)
    assert warm.encrypted and sorted(warm.rendered) == sorted(plain.rendered)  # the pages a plain build renders
    assert "contacts/jane-doe.html" in warm.rendered and "contacts/ana-ruiz.html" not in warm.rendered
    after = tree(out)
    assert after == cold_encrypted(vault, out, tmp_path)
    changed = [name for name in sealed_files(after) if before.get(name) != after[name]]
    assert sum("Talked tea." in unseal(out, name) for name in changed) == 2  # Jane's and Sam's pages
    assert os.stat(out / ana).st_ino == inode  # Ana's page was taken from the site in place


@pytest.mark.parametrize(
    ("passphrase", "new_salt"),
    [(PASSPHRASE, True), (OTHER_PASSPHRASE, False)],
    ids=["new-salt", "new-passphrase-same-salt"],
)
def test_a_new_key_after_a_warm_build_reseals_every_file(
    make_vault: MakeVault, tmp_path: Path, passphrase: str, new_salt: bool
) -> None:
    vault = make_vault(VAULT)
    out, _ = build(vault, today=TODAY, options=encrypted())
    build(vault, today=TODAY, options=encrypted())  # warm: the manifest now lists every file
    old = tree(out)
    _, report = build(vault, today=TODAY, options=encrypted(passphrase, new_salt))
    assert len(report.rendered) == report.pages
    new = tree(out)
    assert (new[SALT_FILE] != old[SALT_FILE]) is new_salt
    assert new == cold_encrypted(vault, out, tmp_path, passphrase)
    for name in sealed_files(new):  # every sealed file opens under the new key
        assert unseal(out, name, passphrase)
    assert not any(old.get(name) == new[name] for name in sealed_files(new))


def test_plain_and_encrypted_builds_into_one_folder_never_mix(make_vault: MakeVault, tmp_path: Path) -> None:
    vault = make_vault(VAULT)
    out, _ = build(vault, today=TODAY, options=PLAIN)
    _, report = build(vault, today=TODAY, options=encrypted())
    assert len(report.rendered) == report.pages
    assert tree(out) == cold_encrypted(vault, out, tmp_path)
    _, report = build(vault, today=TODAY, options=PLAIN)
    assert len(report.rendered) == report.pages
    assert tree(out) == cold_plain(vault, tmp_path)
    _, report = build(vault, today=TODAY, options=encrypted())  # a new salt: the plain build dropped it
    assert len(report.rendered) == report.pages
    assert tree(out) == cold_encrypted(vault, out, tmp_path)
