"""Introduction paths (section 8; issue 11, item 4): who can introduce me to a company or a person.

Each test writes a tiny vault: who is where, who knows whom, and how well I know each of them.
Strength comes from interactions dated up to T: a coffee on T scores 39 (I know them, >= 30), an
email on T scores 15 (I barely do).
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterator
from pathlib import Path
from random import Random

import pytest
from conftest import Load, MakeVault, RunCli
from git_history import Repo
from git_history import contact as contact_text
from hypothesis import given, settings
from hypothesis import strategies as st

from netnotes.loader import load_vault
from netnotes.model import Ask, Config, Contact, Direction, Interaction, Vault
from netnotes.moves import Move, moves_for
from netnotes.paths import TOGETHER_LIMIT, PathIndex, Paths, _together, find_target, paths
from netnotes.strength import relationships

T = dt.date(2026, 11, 25)


def person(cid: str, name: str, company: str | None = None, **more: str) -> dict[str, str]:
    lines = ["---", f"name: {name}"]
    if company is not None:
        lines.append(f"company: {company}")
    lines += [f"{k}: {v}" for k, v in more.items()]
    return {f"contacts/{cid}.md": "\n".join([*lines, "---", ""])}


def met(who: str | list[str], on: dt.date = T, kind: str = "coffee", title: str = "", n: int = 0) -> dict[str, str]:
    people = who if isinstance(who, list) else [who]
    name = f"interactions/{on.isoformat()}-{kind}-{people[0]}-{n}.md"
    lines = ["---", f"date: {on.isoformat()}", f"with: [{', '.join(people)}]", f"kind: {kind}"]
    if title:
        lines.append(f"title: {title}")
    return {name: "\n".join([*lines, "---", ""])}


def intro_ask(cid: str, to: str, on: dt.date = T, direction: str = "out", status: str = "open") -> dict[str, str]:
    lines = ["---", f"date: {on.isoformat()}", f"with: {cid}", f"direction: {direction}", "kind: introduction"]
    lines += [f"status: {status}", f"intro_to: {to}", "---", ""]
    return {f"asks/{on.isoformat()}-introduction-{cid}.md": "\n".join(lines)}


def vault_of(load: Load, *parts: dict[str, str], config: str | None = None) -> Vault:
    files: dict[str, str] = {}
    for part in parts:
        files.update(part)
    result = load(files, config)
    assert result.problems == [], [str(p) for p in result.problems]
    return result.vault


def company_paths(vault: Vault, name: str, limit: int | None = None, moves: tuple[Move, ...] = ()) -> Paths:
    index = PathIndex(vault, T, moves, relationships(vault, T))
    target = index.company_target(name)
    assert target is not None, name
    return index.company(target.key, limit)


def person_paths(vault: Vault, cid: str) -> Paths:
    return PathIndex(vault, T, (), relationships(vault, T)).person(cid)


def direct(answer: Paths) -> list[str]:
    return [p.insider.contact.id for p in answer.direct]


def introduced(answer: Paths) -> list[tuple[str, str]]:
    """(introducer, insider) of each introducer path, in rank order."""
    return [(p.introducer.id, p.insider.contact.id) for p in answer.introduced if p.introducer]


def evidence(answer: Paths) -> list[list[tuple[str, str | None, str]]]:
    return [[(e.kind, e.date.isoformat() if e.date else None, e.source) for e in p.evidence] for p in answer.introduced]


# -- insiders and direct paths


def test_an_insider_i_know_is_a_direct_path_and_one_i_barely_know_is_not(load: Load) -> None:
    vault = vault_of(
        load,
        person("rachel", "Rachel", "Helix Robotics"),
        person("aisha", "Aisha", "Helix Robotics"),
        met("rachel"),
        met("aisha", kind="email"),
    )
    answer = company_paths(vault, "Helix Robotics")
    assert [i.contact.id for i in answer.insiders] == ["aisha", "rachel"]
    assert direct(answer) == ["rachel"]
    assert [i.contact.id for i in answer.unreached] == ["aisha"]  # weak, and no one links to her


def test_a_company_spelled_three_ways_is_one_target_by_any_spelling(load: Load) -> None:
    config = "companies:\n  Helix Robotics: [Helix]\n"
    vault = vault_of(
        load,
        person("ann", "Ann", "Helix Robotics"),
        person("ben", "Ben", "Helix Robotics, GmbH"),
        person("cat", "Cat", "Helix"),
        met("ann"),
        met("ben"),
        met("cat"),
        config=config,
    )
    for spelling in ("helix robotics", "HELIX ROBOTICS GMBH", "Helix", "Helix Robotics Inc."):
        answer = company_paths(vault, spelling)
        assert answer.target.key == "helix robotics"
        assert direct(answer) == ["ann", "ben", "cat"]


def test_formerly_comes_from_past_companies_and_is_marked(load: Load) -> None:
    vault = vault_of(
        load,
        person("ann", "Ann", "Quillmark", past_companies="[Helix Robotics]"),
        met("ann"),
    )
    answer = company_paths(vault, "Helix Robotics")
    assert [(i.contact.id, i.formerly) for i in answer.insiders] == [("ann", True)]
    assert direct(answer) == ["ann"]


@pytest.fixture
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_formerly_comes_from_a_git_move_s_old_company_too(tmp_path: Path, utc: None, run_cli: RunCli) -> None:
    repo = Repo(tmp_path / "vault")
    repo.commit({"contacts/aisha.md": contact_text("Aisha", "Helix Robotics", "Recruiter")}, "2026-09-01")
    repo.commit({"contacts/aisha.md": contact_text("Aisha", "Quillmark", "Recruiter")}, "2026-11-18")
    vault = load_vault(repo.vault).vault
    answer = company_paths(vault, "helix robotics", moves=moves_for(repo.vault, vault.config, warn=pytest.fail))
    assert [(i.contact.id, i.formerly) for i in answer.insiders] == [("aisha", True)]
    result = run_cli("--vault", repo.vault, "path", "Helix Robotics", "--today", T.isoformat())
    assert result.exit_code == 0, result.stderr
    assert "Aisha (formerly at Helix Robotics; now Recruiter at Quillmark): strength 0" in result.stdout
    # a move after today has not happened yet
    result = run_cli("--vault", repo.vault, "path", "Helix Robotics", "--today", "2026-11-17")
    assert result.exit_code == 2 and "no company or contact matches 'Helix Robotics'" in result.stderr


def test_a_person_target_is_its_own_only_insider(load: Load) -> None:
    vault = vault_of(load, person("ann", "Ann", "Helix"), person("ben", "Ben", "Helix"), met("ann"))
    assert direct(person_paths(vault, "ann")) == ["ann"]
    answer = person_paths(vault, "ben")
    assert direct(answer) == [] and [i.contact.id for i in answer.insiders] == ["ben"]


# -- the links that make an introducer


def test_met_through_links_both_ways_dated_by_the_later_contact_s_since(load: Load) -> None:
    vault = vault_of(
        load,
        person("ingrid", "Ingrid", "Helix", met_through="felix", since="2026-09-24"),
        person("felix", "Felix", "Kranich", since="2025-07-17"),
        person("omar", "Omar", "Helix"),
        person("elena", "Elena", "Northwind", met_through="omar", since="2026-08-12"),
    )
    answer = company_paths(vault, "Helix")
    assert sorted(introduced(answer)) == [("elena", "omar"), ("felix", "ingrid")]
    by_pair = {(p.introducer.id, p.insider.contact.id): p for p in answer.introduced if p.introducer}
    felix = by_pair[("felix", "ingrid")].evidence
    assert [(e.kind, e.date, e.source, e.text) for e in felix] == [
        ("met-through", dt.date(2026, 9, 24), "contacts/ingrid.md", "Felix introduced you to Ingrid")
    ]
    elena = by_pair[("elena", "omar")].evidence
    assert [(e.date, e.source, e.text) for e in elena] == [
        (dt.date(2026, 8, 12), "contacts/elena.md", "Omar introduced you to Elena")
    ]


def test_a_met_through_whose_introduced_contact_has_no_since_is_undated(load: Load) -> None:
    vault = vault_of(
        load,
        person("ingrid", "Ingrid", "Helix", met_through="felix"),
        person("felix", "Felix", since="2025-07-17"),
    )
    assert evidence(company_paths(vault, "Helix")) == [[("met-through", None, "contacts/ingrid.md")]]


def test_a_path_found_only_through_a_shared_meeting(load: Load) -> None:
    vault = vault_of(
        load,
        person("priya", "Priya", "Quillmark"),
        person("jonas", "Jonas", "Helix"),
        met(["priya", "jonas"], dt.date(2026, 3, 2), "meeting", "Architecture guild"),
        met("priya"),
    )
    answer = company_paths(vault, "Helix")
    assert direct(answer) == []
    assert introduced(answer) == [("priya", "jonas")]
    (path,) = answer.introduced
    assert [(e.kind, e.date, e.source, e.text) for e in path.evidence] == [
        (
            "together",
            dt.date(2026, 3, 2),
            "interactions/2026-03-02-meeting-priya-0.md",
            "Priya and Jonas were both at: Architecture guild",
        )
    ]


def test_together_keeps_the_latest_interaction_of_each_pair(load: Load) -> None:
    vault = vault_of(
        load,
        person("priya", "Priya"),
        person("jonas", "Jonas", "Helix"),
        met(["priya", "jonas"], dt.date(2025, 3, 2), "meeting"),
        met(["jonas", "priya"], dt.date(2026, 6, 1), "lunch"),
        met(["priya", "jonas"], dt.date(2026, 12, 1), "meeting", "planned, not yet a link"),
    )
    assert evidence(company_paths(vault, "Helix")) == [
        [("together", "2026-06-01", "interactions/2026-06-01-lunch-jonas-0.md")]
    ]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.lists(st.sampled_from("abcd"), min_size=1, max_size=3), st.integers(0, 5), st.integers(0, 3)),
        max_size=12,
    ),
    st.randoms(use_true_random=False),
)
def test_who_was_with_whom_is_the_same_in_any_order(meetings: list[tuple[list[str], int, int]], rng: Random) -> None:
    """The model gives interactions by date and path, which ``_together`` takes at its word
    while they come so; in any other order it compares, and finds the same latest of each pair."""
    day = dt.date(2026, 1, 1)
    notes = {
        f"interactions/{n}-{tag}.md": Interaction(
            f"{n}-{tag}", f"interactions/{n}-{tag}.md", day + dt.timedelta(n), tuple(people)
        )
        for people, n, tag in meetings
    }
    ordered = sorted(notes.values(), key=lambda i: (i.date, i.path))
    shuffled = list(ordered)
    rng.shuffle(shuffled)
    today = day + dt.timedelta(4)  # some are planned
    assert _together(shuffled, today) == _together(ordered, today) == _together(reversed(ordered), today)


def test_a_crowd_links_no_one(load: Load) -> None:
    crowd = [f"p{n:02}" for n in range(TOGETHER_LIMIT + 1)]
    parts = [person(cid, f"P {cid}") for cid in crowd[1:]]
    vault = vault_of(load, person("p00", "Jonas", "Helix"), *parts, met(crowd, dt.date(2026, 5, 1), "email"))
    assert introduced(company_paths(vault, "Helix")) == []
    small = vault_of(load, met(crowd[:TOGETHER_LIMIT], dt.date(2026, 5, 2), "email"))
    assert len(introduced(company_paths(small, "Helix"))) == TOGETHER_LIMIT - 1


def test_an_intro_ask_links_its_contact_to_the_person_or_to_everyone_at_the_company(load: Load) -> None:
    vault = vault_of(
        load,
        person("rachel", "Rachel", "Helix Robotics"),
        person("ingrid", "Ingrid", "Helix Robotics, GmbH"),
        person("aisha", "Aisha", "Helix Robotics"),
        person("nina", "Nina"),
        intro_ask("rachel", "Helix Robotics", dt.date(2026, 11, 10)),
        intro_ask("nina", "Ingrid", dt.date(2026, 11, 18), direction="in"),
    )
    answer = company_paths(vault, "Helix Robotics")
    assert sorted(introduced(answer)) == [("nina", "ingrid"), ("rachel", "aisha"), ("rachel", "ingrid")]
    texts = {(p.introducer.id, p.insider.contact.id): p.evidence[0].text for p in answer.introduced if p.introducer}
    assert texts[("rachel", "ingrid")] == "you asked Rachel for an intro to Helix Robotics (introduction, open)"
    assert texts[("nina", "ingrid")] == "Nina asked you for an intro to Ingrid (introduction, open)"
    # a person target: only the ask that names her
    assert introduced(person_paths(vault, "ingrid")) == [("nina", "ingrid")]


def test_insiders_i_know_get_no_introducer_paths(load: Load) -> None:
    vault = vault_of(
        load,
        person("rachel", "Rachel", "Helix", met_through="felix", since="2026-01-01"),
        person("felix", "Felix"),
        met("rachel"),
    )
    answer = company_paths(vault, "Helix")
    assert direct(answer) == ["rachel"] and introduced(answer) == []


# -- ranking


def test_paths_rank_by_strength_then_newest_evidence_then_name_then_id(load: Load) -> None:
    vault = vault_of(
        load,
        person("jonas", "Jonas", "Helix", met_through="zoe", since="2026-01-10"),
        person("zoe", "Zoe"),  # strongest: two coffees today
        met("zoe", n=1),
        met("zoe", n=2),
        person("amy", "amy"),  # a coffee today, linked 2026-05-01
        met("amy"),
        met(["amy", "jonas"], dt.date(2026, 5, 1), "email"),
        person("bob", "Bob"),  # a coffee today too, linked later
        met("bob"),
        met(["bob", "jonas"], dt.date(2026, 6, 1), "email"),
        person("carl-2", "Carl"),  # as strong, linked as late: by name, then id
        person("carl-1", "Carl"),
        met(["carl-1", "carl-2"]),
        met(["carl-2", "jonas"], dt.date(2026, 6, 1), "email", n=1),
        met(["carl-1", "jonas"], dt.date(2026, 6, 1), "email", n=2),
    )
    strength = relationships(vault, T)
    assert strength.of("zoe").score > strength.of("amy").score == strength.of("carl-1").score
    assert introduced(company_paths(vault, "Helix")) == [
        ("zoe", "jonas"),
        ("bob", "jonas"),
        ("carl-1", "jonas"),
        ("carl-2", "jonas"),
        ("amy", "jonas"),
    ]


def test_undated_links_rank_after_dated_ones_of_the_same_strength(load: Load) -> None:
    vault = vault_of(
        load,
        person("jonas", "Jonas", "Helix", met_through="amy"),
        person("amy", "Amy"),
        person("bob", "Bob"),
        met(["bob", "jonas"], dt.date(2020, 1, 1), "email"),
    )
    strength = relationships(vault, T)
    assert strength.of("amy").score == strength.of("bob").score == 0
    assert introduced(company_paths(vault, "Helix")) == [("bob", "jonas"), ("amy", "jonas")]


def test_a_pair_with_several_links_shows_each_newest_first_and_ranks_by_the_newest(load: Load) -> None:
    vault = vault_of(
        load,
        person("jonas", "Jonas", "Helix", met_through="amy", since="2025-01-01"),
        person("amy", "Amy"),
        person("bob", "Bob"),
        met(["amy", "jonas"], dt.date(2026, 6, 1), "email"),
        met(["bob", "jonas"], dt.date(2026, 3, 1), "email"),
        intro_ask("amy", "Helix", dt.date(2024, 1, 1), status="declined"),
    )
    answer = company_paths(vault, "Helix")
    assert introduced(answer) == [("amy", "jonas"), ("bob", "jonas")]
    assert evidence(answer)[0] == [
        ("together", "2026-06-01", "interactions/2026-06-01-email-amy-0.md"),
        ("met-through", "2025-01-01", "contacts/jonas.md"),
        ("intro-ask", "2024-01-01", "asks/2024-01-01-introduction-amy.md"),
    ]


def test_a_limit_keeps_the_first_paths_of_the_whole_ranking(load: Load) -> None:
    parts = [person(f"x{n}", f"X {n}", "Helix") for n in range(8)]
    parts += [person("amy", "Amy"), met("amy"), intro_ask("amy", "Helix", dt.date(2026, 1, 1))]
    parts += [person("bob", "Bob"), met("bob", kind="call"), met(["bob", "x7"], dt.date(2026, 2, 1), "email")]
    parts += [person("cy", "Cy"), intro_ask("cy", "Helix", dt.date(2026, 4, 1))]
    vault = vault_of(load, *parts)
    whole = company_paths(vault, "Helix")
    assert whole.introduced_total == len(whole.introduced) == 8 + 8 + 1
    for limit in (1, 3, 5, 9, 20):
        some = company_paths(vault, "Helix", limit)
        assert some.introduced == whole.introduced[:limit]
        assert some.introduced_total == whole.introduced_total and some.more == max(0, 17 - limit)
    assert evidence(whole)[0][0] == ("intro-ask", "2026-01-01", "asks/2026-01-01-introduction-amy.md")


def test_paths_is_the_one_target_answer(load: Load) -> None:
    vault = vault_of(load, person("jonas", "Jonas", "Helix", met_through="amy"), person("amy", "Amy"))
    index = PathIndex(vault, T, (), relationships(vault, T))
    target = find_target(index, "helix").target
    assert target is not None
    assert paths(vault, target, T, (), relationships(vault, T)) == index.company(target.key)


# -- the command


@pytest.fixture
def helix(make_vault: MakeVault) -> Path:
    files: dict[str, str] = {}
    for part in (
        person("rachel", "Rachel Adeyemi", "Helix Robotics", role="Staff Engineer"),
        person("ingrid", "Ingrid Sørensen", "Helix Robotics, GmbH", met_through="felix", since="2026-09-24"),
        person("felix", "Felix Bauer", "Kranich"),
        person("quill", "Helix Robotics"),  # a contact with the company's name
        met("rachel"),
        met("felix", dt.date(2026, 6, 3), "call"),
    ):
        files.update(part)
    return make_vault(files)


def test_path_prints_direct_paths_then_introducers_with_their_evidence(helix: Path, run_cli: RunCli) -> None:
    result = run_cli("--vault", helix, "path", "helix robotics gmbh", "--today", "2026-11-25")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "Helix Robotics: 2 people\n"
        "\n"
        "You know (1)\n"
        "  Rachel Adeyemi (Staff Engineer at Helix Robotics): strength 39 steady, 1 touch in 12 months,"
        " last touch today\n"
        "\n"
        "Through an introducer (1)\n"
        "  Felix Bauer (strength 16 weak) -> Ingrid Sørensen (Helix Robotics, GmbH)\n"
        "      2026-09-24  Felix Bauer introduced you to Ingrid Sørensen  [contacts/ingrid.md]\n"
    )


def test_path_json_has_the_documented_keys(helix: Path, run_cli: RunCli) -> None:
    result = run_cli("--vault", helix, "path", "Helix Robotics", "--today", "2026-11-25", "--format", "json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert list(doc) == ["target", "insiders", "direct", "introducers", "more", "unreached"]
    assert doc["target"] == {"kind": "company", "key": "helix robotics", "name": "Helix Robotics"}
    assert [d["contact"] for d in doc["direct"]] == ["rachel"]
    (path,) = doc["introducers"]
    assert list(path) == ["introducer", "insider", "date", "evidence"]
    assert list(path["insider"]) == ["contact", "name", "company", "role", "strength", "formerly"]
    assert list(path["introducer"]) == ["contact", "name", "company", "role", "strength"]
    assert path["introducer"]["strength"] == {
        "score": 16,
        "band": "weak",
        "reasons": ["1 touch in 12 months", "last 6 months ago"],
    }
    assert path["date"] == "2026-09-24"
    assert path["evidence"] == [
        {
            "kind": "met-through",
            "date": "2026-09-24",
            "source": "contacts/ingrid.md",
            "text": "Felix Bauer introduced you to Ingrid Sørensen",
        }
    ]
    assert doc["more"] == 0 and doc["unreached"] == []


def test_a_company_wins_over_a_contact_of_the_same_name_and_a_wikilink_means_the_contact(
    helix: Path, run_cli: RunCli
) -> None:
    result = run_cli("--vault", helix, "path", "Helix Robotics", "--today", "2026-11-25")
    assert result.stdout.startswith("Helix Robotics: 2 people\n")
    assert "note: 'Helix Robotics' is the company Helix Robotics; for the contact, use '[[Helix Robotics]]'" in (
        result.stderr
    )
    result = run_cli("--vault", helix, "path", "[[Helix Robotics]]", "--today", "2026-11-25")
    assert result.exit_code == 0 and result.stdout.startswith("Helix Robotics\n\nYou know (0)\n")


def test_a_contact_ref_may_be_lenient(helix: Path, run_cli: RunCli) -> None:
    result = run_cli("--vault", helix, "path", "ingrid", "--today", "2026-11-25")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Ingrid Sørensen (Helix Robotics, GmbH)\n\nYou know (0)\n")
    assert "  Felix Bauer (strength 16 weak) -> Ingrid Sørensen (Helix Robotics, GmbH)\n" in result.stdout


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("Helixx", "no company or contact matches 'Helixx' (did you mean 'Helix Robotics'?)"),
        ("Felx Bauer", "no company or contact matches 'Felx Bauer' (did you mean 'Felix Bauer'?)"),
        ("Zeppelin", "no company or contact matches 'Zeppelin'"),
        ("[[Kranich]]", "'[[Kranich]]' names no contact; for the company, write it without [[ ]]"),
    ],
)
def test_an_unknown_target_is_exit_2_with_a_hint(helix: Path, run_cli: RunCli, typed: str, message: str) -> None:
    result = run_cli("--vault", helix, "path", typed, "--today", "2026-11-25")
    assert result.exit_code == 2
    assert result.stderr == f"Error: {message}\n" and result.stdout == ""


def test_a_name_two_contacts_share_is_exit_2_listing_both(make_vault: MakeVault, run_cli: RunCli) -> None:
    root = make_vault({**person("ann-1", "Ann Lee", "Helix"), **person("ann-2", "Ann Lee", "Kranich")})
    result = run_cli("--vault", root, "path", "Ann Lee", "--today", "2026-11-25")
    assert result.exit_code == 2
    assert "ann-1 (Ann Lee, Helix), ann-2 (Ann Lee, Kranich)" in result.stderr


def test_limit_cuts_the_introducer_list_and_says_how_many_more(make_vault: MakeVault, run_cli: RunCli) -> None:
    files: dict[str, str] = {}
    for part in [person(f"x{n}", f"X {n}", "Helix") for n in range(3)] + [
        person("amy", "Amy"),
        intro_ask("amy", "Helix"),
    ]:
        files.update(part)
    root = make_vault(files)
    result = run_cli("--vault", root, "path", "Helix", "--today", "2026-11-25", "--limit", "2")
    assert result.exit_code == 0, result.stderr
    assert "Through an introducer (3)\n" in result.stdout
    assert result.stdout.count("-> X ") == 2
    assert "  ... and 1 more (--limit 0 lists them all)\n" in result.stdout
    result = run_cli("--vault", root, "path", "Helix", "--today", "2026-11-25", "--limit", "0")
    assert result.stdout.count("-> X ") == 3


def test_an_empty_target_is_exit_2(helix: Path, run_cli: RunCli) -> None:
    for typed in ("", "  ", "[[ ]]"):
        result = run_cli("--vault", helix, "path", typed, "--today", "2026-11-25")
        assert (result.exit_code, result.stderr) == (2, "Error: TARGET is empty: name a company or a contact\n")


def test_names_from_notes_print_as_one_line_each(make_vault: MakeVault, run_cli: RunCli) -> None:
    root = make_vault(
        {
            "contacts/jonas.md": '---\nname: "Jonas\\nEvil\\u001b[2J"\ncompany: Helix\nmet_through: amy\n---\n',
            "contacts/amy.md": "---\nname: Amy\n---\n",
        }
    )
    result = run_cli("--vault", root, "path", "Helix", "--today", "2026-11-25")
    assert result.exit_code == 0, result.stderr
    assert "  Amy (strength 0 none) -> Jonas\\nEvil\\x1b[2J (Helix)\n" in result.stdout
    assert "\x1b" not in result.stdout


# -- a limit never changes the ranking: the first paths of the whole list, on any small vault

PEOPLE = ["a", "b", "c", "d", "e", "f"]
COMPANIES = ["Helix", "Helix GmbH", "Kranich", None]
TO = ["Helix", "Kranich"]  # an intro ask to a company


@st.composite
def small_vaults(draw: st.DrawFn) -> Vault:
    contacts = []
    for cid in PEOPLE:
        met_through = draw(st.sampled_from([None, *PEOPLE]))
        contacts.append(
            Contact(
                cid,
                f"contacts/{cid}.md",
                draw(st.sampled_from(["Ann", "ann", "Bo", "Cy"])),
                company=draw(st.sampled_from(COMPANIES)),
                past_companies=tuple(draw(st.lists(st.sampled_from(["Helix", "Kranich"]), max_size=1))),
                met_through=met_through if met_through != cid else None,
                since=draw(st.sampled_from([None, dt.date(2024, 1, 1), dt.date(2026, 1, 1)])),
            )
        )
    days = st.integers(min_value=-400, max_value=30).map(lambda n: T + dt.timedelta(days=n))
    interactions = [
        Interaction(f"i{n}", f"interactions/i{n}.md", day, tuple(dict.fromkeys(people)), kind)
        for n, (day, people, kind) in enumerate(
            draw(
                st.lists(
                    st.tuples(
                        days,
                        st.lists(st.sampled_from(PEOPLE), min_size=1, max_size=3),
                        st.sampled_from(["coffee", "email"]),
                    ),
                    max_size=12,
                )
            )
        )
    ]
    interactions.sort(key=lambda i: (i.date, i.path))
    asks = []
    for n, (day, who, to) in enumerate(
        draw(
            st.lists(
                st.tuples(days, st.sampled_from(PEOPLE), st.sampled_from([*PEOPLE, "Helix", "Kranich"])), max_size=5
            )
        )
    ):
        person_to = to if to in PEOPLE else None
        asks.append(
            Ask(
                f"a{n}",
                f"asks/a{n}.md",
                day,
                who,
                Direction.OUT,
                "introduction",
                intro_to=to,
                intro_to_contact=person_to,
            )
        )
    by_id = {c.id: c for c in contacts}
    return Vault("/nowhere", Config(), tuple(contacts), tuple(interactions), tuple(asks), by_id)


@settings(max_examples=150, deadline=None)
@given(small_vaults())
def test_a_limit_keeps_exactly_the_first_paths_of_the_whole_ranking(vault: Vault) -> None:
    index = PathIndex(vault, T, (), relationships(vault, T))
    answers = [(index.company, k) for k in index.company_names()] + [(index.person, c.id) for c in vault.contacts]
    for query, key in answers:
        whole = query(key, None)
        assert whole.introduced_total == len(whole.introduced)
        assert len({(p.introducer.id, p.insider.contact.id) for p in whole.introduced if p.introducer}) == len(
            whole.introduced
        )
        for limit in (1, 2, 5):
            some = query(key, limit)
            assert some.introduced == whole.introduced[:limit]
            assert (some.introduced_total, some.unreached) == (whole.introduced_total, whole.unreached)
