"""`netnotes dupes` (section 9 of the contract; issue 13, item 3): contacts that look like one
person, with the evidence and the merge command, silenced for good by `not_same_as`."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from conftest import Load, MakeVault, RunCli
from hypothesis import given, settings
from hypothesis import strategies as st
from site_html import build, parse

import netnotes.dupes as dupes_module
from netnotes.dupes import find_dupes, name_form
from netnotes.model import Config, Contact, Vault
from netnotes.refs import normalize_linkedin


def contact(cid: str, name: str, extra: str = "") -> tuple[str, str]:
    return f"contacts/{cid}.md", f"---\nname: {name}\n{extra}---\n"


def pairs_of(load: Load, *contacts: tuple[str, str], **notes: str) -> dict[tuple[str, str], list[str]]:
    """``{(keep id, drop id): [evidence detail, ...]}`` for the vault of ``contacts``."""
    result = load({**dict(contacts), **{k.replace("__", "/") + ".md": v for k, v in notes.items()}})
    return {(p.keep.id, p.drop.id): [e.detail for e in p.evidence] for p in find_dupes(result.vault)}


@pytest.mark.parametrize(
    ("a", "b", "evidence"),
    [
        (
            ("jane-doe", "Jane Doe", "email: jane@acme.example\n"),
            ("jd", "JD", "email: [JANE@Acme.example]\n"),
            "same email jane@acme.example",
        ),
        (
            ("jane-doe", "Jane Doe", "linkedin: https://www.linkedin.com/in/Jane-Doe/?trk=public\n"),
            ("jd", "JD", "linkedin: linkedin.com/in/jane-doe\n"),
            "same LinkedIn URL linkedin.com/in/jane-doe",
        ),
        (("john-smith", "John Smith", ""), ("j-smith", "J. Smith", ""), "names match (initial): J. Smith ~ John Smith"),
        (("bob-stone", "Bob Stone", ""), ("robert-stone", "Robert Stone", ""), "names match (nickname)"),
        (("bill-ng", "Bill Ng", ""), ("william-ng", "William Ng", ""), "names match (nickname)"),
        (("liz-ito", "Liz Ito", ""), ("elizabeth-ito", "Elizabeth Ito", ""), "names match (nickname)"),
        (("zoe-muller", "Zoë Müller", ""), ("zoe-muller-2", "ZOE MULLER", ""), "names match (same name)"),
        (("zoe-muller", "Zoë Müller", ""), ("zoe-mueller", "Zoe Mueller", ""), "names match (similar spelling)"),
        (("ana-ruiz", "Dr. Ana Ruiz, PhD", ""), ("ana", "Ana", "aliases: [ana ruiz]\n"), "names match (same name)"),
    ],
    ids=[
        "email",
        "linkedin-url",
        "initial",
        "bob-robert",
        "bill-william",
        "liz-elizabeth",
        "accents",
        "spelling",
        "alias",
    ],
)
def test_pairs_with_their_evidence(load: Load, a: tuple[str, str, str], b: tuple[str, str, str], evidence: str) -> None:
    found = pairs_of(load, contact(*a), contact(*b))
    assert len(found) == 1
    [details] = found.values()
    assert any(d.startswith(evidence) for d in details), details


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("John Smith", "Joan Smith"),
        ("Maria Garcia", "Mario Garcia"),
        ("John Smith", "John Smyth"),
        ("J. Smith", "K. Smith"),
        ("Madonna", "Madonna Ciccone"),
    ],
)
def test_names_that_are_not_one_person(load: Load, a: str, b: str) -> None:
    assert pairs_of(load, contact("a", a), contact("b", b)) == {}


def test_a_linkedin_field_that_is_no_url_is_compared_as_text_never_a_crash(load: Load) -> None:
    broken = 'linkedin: "https://[x"\n'
    assert pairs_of(load, contact("ab", "Ann Bee", broken), contact("cd", "Cy Dee", broken)) == {
        ("ab", "cd"): ["same LinkedIn URL https://[x"]
    }


def test_keep_is_the_contact_more_notes_refer_to(load: Load) -> None:
    found = pairs_of(
        load,
        contact("a-smith", "A. Smith"),
        contact("anna-smith", "Anna Smith"),
        contact("bo", "Bo", "met_through: a-smith\n"),
        interactions__one="---\ndate: 2026-01-01\nwith: [a-smith, bo]\n---\n",
    )
    assert list(found) == [("a-smith", "anna-smith")]


def test_a_tie_keeps_the_smaller_id(load: Load) -> None:
    assert list(pairs_of(load, contact("b-smith", "Anna Smith"), contact("a-smith", "A. Smith"))) == [
        ("a-smith", "b-smith")
    ]


@pytest.mark.parametrize("side", ["a", "b"])
def test_not_same_as_on_either_contact_silences_the_pair(load: Load, side: str) -> None:
    silence = {"a": "not_same_as: [john-smith-2]\n", "b": "not_same_as: '[[john-smith|John]]'\n"}
    found = pairs_of(
        load,
        contact("john-smith", "John Smith", "email: js@example.com\n" + (silence["a"] if side == "a" else "")),
        contact(
            "john-smith-2",
            "John Smith (Berlin)",
            "email: js@example.com\naliases: [John Smith]\n" + (silence["b"] if side == "b" else ""),
        ),
    )
    assert found == {}


def test_not_same_as_refs_resolve_strictly(load: Load) -> None:
    result = load(
        dict(
            [
                contact("john-smith", "John Smith", "not_same_as: [jon-smith, nobody]\n"),
                contact("jon-smith", "Jon Smith"),
            ]
        )
    )
    assert result.vault.contacts_by_id["john-smith"].not_same_as == ("jon-smith",)
    assert [(p.line, p.column, p.code) for p in result.problems] == [(3, 26, "NN115")]
    assert "contact ref 'nobody' matches no contact" in result.problems[0].message


def test_dupes_text_lists_each_pair_with_the_merge_command(make_vault: MakeVault, run_cli: RunCli) -> None:
    root = make_vault(
        dict(
            [
                contact("jane-doe", "Jane Doe", "email: jane@acme.example\n"),
                contact("j-doe", "J. Doe", "email: jane@acme.example\n"),
            ]
        )
    )
    result = run_cli("--vault", root, "dupes")
    assert result.exit_code == 0
    assert result.stdout == (
        "J. Doe (contacts/j-doe.md) ~ Jane Doe (contacts/jane-doe.md)\n"
        "  same email jane@acme.example\n"
        "  names match (initial): J. Doe ~ Jane Doe\n"
        "  netnotes merge j-doe jane-doe\n"
    )
    assert "1 possible duplicate" in result.stderr


def test_dupes_json(make_vault: MakeVault, run_cli: RunCli) -> None:
    root = make_vault(dict([contact("bob stone", "Bob Stone"), contact("robert-stone", "Robert Stone")]))
    result = run_cli("--vault", root, "dupes", "--format", "json")
    assert json.loads(result.stdout) == [
        {
            "keep": {"id": "bob stone", "name": "Bob Stone", "path": "contacts/bob stone.md"},
            "drop": {"id": "robert-stone", "name": "Robert Stone", "path": "contacts/robert-stone.md"},
            "evidence": [{"kind": "name", "detail": "names match (nickname): Bob Stone ~ Robert Stone"}],
            "command": "netnotes merge 'bob stone' robert-stone",
        }
    ]


def test_no_dupes_prints_nothing(make_vault: MakeVault, run_cli: RunCli) -> None:
    root = make_vault(dict([contact("ana", "Ana Ruiz"), contact("bo", "Bo Lind")]))
    result = run_cli("--vault", root, "dupes")
    assert (result.exit_code, result.stdout) == (0, "")
    assert "0 possible duplicates" in result.stderr


# ---------------------------------------------------------------------------------------------
# Scale: blocks, not all pairs


def vault_of(contacts: list[Contact]) -> Vault:
    ordered = tuple(sorted(contacts, key=lambda c: c.id))
    return Vault("/v", Config(), ordered, (), (), {c.id: c for c in ordered})


FIRST = ["Ana", "Ben", "Bob", "Robert", "Zoë", "Zoe", "J.", "John", "Liz", "Elizabeth", "Émile", "Emile", "Li"]
LAST = ["Ruiz", "Stone", "Müller", "MULLER", "Ng", "Doe", "Smith-Jones", "O'Neil", "Lind"]
EMAILS = ["a@x.example", "A@X.example", "b@x.example", "c@y.example"]
URLS = ["https://www.linkedin.com/in/ana/", "linkedin.com/in/ANA?x=1", "https://linkedin.com/in/ben"]

people = st.lists(
    st.tuples(
        st.sampled_from(FIRST),
        st.sampled_from(LAST),
        st.lists(st.sampled_from(EMAILS), max_size=2),
        st.none() | st.sampled_from(URLS),
    ),
    min_size=2,
    max_size=25,
)


@settings(max_examples=60, deadline=None)
@given(people)
def test_blocked_search_finds_every_exact_pair_that_all_pairs_would(
    rows: list[tuple[str, str, list[str], str | None]],
) -> None:
    contacts = [
        Contact(f"c{i:02}", f"contacts/c{i:02}.md", f"{first} {last}", emails=tuple(emails), linkedin=url)
        for i, (first, last, emails, url) in enumerate(rows)
    ]
    found = {(min(p.keep.id, p.drop.id), max(p.keep.id, p.drop.id)): p for p in find_dupes(vault_of(contacts))}
    for a, b in itertools.combinations(contacts, 2):
        kinds = set()
        if {e.casefold() for e in a.emails} & {e.casefold() for e in b.emails}:
            kinds.add("email")
        if a.linkedin and b.linkedin and normalize_linkedin(a.linkedin) == normalize_linkedin(b.linkedin):
            kinds.add("linkedin")
        form_a, form_b = name_form(a.name), name_form(b.name)
        if form_a is not None and form_b is not None and form_a.words == form_b.words:
            kinds.add("name")
        if kinds:
            assert (a.id, b.id) in found, (a, b, kinds)
            assert kinds <= {e.kind for e in found[(a.id, b.id)].evidence}


def test_ten_thousand_contacts_are_compared_in_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    # 100 given names x 100 family names, their first letters spread as in real names
    firsts = [f"{chr(65 + i % 26)}given{i}" for i in range(100)]
    lasts = [f"{chr(65 + i * 7 % 26)}family{i}" for i in range(100)]
    contacts = [
        Contact(f"c{i:05}", f"contacts/c{i:05}.md", f"{firsts[i % 100]} {lasts[i // 100]}") for i in range(10_000)
    ]
    compared = 0
    real = dupes_module.match_names

    def counted(a: dupes_module.NameForm, b: dupes_module.NameForm) -> str | None:
        nonlocal compared
        compared += 1
        return real(a, b)

    monkeypatch.setattr(dupes_module, "match_names", counted)
    find_dupes(vault_of(contacts))
    all_pairs = 10_000 * 9_999 // 2
    assert compared < all_pairs // 1000


def test_a_pair_found_twice_is_listed_once(load: Load) -> None:
    found = pairs_of(
        load,
        contact("bob-stone", "Bob Stone", "aliases: [Rob Stone, B. Stone]\nemail: [b@x.example, B@X.example]\n"),
        contact("robert-stone", "Robert Stone", "email: b@x.example\n"),
    )
    assert list(found) == [("bob-stone", "robert-stone")]
    assert found[("bob-stone", "robert-stone")][0] == "same email b@x.example"


# ---------------------------------------------------------------------------------------------
# The dashboard: suggestions on the problems page, not problems


def test_problems_page_suggests_possible_duplicates(make_vault: MakeVault, tmp_path: Path) -> None:
    root = make_vault(
        dict(
            [
                contact("jane-doe", "Jane Doe", "email: jane@acme.example\n"),
                contact("j-doe", "J. Doe", "email: jane@acme.example\n"),
                contact("john-smith", "John Smith"),
                contact("jon-smith", "Jon Smith", "not_same_as: [john-smith]\n"),
            ]
        )
    )
    out, report = build(root, tmp_path / "site")
    assert (report.errors, report.warnings) == (0, 0)
    page = parse(out / "problems.html")
    [suggestions] = [e for e in page.elements if e.attrs.get("aria-labelledby") == "h-duplicates"]
    text = " ".join(suggestions.text.split())
    assert "Possible duplicates" in text
    assert "same email jane@acme.example" in text and "netnotes merge j-doe jane-doe" in text
    assert "Smith" not in text
    links = [a.attrs["href"] for a in page.find("a") if a.text in ("J. Doe", "Jane Doe")]
    assert links == ["contacts/j-doe.html", "contacts/jane-doe.html"]
    assert all((out / str(href)).is_file() for href in links)
    assert "No problems" in page.text


def test_export_json_lists_not_same_as_ids(make_vault: MakeVault, run_cli: RunCli) -> None:
    root = make_vault(
        dict([contact("john-smith", "John Smith", "not_same_as: '[[Jon Smith]]'\n"), contact("jon-smith", "Jon Smith")])
    )
    contacts = json.loads(run_cli("--vault", root, "export", "json").stdout)["contacts"]
    assert [(c["id"], c["not_same_as"]) for c in contacts] == [("john-smith", ["jon-smith"]), ("jon-smith", [])]
