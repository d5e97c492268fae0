"""Warm equals cold (issue 12): after any sequence of edits, deletes, renames, new notes,
settings and theme changes and other days, a build that reuses the previous site (its
manifest, the render cache) gives the same bytes, file for file, as a cold build of the same
vault into a fresh folder without any cache. Hypothesis drives the sequence."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from site_html import TODAY, build, tree

from netnotes import loader, notecache
from netnotes.loader import load_vault
from netnotes.notecache import NoteCache
from netnotes.site.build import BuildOptions, build_site

COLD = BuildOptions(jobs=1, cache=False)
WARM = BuildOptions(jobs=1)
IDS = ("jane", "sam", "ana", "li")
WORDS = ("Hello", "[[jane]]", "[[sam|Sammy]]", "[[ghost]]", "*em*", "<b>x</b>", "\n\n- item\n", "\n\n", "é", "a & b")
COMPANIES = (None, "Acme", "acme, inc.", "Globex")
TITLES = ("Lunch", "Coffee <3", "Call", None)
NAMES = ("Zoë", "Łukasz O'Brien", "Émile", "ana", "Jane")
FOLLOW_UPS = ("2w", "1d", "2026-12-24", None)
BIRTHDAYS = ("1990-02-28", "--02-29", "1985-11-26", None)


@dataclass
class Vault:
    """The vault as values; ``files`` writes it out."""

    contacts: dict[str, tuple[str, str | None, tuple[str, ...], str]] = field(default_factory=dict)
    interactions: dict[str, tuple[int, tuple[str, ...], str | None, str]] = field(default_factory=dict)
    follow_ups: dict[str, str] = field(default_factory=dict)  # interaction -> follow_up (the calendar's events)
    birthdays: dict[str, str] = field(default_factory=dict)  # contact -> birthday
    met_through: dict[str, str] = field(default_factory=dict)  # contact -> the contact who introduced them
    done: set[str] = field(default_factory=set)  # interactions whose follow-up is done
    asks: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # ask -> (with, intro_to)
    title: str = "Net"
    cadence: str = "3w"
    theme: dict[str, str] = field(default_factory=dict)
    today: int = 0  # days after TODAY

    def files(self) -> dict[str, str]:
        out = {"netnotes.yaml": f"title: {json.dumps(self.title)}\ncircles:\n  inner: {self.cadence}\n"}
        for cid, (name, company, tags, body) in self.contacts.items():
            front = [f"name: {json.dumps(name)}", "circle: inner"]
            front += [f"company: {json.dumps(company)}"] if company else []
            front += [f"tags: {json.dumps(list(tags))}"] if tags else []
            front += [f"birthday: {self.birthdays[cid]}"] if cid in self.birthdays else []
            front += [f"met_through: {self.met_through[cid]}"] if cid in self.met_through else []
            out[f"contacts/{cid}.md"] = "---\n" + "\n".join(front) + "\n---\n" + body + "\n"
        for iid, (day, people, title, body) in self.interactions.items():
            date = (TODAY - dt.timedelta(days=day)).isoformat()
            front = [f"date: {date}", f"with: {json.dumps(list(people))}"]
            front += [f"title: {json.dumps(title)}"] if title else []
            front += [f"follow_up: {self.follow_ups[iid]}"] if iid in self.follow_ups else []
            front += ["done: true"] if iid in self.done and iid in self.follow_ups else []
            out[f"interactions/{iid}.md"] = "---\n" + "\n".join(front) + "\n---\n" + body + "\n"
        for aid, (who, intro_to) in self.asks.items():
            front = [f"date: {(TODAY - dt.timedelta(days=3)).isoformat()}", f"with: {who}", "direction: out"]
            front += ["kind: introduction", f"intro_to: {json.dumps(intro_to)}"] if intro_to else []
            out[f"asks/{aid}.md"] = "---\n" + "\n".join(front) + "\n---\n"
        out.update(self.theme)
        return out


bodies = st.lists(st.sampled_from(WORDS), max_size=6).map(" ".join)
people = st.lists(st.sampled_from(IDS), min_size=1, max_size=3, unique=True).map(tuple)
steps = st.one_of(
    st.tuples(st.just("contact"), st.sampled_from(IDS), st.sampled_from(COMPANIES), st.booleans(), bodies),
    st.tuples(st.just("interaction"), st.integers(0, 5), st.integers(-3, 40), people, st.sampled_from(TITLES), bodies),
    st.tuples(st.just("delete"), st.integers(0, 20)),
    st.tuples(st.just("rename"), st.integers(0, 20), st.sampled_from(("x1", "x2", "jane", "li"))),
    st.tuples(st.just("config"), st.sampled_from(("Net", "My <net>")), st.sampled_from(("3w", "1m"))),
    st.tuples(st.just("theme"), st.sampled_from(("template", "static", "none"))),
    st.tuples(st.just("today"), st.integers(0, 3)),
    # issue 12's mechanisms: names in the slugs and the kept collation keys, the calendar's events
    st.tuples(st.just("name"), st.sampled_from(IDS), st.sampled_from(NAMES)),
    st.tuples(st.just("follow-up"), st.integers(0, 5), st.sampled_from(FOLLOW_UPS)),
    st.tuples(st.just("birthday"), st.sampled_from(IDS), st.sampled_from(BIRTHDAYS)),
    # what contact pages read of other notes (site/depends.py)
    st.tuples(st.just("met-through"), st.sampled_from(IDS), st.sampled_from((*IDS, None))),
    st.tuples(st.just("done"), st.integers(0, 5), st.booleans()),
    st.tuples(st.just("ask"), st.integers(0, 2), st.sampled_from(IDS), st.sampled_from((*IDS, "Acme", None))),
)


def apply(vault: Vault, step: tuple[object, ...]) -> None:
    kind = step[0]
    if kind == "contact":
        _, cid, company, tagged, body = step
        assert isinstance(cid, str) and isinstance(body, str) and (company is None or isinstance(company, str))
        vault.contacts[cid] = (cid.title(), company, ("python",) if tagged else (), body)
    elif kind == "interaction":
        _, number, day, who, title, body = step
        assert isinstance(day, int) and isinstance(body, str) and isinstance(who, tuple)
        assert title is None or isinstance(title, str)
        vault.interactions[f"i{number}"] = (day, who, title, body)
    elif kind in ("delete", "rename"):
        notes = sorted([("c", k) for k in vault.contacts] + [("i", k) for k in vault.interactions])
        if not notes:
            return
        assert isinstance(step[1], int)
        which, key = notes[step[1] % len(notes)]
        table: dict[str, object] = vault.contacts if which == "c" else vault.interactions  # type: ignore[assignment]
        value = table.pop(key)
        if kind == "rename":
            assert isinstance(step[2], str)
            table[step[2]] = value
    elif kind == "config":
        assert isinstance(step[1], str) and isinstance(step[2], str)
        vault.title, vault.cadence = step[1], step[2]
    elif kind == "theme":
        if step[1] == "template":
            vault.theme = {"theme/templates/search.html": '{% extends "base.html" %}{% block main %}F{% endblock %}\n'}
        elif step[1] == "static":
            vault.theme = {"theme/static/style.css": "body { color: teal; }\n"}
        else:
            vault.theme = {}
    elif kind == "today":
        assert isinstance(step[1], int)
        vault.today = step[1]
    elif kind == "name":
        who, name = step[1], step[2]
        assert isinstance(who, str) and isinstance(name, str)
        if who in vault.contacts:
            vault.contacts[who] = (name, *vault.contacts[who][1:])
    elif kind == "met-through":
        who, through = step[1], step[2]
        assert isinstance(who, str) and (through is None or isinstance(through, str))
        if through is None or through == who:
            vault.met_through.pop(who, None)
        else:
            vault.met_through[who] = through
    elif kind == "done":
        number, done = step[1], step[2]
        (vault.done.add if done else vault.done.discard)(f"i{number}")
    elif kind == "ask":
        number, who, intro_to = step[1], step[2], step[3]
        assert isinstance(who, str) and (intro_to is None or isinstance(intro_to, str))
        vault.asks[f"a{number}"] = (who, intro_to)
    elif kind in ("follow-up", "birthday"):
        number, when = step[1], step[2]
        dates = vault.follow_ups if kind == "follow-up" else vault.birthdays
        note = f"i{number}" if kind == "follow-up" else str(number)
        if when is None:
            dates.pop(note, None)
        else:
            assert isinstance(when, str)
            dates[note] = when


def sync(root: Path, files: dict[str, str], clock: list[int] | None = None) -> None:
    """Make the vault's notes, settings and theme exactly ``files``. With ``clock``, each file
    written gets the next second of it as its time, so no two versions of a note share a stamp
    even when the caches trust every stamp at once (their clock set an hour ahead)."""
    for folder in ("contacts", "interactions", "asks", "theme"):
        if (root / folder).exists():
            for path in sorted((root / folder).rglob("*"), reverse=True):
                rel = path.relative_to(root).as_posix()
                if path.is_file() and rel not in files:
                    path.unlink()
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            if clock is not None:
                clock[0] += 10**9
                os.utime(path, ns=(clock[0], clock[0]))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(steps, min_size=1, max_size=6))
def test_a_warm_build_after_any_changes_equals_a_cold_build(sequence: list[tuple[object, ...]]) -> None:
    """Notes just written are too new for the caches to trust their stamps: every load reads them."""
    warm_equals_cold(sequence, None)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(steps, min_size=1, max_size=6))
def test_a_warm_build_from_settled_notes_equals_a_cold_build(sequence: list[tuple[object, ...]]) -> None:
    """Notes long settled: loads come from the model's snapshot, patched or not, and builds take
    the model's kept digest and leave unchanged contact pages unshaped."""
    real = notecache.now_ns
    with mock.patch.object(notecache, "now_ns", lambda: real() + 3600 * 10**9):
        warm_equals_cold(sequence, [time.time_ns() - 30 * 86400 * 10**9])


def warm_equals_cold(sequence: list[tuple[object, ...]], clock: list[int] | None) -> None:
    vault = Vault(contacts={"jane": ("Jane", "Acme", ("python",), "Hi [[sam]]"), "sam": ("Sam", None, (), "")})
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "vault"
        sync(root, vault.files(), clock)
        build(root, options=WARM)
        for step in sequence:
            apply(vault, step)
            sync(root, vault.files(), clock)
            today = TODAY + dt.timedelta(days=vault.today)
            warm, _ = build(root, today=today, options=WARM)
            cold = Path(folder) / "cold"
            shutil.rmtree(cold, ignore_errors=True)
            # no cache of any kind: the notes read afresh, every page rendered
            build_site(root, load_vault(root, cache=NoteCache(root, persistent=False)), cold, today, COLD)
            assert tree(warm) == tree(cold), step


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(steps, min_size=1, max_size=6))
def test_a_warm_build_from_settled_notes_and_unsaved_patches_equals_a_cold_build(
    sequence: list[tuple[object, ...]],
) -> None:
    """As above, with every patch left unsaved (as a patch of one note in many is): each load
    patches the last saved snapshot with every note changed since, and builds make the model's
    digest and the notes' states from that snapshot's and the patch."""
    real = notecache.now_ns
    with (
        mock.patch.object(notecache, "now_ns", lambda: real() + 3600 * 10**9),
        mock.patch.object(loader, "SMALL_PATCH", 1),
    ):
        warm_equals_cold(sequence, [time.time_ns() - 30 * 86400 * 10**9])
