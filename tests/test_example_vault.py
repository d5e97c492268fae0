"""The example vault shows every feature (issue 11, item 5), and the README tells the truth about it.

`example-vault/` lives in the project's own repository, so it says `git_history: false`;
`example-vault/make-history.sh DIR` copies it into a fresh repository with a small history at
fixed dates, where Aisha Okafor's move from Helix Robotics to Quillmark shows.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import LoadClean, RunCli

from netnotes.companies import company_index
from netnotes.followup import due_items
from netnotes.loader import load_vault
from netnotes.moves import moves_for
from netnotes.strength import relationships

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "example-vault"
SCRIPT = EXAMPLE / "make-history.sh"
T = dt.date(2026, 11, 25)


@pytest.fixture
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def make_history(folder: Path) -> subprocess.CompletedProcess[str]:
    """Run the script with no git configuration of the user's at all."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(folder.parent),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
    }
    return subprocess.run(["bash", str(SCRIPT), str(folder)], env=env, capture_output=True, text=True, timeout=60)


@pytest.fixture(scope="module")
def copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("history") / "vault"
    done = make_history(folder)
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"{folder}: the example vault with 3 commits\n"
    return folder


def test_the_example_vault_is_clean_and_shows_every_feature(load_clean: LoadClean) -> None:
    vault = load_clean(EXAMPLE)
    assert vault.config.git_history is False
    helix = company_index(vault.contacts, vault.config).get("Helix Robotics")
    assert helix is not None and helix.spellings == ("Helix Robotics", "Helix Robotics, GmbH")
    assert [f.contact.id for f in relationships(vault, T).fading] == ["sanjay-mehta"]
    wanted = [(i.reason, i.contact) for i in due_items(vault, T) if i.reason == "thank-you"]
    assert wanted == [("thank-you", "felix-bauer")]


def test_the_example_vault_reads_no_history_from_the_project_s_repository() -> None:
    def refuse(message: str) -> None:
        pytest.fail(message)

    assert moves_for(EXAMPLE, load_vault(EXAMPLE).vault.config, warn=refuse, cache=False) == ()


def test_make_history_writes_a_repository_with_commits_at_fixed_dates(copy: Path) -> None:
    log = subprocess.run(
        ["git", "-C", str(copy), "log", "--format=%an <%ae> %aI %cI: %s"], capture_output=True, text=True, check=True
    )
    sam = "Sam Rivera <sam@example.org>"
    assert log.stdout.splitlines() == [
        f"{sam} 2026-11-20T12:00:00+00:00 2026-11-20T12:00:00+00:00: Ingrid Sørensen, met through Felix Bauer",
        f"{sam} 2026-11-18T12:00:00+00:00 2026-11-18T12:00:00+00:00: Aisha Okafor moved to Quillmark",
        f"{sam} 2026-09-01T12:00:00+00:00 2026-09-01T12:00:00+00:00: The network so far",
    ]
    status = subprocess.run(["git", "-C", str(copy), "status", "--porcelain"], capture_output=True, text=True)
    assert status.stdout == ""  # the copy is the example vault, committed; nothing else
    assert "git_history: true\n" in (copy / "netnotes.yaml").read_text(encoding="utf-8")
    assert not (copy / "make-history.sh").exists()


def test_the_copy_congratulates_aisha_on_her_move(copy: Path, run_cli: RunCli, utc: None) -> None:
    result = run_cli("--vault", copy, "due", "--today", T.isoformat())
    assert result.exit_code == 0, result.stderr
    assert (
        "  2026-11-25     today  Aisha Okafor     congratulate   "
        "now Talent Partner at Quillmark (was Senior Technical Recruiter at Helix Robotics)\n"
    ) in result.stdout


def test_the_copy_finds_the_two_hop_path_to_helix_and_aisha_formerly_there(
    copy: Path, run_cli: RunCli, utc: None
) -> None:
    result = run_cli("--vault", copy, "path", "Helix Robotics", "--today", T.isoformat())
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Helix Robotics: 3 people (1 formerly)\n")
    assert (
        "  Felix Bauer (strength 46 steady)"
        " -> Ingrid Sørensen (Director of Platform Engineering at Helix Robotics, GmbH)\n"
        "      2026-11-20  Felix Bauer introduced you to Ingrid Sørensen  [contacts/ingrid-sorensen.md]\n"
    ) in result.stdout
    assert "-> Aisha Okafor (formerly at Helix Robotics; now Talent Partner at Quillmark)\n" in result.stdout


def test_make_history_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine\n", encoding="utf-8")
    done = make_history(tmp_path)
    assert done.returncode == 2 and "exists and is not empty" in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]


# -- the README and the docs show real output


def console_block(doc: str, command: str) -> str:
    """The output ``doc`` shows under ``$ <command>`` in a console block."""
    text = (ROOT / doc).read_text(encoding="utf-8")
    found = re.search(r"```console\n\$ " + re.escape(command) + r"\n(.*?)```", text, re.S)
    assert found, command
    return found.group(1)


@pytest.mark.parametrize(
    ("doc", "command"),
    [
        ("README.md", "netnotes --vault example-vault due --today 2026-11-25"),
        ("README.md", 'netnotes --vault example-vault path "Helix Robotics" --today 2026-11-25'),
        ("docs/commands.md", "netnotes --vault example-vault path ingrid --today 2026-11-25"),
    ],
)
def test_the_docs_show_what_the_command_prints(doc: str, command: str, run_cli: RunCli) -> None:
    args = [a.strip('"') for a in re.findall(r'"[^"]*"|\S+', command)][1:]
    args[1] = str(EXAMPLE)
    result = run_cli(*args)
    assert result.exit_code == 0, result.stderr
    assert console_block(doc, command) == result.stdout
