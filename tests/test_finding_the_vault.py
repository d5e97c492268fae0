"""Which folder a command works on (the contract's section 6, issue 8).

`--vault` / `NETNOTES_VAULT` if given; else the nearest folder upward holding `netnotes.yaml`;
else the current folder if it holds `contacts/`, `interactions/` or `asks/`. Anywhere else a
command says there is no vault here instead of finding nothing due or writing notes there.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import RunCli

NO_VAULT = "Error: no vault here: run `netnotes init` or pass --vault\n"
CONNECTIONS = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\nAda,Lovelace,,,,,\n"
VCARD = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada Lovelace\r\nEND:VCARD\r\n"

EVERY_COMMAND_BUT_INIT = {
    "check": ["check"],
    "due": ["due"],
    "build": ["build", "--out", "site"],
    "serve": ["serve"],
    "new-contact": ["new", "contact", "Jane Doe"],
    "log": ["log", "jane-doe"],
    "ask": ["ask", "jane-doe", "--direction", "out", "--kind", "advice"],
    "import-linkedin": ["import", "linkedin", "Connections.csv"],
    "import-vcard": ["import", "vcard", "people.vcf"],
    "export": ["export", "json"],
    "export-to-a-file": ["export", "vcard", "-o", "people-out.vcf"],
}


def listing(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The current folder, outside any vault; `serve` would serve forever, so it only records."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NETNOTES_VAULT", raising=False)
    monkeypatch.setattr("netnotes.serve.serve_vault", lambda root, *args: print(f"serving {root}"))
    return tmp_path


@pytest.mark.parametrize("args", EVERY_COMMAND_BUT_INIT.values(), ids=EVERY_COMMAND_BUT_INIT.keys())
def test_outside_a_vault_every_command_says_so_and_writes_nothing(run_cli: RunCli, here: Path, args: list[str]) -> None:
    (here / "Connections.csv").write_text(CONNECTIONS, encoding="utf-8")
    (here / "people.vcf").write_text(VCARD, encoding="utf-8")
    result = run_cli(*args)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", NO_VAULT)
    assert listing(here) == ["Connections.csv", "people.vcf"]


def test_due_in_an_empty_folder_is_no_vault_not_nothing_due(run_cli: RunCli, here: Path) -> None:
    result = run_cli("due", "--today", "2026-11-25")
    assert result.exit_code == 2
    assert "Nothing due" not in result.output
    assert result.stderr == NO_VAULT


@pytest.mark.parametrize("folder", ["contacts", "interactions", "asks"])
def test_a_folder_holding_a_note_folder_is_a_vault_without_netnotes_yaml(
    run_cli: RunCli, here: Path, folder: str
) -> None:
    (here / folder).mkdir()
    made = run_cli("new", "contact", "Jane Doe")
    assert made.exit_code == 0 and made.stdout == "contacts/jane-doe.md\n"
    assert run_cli("check").exit_code == 0


def test_netnotes_yaml_upward_wins_over_note_folders_here(run_cli: RunCli, here: Path) -> None:
    (here / "netnotes.yaml").write_text("title: outer\n", encoding="utf-8")
    (here / "notes/contacts").mkdir(parents=True)
    (here / "notes/contacts/jane-doe.md").write_text("---\nname: Jane Doe\n---\n", encoding="utf-8")
    result = run_cli("new", "contact", "Ada")
    assert result.exit_code == 0
    assert (here / "contacts/ada.md").is_file()  # the vault is the folder with netnotes.yaml


def test_a_note_folder_above_the_current_folder_does_not_make_a_vault(
    run_cli: RunCli, here: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (here / "contacts").mkdir()
    (here / "elsewhere").mkdir()
    monkeypatch.chdir(here / "elsewhere")
    result = run_cli("new", "contact", "Ada")
    assert (result.exit_code, result.stderr) == (2, NO_VAULT)
    assert listing(here) == ["contacts", "elsewhere"]


@pytest.mark.parametrize("how", ["option", "environment"])
def test_the_vault_given_wins_over_the_current_folder(run_cli: RunCli, here: Path, how: str) -> None:
    (here / "v/contacts").mkdir(parents=True)
    (here / "v/contacts/jane-doe.md").write_text("---\nname: Jane Doe\ncadence: 1w\n---\n", encoding="utf-8")
    args, env = (["--vault", "v"], {}) if how == "option" else ([], {"NETNOTES_VAULT": "v"})
    result = run_cli(*args, "due", "--today", "2026-11-25", env=env)
    assert result.exit_code == 0
    assert "Jane Doe" in result.stdout


def test_init_without_a_folder_makes_the_vault_here(run_cli: RunCli, here: Path) -> None:
    assert run_cli("init").exit_code == 0
    assert listing(here) == [".gitignore", "asks", "contacts", "interactions", "netnotes.yaml"]
    assert run_cli("check").exit_code == 0


@pytest.mark.parametrize("how", ["option", "environment"])
def test_init_without_a_folder_makes_the_vault_given(run_cli: RunCli, here: Path, how: str) -> None:
    args, env = (["--vault", "mine"], {}) if how == "option" else ([], {"NETNOTES_VAULT": "mine"})
    result = run_cli(*args, "init", env=env)
    assert result.exit_code == 0
    assert listing(here) == [
        "mine",
        "mine/.gitignore",
        "mine/asks",
        "mine/contacts",
        "mine/interactions",
        "mine/netnotes.yaml",
    ]


def test_init_with_a_folder_uses_that_folder_over_the_vault_given(run_cli: RunCli, here: Path) -> None:
    assert run_cli("--vault", "mine", "init", "other").exit_code == 0
    assert listing(here) == [
        "other",
        "other/.gitignore",
        "other/asks",
        "other/contacts",
        "other/interactions",
        "other/netnotes.yaml",
    ]
