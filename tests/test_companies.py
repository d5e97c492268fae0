"""Company keys (contract section 8): one company however it is spelled, and `companies:` merges.

The rule is tested on its own, then through what a user sees: `check` on netnotes.yaml, the
company pages, the contacts list and search of a built site.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from site_html import build, parse

from netnotes.companies import company_index, company_key
from netnotes.loader import load_vault


@pytest.mark.parametrize(
    ("spelling", "same_as"),
    [
        ("Helix Robotics, GmbH", "helix robotics"),
        ("HELIX  ROBOTICS Inc.", "Helix Robotics"),
        ("Helix Robotics Co. Ltd", "Helix Robotics"),  # every trailing legal form goes
        ("Café Lumière S.A.", "cafe lumiere"),
        ("Ærø-Shipping", "ærøshipping"),  # punctuation is dropped, not a space
        ("Яндекс, ООО", "яндекс ооо"),  # Cyrillic letters kept (ООО is not in the list)
        ("株式会社 ソニー", "株式会社 ソニー"),
        ("Co", "co"),  # only a legal form: it stays
        ("Company Inc", "company"),
        ("Inc", "INC."),
    ],
    ids=lambda v: v,
)
def test_spellings_of_one_company_share_a_key(spelling: str, same_as: str) -> None:
    assert company_key(spelling) == company_key(same_as)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Helix Robotics, GmbH", "helix robotics"),
        ("Яндекс", "яндекс"),
        ("株式会社", "株式会社"),
        ("Co", "co"),
        ("AT&T", "att"),
        ("+++", "+++"),  # nothing but punctuation: the folded text, never an empty key
    ],
)
def test_the_key_itself(name: str, key: str) -> None:
    assert company_key(name) == key


def test_different_companies_keep_different_keys() -> None:
    assert company_key("Helix Robotics") != company_key("Helix")
    assert company_key("Co-op Bank") != company_key("Bank")
    assert company_key("Northwind Data") != company_key("Northwind")


@given(st.text(max_size=40))
def test_the_key_is_a_fixed_point(name: str) -> None:
    once = company_key(name)
    assert company_key(once) == once


# ---------------------------------------------------------------------------------------------
# netnotes.yaml


def test_companies_setting_merges_spellings_the_rule_cannot(load) -> None:  # type: ignore[no-untyped-def]
    result = load(
        {
            "contacts/ana.md": "---\nname: Ana\ncompany: Google\n---\n",
            "contacts/ben.md": "---\nname: Ben\ncompany: Google LLC\n---\n",
            "contacts/cy.md": "---\nname: Cy\ncompany: Alphabet Inc.\n---\n",
            "contacts/di.md": "---\nname: Di\ncompany: Globex\n---\n",
        },
        config="companies:\n  Alphabet: [Google, Google LLC]\n",
    )
    assert result.problems == []
    assert result.vault.config.companies == (("Alphabet", ("Google", "Google LLC")),)
    index = company_index(result.vault.contacts, result.vault.config)
    assert sorted(index.companies) == ["alphabet", "globex"]
    alphabet = index.companies["alphabet"]
    assert [c.id for c in alphabet.now] == ["ana", "ben", "cy"]
    assert alphabet.name == "Alphabet Inc."  # 1 each: the first in case-folded order
    assert index.key("google llc") == "alphabet"


def test_the_most_used_spelling_names_a_company(load) -> None:  # type: ignore[no-untyped-def]
    result = load(
        {
            "contacts/a.md": "---\nname: A\ncompany: helix robotics\n---\n",
            "contacts/b.md": "---\nname: B\ncompany: Helix Robotics, GmbH\n---\n",
            "contacts/c.md": "---\nname: C\ncompany: Helix Robotics, GmbH\n---\n",
            "contacts/d.md": "---\nname: D\ncompany: Helix  Robotics\n---\n",
        }
    )
    (helix,) = company_index(result.vault.contacts, result.vault.config).companies.values()
    assert helix.name == "Helix Robotics, GmbH"
    # a tie goes to the first spelling in case-folded order ("Helix Robotics" before "helix
    # robotics" by code point once case-folded equal); spaces are collapsed before counting
    assert helix.spellings == ("Helix Robotics, GmbH", "Helix Robotics", "helix robotics")


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        (
            "companies: [Google, Alphabet]\n",
            "netnotes.yaml:1:12: error NN109 'companies' should be a mapping of company name to its other"
            " spellings, got a list",
        ),
        (
            "companies:\n  Alphabet: {Google: 1}\n",
            "netnotes.yaml:2:13: error NN109 'companies' should be text or a list of text, got a mapping",
        ),
        (
            "companies:\n  Alphabet: [Google]\n  Umbrella: [Google LLC]\n",
            "netnotes.yaml:3:13: error NN118 'Google LLC' is listed under both 'Alphabet' and 'Umbrella' in"
            " 'companies'; it stays with 'Alphabet'",
        ),
        (
            "companies:\n  Alphabet: [Google]\n  Alphabet Inc: [Waymo]\n",
            "netnotes.yaml:3:17: error NN118 company 'Alphabet Inc' is already listed under 'Alphabet' in 'companies'",
        ),
        ("git_history: maybe\n", "netnotes.yaml:1:14: error NN109 'git_history' should be true or false, got text"),
    ],
    ids=["not-a-mapping", "spellings-not-text", "spelling-twice", "company-twice", "git-history-not-bool"],
)
def test_bad_companies_and_git_history_settings_are_problems(make_vault, run_cli, config: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    root = make_vault({"contacts/ana.md": "---\nname: Ana\n---\n"}, config=config)
    result = run_cli("--vault", root, "check")
    assert result.stdout.splitlines() == [expected]
    assert result.exit_code == 1


def test_a_spelling_claimed_twice_stays_with_its_first_company(load) -> None:  # type: ignore[no-untyped-def]
    result = load(
        {"contacts/ana.md": "---\nname: Ana\ncompany: Google LLC\n---\n"},
        config="companies:\n  Alphabet: [Google]\n  Umbrella: [Google LLC]\n",
    )
    index = company_index(result.vault.contacts, result.vault.config)
    assert index.key("Google LLC") == "alphabet"


@pytest.mark.parametrize(
    ("config", "value"), [("", True), ("git_history: false\n", False), ("git_history: maybe\n", True)]
)
def test_git_history_defaults_to_true(load, config: str, value: bool) -> None:  # type: ignore[no-untyped-def]
    assert load({}, config=config or "title: x\n").vault.config.git_history is value


def test_past_companies_is_a_list_of_text(load) -> None:  # type: ignore[no-untyped-def]
    result = load(
        {
            "contacts/ana.md": "---\nname: Ana\npast_companies: [Globex, Initech]\n---\n",
            "contacts/ben.md": "---\nname: Ben\npast_companies: Globex\n---\n",
            "contacts/cy.md": "---\nname: Cy\npast_companies: [{a: 1}, Umbrella]\n---\n",
        }
    )
    by_id = result.vault.contacts_by_id
    assert by_id["ana"].past_companies == ("Globex", "Initech")
    assert by_id["ben"].past_companies == ("Globex",)
    assert by_id["cy"].past_companies == ("Umbrella",)
    assert by_id["ana"].custom == ()  # a known field now, not a custom one
    assert [(p.code, p.path) for p in result.problems] == [("NN109", "contacts/cy.md")]


# ---------------------------------------------------------------------------------------------
# The site


HELIX_VAULT = {
    "netnotes.yaml": "companies:\n  Helix Robotics: [Helix]\n",
    "contacts/ana.md": "---\nname: Ana Ruiz\ncompany: Helix Robotics, GmbH\n---\n",
    "contacts/ben.md": "---\nname: Ben Ode\ncompany: helix robotics\n---\n",
    "contacts/cy.md": "---\nname: Cy Ng\ncompany: Helix Robotics, GmbH\n---\n",
    "contacts/di.md": "---\nname: Di Lau\ncompany: HELIX ROBOTICS INC.\n---\n",
    "contacts/ed.md": "---\nname: Ed Yu\ncompany: Helix\n---\n",
    "contacts/fay.md": "---\nname: Fay Oh\ncompany: Globex\npast_companies: [Helix Robotics Ltd, Initech]\n---\n",
}


@pytest.fixture(scope="module")
def helix_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from conftest import write_vault

    vault = write_vault(tmp_path_factory.mktemp("companies") / "vault", HELIX_VAULT)
    out, report = build(vault)
    assert report.errors == 0
    return out


def test_a_company_spelled_several_ways_is_one_page(helix_site: Path) -> None:
    pages = sorted(p.name for p in (helix_site / "companies").iterdir())
    assert pages == ["globex.html", "helix-robotics.html", "initech.html"]
    helix = parse(helix_site / "companies/helix-robotics.html")
    (h1,) = helix.find("h1")
    assert h1.text.split() == ["Helix", "Robotics,", "GmbH", "5"]  # the most used spelling, 5 people now
    now = [" ".join(e.text.split()) for e in helix.elements if e.tag == "table" and e.attrs["id"] == "company-table"]
    assert all(name in now[0] for name in ("Ana Ruiz", "Ben Ode", "Cy Ng", "Di Lau", "Ed Yu"))
    assert "Fay Oh" not in now[0]
    assert "Also written: Helix, helix robotics, HELIX ROBOTICS INC., Helix Robotics Ltd" in " ".join(
        helix.text.split()
    )


def test_a_company_page_lists_its_people_formerly(helix_site: Path) -> None:
    helix = parse(helix_site / "companies/helix-robotics.html")
    former = [e for e in helix.elements if e.tag == "table" and e.attrs["id"] == "company-former-table"]
    assert len(former) == 1 and "Fay Oh" in former[0].text and "Globex" in former[0].text
    fay = parse(helix_site / "contacts/fay.html")
    links = {" ".join(a.text.split()): a.attrs["href"] for a in fay.find("a")}
    assert links["Helix Robotics Ltd"] == "../companies/helix-robotics.html"  # as she wrote it, to the one page
    assert links["Initech"] == "../companies/initech.html"


def test_every_spelling_links_to_the_one_page(helix_site: Path) -> None:
    contacts = parse(helix_site / "contacts.html")
    hrefs = {a.attrs["href"] for a in contacts.find("a") if "Helix" in a.text or "HELIX" in a.text or "helix" in a.text}
    assert hrefs == {"companies/helix-robotics.html"}
    for cid in ("ana", "ben", "di", "ed"):
        page = parse(helix_site / f"contacts/{cid}.html")
        assert "../companies/helix-robotics.html" in {a.attrs["href"] for a in page.find("a")}
    groups = parse(helix_site / "companies.html")
    assert [" ".join(a.text.split()) for a in groups.find("a") if (a.attrs["href"] or "").startswith("companies/")] == [
        "Globex",
        "Helix Robotics, GmbH",
        "Initech",
    ]


def test_the_contacts_list_shows_the_company_by_its_name(helix_site: Path) -> None:
    contacts = parse(helix_site / "contacts.html")
    cells = [e for e in contacts.elements if e.tag == "td" and (e.attrs.get("data-sort") or "").startswith("helix")]
    assert {" ".join(c.text.split()) for c in cells} == {"Helix Robotics, GmbH"}
    assert len(cells) == 5


def test_search_finds_the_company_by_any_spelling(helix_site: Path) -> None:
    text = (helix_site / "static/search-index.js").read_text(encoding="utf-8")
    rows = json.loads(text[len("window.NETNOTES_SEARCH = ") : -2])
    companies = [r for r in rows if r[0].startswith("companies/")]
    assert [r[1] for r in companies] == ["Globex", "Helix Robotics, GmbH", "Initech"]
    helix = companies[1]
    assert helix[2] == "company · 5 contacts, 1 formerly"
    assert {"helix", "robotics", "gmbh", "inc", "ltd"} <= set(helix[3].split())
    fay = next(r for r in rows if r[1] == "Fay Oh")
    assert {"initech", "helix"} <= set(fay[3].split())  # found by where she worked before


def test_a_company_with_no_letters_still_gets_a_page(make_vault) -> None:  # type: ignore[no-untyped-def]
    root = make_vault(
        {
            "contacts/a.md": "---\nname: A\ncompany: '+++'\n---\n",
            "contacts/b.md": "---\nname: B\ncompany: '\u0301'\n---\n",
        }
    )
    out, report = build(root)
    assert report.errors == 0
    a = parse(out / "contacts/a.html")
    assert any((e.attrs.get("href") or "").startswith("../companies/") for e in a.find("a"))
    b = parse(out / "contacts/b.html")  # a lone combining accent: no key, no page, no crash
    assert not any((e.attrs.get("href") or "").startswith("../companies/") for e in b.find("a"))
    assert load_vault(root).problems == []


def test_the_contacts_filter_finds_a_contact_by_the_company_name(helix_site: Path) -> None:
    contacts = parse(helix_site / "contacts.html")
    ben = next(r for r in contacts.find("tr") if "Ben Ode" in r.text)
    # Ben wrote "helix robotics"; the list shows, and filters on, the company's name too
    assert "gmbh" in (ben.attrs["data-text"] or "").split()
