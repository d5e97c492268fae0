"""The whole report of `netnotes check` over a vault with every kind of mistake, against golden files.

tests/data/broken-vault/ holds one mistake per note (the file name says which). After a
deliberate change to what check prints, regenerate the golden files and review their diff:

    NETNOTES_UPDATE_GOLDEN=1 python -m pytest tests/test_golden_check.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import RunCli

from netnotes.problems import CODES

DATA = Path(__file__).parent / "data"
VAULT = DATA / "broken-vault"
UPDATE = os.environ.get("NETNOTES_UPDATE_GOLDEN") == "1"
NOT_IN_GOLDEN = {"NN206", "NN215"}  # symlinks are not kept in the repository; test_check*.py make them


@pytest.mark.parametrize("fmt, golden", [("text", "broken-vault.expected.txt"), ("json", "broken-vault.expected.json")])
def test_check_report_matches_the_golden_file(run_cli: RunCli, fmt: str, golden: str) -> None:
    result = run_cli("--vault", VAULT, "check", "--format", fmt)
    assert result.exit_code == 1
    if UPDATE:
        (DATA / golden).write_bytes(result.stdout.encode("utf-8"))
    assert result.stdout == (DATA / golden).read_bytes().decode("utf-8")


def test_golden_report_has_every_code() -> None:
    report = json.loads((DATA / "broken-vault.expected.json").read_bytes())
    assert {p["code"] for p in report} == set(CODES) - NOT_IN_GOLDEN


def test_text_and_json_golden_files_agree() -> None:
    report = json.loads((DATA / "broken-vault.expected.json").read_bytes())
    lines = [f"{p['path']}:{p['line']}:{p['column']}: {p['severity']} {p['code']} {p['message']}" for p in report]
    assert "".join(line + "\n" for line in lines) == (DATA / "broken-vault.expected.txt").read_bytes().decode("utf-8")
