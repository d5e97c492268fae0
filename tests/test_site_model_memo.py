"""Issue 12: the site model is not made whole again after one edit. What depends on the contacts
and netnotes.yaml alone (tag and company groups, the company index, who introduced whom, the
duplicate candidates) is kept while ``LoadResult.contacts_key`` is the same, and the page-name
tables while their names are (``pages.ModelMemo``, on ``serve``'s ``build.Kept``). A rebuild
that reuses them gives the very bytes of a cold build."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
from conftest import MakeVault, write_vault
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from site_html import SERIAL, TODAY, tree
from test_site_warm_equals_cold import COLD, Vault, apply, steps, sync

from netnotes import notecache
from netnotes.loader import load_vault
from netnotes.model import Vault as Model
from netnotes.notecache import NoteCache
from netnotes.site import digest, pages
from netnotes.site.build import Kept, build_site
from netnotes.site.pages import ContactRow, ModelMemo, SiteModel, Slugs, contact_pieces

JANE = "---\nname: Jane Doe\ncompany: Acme\ntags: [python]\nemail: jane@example.com\ncircle: inner\n---\nHi\n"
JAYNE = "---\nname: Jayne Doe\nemail: jane@example.com\n---\n"
SAM = "---\nname: Sam Lee\ncompany: Globex\n---\n"
COFFEE = "---\ndate: 2026-11-01\nwith: [jane-doe, sam-lee]\ntitle: Coffee\n---\nWe talked.\n"
VAULT = {
    "contacts/jane-doe.md": JANE,
    "contacts/jayne-doe.md": JAYNE,
    "contacts/sam-lee.md": SAM,
    "interactions/2026/2026-11-01-coffee.md": COFFEE,
}


class Serving:
    """Builds the way ``netnotes serve`` does: one note cache and one ``Kept`` for every build."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.notes = NoteCache(root)
        self.kept = Kept()
        self.out = root / ".netnotes" / "serve"

    def build(self, today: dt.date = TODAY) -> Path:
        result = load_vault(self.root, today=today, cache=self.notes)
        build_site(self.root, result, self.out, today, SERIAL, self.kept)
        return self.out


def cold(root: Path, today: dt.date = TODAY) -> dict[str, bytes]:
    """A build with no cache of any kind, into a fresh folder."""
    out = root.parent / "cold"
    shutil.rmtree(out, ignore_errors=True)
    build_site(root, load_vault(root, cache=NoteCache(root, persistent=False)), out, today, COLD)
    return tree(out)


@pytest.fixture
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """The notes were saved long ago: the loader trusts their stamps and patches its snapshot."""
    real = notecache.now_ns
    monkeypatch.setattr(notecache, "now_ns", lambda: real() + 3600 * 10**9)


@pytest.fixture
def made(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, list[object]]]:
    """Spies on what the site model makes: its contact pieces, the duplicate candidates, slugs."""
    calls: dict[str, list[object]] = {"pieces": [], "candidates": [], "slugs": []}
    real_pieces, real_candidates, real_slugs = pages.contact_pieces, pages.find_candidates, pages.unique_slugs

    def pieces(vault: Model, *args: object) -> pages.ContactPieces:
        calls["pieces"].append(vault)
        return real_pieces(vault, *args)  # type: ignore[arg-type]  # the spy passes on what it got

    def candidates(contacts: object) -> object:
        calls["candidates"].append(contacts)
        return real_candidates(contacts)  # type: ignore[arg-type]  # the spy passes on what it got

    def slugs(names: object, fallback: str = "x") -> dict[str, str]:
        calls["slugs"].append(fallback)
        return real_slugs(names, fallback)  # type: ignore[arg-type]  # the spy passes on what it got

    monkeypatch.setattr(pages, "contact_pieces", pieces)
    monkeypatch.setattr(pages, "find_candidates", candidates)
    monkeypatch.setattr(pages, "unique_slugs", slugs)
    yield calls


def forget(calls: dict[str, list[object]]) -> None:
    for made in calls.values():
        made.clear()


def test_serve_after_an_interaction_edit_makes_no_contact_piece_and_no_slug_again(
    make_vault: MakeVault, settled: None, made: dict[str, list[object]]
) -> None:
    root = make_vault(VAULT)
    serving = Serving(root)
    serving.build()
    assert len(made["pieces"]) == 1 and len(made["candidates"]) == 1
    forget(made)
    (root / "interactions/2026/2026-11-01-coffee.md").write_text(COFFEE + "And walked.\n", encoding="utf-8")
    out = serving.build()
    assert made == {"pieces": [], "candidates": [], "slugs": []}
    assert "And walked." in (out / "contacts/jane-doe.html").read_text(encoding="utf-8")
    assert tree(out) == cold(root)


def test_a_new_interaction_makes_its_slugs_again_but_no_contact_piece(
    make_vault: MakeVault, settled: None, made: dict[str, list[object]]
) -> None:
    root = make_vault(VAULT)
    serving = Serving(root)
    serving.build()
    forget(made)
    lunch = COFFEE.replace("2026-11-01", "2026-11-20").replace("Coffee", "Lunch")
    (root / "interactions/2026/2026-11-20-lunch.md").write_text(lunch, encoding="utf-8")
    out = serving.build()
    assert made["pieces"] == [] and made["candidates"] == []
    assert made["slugs"] == ["interaction"]
    assert tree(out) == cold(root)


def test_serve_gives_back_the_last_contact_rows_that_did_not_change_and_keeps_their_digests(
    make_vault: MakeVault, settled: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_vault(VAULT)
    serving = Serving(root)
    serving.build()
    before = dict(serving.kept.model.rows)
    assert sorted(before) == ["jane-doe", "jayne-doe", "sam-lee"]
    digested: list[tuple[object, object]] = []  # each dataclass digested, and the one it is in
    inside: list[object] = []
    real = digest.Digester.dataclass

    def counting(self: digest.Digester, value: object, fields: digest.Fields) -> str:
        digested.append((value, inside[-1] if inside else None))
        inside.append(value)
        try:
            return real(self, value, fields)
        finally:
            inside.pop()

    monkeypatch.setattr(digest.Digester, "dataclass", counting)
    lunch = "---\ndate: 2026-11-20\nwith: [jane-doe]\ntitle: Lunch\n---\n"
    (root / "interactions/2026/2026-11-20-lunch.md").write_text(lunch, encoding="utf-8")
    out = serving.build()
    after = serving.kept.model.rows
    assert after["sam-lee"] is before["sam-lee"] and after["jayne-doe"] is before["jayne-doe"]
    assert after["jane-doe"] is not before["jane-doe"]  # her last touch moved
    assert after["jane-doe"].last_touch is not None and after["jane-doe"].last_touch.date == dt.date(2026, 11, 20)
    rows = [v for v, _ in digested if isinstance(v, ContactRow)]
    assert before["sam-lee"] in rows  # asked for, and answered from the last build's digests:
    assert not any(within is before["sam-lee"] for _, within in digested)  # nothing in it digested
    # (Sam's strength is the very object it was, as the site model made only Jane's again; it
    # is digested where a page shows it: on Jane's, among who can introduce her)
    assert serving.kept.model.rows["sam-lee"].strength is before["sam-lee"].strength
    assert tree(out) == cold(root)


EDITS = {
    "company": (JANE.replace("company: Acme", "company: Initech"), "companies/initech.html", "Initech"),
    "tags": (JANE.replace("tags: [python]", "tags: [rust]"), "tags/rust.html", "Jane Doe"),
    "name": (JANE.replace("name: Jane Doe", "name: Janet Doe"), "contacts.html", "Janet Doe"),
    "not_same_as": (JANE.replace("circle: inner", "circle: inner\nnot_same_as: [jayne-doe]"), "problems.html", None),
}


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_a_contact_edited_in_serve_shows_on_the_pages_as_a_cold_build_shows_it(
    make_vault: MakeVault, settled: None, made: dict[str, list[object]], edit: str
) -> None:
    root = make_vault(VAULT)
    serving = Serving(root)
    out = serving.build()
    assert "same email jane@example.com" in (out / "problems.html").read_text(encoding="utf-8")
    forget(made)
    text, page, shown = EDITS[edit]
    (root / "contacts/jane-doe.md").write_text(text, encoding="utf-8")
    out = serving.build()
    assert len(made["pieces"]) == 1  # the contacts changed: made again, not taken from the memo
    html = (out / page).read_text(encoding="utf-8")
    if shown is None:
        assert "same email jane@example.com" not in html
    else:
        assert shown in html
    assert tree(out) == cold(root)


def test_pieces_made_for_other_contacts_are_never_used(make_vault: MakeVault, tmp_path: Path) -> None:
    root = make_vault(VAULT)
    vault = load_vault(root, cache=NoteCache(root, persistent=False)).vault
    elsewhere = write_vault(tmp_path / "other", {"contacts/jane-doe.md": SAM})
    other = load_vault(elsewhere, cache=NoteCache(elsewhere, persistent=False)).vault
    foreign = contact_pieces(other, "key of other contacts")
    memo = ModelMemo(foreign)
    model = SiteModel(vault, TODAY, [], (), memo, "key of these contacts")
    assert model.pieces is not foreign and model.pieces.key == "key of these contacts"
    assert sorted(model.companies) == ["acme", "globex"]
    assert memo.pieces is model.pieces  # kept for the next model of these contacts
    # the same key: taken as it is
    assert SiteModel(vault, TODAY, [], (), memo, "key of these contacts").pieces is model.pieces
    # no key (nothing kept by the loader): made afresh, even when the memo's key is None too
    unnamed = contact_pieces(other, None)
    assert SiteModel(vault, TODAY, [], (), ModelMemo(unnamed), None).pieces is not unnamed


def test_slugs_are_kept_by_the_names_they_were_made_from() -> None:
    slugs = Slugs()
    first = slugs.of(["Zoë", "zoe"], "tag")
    assert slugs.of(("Zoë", "zoe"), "tag") is first
    assert slugs.of(["zoe", "Zoë"], "tag") == first  # another order: made again, the same table
    assert slugs.of(["Zoë"], "tag") == {"Zoë": "zoe"}  # the other name gone: its slug is plain again
    assert slugs.of(["Zoë"], "contact") == {"Zoë": "zoe"}


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(steps, min_size=1, max_size=6))
def test_serve_s_rebuilds_after_any_changes_equal_a_cold_build(sequence: list[tuple[object, ...]]) -> None:
    """The model's memo carried from rebuild to rebuild, as serve carries it, notes settled so
    loads are patched and the contacts' key stays while only interactions and asks change."""
    real = notecache.now_ns
    with mock.patch.object(notecache, "now_ns", lambda: real() + 3600 * 10**9):
        vault = Vault(contacts={"jane": ("Jane", "Acme", ("python",), "Hi [[sam]]"), "sam": ("Sam", None, (), "")})
        clock = [time.time_ns() - 30 * 86400 * 10**9]
        with tempfile.TemporaryDirectory() as folder:
            root = Path(folder) / "vault"
            sync(root, vault.files(), clock)
            serving = Serving(root)
            serving.build()
            for step in sequence:
                apply(vault, step)
                sync(root, vault.files(), clock)
                today = TODAY + dt.timedelta(days=vault.today)
                assert tree(serving.build(today)) == cold(root, today), step


def test_the_site_model_finds_each_contact_s_last_touch_once(
    make_vault: MakeVault, monkeypatch: pytest.MonkeyPatch
) -> None:
    from netnotes import followup

    root = make_vault(VAULT)
    vault = load_vault(root, cache=NoteCache(root, persistent=False)).vault
    calls: list[object] = []
    real = followup.last_touches

    def counting(interactions: object, today: dt.date) -> dict[str, followup.Touch]:
        calls.append(interactions)
        return real(interactions, today)  # type: ignore[arg-type]  # the spy passes on what it got

    monkeypatch.setattr(followup, "last_touches", counting)
    monkeypatch.setattr(pages, "last_touches", counting)
    model = SiteModel(vault, TODAY, [])
    assert len(calls) == 1
    assert model.due == followup.due_items(vault, TODAY, include_later=True)  # which finds them itself
    assert len(calls) == 2
