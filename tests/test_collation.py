"""People listed by name in the order a reader expects (issue 8, item 10): `Łukasz` between
`Lena` and `Maria`, `Émile` beside `Emma`, not after `Zoë`; ties by id; `due` keeps the
contract's case-folded order."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import MakeVault, RunCli
from site_html import parse

from netnotes.collation import collation_key

READER_ORDER = ["Émile", "Emma", "Lena", "Łukasz", "Maria", "Zoë"]
TODAY = "2026-03-10"


def person(name: str, **fields: str) -> str:
    lines = [f"name: {name}", "tags: [team]", "company: Acme", *(f"{k}: {v}" for k, v in fields.items())]
    return "---\n" + "\n".join(lines) + "\n---\n"


PEOPLE = {
    "contacts/zoe.md": person("Zoë"),
    "contacts/maria.md": person("Maria"),
    "contacts/lukasz.md": person("Łukasz"),
    "contacts/lena.md": person("Lena"),
    "contacts/emile.md": person("Émile"),
    "contacts/emma.md": person("Emma"),
}


def built(make_vault: MakeVault, run_cli: RunCli, files: dict[str, str]) -> Path:
    vault = make_vault(files)
    result = run_cli("--vault", vault, "build", "--today", TODAY)
    assert result.exit_code == 0, result.output
    return vault / "_site"


def listed(site: Path, page: str, prefix: str) -> list[str]:
    return [a.text for a in parse(site / page).find("a") if (a.attrs.get("href") or "").startswith(prefix)]


def test_collation_key_orders_names_for_a_reader() -> None:
    assert sorted(reversed(READER_ORDER), key=collation_key) == READER_ORDER
    assert sorted(["Zoe", "王小明", "Иван", "Ω"], key=collation_key) == ["Zoe", "Ω", "Иван", "王小明"]


def test_a_huge_name_still_sorts() -> None:
    assert sorted(["b", "a" * 200_000 + "z", "a"], key=collation_key) == ["a", "a" * 200_000 + "z", "b"]


def test_contact_list_tag_and_company_pages_in_reader_order(make_vault: MakeVault, run_cli: RunCli) -> None:
    site = built(make_vault, run_cli, PEOPLE)
    assert listed(site, "contacts.html", "contacts/") == READER_ORDER
    assert listed(site, "tags/team.html", "../contacts/") == READER_ORDER
    assert listed(site, "companies/acme.html", "../contacts/") == READER_ORDER


def test_namesakes_are_ordered_by_id(make_vault: MakeVault, run_cli: RunCli) -> None:
    site = built(
        make_vault,
        run_cli,
        {
            "contacts/lena-b.md": person("Lena"),
            "contacts/lena-a.md": person("Lena"),
            "contacts/ana.md": person("Ana"),
        },
    )
    rows = parse(site / "contacts.html").find("a")
    assert [a.attrs["href"] for a in rows if (a.attrs.get("href") or "").startswith("contacts/")] == [
        "contacts/ana.html",
        "contacts/lena-a.html",
        "contacts/lena-b.html",
    ]


def test_tag_and_company_lists_in_reader_order(make_vault: MakeVault, run_cli: RunCli) -> None:
    site = built(
        make_vault,
        run_cli,
        {
            "contacts/a.md": "---\nname: A\ntags: [zen, Ärzte, education]\ncompany: Zeta\n---\n",
            "contacts/b.md": "---\nname: B\ncompany: Élan\n---\n",
            "contacts/c.md": "---\nname: C\ncompany: Ebay\n---\n",
        },
    )
    assert listed(site, "tags.html", "tags/") == ["Ärzte", "education", "zen"]
    assert listed(site, "companies.html", "companies/") == ["Ebay", "Élan", "Zeta"]


def test_search_lists_contacts_in_reader_order(make_vault: MakeVault, run_cli: RunCli) -> None:
    site = built(make_vault, run_cli, PEOPLE)
    text = (site / "static/search-index.js").read_text(encoding="utf-8")
    rows = json.loads(text[len("window.NETNOTES_SEARCH = ") : -2])
    assert [r[1] for r in rows if r[0].startswith("contacts/")] == READER_ORDER


def test_due_keeps_the_contracts_case_folded_order(make_vault: MakeVault, run_cli: RunCli) -> None:
    vault = make_vault({path: text.replace("tags: [team]", "cadence: 1w") for path, text in PEOPLE.items()})
    result = run_cli("--vault", vault, "due", "--today", TODAY, "--format", "json")
    names = [i["name"] for i in json.loads(result.stdout)]
    assert names == sorted(READER_ORDER, key=str.casefold) == ["Emma", "Lena", "Maria", "Zoë", "Émile", "Łukasz"]
