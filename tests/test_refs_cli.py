"""Refs typed on the command line are lenient; refs written in notes stay strict (issue 8, item 8).

`log` and `ask` find a contact by its name without accents or case (`zoe angstrom`), or by a
first name only one contact has (`hannah`); an ambiguous ref exits 2 listing who it could be.
The note written stores the id, so `check` accepts it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import Load, LoadClean, MakeVault, RunCli

from netnotes.loader import load_vault
from netnotes.refs import Lookup, RefIndex

PEOPLE = {
    "contacts/zoe-angstrom.md": "---\nname: Zoë Ångström\ncompany: Ørsted\n---\n",
    "contacts/hannah-brooks.md": "---\nname: Hannah Brooks\n---\n",
    "contacts/alex-kim.md": "---\nname: Alex Kim\ncompany: Northwind\n---\n",
    "contacts/alex-ng.md": "---\nname: Alex Ng\ncompany: Helix Robotics\n---\n",
    "contacts/robert-jones.md": "---\nname: Robert Jones\naliases: [Bobby Jones]\n---\n",
}


def index(make_vault: MakeVault, files: dict[str, str] | None = None) -> RefIndex:
    return RefIndex(load_vault(make_vault(files or PEOPLE)).vault.contacts)


def written_with(root: Path) -> list[str]:
    """The `with` line of every interaction written, as written."""
    return [
        line
        for p in sorted((root / "interactions").rglob("*.md"))
        for line in p.read_text(encoding="utf-8").splitlines()
        if line.startswith("with:")
    ]


@pytest.mark.parametrize(
    ("ref", "contact_id"),
    [
        ("zoe angstrom", "zoe-angstrom"),
        ("Zoe Angstrom", "zoe-angstrom"),
        ("ZOE  ANGSTROM", "zoe-angstrom"),
        ("[[zoe angstrom]]", "zoe-angstrom"),
        ("zoe", "zoe-angstrom"),
        ("hannah", "hannah-brooks"),
        ("bobby", "robert-jones"),  # the first word of an alias counts as a first name
        ("robert", "robert-jones"),
    ],
)
def test_a_lenient_ref_finds_the_one_contact_it_can_mean(make_vault: MakeVault, ref: str, contact_id: str) -> None:
    assert index(make_vault).lookup_for_cli(ref) == Lookup("found", contact_id, lenient=True)


def test_the_strict_rule_wins_before_leniency(make_vault: MakeVault) -> None:
    refs = index(make_vault, {**PEOPLE, "contacts/hannah.md": "---\nname: Hannah Old\naliases: [H. O.]\n---\n"})
    # 'hannah' is an id: the exact id wins, although Hannah Brooks's first name is 'hannah' too
    assert refs.lookup_for_cli("hannah") == Lookup("found", "hannah")
    assert refs.lookup_for_cli("ZOË  ÅNGSTRÖM") == Lookup("found", "zoe-angstrom")
    assert refs.lookup_for_cli("h. o.") == Lookup("found", "hannah")


def test_an_ambiguous_first_name_lists_the_candidates_with_company_and_id(make_vault: MakeVault) -> None:
    found = index(make_vault).lookup_for_cli("alex")
    assert (found.status, found.candidates) == ("ambiguous", ("alex-kim", "alex-ng"))
    assert found.message == (
        "'alex' matches 2 contacts: alex-kim (Alex Kim, Northwind), alex-ng (Alex Ng, Helix Robotics); use the id"
    )


def test_a_ref_matching_nothing_still_suggests_ids(make_vault: MakeVault) -> None:
    found = index(make_vault).lookup_for_cli("alex kin")
    assert found.status == "none" and found.message is not None
    assert "matches no contact (did you mean 'alex-kim'" in found.message
    # a first name is one word: 'alex k' is not 'alex'
    assert index(make_vault).lookup_for_cli("brooks").status == "none"


def test_log_with_a_lenient_ref_writes_the_id_which_check_accepts(
    load_clean: LoadClean, make_vault: MakeVault, run_cli: RunCli
) -> None:
    root = make_vault(PEOPLE)
    for ref in ("zoe angstrom", "Zoe Angstrom", "hannah", "robert"):
        result = run_cli("--vault", root, "log", ref, "--date", "2026-03-01")
        assert result.exit_code == 0, result.stderr
    load_clean(root)  # `check` finds nothing wrong in what was written
    assert written_with(root) == [
        "with: hannah-brooks",
        "with: robert-jones",
        "with: zoe-angstrom",
        "with: zoe-angstrom",
    ]
    assert run_cli("--vault", root, "check").exit_code == 0


def test_log_with_an_ambiguous_first_name_exits_2_and_writes_nothing(make_vault: MakeVault, run_cli: RunCli) -> None:
    root = make_vault(PEOPLE)
    result = run_cli("--vault", root, "log", "alex", "--kind", "coffee")
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: 'alex' matches 2 contacts: alex-kim (Alex Kim, Northwind), "
        "alex-ng (Alex Ng, Helix Robotics); use the id\n"
    )
    assert not (root / "interactions").exists()


def test_ask_with_a_lenient_ref_and_a_lenient_intro_wikilink(make_vault: MakeVault, run_cli: RunCli) -> None:
    root = make_vault(PEOPLE)
    result = run_cli(
        "--vault",
        root,
        "ask",
        "hannah brooks",
        "--direction",
        "out",
        "--kind",
        "introduction",
        "--intro-to",
        "[[zoe angstrom|Zoë]]",
        "--date",
        "2026-03-01",
    )
    assert result.exit_code == 0, result.stderr
    text = (root / "asks/2026-03-01-introduction-hannah-brooks.md").read_text(encoding="utf-8")
    assert "with: hannah-brooks\n" in text and "intro_to: '[[zoe-angstrom|Zoë]]'\n" in text
    (ask,) = load_vault(root).vault.asks
    assert ask.intro_to_contact == "zoe-angstrom"
    assert run_cli("--vault", root, "check").exit_code == 0


def test_refs_in_notes_stay_strict(load: Load) -> None:
    result = load({**PEOPLE, "interactions/i.md": "---\ndate: 2026-03-01\nwith: zoe angstrom\n---\n"})
    assert [(p.code, p.message) for p in result.problems] == [
        ("NN115", "contact ref 'zoe angstrom' matches no contact (did you mean 'zoe-angstrom'?)")
    ]
