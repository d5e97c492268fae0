"""A build after an edit shapes only the contact pages the edit can have touched (issue 12):
the manifest keeps what each contact page was made of (``site/depends.py``); every other
contact page is taken from the site in place without its context being made, and the site is
still the one a cold build makes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import MakeVault
from site_html import TODAY, build, tree

from netnotes.loader import load_vault
from netnotes.model import Contact
from netnotes.site import pages as site_pages
from netnotes.site.build import RENDER_CACHE, BuildOptions

WARM = BuildOptions(jobs=1)
COLD = BuildOptions(jobs=1, cache=False)
VAULT = {
    "netnotes.yaml": "title: Net\ncircles:\n  inner: 3w\n",
    "contacts/ann.md": "---\nname: Ann\ncircle: inner\n---\n",
    "contacts/bob.md": "---\nname: Bob\ncircle: inner\n---\n",
    "contacts/cy.md": "---\nname: Cy\ncircle: inner\n---\n",
    "contacts/dee.md": "---\nname: Dee\nmet_through: cy\n---\n",
    "interactions/i1.md": "---\ndate: 2026-10-01\nwith: ann\ntitle: Coffee\n---\nFirst.\n",
    "interactions/i2.md": (
        "---\ndate: 2026-10-02\nwith: [bob, cy]\ntitle: Lunch\nfollow_up: 2026-12-01\nnext: send notes\n---\nSecond.\n"
    ),
    "interactions/i3.md": "---\ndate: 2026-10-03\nwith: dee\n---\nThird.\n",
}


@pytest.fixture
def shaped(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The id of every contact whose page context is made from now on."""
    ids: list[str] = []
    real = site_pages.contact_page

    def spy(model: site_pages.SiteModel, contact: Contact, *args: object) -> site_pages.Page:
        ids.append(contact.id)
        return real(model, contact, *args)  # type: ignore[arg-type]  # the bodies, passed on

    monkeypatch.setattr(site_pages, "contact_page", spy)
    return ids


def edit(vault: Path, relpath: str, old: str, new: str) -> None:
    path = vault / relpath
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def warm_equals_cold(vault: Path, tmp_path: Path, shaped: list[str] | None = None) -> set[str]:
    """Build warm, check it against a cold build; the pages the warm build rendered (and in
    ``shaped``, only the contacts whose pages the warm build shaped)."""
    shaped = shaped if shaped is not None else []
    shaped.clear()
    out, report = build(vault, options=WARM)
    warm = list(shaped)
    cold, _ = build(vault, tmp_path / "cold", TODAY, COLD)
    assert tree(out) == tree(cold)
    shaped[:] = warm
    return set(report.rendered)


def test_one_interaction_edit_shapes_the_pages_of_its_contacts_only(
    make_vault: MakeVault, tmp_path: Path, shaped: list[str]
) -> None:
    vault = make_vault(VAULT)
    build(vault, options=WARM)
    shaped.clear()
    edit(vault, "interactions/i1.md", "First.", "First, and more.")
    rendered = warm_equals_cold(vault, tmp_path, shaped)
    assert shaped == ["ann"]
    assert "contacts/ann.html" in rendered and "contacts/bob.html" not in rendered


def test_an_edit_to_a_shared_interaction_shapes_both_pages(
    make_vault: MakeVault, tmp_path: Path, shaped: list[str]
) -> None:
    vault = make_vault(VAULT)
    build(vault, options=WARM)
    shaped.clear()
    edit(vault, "interactions/i2.md", "Second.", "Second, longer.")
    out, report = build(vault, options=WARM)
    # and Dee's, who met me through Cy: Cy's strength ranks Dee's "who can introduce you"
    assert sorted(shaped) == ["bob", "cy", "dee"]
    assert {"contacts/bob.html", "contacts/cy.html"} <= set(report.rendered)
    assert "Second, longer." in (out / "contacts/cy.html").read_text(encoding="utf-8")


def test_nothing_is_shaped_when_only_the_site_lost_a_file(make_vault: MakeVault, shaped: list[str]) -> None:
    vault = make_vault(VAULT)
    out, _ = build(vault, options=WARM)
    (out / "contacts/bob.html").unlink()
    shaped.clear()
    out, report = build(vault, options=WARM)
    assert shaped == ["bob"]  # its file is gone: made again, the others taken as they are
    assert report.rendered == ("contacts/bob.html",)


def test_an_interaction_moved_to_another_contact_leaves_the_first_page(
    make_vault: MakeVault, tmp_path: Path, shaped: list[str]
) -> None:
    vault = make_vault(VAULT)
    build(vault, options=WARM)
    shaped.clear()
    edit(vault, "interactions/i1.md", "with: ann", "with: bob")
    rendered = warm_equals_cold(vault, tmp_path, shaped)
    assert {"contacts/ann.html", "contacts/bob.html"} <= rendered
    # its link (on its first contact's page) moved with it, and only pages that hold it or its
    # contacts are shaped again (Cy's: a follow-up of Bob's and hers is open); Dee's is not
    assert sorted(shaped) == ["ann", "bob", "cy"]


def test_a_later_touch_of_one_contact_closes_the_follow_up_on_the_others_page(
    make_vault: MakeVault, tmp_path: Path, shaped: list[str]
) -> None:
    vault = make_vault(VAULT)
    out, _ = build(vault, options=WARM)
    assert "follow-up-open" in (out / "contacts/bob.html").read_text(encoding="utf-8")
    make_vault({"interactions/i4.md": "---\ndate: 2026-10-20\nwith: cy\n---\n"})
    shaped.clear()
    rendered = warm_equals_cold(vault, tmp_path)
    assert "contacts/bob.html" in rendered  # a note that names only Cy changed Bob's page
    assert "follow-up-closed" in (out / "contacts/bob.html").read_text(encoding="utf-8")


def test_a_contact_who_introduced_another_is_named_on_their_page(make_vault: MakeVault, tmp_path: Path) -> None:
    vault = make_vault(VAULT)
    build(vault, options=WARM)
    edit(vault, "contacts/cy.md", "name: Cy", "name: Cyrus")
    assert "contacts/dee.html" in warm_equals_cold(vault, tmp_path)
    edit(vault, "contacts/dee.md", "met_through: cy", "met_through: ann")
    assert {"contacts/ann.html", "contacts/cy.html"} <= warm_equals_cold(vault, tmp_path)


def test_an_edit_loaded_by_another_command_before_the_build_is_still_seen(
    make_vault: MakeVault, tmp_path: Path, shaped: list[str]
) -> None:
    """The model's snapshot moves with every load (`due`, `check`); what the site was made from
    is the manifest's own record, so an edit that another command loaded first is not lost."""
    vault = make_vault(VAULT)
    build(vault, options=WARM)
    edit(vault, "interactions/i3.md", "Third.", "Third, edited.")
    load_vault(vault)  # `netnotes due`, say: the snapshot now holds the edit
    assert "contacts/dee.html" in warm_equals_cold(vault, tmp_path, shaped)
    assert shaped == ["cy", "dee"]  # Cy introduced Dee: Dee's strength ranks Cy's introducers


def manifest_file(vault: Path) -> Path:
    (found,) = (vault / RENDER_CACHE).glob("site-*.json")
    return found


def test_a_tampered_record_of_the_pages_inputs_is_not_trusted(
    make_vault: MakeVault, tmp_path: Path, shaped: list[str]
) -> None:
    vault = make_vault(VAULT)
    build(vault, options=WARM)
    path = manifest_file(vault)
    data = json.loads(path.read_bytes())
    inputs = json.loads(data["inputs"][0])
    ann = inputs["pages"]["contacts/ann.html"]
    ann[2] = ""  # Ann's page "holds no note": an edit to i1 would pass it by
    data["inputs"][0] = json.dumps(inputs, separators=(",", ":"))
    path.write_text(json.dumps(data), encoding="utf-8")
    edit(vault, "interactions/i1.md", "First.", "First, tampered with.")
    shaped.clear()
    out, report = build(vault, options=WARM)
    assert any("not this user's" in w for w in report.cache_warnings)
    assert sorted(shaped) == ["ann", "bob", "cy", "dee"]  # every contact page shaped, as without a record
    assert "First, tampered with." in (out / "contacts/ann.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("inputs", [["not json", "0" * 64], "garbage", [1, 2]], ids=["bad-mac", "string", "numbers"])
def test_a_corrupt_record_of_the_pages_inputs_is_a_warning_and_the_slow_path(
    make_vault: MakeVault, tmp_path: Path, shaped: list[str], inputs: object
) -> None:
    vault = make_vault(VAULT)
    build(vault, options=WARM)
    path = manifest_file(vault)
    data = json.loads(path.read_bytes())
    data["inputs"] = inputs
    path.write_text(json.dumps(data), encoding="utf-8")
    edit(vault, "interactions/i1.md", "First.", "First, edited.")
    shaped.clear()
    _, report = build(vault, options=WARM)
    assert report.cache_warnings and sorted(shaped) == ["ann", "bob", "cy", "dee"]
    edit(vault, "interactions/i3.md", "Third.", "Third, edited.")
    assert "contacts/dee.html" in warm_equals_cold(vault, tmp_path, shaped)
    assert shaped == [
        "cy",
        "dee",
    ]  # Cy introduced Dee: Dee's strength ranks Cy's introducers  # the record made again is used


@pytest.mark.parametrize("saved", [True, False], ids=["patches saved", "patches not saved"])
def test_after_a_patch_only_the_notes_it_read_again_are_digested_for_their_states(
    make_vault: MakeVault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, saved: bool
) -> None:
    """Which pages an edit touched is found by comparing every note's state with the last
    build's. When the model was patched from the model those states are of, only the notes
    the patch read again are digested; when both were patched from one model (a small patch
    is not saved), only the notes either patch read again: at 100,000 notes that is most of
    the difference between a one-edit build and a nothing-changed one."""
    from netnotes import loader, notecache
    from netnotes.model import Interaction
    from netnotes.site import depends
    from netnotes.site.digest import Digester

    real_now = notecache.now_ns
    monkeypatch.setattr(notecache, "now_ns", lambda: real_now() + 3600 * 10**9)  # notes long settled
    monkeypatch.setattr(loader, "SMALL_PATCH", 10**6 if saved else 1)  # a patch of one note in many is not saved
    every: list[int] = []
    digested: list[str] = []
    real_states, real_of = depends.note_states, Digester.of

    def states(*args: object) -> object:
        every.append(1)
        return real_states(*args)  # type: ignore[arg-type]

    def of(self: Digester, value: object) -> str:
        if isinstance(value, Interaction):
            digested.append(value.path)
        return real_of(self, value)

    monkeypatch.setattr(depends, "note_states", states)
    monkeypatch.setattr(Digester, "of", of)
    vault = make_vault(VAULT)
    build(vault, options=WARM)
    assert every == [1]
    every.clear()
    digested.clear()
    edit(vault, "interactions/i1.md", "First.", "First, and more.")
    out, _ = build(vault, options=WARM)
    assert every == [] and sorted(set(digested)) == ["interactions/i1.md"]
    assert tree(out) == tree(build(vault, tmp_path / "cold1", TODAY, COLD)[0])
    every.clear()
    digested.clear()
    edit(vault, "interactions/i3.md", "Third.", "Third, and more.")
    out, _ = build(vault, options=WARM)
    again = ["interactions/i3.md"] if saved else ["interactions/i1.md", "interactions/i3.md"]
    assert every == [] and sorted(set(digested)) == again
    assert tree(out) == tree(build(vault, tmp_path / "cold2", TODAY, COLD)[0])
    every.clear()
    edit(vault, "contacts/bob.md", "name: Bob", "name: Bobby")  # not a patch: every note again
    out, _ = build(vault, options=WARM)
    assert every == [1]
    assert tree(out) == tree(build(vault, tmp_path / "cold3", TODAY, COLD)[0])


def test_an_interaction_added_and_removed_again_leaves_its_contacts_page_as_before(
    make_vault: MakeVault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With patches left unsaved, the model after the removal is the saved one again, patched
    with nothing: the notes' states recorded with the added note must lose it, or the page
    that showed it would look unchanged and keep showing it."""
    from netnotes import loader, notecache

    real_now = notecache.now_ns
    monkeypatch.setattr(notecache, "now_ns", lambda: real_now() + 3600 * 10**9)  # notes long settled
    monkeypatch.setattr(loader, "SMALL_PATCH", 1)  # a patch of one note in many is not saved
    vault = make_vault(VAULT)
    out, _ = build(vault, options=WARM)
    before = tree(out)
    added = vault / "interactions/i9.md"
    added.write_text("---\ndate: 2026-10-09\nwith: ann\ntitle: Walk\n---\nNinth.\n", encoding="utf-8")
    out, _ = build(vault, options=WARM)
    assert "Walk" in (out / "contacts/ann.html").read_text(encoding="utf-8")
    added.unlink()
    out, _ = build(vault, options=WARM)
    assert tree(out) == before == tree(build(vault, tmp_path / "cold", TODAY, COLD)[0])


def test_after_a_patch_the_notes_it_did_not_read_again_and_untouched_rows_are_not_digested(
    make_vault: MakeVault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The contacts list shows every contact and their last touch, so it is shaped after any
    interaction edit. The notes in it that the patch did not read again are the model's as the
    last build digested them: their states, kept in the manifest, are their digests, and they
    are not pickled again; nor are the rows of the contacts no edited note names, whose digests
    the manifest kept too. The pages come out as a cold build makes them."""
    from netnotes import loader, notecache
    from netnotes.model import Ask, Interaction
    from netnotes.site import depends
    from netnotes.site.digest import Digester, Name

    real_now = notecache.now_ns
    monkeypatch.setattr(notecache, "now_ns", lambda: real_now() + 3600 * 10**9)  # notes long settled
    monkeypatch.setattr(loader, "SMALL_PATCH", 1)
    digested: list[str] = []
    real_own = Digester._own

    def own(self: Digester, value: object, fields: object) -> str:
        if isinstance(value, (Contact, Interaction, Ask)):
            digested.append(value.path)
        return real_own(self, value, fields)  # type: ignore[arg-type]  # the fields getter, passed on

    known: list[str] = []
    real_known = depends.known_states

    def known_states(*args: object) -> object:
        answer = real_known(*args)  # type: ignore[arg-type]  # the states and paths, passed on

        def spy(value: object) -> tuple[str, frozenset[Name]] | None:
            found = answer(value)
            if found is not None:
                if isinstance(value, site_pages.ContactRow):
                    known.append(f"row:{value.contact.id}")
                else:
                    known.append(value.path)  # type: ignore[attr-defined]  # only rows and notes are known
            return found

        return spy

    monkeypatch.setattr(Digester, "_own", own)
    monkeypatch.setattr(depends, "known_states", known_states)
    vault = make_vault(VAULT)
    build(vault, options=WARM)
    assert "contacts/ann.md" in digested and "interactions/i2.md" in digested  # a first build digests all
    assert known == []
    digested.clear()
    edit(vault, "interactions/i1.md", "First.", "First, and more.")
    out, _ = build(vault, options=WARM)
    assert sorted(set(digested)) == ["interactions/i1.md"]
    # the contacts list: the rows of the contacts the edit did not touch are as they were, and
    # Ann's, made again, holds her note as it was
    assert {"row:bob", "row:cy", "row:dee", "contacts/ann.md"} <= set(known) and "row:ann" not in known
    assert tree(out) == tree(build(vault, tmp_path / "cold", TODAY, COLD)[0])


def test_a_notes_known_digest_is_the_one_digesting_it_gives(make_vault: MakeVault) -> None:
    """``known_states`` answers, for a model that differs from the one the states were taken of
    only in the notes at some paths, with each other note's digest, exactly as digesting it
    gives, with the names digesting it gathers, and with nothing for the notes at those paths
    or for values that are not notes."""
    from netnotes.model import Ask, Interaction
    from netnotes.notecache import NoteCache
    from netnotes.site import depends
    from netnotes.site.digest import Digester

    vault = make_vault(VAULT)
    model = load_vault(vault, today=TODAY, cache=NoteCache(vault, persistent=False)).vault
    states, _ = depends.note_states(Digester(depends.note_names), model)
    known = depends.known_states(states, ["interactions/i2.md"])
    fresh = Digester(depends.note_names)
    notes: list[Contact | Interaction | Ask] = [*model.contacts, *model.interactions, *model.asks]
    for note in notes:
        expected = None if note.path == "interactions/i2.md" else (fresh.of(note), fresh.digest_inputs(note)[1])
        assert known(note) == expected
    assert known(model.config) is None


def test_note_states_made_by_other_code_are_not_carried_on(
    make_vault: MakeVault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A note's state is its digest, which the pages' digests take for it: states that another
    version of the code digested are not carried into a patched build, where they would stand
    beside digests made another way. Every note is digested again instead."""
    from netnotes import loader, notecache
    from netnotes.site import build as site_build
    from netnotes.site import depends

    real_now = notecache.now_ns
    monkeypatch.setattr(notecache, "now_ns", lambda: real_now() + 3600 * 10**9)  # notes long settled
    monkeypatch.setattr(loader, "SMALL_PATCH", 1)
    every: list[int] = []
    real_states = depends.note_states

    def states(*args: object) -> object:
        every.append(1)
        return real_states(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(depends, "note_states", states)
    vault = make_vault(VAULT)
    build(vault, options=WARM)
    edit(vault, "interactions/i1.md", "First.", "First, and more.")
    every.clear()
    build(vault, options=WARM)
    assert every == []  # the same code: the states are carried on
    monkeypatch.setattr(site_build, "code_salt", lambda: "another version of netnotes")
    edit(vault, "interactions/i3.md", "Third.", "Third, and more.")
    out, _ = build(vault, options=WARM)
    assert every == [1]
    assert tree(out) == tree(build(vault, tmp_path / "cold", TODAY, COLD)[0])
