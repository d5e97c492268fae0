"""Issue 12: after an edit of interactions or asks, ``serve``'s site model is patched, not made
whole. The pieces interactions and asks feed (strength and fading, last touches, the due list,
notes by contact, reciprocity, who was with whom, the links' tables) are taken from the last
model's (``pages.NotePieces`` on ``pages.ModelMemo``) and made again only for the contacts the
notes read again name; the patched model must equal, piece by piece and in the same order, the
model made whole from the same vault."""

from __future__ import annotations

import dataclasses
import datetime as dt
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from conftest import MakeVault
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from site_html import tree
from test_site_model_memo import COFFEE, VAULT, Serving, cold
from test_site_warm_equals_cold import sync

from netnotes import followup, notecache, strength
from netnotes.loader import LoadResult, load_vault
from netnotes.moves import Move
from netnotes.notecache import NoteCache
from netnotes.site import pages
from netnotes.site.pages import ModelMemo, SiteModel

TODAY = dt.date(2026, 11, 25)
CONTACTS = {
    "ana": "name: Ana Lima\ncompany: Acme\ncircle: inner\nbirthday: 1990-12-01",
    "ben": "name: Ben Okafor\ncompany: Globex\ncadence: 2w\nmet_through: ana",
    "cy": "name: Cy Park\ncompany: Acme\nsince: 2025-01-01",
    "dee": "name: Dee Ruiz\npast_companies: [Globex]\narchived: true",
    "eli": "name: Eli Stone\nsnooze_until: 2026-12-01",
}
IDS = sorted(CONTACTS)
# a move from git, for rule 11 (congratulate) and the former insiders of a company
MOVES = (Move("cy", dt.date(2026, 11, 1), "abc", 1, "Globex", "Engineer", "Acme", "Lead"),)


@dataclasses.dataclass
class Notes:
    """The interactions and asks as values; ``files`` writes them out with the contacts."""

    interactions: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)
    asks: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)
    contacts: dict[str, str] = dataclasses.field(default_factory=lambda: dict(CONTACTS))

    def files(self) -> dict[str, str]:
        out = {f"contacts/{cid}.md": f"---\n{text}\n---\n" for cid, text in self.contacts.items()}
        out["netnotes.yaml"] = "circles:\n  inner: 3w\nhorizon: 14d\n"
        for folder, notes in (("interactions", self.interactions), ("asks", self.asks)):
            for name, fields in notes.items():
                lines = [f"{k}: {v}" for k, v in fields.items() if v is not None]
                out[f"{folder}/{name}.md"] = "---\n" + "\n".join(lines) + "\n---\nNotes.\n"
        return out


def day(offset: int) -> str:
    return (TODAY + dt.timedelta(days=offset)).isoformat()


people = st.lists(st.sampled_from(IDS), min_size=0, max_size=3, unique=True)
offsets = st.integers(-400, 30)  # a few planned ones after today
interaction = st.fixed_dictionaries(
    {
        "date": offsets.map(day),
        "with": people.map(lambda p: "[" + ", ".join(p) + "]"),
        "kind": st.sampled_from(["coffee", "call", "email", "thank-you"]),
        "title": st.sampled_from(["Catch-up", "Plans"]),
        "follow_up": st.one_of(st.none(), st.sampled_from(["2w", day(-3), day(5)])),
        "done": st.one_of(st.none(), st.just("true")),
    }
)
ask = st.fixed_dictionaries(
    {
        "date": offsets.map(day),
        "with": st.sampled_from(IDS),
        "direction": st.sampled_from(["out", "in"]),
        "kind": st.sampled_from(["introduction", "advice"]),
        "status": st.sampled_from(["open", "done", "declined"]),
        "closed": st.one_of(st.none(), st.integers(-40, 0).map(day)),
        "intro_to": st.one_of(st.none(), st.sampled_from(IDS), st.just("Globex")),
        "thanked": st.one_of(st.none(), st.just("true")),
    }
)
# Where each run starts: contacts we used to talk to every ten days (fading, in an order that
# edits change), people met together, and favours done (reciprocity, thank-yous)
BASE = {
    "f0": {"date": day(-200), "with": "[ana]", "kind": "coffee"},
    "f1": {"date": day(-190), "with": "[ana, ben]", "kind": "call"},
    "f2": {"date": day(-180), "with": "[ana]", "kind": "email"},
    "f3": {"date": day(-300), "with": "[ben]", "kind": "coffee"},
    "f4": {"date": day(-290), "with": "[ben, cy, eli]", "kind": "coffee", "follow_up": "2w"},
    "f5": {"date": day(-150), "with": "[cy, eli]", "kind": "call"},
    "f6": {"date": day(-140), "with": "[cy]", "kind": "thank-you"},
}
BASE_ASKS = {
    "a0": {"date": day(-20), "with": "ben", "direction": "out", "status": "done", "closed": day(-5)},
    "a1": {"date": day(-60), "with": "eli", "direction": "in", "status": "done", "intro_to": "Globex"},
}
NAMES = ("n0", "n1", "n2", "n3", *BASE)
ASKS = ("n4", "n5", *BASE_ASKS)
edits = st.one_of(
    st.tuples(st.just("interaction"), st.sampled_from(NAMES), interaction),
    st.tuples(st.just("ask"), st.sampled_from(ASKS), ask),
    st.tuples(st.just("date"), st.sampled_from(NAMES), offsets),
    st.tuples(st.just("with"), st.sampled_from(NAMES), people),
    st.tuples(st.just("done"), st.sampled_from(NAMES)),
    st.tuples(st.just("status"), st.sampled_from(ASKS), st.sampled_from(["open", "done", "dropped"])),
    st.tuples(st.just("delete"), st.sampled_from(NAMES + ASKS)),
)


def edit(notes: Notes, step: tuple[Any, ...]) -> None:
    kind, name = step[0], step[1]
    if kind == "interaction":
        notes.interactions[name] = dict(step[2])
    elif kind == "ask":
        notes.asks[name] = dict(step[2])
    elif kind == "date" and name in notes.interactions:
        notes.interactions[name]["date"] = day(step[2])
    elif kind == "with" and name in notes.interactions:
        notes.interactions[name]["with"] = "[" + ", ".join(step[2]) + "]"
    elif kind == "done" and name in notes.interactions:
        notes.interactions[name]["done"] = None if notes.interactions[name].get("done") else "true"
    elif kind == "status" and name in notes.asks:
        notes.asks[name]["status"] = step[2]
    elif kind == "delete":
        notes.interactions.pop(name, None)
        notes.asks.pop(name, None)


def ordered(value: object) -> object:
    """A value with every dict as its list of items: two dicts are equal here only in one order."""
    if isinstance(value, dict):
        return [(k, ordered(v)) for k, v in value.items()]
    if isinstance(value, (list, tuple)):
        return [ordered(v) for v in value]
    return value


def assert_same_model(patched: SiteModel, whole: SiteModel) -> None:
    for f in dataclasses.fields(SiteModel):
        if f.name in ("memo", "contacts_key", "model_key", "patch", "candidates", "pieces", "links", "path_index"):
            continue  # their keys and memo; the contact pieces (kept before, not patched); see below
        if f.name.startswith("_"):
            continue
        assert ordered(getattr(patched, f.name)) == ordered(getattr(whole, f.name)), f.name
    assert ordered(patched.links.tables()) == ordered(whole.links.tables())
    vault = whole.vault
    paths = [c.path for c in vault.contacts] + [i.path for i in vault.interactions] + [a.path for a in vault.asks]
    paths.append("interactions/none.md")
    assert [patched.links.note(p) for p in paths] == [whole.links.note(p) for p in paths]
    for name in ("_together", "_asks_to_contact", "_asks_to_company", "_formerly", "move_names", "_introduced"):
        assert getattr(patched.path_index, name) == getattr(whole.path_index, name), name
    index, fresh = patched.path_index, whole.path_index
    assert index.relationships is patched.relationships and index.vault is patched.vault
    for key in sorted(fresh.company_names()):
        assert index.company(key) == fresh.company(key)
    for cid in IDS:
        assert index.person(cid) == fresh.person(cid)


def made_whole(result: LoadResult) -> SiteModel:
    return SiteModel(result.vault, TODAY, result.problems, MOVES)


def served(root: Path, cache: NoteCache, memo: ModelMemo) -> tuple[LoadResult, SiteModel]:
    """The vault loaded and its site model made as ``serve`` loads and makes them."""
    result = load_vault(root, today=TODAY, cache=cache)
    return result, serve_model(result, memo)


def serve_model(result: LoadResult, memo: ModelMemo) -> SiteModel:
    """The site model as ``serve`` makes it: with the memo the last one left."""
    return SiteModel(
        result.vault,
        TODAY,
        result.problems,
        MOVES,
        memo,
        result.contacts_key,
        model_key=result.model_key,
        patch=result.patch,
    )


@pytest.fixture
def spies(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, int]]:
    """Counts the site model's passes over every note: relationships, due items, last touches."""
    calls = {"relationships": 0, "due_items": 0, "last_touches": 0}

    def spy(name: str, real: Any) -> Any:  # noqa: ANN401 - wraps any of the three
        def counting(*args: Any, **kwargs: Any) -> Any:  # noqa: ANN401
            calls[name] += 1
            return real(*args, **kwargs)

        return counting

    monkeypatch.setattr(pages, "relationships", spy("relationships", strength.relationships))
    monkeypatch.setattr(pages, "due_items", spy("due_items", followup.due_items))
    monkeypatch.setattr(pages, "last_touches", spy("last_touches", followup.last_touches))
    yield calls


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(interaction, max_size=4), st.lists(edits, min_size=1, max_size=8))
def test_any_sequence_of_interaction_and_ask_edits_patches_a_model_equal_to_one_made_whole(
    start: list[dict[str, Any]], sequence: list[tuple[Any, ...]]
) -> None:
    real = notecache.now_ns
    with mock.patch.object(notecache, "now_ns", lambda: real() + 3600 * 10**9), tempfile.TemporaryDirectory() as t:
        root = Path(t) / "vault"
        notes = Notes({name: dict(fields) for name, fields in BASE.items()}, {k: dict(v) for k, v in BASE_ASKS.items()})
        notes.interactions.update((name, dict(fields)) for name, fields in zip(NAMES, start, strict=False))
        clock = [time.time_ns() - 30 * 86400 * 10**9]
        sync(root, notes.files(), clock)
        cache, memo = NoteCache(root), ModelMemo()
        served(root, cache, memo)
        for step in sequence:
            edit(notes, step)
            sync(root, notes.files(), clock)
            with mock.patch.object(pages, "relationships", side_effect=AssertionError("made whole")):
                result, model = served(root, cache, memo)  # patched from the last model, or that very model again
            assert_same_model(model, made_whole(result))


def test_serve_s_model_after_an_interaction_edit_runs_no_pass_over_every_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spies: dict[str, int]
) -> None:
    real = notecache.now_ns
    monkeypatch.setattr(notecache, "now_ns", lambda: real() + 3600 * 10**9)
    root = tmp_path / "vault"
    coffee = {"date": day(-10), "with": "[ana, ben]", "kind": "coffee", "follow_up": "2w"}
    notes = Notes(interactions={"n0": coffee, "n1": {"date": day(-90), "with": "[cy]"}})
    notes.asks["n2"] = {"date": day(-5), "with": "ben", "direction": "out", "status": "open", "intro_to": "cy"}
    clock = [time.time_ns() - 30 * 86400 * 10**9]
    sync(root, notes.files(), clock)
    cache, memo = NoteCache(root), ModelMemo()
    served(root, cache, memo)
    assert spies == {"relationships": 1, "due_items": 1, "last_touches": 1}  # the first model: whole
    favour = {"date": day(-3), "with": "ana", "direction": "in", "status": "done"}
    steps = (("date", "n1", -2), ("with", "n0", ["ana", "eli"]), ("status", "n2", "done"), ("ask", "n3", favour))
    for step in steps:
        edit(notes, step)
        sync(root, notes.files(), clock)
        before = dict(spies)
        result, model = served(root, cache, memo)
        assert result.patch is not None
        assert spies == before, step  # none of them ran again
        assert_same_model(model, made_whole(result))
    assert model.touches["cy"].date == TODAY - dt.timedelta(days=2)
    assert model.reciprocity == {"ana": followup.Reciprocity(1, 0), "ben": followup.Reciprocity(0, 1)}
    assert list(model.reciprocity) == ["ana", "ben"]  # by id, as made whole, though Ana's came last
    # a contact edited: the model is made whole again (the contacts' key moved)
    notes.contacts["eli"] = "name: Eli Stone"
    sync(root, notes.files(), clock)
    before = dict(spies)
    result, model = served(root, cache, memo)
    assert result.patch is None and spies == {name: count + 1 for name, count in before.items()}
    assert_same_model(model, made_whole(result))


def test_pieces_of_another_model_are_never_patched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A patch names the model it was made from; pieces kept for any other model (another
    base, another day, other moves) are not its base, and the model is made whole."""
    real = notecache.now_ns
    monkeypatch.setattr(notecache, "now_ns", lambda: real() + 3600 * 10**9)
    root = tmp_path / "vault"
    notes = Notes(interactions={"n0": {"date": day(-10), "with": "[ana]"}})
    clock = [time.time_ns() - 30 * 86400 * 10**9]
    sync(root, notes.files(), clock)
    cache = NoteCache(root)
    first = load_vault(root, today=TODAY, cache=cache)
    memo = ModelMemo()
    serve_model(first, memo)
    assert memo.notes is not None and memo.notes.key == first.model_key
    notes.interactions["n0"]["date"] = day(-1)
    sync(root, notes.files(), clock)
    second = load_vault(root, today=TODAY, cache=cache)
    assert second.patch is not None and second.patch.base == first.model_key
    for other in (
        dataclasses.replace(memo.notes, key="another model"),
        dataclasses.replace(memo.notes, today=TODAY - dt.timedelta(days=1)),
        dataclasses.replace(memo.notes, moves=()),
    ):
        poisoned = dataclasses.replace(other, touches={}, due=[])  # wrong pieces: never to be used
        kept = ModelMemo(memo.pieces, memo.slugs, notes=poisoned)
        model = serve_model(second, kept)
        assert_same_model(model, made_whole(second))
        assert kept.notes is not None and kept.notes.key == second.model_key


def test_serve_s_rebuild_after_an_interaction_edit_patches_the_model_and_builds_a_cold_build_s_site(
    make_vault: MakeVault, monkeypatch: pytest.MonkeyPatch, spies: dict[str, int]
) -> None:
    real = notecache.now_ns
    monkeypatch.setattr(notecache, "now_ns", lambda: real() + 3600 * 10**9)
    root = make_vault(VAULT)
    serving = Serving(root)
    serving.build()
    before = dict(spies)
    (root / "interactions/2026/2026-11-01-coffee.md").write_text(COFFEE.replace("2026-11-01", "2026-11-03"))
    out = serving.build()
    assert spies == before  # build_site handed the load's patch to the site model
    assert serving.kept.model.notes is not None
    assert tree(out) == cold(root)
