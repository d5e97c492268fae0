"""People listed by name in the order a reader expects (issue 8, item 10): `Łukasz` between
`Lena` and `Maria`, `Émile` beside `Emma`, not after `Zoë`; ties by id; `due` keeps the
contract's case-folded order."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import MakeVault, RunCli
from hypothesis import given, settings
from hypothesis import strategies as st
from site_html import parse

from netnotes import collation
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


# -- the keys kept between runs (issue 12): a build of an unchanged vault makes no collator


def fresh_process(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Forget the keys this process knows, as a new process would, and count every key made."""
    monkeypatch.setattr(collation, "_KEYS", collation._Keys())
    made: list[str] = []

    class Counting:
        def sort_key(self, text: str) -> tuple[int, ...]:
            made.append(text)
            return real.sort_key(text)

    real = collation._collator()
    monkeypatch.setattr(collation, "_collator", Counting)
    return made


def test_a_later_build_takes_the_keys_from_the_users_cache(
    make_vault: MakeVault, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault = make_vault(PEOPLE)
    made = fresh_process(monkeypatch)
    assert run_cli("--vault", vault, "build", "--today", TODAY).exit_code == 0
    assert set(READER_ORDER) <= set(made)
    made = fresh_process(monkeypatch)
    assert run_cli("--vault", vault, "build", "--today", "2026-03-11").exit_code == 0
    assert made == []
    assert listed(vault / "_site", "contacts.html", "contacts/") == READER_ORDER


def test_a_new_name_gets_its_key_made_and_kept(
    make_vault: MakeVault, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault = make_vault(PEOPLE)
    assert run_cli("--vault", vault, "build", "--today", TODAY).exit_code == 0
    make_vault({"contacts/ada.md": person("Ada")})
    made = fresh_process(monkeypatch)
    assert run_cli("--vault", vault, "build", "--today", TODAY).exit_code == 0
    assert made == ["Ada"]
    assert listed(vault / "_site", "contacts.html", "contacts/") == ["Ada", *READER_ORDER]
    assert "Ada" in json.loads(collation.keys_path().read_text())["keys"]


@pytest.mark.parametrize(
    "kept",
    [
        pytest.param(b"{not json", id="corrupt"),
        pytest.param(b'{"salt": 1, "keys": {"Zo\\u00eb": "zzz"}}', id="wrong-types"),
        pytest.param(b"\xff\xfe", id="not-utf8"),
    ],
)
def test_a_corrupt_keys_file_is_a_warning_and_the_keys_are_made_afresh(
    make_vault: MakeVault, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch, kept: bytes
) -> None:
    vault = make_vault(PEOPLE)
    collation.keys_path().parent.mkdir(parents=True, exist_ok=True)
    collation.keys_path().write_bytes(kept)
    result = run_cli("--vault", vault, "build", "--today", TODAY)
    assert result.exit_code == 0 and "Traceback" not in result.output
    assert "collation keys" in result.stderr and "corrupt" in result.stderr
    assert listed(vault / "_site", "contacts.html", "contacts/") == READER_ORDER
    assert json.loads(collation.keys_path().read_text())["salt"] == collation._salt()  # replaced


def test_keys_of_another_version_are_not_used(
    make_vault: MakeVault, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    # every name with the same key: trusted, the order would be by id (a file name) alone
    vault = make_vault({f"contacts/{n}.md": person(name) for n, name in zip("fedcba", READER_ORDER, strict=True)})
    stale = {"salt": "netnotes 0.0.1; pyuca 0; 100 characters", "keys": {name: [1] for name in READER_ORDER}}
    collation.keys_path().parent.mkdir(parents=True, exist_ok=True)
    collation.keys_path().write_text(json.dumps(stale))
    made = fresh_process(monkeypatch)
    result = run_cli("--vault", vault, "build", "--today", TODAY)
    assert result.exit_code == 0 and result.stderr.count("Warning") == 0
    assert set(READER_ORDER) <= set(made)
    assert listed(vault / "_site", "contacts.html", "contacts/") == READER_ORDER


def test_an_unwritable_cache_folder_is_a_warning(
    make_vault: MakeVault, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault = make_vault(PEOPLE)
    monkeypatch.setattr(collation, "keys_path", lambda: vault / "no-such-folder" / "file" / "keys.json")
    (vault / "no-such-folder").write_text("a file, not a folder")
    result = run_cli("--vault", vault, "build", "--today", TODAY)
    assert result.exit_code == 0 and "cannot save the collation keys" in result.stderr
    assert listed(vault / "_site", "contacts.html", "contacts/") == READER_ORDER


def test_build_clean_drops_the_kept_keys(make_vault: MakeVault, run_cli: RunCli) -> None:
    vault = make_vault(PEOPLE)
    assert run_cli("--vault", vault, "build", "--today", TODAY).exit_code == 0
    assert collation.keys_path().is_file()
    assert run_cli("--vault", vault, "build", "--today", TODAY, "--clean").exit_code == 0
    assert json.loads(collation.keys_path().read_text())["keys"].keys() >= set(READER_ORDER)  # made again


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=12), st.text(max_size=12))
def test_a_key_orders_names_as_the_collators_weights_do(first: str, second: str) -> None:
    """A key is the collator's weights as the code points of a string: two keys compare as the
    two tuples of weights do."""
    weights = collation._collator().sort_key
    assert (collation_key(first) < collation_key(second)) == (tuple(weights(first)) < tuple(weights(second)))
    assert (collation_key(first) == collation_key(second)) == (tuple(weights(first)) == tuple(weights(second)))


def test_kept_keys_of_the_wrong_shape_are_a_warning(make_vault: MakeVault, run_cli: RunCli) -> None:
    """Keys kept as lists of numbers under this version's salt are no keys of this version."""
    vault = make_vault(PEOPLE)
    kept = {"salt": collation._salt(), "keys": {name: [1] for name in READER_ORDER}}
    collation.keys_path().parent.mkdir(parents=True, exist_ok=True)
    collation.keys_path().write_text(json.dumps(kept))
    result = run_cli("--vault", vault, "build", "--today", TODAY)
    assert result.exit_code == 0 and "corrupt" in result.stderr
    assert listed(vault / "_site", "contacts.html", "contacts/") == READER_ORDER
