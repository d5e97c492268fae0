"""Strength and fading (contract section 8): the reference formula, its properties, the fading
rule at its boundaries, and where they show (contact pages, the contacts list, the dashboard,
`export json`, the worked example in docs/relationships.md)."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest
from conftest import write_vault
from hypothesis import given, settings
from hypothesis import strategies as st
from site_html import build, parse

from netnotes.loader import LoadResult, load_vault
from netnotes.model import Ask, AskStatus, Config, Contact, Direction, Interaction, Vault
from netnotes.strength import Strength, band_of, contributions, relationships
from netnotes.strength import strength_of as strength_of_one

T = dt.date(2026, 11, 25)
DOCS = Path(__file__).parent.parent / "docs"
EXAMPLE = Path(__file__).parent.parent / "example-vault"


def day(days_ago: int) -> str:
    return (T - dt.timedelta(days=days_ago)).isoformat()


def contact(cid: str = "ana", name: str = "Ana", extra: str = "") -> dict[str, str]:
    return {f"contacts/{cid}.md": f"---\nname: {name}\n{extra}---\n"}


def touch(days_ago: int, kind: str | None = "email", who: str = "ana", n: int = 0) -> dict[str, str]:
    kind_line = f"kind: {kind}\n" if kind else ""
    return {f"interactions/{days_ago}-{who}-{n}.md": f"---\ndate: {day(days_ago)}\nwith: {who}\n{kind_line}---\n"}


def ask(days_ago: int, status: str = "done", closed_days_ago: int | None = None, who: str = "ana") -> dict[str, str]:
    closed = f"closed: {day(closed_days_ago)}\n" if closed_days_ago is not None else ""
    return {
        f"asks/{days_ago}-{status}-{who}.md": (
            f"---\ndate: {day(days_ago)}\nwith: {who}\ndirection: out\nstatus: {status}\n{closed}---\n"
        )
    }


@pytest.fixture
def load(tmp_path: Path) -> Callable[..., LoadResult]:
    """Like conftest's ``load``, but every call writes a vault of its own: one test may compare several."""
    count = iter(range(1000))

    def write_and_load(*parts: Mapping[str, str]) -> LoadResult:
        files: dict[str, str] = {}
        for part in parts:
            files.update(part)
        return load_vault(write_vault(tmp_path / f"vault-{next(count)}", files))

    return write_and_load


def strength_of(load: Callable[..., LoadResult], *parts: dict[str, str], cid: str = "ana") -> Strength:
    result = load(*parts)
    assert result.problems == []
    return relationships(result.vault, T).of(cid)


# ---------------------------------------------------------------------------------------------
# The reference formula


@pytest.mark.parametrize(
    ("kind", "score"),
    [("coffee", 39), ("lunch", 39), ("meeting", 39), ("event", 39), ("call", 28), ("email", 15), ("podcast", 15)],
)
def test_one_touch_today_scores_by_its_kind(load, kind: str, score: int) -> None:  # type: ignore[no-untyped-def]
    # 3 points: round(100 * (1 - e^-0.5)) = 39; 2: 28; 1: 15
    files = {"netnotes.yaml": "kinds: [podcast]\n"}
    s = strength_of(load, files, contact(), touch(0, kind))
    assert s.score == score


def test_a_touch_without_a_kind_weighs_one(load) -> None:  # type: ignore[no-untyped-def]
    assert strength_of(load, contact(), touch(0, None)).score == 15


def test_weights_halve_every_180_days_and_done_asks_count(load) -> None:  # type: ignore[no-untyped-def]
    # coffee 180 days ago: 3 * 1/2; call today: 2; a done ask closed 360 days ago: 2 * 1/4
    s = strength_of(load, contact(), touch(180, "coffee"), touch(0, "call"), ask(400, closed_days_ago=360))
    assert s.points == pytest.approx(4.0)
    assert s.score == round(100 * (1 - math.exp(-4 / 6))) == 49
    assert s.band == "steady"
    assert s.reasons == ("2 touches in 12 months", "last touch today", "1 favour done")
    assert s.summary == "2 touches in 12 months, last touch today, 1 favour done"


def test_a_done_ask_without_closed_is_aged_from_its_date(load) -> None:  # type: ignore[no-untyped-def]
    s = strength_of(load, contact(), ask(180))
    assert s.points == pytest.approx(1.0)
    assert s.reasons == ("no touches yet", "1 favour done")


def test_only_notes_up_to_today_and_done_asks_count(load) -> None:  # type: ignore[no-untyped-def]
    s = strength_of(
        load,
        contact(),
        touch(-3, "coffee"),  # planned
        ask(10, "open"),
        ask(11, "declined"),
        ask(12, "dropped"),
        ask(13, "done", closed_days_ago=-2),  # closed after today
    )
    assert (s.score, s.band, s.reasons) == (0, "none", ("no touches yet",))


def test_no_notes_is_zero(load) -> None:  # type: ignore[no-untyped-def]
    result = load({**contact(), **contact("ben", "Ben")})
    rel = relationships(result.vault, T)
    assert [(cid, s.score, s.band) for cid, s in rel.strength.items()] == [("ana", 0, "none"), ("ben", 0, "none")]


def test_reasons_count_the_last_12_months_and_say_when_the_last_touch_was(load) -> None:  # type: ignore[no-untyped-def]
    assert strength_of(load, contact(), touch(400), touch(700)).reasons == (
        "no touches in 12 months",
        "last 1 year ago",
    )
    assert strength_of(load, contact(), touch(5, n=1), touch(5, n=2), touch(300)).reasons == (
        "3 touches in 12 months",
        "last 5 days ago",
    )
    assert strength_of(load, contact(), touch(1)).reasons == ("1 touch in 12 months", "last touch yesterday")
    assert strength_of(load, contact(), touch(21)).reasons == ("1 touch in 12 months", "last 3 weeks ago")


@pytest.mark.parametrize(
    ("score", "band"),
    [(100, "strong"), (60, "strong"), (59, "steady"), (30, "steady")] + [(29, "weak"), (1, "weak"), (0, "none")],
)
def test_bands(score: int, band: str) -> None:
    assert band_of(score) == band


def test_an_interaction_with_several_people_counts_for_each(load) -> None:  # type: ignore[no-untyped-def]
    files = {
        **contact(),
        **contact("ben", "Ben"),
        "interactions/meet.md": f"---\ndate: {day(0)}\nwith: [ana, ben]\nkind: meeting\n---\n",
    }
    rel = relationships(load(files).vault, T)
    assert rel.of("ana").score == rel.of("ben").score == 39


# ---------------------------------------------------------------------------------------------
# Properties (on model values: no files, so hypothesis can try many histories)

KINDS = st.sampled_from([None, "coffee", "lunch", "call", "email", "meeting", "event", "linkedin", "podcast"])
TOUCHES = st.lists(st.tuples(st.integers(0, 3000), KINDS), max_size=25)
ASKS = st.lists(st.tuples(st.integers(0, 3000), st.sampled_from(["open", "done", "declined"])), max_size=5)


def vault_of(touches: list[tuple[int, str | None]], asks: list[tuple[int, str]], shift: int = 0) -> Vault:
    interactions = sorted(
        (
            Interaction(f"i{n}", f"interactions/i{n:03}.md", T - dt.timedelta(days=age + shift), ("c",), kind)
            for n, (age, kind) in enumerate(touches)
        ),
        key=lambda i: (i.date, i.path),
    )
    ask_notes = sorted(
        (
            Ask(
                f"a{n}",
                f"asks/a{n:03}.md",
                T - dt.timedelta(days=age + shift),
                "c",
                Direction.OUT,
                status=AskStatus(status),
            )
            for n, (age, status) in enumerate(asks)
        ),
        key=lambda a: (a.date, a.path),
    )
    people = (Contact("c", "contacts/c.md", "C"),)
    return Vault("/", Config(), people, tuple(interactions), tuple(ask_notes), {"c": people[0]})


def score(vault: Vault) -> int:
    return relationships(vault, T).of("c").score


@settings(max_examples=300)
@given(TOUCHES, ASKS, st.integers(0, 3000), KINDS)
def test_adding_an_interaction_never_lowers_strength(touches, asks, age, kind) -> None:  # type: ignore[no-untyped-def]
    assert score(vault_of([*touches, (age, kind)], asks)) >= score(vault_of(touches, asks))


@settings(max_examples=300)
@given(TOUCHES, ASKS, st.integers(1, 2000))
def test_the_same_history_dated_earlier_never_scores_higher(touches, asks, shift) -> None:  # type: ignore[no-untyped-def]
    assert score(vault_of(touches, asks, shift)) <= score(vault_of(touches, asks))


@given(TOUCHES, ASKS)
def test_strength_is_deterministic_and_bounded(touches, asks) -> None:  # type: ignore[no-untyped-def]
    first, second = relationships(vault_of(touches, asks), T), relationships(vault_of(touches, asks), T)
    assert first == second
    assert 0 <= first.of("c").score <= 100
    assert (first.of("c").score == 0) == (first.of("c").band == "none")


@given(ASKS.filter(lambda asks: all(status != "done" for _, status in asks)))
def test_no_touches_and_no_done_asks_is_zero(asks) -> None:  # type: ignore[no-untyped-def]
    assert score(vault_of([], asks)) == 0


# ---------------------------------------------------------------------------------------------
# Fading


def fading_ids(load: Callable[..., LoadResult], *parts: dict[str, str]) -> list[str]:
    result = load(*parts)
    assert result.problems == []
    return [f.contact.id for f in relationships(result.vault, T).fading]


def test_fading_starts_after_60_days(load) -> None:  # type: ignore[no-untyped-def]
    # touches every 10 days: twice the usual gap is 20 days, so the 60-day floor decides
    assert fading_ids(load, contact(), touch(80), touch(70), touch(60)) == []
    assert fading_ids(load, contact(), touch(81), touch(71), touch(61)) == ["ana"]


def test_fading_needs_more_than_twice_the_median_gap(load) -> None:  # type: ignore[no-untyped-def]
    assert fading_ids(load, contact(), touch(400), touch(300), touch(200)) == []  # exactly twice
    assert fading_ids(load, contact(), touch(401), touch(301), touch(201)) == ["ana"]


def test_the_median_gap_is_of_the_last_6_touch_dates(load) -> None:  # type: ignore[no-untyped-def]
    # all 8 dates: gaps 10,10,10,10,560,100,100 (median 10); the last 6: 10,10,560,100,100 (median 100)
    ages = [1000, 990, 980, 970, 960, 400, 300, 200]
    assert fading_ids(load, contact(), *(touch(a) for a in ages)) == []
    assert fading_ids(load, contact(), *(touch(a) for a in ages[:-1]), touch(201)) == ["ana"]


def test_fading_needs_3_distinct_touch_dates(load) -> None:  # type: ignore[no-untyped-def]
    assert fading_ids(load, contact(), touch(300, n=1), touch(300, n=2), touch(200)) == []
    assert fading_ids(load, contact(), touch(300), touch(250), touch(200), touch(-5)) == ["ana"]  # planned: no touch


def test_archived_contacts_do_not_fade(load) -> None:  # type: ignore[no-untyped-def]
    assert fading_ids(load, contact(extra="archived: true\n"), touch(300), touch(250), touch(200)) == []


def test_fading_says_the_rhythm_that_broke(load) -> None:  # type: ignore[no-untyped-def]
    result = load({**contact(), **touch(162), **touch(141), **touch(120)})
    (f,) = relationships(result.vault, T).fading
    assert f.message == "you used to talk every 3 weeks; it has been 4 months"
    assert (f.days, f.usual_gap, f.last_touch) == (120, 21, T - dt.timedelta(days=120))


def test_fading_is_ordered_by_strength_then_name_then_id(load) -> None:  # type: ignore[no-untyped-def]
    files: dict[str, str] = {}
    for cid, name, kind in [("zed", "Zed", "coffee"), ("bob-2", "bob", "email"), ("bob-1", "Bob", "email")]:
        files.update(contact(cid, name))
        for age in (300, 250, 200):
            files.update(touch(age, kind, who=cid))
    assert fading_ids(load, files) == ["zed", "bob-1", "bob-2"]


# ---------------------------------------------------------------------------------------------
# Where strength and fading show

SITE_VAULT = {
    **contact("ana", "Ana Ruiz"),
    **contact("ben", "Ben Ode"),
    **touch(300, "coffee", who="ana", n=1),
    **touch(280, "lunch", who="ana", n=2),
    **touch(260, "call", who="ana", n=3),
    **touch(2, "coffee", who="ben"),
}


def test_every_contact_page_shows_its_strength_and_reasons(make_vault) -> None:  # type: ignore[no-untyped-def]
    out, _ = build(make_vault(SITE_VAULT), today=T)
    ben = parse(out / "contacts/ben.html")
    card = next(e for e in ben.elements if e.tag == "section" and e.attrs.get("aria-labelledby") == "h-strength")
    assert " ".join(card.text.split()) == "Strength 39 steady 1 touch in 12 months, last 2 days ago"


def test_the_contacts_list_has_a_strength_column(make_vault) -> None:  # type: ignore[no-untyped-def]
    out, _ = build(make_vault(SITE_VAULT), today=T)
    page = parse(out / "contacts.html")
    heads = [" ".join(th.text.split()) for th in page.find("th")]
    assert heads[-1] == "Strength"
    cells = [e for e in page.find("td") if "num" in (e.attrs.get("class") or "")]
    assert [(c.attrs["data-sort"], " ".join(c.text.split())) for c in cells] == [
        ("36", "36 steady"),
        ("39", "39 steady"),
    ]


def test_the_dashboard_lists_who_is_fading(make_vault) -> None:  # type: ignore[no-untyped-def]
    out, _ = build(make_vault(SITE_VAULT), today=T)
    dash = parse(out / "index.html")
    panel = next(e for e in dash.elements if e.tag == "section" and e.attrs.get("aria-labelledby") == "h-fading")
    text = " ".join(panel.text.split())
    assert text == "Fading 1 10 Mar 2026 36 steady Ana Ruiz you used to talk every 3 weeks; it has been 9 months"


def test_export_json_gives_each_contacts_strength(make_vault, run_cli) -> None:  # type: ignore[no-untyped-def]
    root = make_vault(SITE_VAULT)
    result = run_cli("--vault", root, "export", "json", "--today", T.isoformat())
    contacts = {c["id"]: c["strength"] for c in json.loads(result.stdout)["contacts"]}
    assert contacts == {
        "ana": {"score": 36, "band": "steady", "reasons": ["3 touches in 12 months", "last 9 months ago"]},
        "ben": {"score": 39, "band": "steady", "reasons": ["1 touch in 12 months", "last 2 days ago"]},
    }


def test_the_worked_example_in_the_docs_is_what_the_code_computes() -> None:
    doc = (DOCS / "relationships.md").read_text(encoding="utf-8")
    example = doc[doc.index("### Worked example") : doc.index("## Fading")]
    assert "Marcus Chen" in example and "--today 2026-11-25" in example
    vault = load_vault(EXAMPLE).vault
    today = dt.date(2026, 11, 25)
    rows = re.findall(r"^\| `([^`]+)` \| (\S+) \| ([^|]+) \| (\d+) \| (\d+) \| ([\d.]+) \| ([\d.]+) \|$", example, re.M)
    expected = [
        (
            c.path,
            c.day.isoformat(),
            c.kind,
            str(c.age),
            f"{c.weight:g}",
            f"{2 ** (-c.age / 180):.4f}",
            f"{c.points:.4f}",
        )
        for c in contributions(vault, "marcus-chen", today)
    ]
    assert [(p, d, k.strip(), *rest) for p, d, k, *rest in rows] == expected
    s = relationships(vault, today).of("marcus-chen")
    assert sum(c.points for c in contributions(vault, "marcus-chen", today)) == pytest.approx(s.points)
    assert f"points = {s.points:.4f}" in example
    assert f"e^(−{s.points:.4f}/6))) = round({100 * (1 - math.exp(-s.points / 6)):.2f}) = **{s.score}**" in example
    assert f"band **{s.band}**, reasons: **{s.summary}**" in example


def test_one_contacts_strength_is_what_everyones_gives(tmp_path: Path) -> None:
    """`show` asks for one contact's strength (issue 12): from their own notes only, the same
    as the pass over every contact, shared interactions included."""
    vault = load_vault(EXAMPLE).vault
    everyone = relationships(vault, T)
    assert [strength_of_one(vault, c.id, T) for c in vault.contacts] == [everyone.of(c.id) for c in vault.contacts]
    assert any(len(i.with_) > 1 for i in vault.interactions)
