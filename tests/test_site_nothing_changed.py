"""A build with nothing changed (issue 12): one key of everything the site is made of is
compared with the last build's, and when it is the same and the site in place is the one that
build made, byte for byte, the build returns without shaping the site model or touching a file.
Any single change to what the site is made of defeats it, and the site is then a cold build's."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import MakeVault
from git_history import Repo, contact, snapshot
from sealed import PASSPHRASE
from site_html import SERIAL, TODAY, build, tree

from netnotes.site import build as build_module
from netnotes.site.build import BuildOptions
from netnotes.site.encrypt import Encryption

VAULT = {
    "netnotes.yaml": "title: Test network\ncircles:\n  inner: 3w\n",
    "contacts/jane-doe.md": "---\nname: Jane Doe\ncircle: inner\ncompany: Acme\n---\nHello.\n",
    "contacts/sam-lee.md": "---\nname: Sam Lee\ncompany: Acme\n---\n",
    "interactions/2026-03-01-lunch.md": "---\ndate: 2026-03-01\nwith: [jane-doe, sam-lee]\nkind: lunch\n---\nShop.\n",
}
OTHER_PASSPHRASE = "marble quiver lantern orchid"


@pytest.fixture
def models(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every site model made from now on."""
    made: list[object] = []
    real = build_module.SiteModel

    def spy(*args: Any, **kwargs: Any) -> object:
        model = real(*args, **kwargs)
        made.append(model)
        return model

    monkeypatch.setattr(build_module, "SiteModel", spy)
    return made


@pytest.fixture
def models_digested(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every whole model (``Vault``) a build hashes from now on, with the notes long settled."""
    from netnotes import notecache
    from netnotes.model import Vault
    from netnotes.site.digest import Digester

    real_now = notecache.now_ns
    monkeypatch.setattr(notecache, "now_ns", lambda: real_now() + 3600 * 10**9)
    digested: list[object] = []
    real_digest = Digester.digest

    def spy(self: Digester, *values: object) -> str:
        digested.extend(v for v in values if isinstance(v, Vault))
        return real_digest(self, *values)

    monkeypatch.setattr(Digester, "digest", spy)
    return digested


def cold(vault: Path, tmp_path: Path, today: dt.date = TODAY, options: BuildOptions = SERIAL) -> dict[str, bytes]:
    """The site a build without any cache or site in place makes."""
    out = tmp_path / "cold"
    shutil.rmtree(out, ignore_errors=True)
    build(vault, out, today, BuildOptions(options.extra_scripts, options.extra_files, options.connect_src, 1, False))
    return tree(out)


def test_a_build_with_nothing_changed_makes_no_site_model_and_writes_nothing(
    make_vault: MakeVault, models: list[object]
) -> None:
    vault = make_vault(VAULT)
    out, first = build(vault)
    assert len(models) == 1
    before, inode = snapshot(out), os.stat(out).st_ino
    _, again = build(vault)
    assert len(models) == 1  # the first build's only
    assert snapshot(out) == before and os.stat(out).st_ino == inode
    assert (again.pages, again.files, again.bytes, again.rendered) == (first.pages, first.files, first.bytes, ())


def test_an_unchanged_encrypted_build_makes_no_site_model(make_vault: MakeVault, models: list[object]) -> None:
    vault = make_vault(VAULT)
    options = BuildOptions(jobs=1, encryption=Encryption(PASSPHRASE))
    out, _ = build(vault, options=options)
    before = snapshot(out)
    _, again = build(vault, options=options)
    assert len(models) == 1 and again.encrypted
    assert snapshot(out) == before


def _note(vault: Path) -> None:
    path = vault / "contacts/sam-lee.md"
    path.write_text(path.read_text().replace("Sam Lee", "Sam Leigh"))


def _new_note(vault: Path) -> None:
    (vault / "contacts/ana-ruiz.md").write_text("---\nname: Ana Ruiz\n---\n")


def _deleted_note(vault: Path) -> None:
    (vault / "contacts/sam-lee.md").unlink()


def _config(vault: Path) -> None:
    (vault / "netnotes.yaml").write_text("title: Another title\ncircles:\n  inner: 3w\n")


def _template(vault: Path) -> None:
    (vault / "theme/templates").mkdir(parents=True)
    (vault / "theme/templates/search.html").write_text(
        '{% extends "base.html" %}\n{% block main %}Find{% endblock %}\n'
    )


def _static(vault: Path) -> None:
    (vault / "theme/static").mkdir(parents=True)
    (vault / "theme/static/style.css").write_text("body { color: teal; }\n")


CHANGES: dict[str, Callable[[Path], None]] = {
    "a note edited": _note,
    "a note added": _new_note,
    "a note deleted": _deleted_note,
    "netnotes.yaml": _config,
    "a template of the theme": _template,
    "a static file of the theme": _static,
}


@pytest.mark.parametrize("change", CHANGES)
def test_any_change_to_the_vault_builds_the_site_again(
    make_vault: MakeVault, tmp_path: Path, models: list[object], change: str
) -> None:
    vault = make_vault(VAULT)
    out, _ = build(vault)
    CHANGES[change](vault)
    build(vault)
    assert len(models) == 2
    assert tree(out) == cold(vault, tmp_path)


def test_another_today_builds_the_site_again(make_vault: MakeVault, tmp_path: Path, models: list[object]) -> None:
    vault = make_vault(VAULT)
    out, _ = build(vault)
    tomorrow = TODAY + dt.timedelta(days=1)
    build(vault, today=tomorrow)
    assert len(models) == 2
    assert tree(out) == cold(vault, tmp_path, tomorrow)


def test_other_build_options_build_the_site_again(make_vault: MakeVault, tmp_path: Path, models: list[object]) -> None:
    """`netnotes serve` adds its reload script and a CSP source: not the site `build` made."""
    vault = make_vault(VAULT)
    out, _ = build(vault)
    served = BuildOptions(("reload.js",), (("reload.js", b"// reload\n"),), ("'self'",), jobs=1)
    build(vault, options=served)
    assert len(models) == 2
    assert tree(out) == cold(vault, tmp_path, options=served)
    models.clear()
    build(vault)
    assert len(models) == 1
    assert tree(out) == cold(vault, tmp_path)


def test_another_passphrase_builds_the_site_again(make_vault: MakeVault, models: list[object]) -> None:
    vault = make_vault(VAULT)
    out, _ = build(vault, options=BuildOptions(jobs=1, encryption=Encryption(PASSPHRASE)))
    before = tree(out)
    _, again = build(vault, options=BuildOptions(jobs=1, encryption=Encryption(OTHER_PASSPHRASE)))
    assert len(models) == 2 and again.rendered
    after = tree(out)
    assert all(after.get(p) != data for p, data in before.items() if p.endswith(".html"))


@pytest.mark.parametrize("how", ["a byte changed", "a file added", "a file removed"])
def test_a_site_changed_in_place_is_built_again(
    make_vault: MakeVault, tmp_path: Path, models: list[object], how: str
) -> None:
    vault = make_vault(VAULT)
    out, _ = build(vault)
    page = out / "contacts/jane-doe.html"
    if how == "a byte changed":
        page.write_bytes(page.read_bytes().replace(b"Jane", b"Jone"))
    elif how == "a file added":
        (out / "contacts/extra.html").write_text("not ours")
    else:
        page.unlink()
    build(vault)
    assert len(models) == 2
    assert tree(out) == cold(vault, tmp_path)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Repo]:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    repo = Repo(tmp_path / "vault")
    repo.commit({"contacts/ana.md": contact("Ana Lima", "Helix Robotics", "Engineer")}, "2025-03-01")
    yield repo
    monkeypatch.undo()
    time.tzset()


def test_a_new_commit_that_moves_someone_builds_the_site_again(
    repo: Repo, tmp_path: Path, models: list[object]
) -> None:
    out = tmp_path / "site"
    build(repo.vault, out)
    repo.commit({"contacts/ana.md": contact("Ana Lima", "Quillmark", "CTO")}, "2026-11-20")
    build(repo.vault, out)
    assert len(models) == 2
    assert "Quillmark" in (out / "contacts/ana.html").read_text()
    assert tree(out) == cold(repo.vault, tmp_path)


def test_another_time_zone_that_moves_a_commit_to_another_day_builds_the_site_again(
    repo: Repo, tmp_path: Path, models: list[object], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo.commit({"contacts/ana.md": contact("Ana Lima", "Quillmark", "CTO")}, "2026-11-20T23:30:00+00:00")
    out = tmp_path / "site"
    build(repo.vault, out)
    before = tree(out)
    monkeypatch.setenv("TZ", "Asia/Tokyo")  # 21 November there
    time.tzset()
    build(repo.vault, out)
    assert len(models) == 2
    assert tree(out) != before
    assert tree(out) == cold(repo.vault, tmp_path)


def test_the_model_is_digested_once_while_it_is_the_same_snapshot(
    make_vault: MakeVault, tmp_path: Path, models_digested: list[object]
) -> None:
    """Hashing every note is what a build compared first; while the loader serves the same
    model (its snapshot's key), the digest kept under that key is taken instead. An edited
    interaction patches the model, whose digest is then made from its base's and the patch;
    an edited contact loads every note, and the model is digested again."""

    digested = models_digested
    vault = make_vault(VAULT)
    out, _ = build(vault)
    assert len(digested) == 1
    before = snapshot(out)
    _, again = build(vault)
    _, third = build(vault)
    assert len(digested) == 1 and again.rendered == third.rendered == ()
    assert snapshot(out) == before
    (vault / "interactions/2026-03-01-lunch.md").write_text(
        "---\ndate: 2026-03-01\nwith: [jane-doe, sam-lee]\nkind: lunch\n---\nThe shop on the corner.\n"
    )
    out_edited, edited = build(vault)
    assert len(digested) == 1 and edited.rendered
    assert tree(out_edited) == cold(vault, tmp_path)  # which digests its model (it keeps nothing)
    digested.clear()
    (vault / "contacts/sam-lee.md").write_text("---\nname: Sam Lee\ncompany: Globex\n---\n")
    _, contact_edited = build(vault)
    assert len(digested) == 1 and contact_edited.rendered


def test_a_note_saved_unchanged_is_no_change_and_the_model_is_not_digested_again(
    make_vault: MakeVault, models: list[object], models_digested: list[object]
) -> None:
    """An editor that saves a note without changing it gives the note a new stamp: the note is
    read again, gives what the model holds, and the build finds nothing changed without
    hashing the model again (its key is the last build's)."""

    digested = models_digested
    vault = make_vault(VAULT)
    out, _ = build(vault)
    before = snapshot(out)
    note = vault / "interactions/2026-03-01-lunch.md"
    note.write_bytes(note.read_bytes())
    _, again = build(vault)
    assert len(digested) == 1 and len(models) == 1 and again.rendered == ()
    assert snapshot(out) == before


def test_the_base_of_many_patches_keeps_its_digest_however_many_models_follow(
    make_vault: MakeVault, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, models_digested: list[object]
) -> None:
    """Each edit of one note in many is a new model patched from the same saved one; the
    digests of only the last few models are kept, and the base's stays among them, so no
    edit, however many come, has the whole model hashed again."""
    from netnotes import loader
    from netnotes.site.manifest import KEPT_MODELS

    monkeypatch.setattr(loader, "SMALL_PATCH", 1)  # a patch of one note in many is not saved
    digested = models_digested
    vault = make_vault(VAULT)
    build(vault)
    note = vault / "interactions/2026-03-01-lunch.md"
    for n in range(KEPT_MODELS + 3):
        note.write_text(note.read_text().replace("Shop.", f"Shop {n}.").replace(f"Shop {n - 1}.", f"Shop {n}."))
        out, edited = build(vault)
        assert edited.rendered
    assert len(digested) == 1
    assert tree(out) == cold(vault, tmp_path)


def test_a_patched_model_whose_base_digest_is_lost_is_named_by_its_base_key(
    make_vault: MakeVault, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, models_digested: list[object]
) -> None:
    """The base's key names its model as well as its digest does: with the kept digests gone
    (another output folder's build, a crash), a patched model is still not hashed whole."""
    from netnotes import loader
    from netnotes.site.manifest import MODEL_DIGEST

    monkeypatch.setattr(loader, "SMALL_PATCH", 1)  # a patch of one note in many is not saved
    digested = models_digested
    vault = make_vault(VAULT)
    build(vault)
    (vault / ".netnotes" / "cache" / MODEL_DIGEST).unlink()
    note = vault / "interactions/2026-03-01-lunch.md"
    note.write_text(note.read_text().replace("Shop.", "The shop."))
    out, edited = build(vault)
    assert len(digested) == 1 and edited.rendered
    _, again = build(vault)
    assert len(digested) == 1 and again.rendered == ()
    assert tree(out) == cold(vault, tmp_path)


def test_a_kept_model_digest_that_was_tampered_with_is_not_taken(
    make_vault: MakeVault, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    from netnotes import notecache
    from netnotes.site.manifest import MODEL_DIGEST

    real_now = notecache.now_ns
    monkeypatch.setattr(notecache, "now_ns", lambda: real_now() + 3600 * 10**9)
    vault = make_vault(VAULT)
    out, _ = build(vault)
    kept = vault / ".netnotes" / "cache" / MODEL_DIGEST
    data = json.loads(kept.read_text())
    (entry,) = data["models"]
    kept.write_text(json.dumps({"models": [{**entry, "digest": "0" * 64}]}))  # the seal no longer matches
    before = snapshot(out)
    _, again = build(vault)
    assert json.loads(kept.read_text())["models"][0]["digest"] == entry["digest"]  # digested again, and kept
    assert again.rendered == () and snapshot(out) == before


def test_a_build_with_nothing_changed_never_unpickles_the_model(
    make_vault: MakeVault, tmp_path: Path, run_cli: Any, monkeypatch: pytest.MonkeyPatch, unpickled: list[int]
) -> None:
    """The snapshot's model is unpickled only when a command asks for it: a build that finds
    nothing changed compares keys and reports the counts the snapshot keeps beside it."""
    from netnotes import notecache

    real_now = notecache.now_ns
    monkeypatch.setattr(notecache, "now_ns", lambda: real_now() + 3600 * 10**9)  # the notes long settled
    vault = make_vault(VAULT)
    out = tmp_path / "site"
    args = ("--vault", vault, "build", "--today", TODAY.isoformat(), "--out", out)
    run_cli(*args)  # the first: a full load, the snapshot saved
    first = run_cli(*args)
    assert "0 rendered" in first.stderr and "2 contacts, 1 interactions, 0 asks" in first.stderr
    assert unpickled == []
    assert run_cli("--vault", vault, "due", "--today", TODAY.isoformat()).exit_code in (0, 1)
    assert len(unpickled) == 1  # `due` needs the model: read from the same snapshot


def test_a_build_with_nothing_changed_after_an_edit_never_unpickles_the_model(
    make_vault: MakeVault, tmp_path: Path, run_cli: Any, monkeypatch: pytest.MonkeyPatch, unpickled: list[int]
) -> None:
    """After an edit of one note in many the snapshot is not saved again (a small patch), yet the
    next build that finds nothing changed compares keys, as it does after a full load: the key,
    counts and problems of the patched model are kept beside the snapshot."""
    from netnotes import loader, notecache

    real_now = notecache.now_ns
    monkeypatch.setattr(notecache, "now_ns", lambda: real_now() + 3600 * 10**9)  # the notes long settled
    monkeypatch.setattr(loader, "SMALL_PATCH", 1)  # a patch of one note in many is not saved
    vault = make_vault(VAULT)
    out = tmp_path / "site"
    args = ("--vault", vault, "build", "--today", TODAY.isoformat(), "--out", out)
    run_cli(*args)
    note = next((vault / "interactions").rglob("*.md"))
    note.write_text(note.read_text() + "\nOne more line.\n")
    edited = run_cli(*args)
    assert "0 rendered" not in edited.stderr and len(unpickled) == 1  # patched: the model was needed
    again = run_cli(*args)
    assert "0 rendered" in again.stderr and "2 contacts, 1 interactions, 0 asks" in again.stderr
    assert len(unpickled) == 1
    assert tree(out) == cold(vault, tmp_path)


def test_a_build_with_nothing_changed_never_decodes_what_the_pages_were_made_of(
    make_vault: MakeVault, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The manifest's record of what each page was made of (13 MB at 10,000 contacts) is
    checked when read and decoded only when a build has pages to compare."""
    from netnotes.site import manifest as manifest_module

    decoded: list[str] = []
    real = manifest_module._inputs

    def counting(text: str) -> manifest_module.Inputs:
        decoded.append(text)
        return real(text)

    monkeypatch.setattr(manifest_module, "_inputs", counting)
    vault = make_vault(VAULT)
    build(vault)
    build(vault)
    assert decoded == []  # nothing changed: no page to compare
    write = (vault / "interactions/2026-03-01-lunch.md").read_text().replace("Shop.", "Shop talk.")
    (vault / "interactions/2026-03-01-lunch.md").write_text(write)
    _, report = build(vault)
    assert len(decoded) == 1 and report.rendered  # an edit: the pages' inputs are read, once
