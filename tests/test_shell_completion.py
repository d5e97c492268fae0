"""Shell completion through Click's own protocol (issue 10, item 8): what a shell gets when the
user presses Tab after `netnotes show `, `netnotes done `, `--kind `, `--circle `, `--status `.

Each test runs the command as bash does: ``_NETNOTES_COMPLETE=bash_complete`` with the words
typed so far in ``COMP_WORDS`` and the word being completed in ``COMP_CWORD``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import MakeVault

import netnotes.cli.common as common
from netnotes.cli import main

CONFIG = "circles:\n  inner: 3w\n  active: 2m\nkinds: [podcast]\n"
NOTES = {
    "contacts/jane-doe.md": "---\nname: Jane Doe\naliases: [Janie]\ncompany: Acme\n---\n",
    "contacts/david-park.md": "---\nname: David Park\naliases: [Dave]\n---\n",
    "interactions/2026/coffee.md": "---\ndate: 2026-02-20\nwith: jane-doe\nfollow_up: 2026-03-01\nnext: deck\n---\n",
    "asks/ref.md": "---\ndate: 2026-02-01\nwith: david-park\ndirection: out\nkind: reference\n---\n",
    "asks/old.md": "---\ndate: 2025-02-01\nwith: david-park\ndirection: in\nstatus: done\n---\n",
}


def complete(line: str, env: dict[str, str] | None = None) -> list[str]:
    """What bash is offered for the last word of ``line`` (``netnotes ...``; a trailing space
    completes a new, empty word), as ``type,value`` lines."""
    words = line.split(" ")
    result = CliRunner().invoke(
        main,
        [],
        prog_name="netnotes",
        env={
            "_NETNOTES_COMPLETE": "bash_complete",
            "COMP_WORDS": line,
            "COMP_CWORD": str(len(words) - 1),
            **(env or {}),
        },
        catch_exceptions=False,
    )
    assert (result.exit_code, result.stderr) == (0, ""), result.output
    return [line for line in result.stdout.splitlines() if line]


@pytest.fixture
def vault(make_vault: MakeVault) -> Path:
    return make_vault(NOTES, CONFIG)


@pytest.mark.parametrize(
    ("typed", "offered"),
    [
        ("netnotes --vault {v} show ", ["plain,david-park", "plain,jane-doe"]),
        ("netnotes --vault {v} show ja", ["plain,jane-doe"]),
        ("netnotes --vault {v} show Dav", ["plain,david-park"]),
        ("netnotes --vault {v} snooze dav", ["plain,david-park"]),
        ("netnotes --vault {v} show Jan", ["plain,jane-doe"]),
        ("netnotes --vault {v} log jane-doe Da", ["plain,david-park"]),
        ("netnotes --vault {v} ask dave", ["plain,Dave"]),  # an alias, as written
        ("netnotes --vault {v} show janie", ["plain,Janie"]),
        ("netnotes --vault {v} edit Jane", ["plain,jane-doe"]),
    ],
)
def test_a_ref_completes_contact_ids_names_and_aliases(vault: Path, typed: str, offered: list[str]) -> None:
    assert complete(typed.format(v=vault)) == offered


def test_the_vault_is_found_as_the_commands_find_it(vault: Path) -> None:
    assert complete("netnotes show jane", env={"NETNOTES_VAULT": str(vault)}) == ["plain,jane-doe"]


def test_done_completes_the_paths_of_open_items(vault: Path) -> None:
    assert complete(f"netnotes --vault {vault} done --today 2026-03-10 ") == [
        "plain,asks/ref.md",
        "plain,interactions/2026/coffee.md",
    ]
    assert complete(f"netnotes --vault {vault} done --today 2026-03-10 int") == ["plain,interactions/2026/coffee.md"]


def test_edit_leaves_a_path_to_the_shell(vault: Path) -> None:
    assert complete(f"netnotes --vault {vault} edit contacts/ja") == ["file,contacts/ja"]


@pytest.mark.parametrize(
    ("typed", "offered"),
    [
        ("netnotes --vault {v} log jane --kind co", ["plain,coffee"]),
        ("netnotes --vault {v} log jane --kind po", ["plain,podcast"]),  # a kind from netnotes.yaml
        ("netnotes --vault {v} new contact Ann --circle ", ["plain,inner", "plain,active"]),
        ("netnotes --vault {v} done --status d", ["plain,done", "plain,declined", "plain,dropped"]),
        ("netnotes --vault {v} ask jane --kind in", ["plain,introduction", "plain,info"]),
    ],
)
def test_options_complete_their_values(vault: Path, typed: str, offered: list[str]) -> None:
    assert complete(typed.format(v=vault)) == offered


@pytest.mark.parametrize(
    "typed",
    [
        "netnotes --vault {missing} show ",
        "netnotes --vault {missing} done ",
        "netnotes --vault {missing} log jane --kind ",
        "netnotes --vault {broken} show ",
        "netnotes --vault {broken} done ",
    ],
)
def test_completion_that_cannot_find_or_read_the_vault_offers_nothing(tmp_path: Path, typed: str) -> None:
    broken = tmp_path / "broken"
    (broken / "contacts").mkdir(parents=True)
    (broken / "netnotes.yaml").write_bytes(b"\xff\xfe: [")
    (broken / "contacts" / "x.md").write_bytes(b"---\nname: [\n---\n")
    (broken / "asks").mkdir()
    (broken / "asks" / "loop.md").symlink_to(broken / "asks" / "loop.md")
    assert complete(typed.format(missing=tmp_path / "nowhere", broken=broken)) == []


def test_an_error_while_completing_offers_nothing_and_prints_no_traceback(
    vault: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unreadable(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(common, "load_vault", unreadable)
    monkeypatch.setattr(common, "load_config", unreadable)
    for typed in ("show ", "done ", "log jane --kind ", "new contact Ann --circle "):
        assert complete(f"netnotes --vault {vault} {typed}") == []
