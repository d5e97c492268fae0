"""docs/problems.md documents every problem code, and each example prints what the page says.

An example is the files written before a ```console block: a line naming the file in backquotes
(``(saved as Latin-1)`` after it writes the text in that encoding), then a fenced block with the
file's text. The console block after ``$ netnotes check`` is the exact stdout of the command.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import MakeVault, RunCli

from netnotes.problems import CODES

DOC = Path(__file__).parent.parent / "docs" / "problems.md"
SECTION_RE = re.compile(r"^## (NN\d{3}) — (.*)$", re.MULTILINE)
FILE_RE = re.compile(
    r"^`(?P<path>[^`]+)`(?P<latin1> \(saved as Latin-1\))?:\n\n```\w*\n(?P<text>.*?)^```$", re.MULTILINE | re.DOTALL
)
OUTPUT_RE = re.compile(r"^```console\n\$ netnotes check\n(?P<stdout>.*?)^```$", re.MULTILINE | re.DOTALL)
NOT_RUNNABLE = {"NN206", "NN215"}  # their examples are symlinks, tested in test_check.py and test_check_mistakes.py


def sections() -> dict[str, tuple[str, str]]:
    """Code -> (heading summary, section text), in the page's order."""
    parts = SECTION_RE.split(DOC.read_text(encoding="utf-8"))
    found: dict[str, tuple[str, str]] = {}
    for code, summary, text in zip(parts[1::3], parts[2::3], parts[3::3], strict=True):
        assert code not in found, f"{code} has two sections"
        found[code] = (summary, text)
    return found


SECTIONS = sections()
EXAMPLES = {code: text for code, (_, text) in SECTIONS.items() if OUTPUT_RE.search(text)}


def test_every_code_has_a_section_and_every_section_is_a_code() -> None:
    assert list(SECTIONS) == sorted(SECTIONS), "sections are in code order"
    assert set(SECTIONS) == set(CODES)


@pytest.mark.parametrize("code", sorted(SECTIONS))
def test_section_heading_is_the_code_and_its_summary(code: str) -> None:
    assert SECTIONS[code][0] == CODES[code].summary


def test_every_example_but_the_symlink_one_is_run() -> None:
    assert set(CODES) - set(EXAMPLES) == NOT_RUNNABLE


@pytest.mark.parametrize("code", sorted(EXAMPLES))
def test_example_prints_what_the_page_says(make_vault: MakeVault, run_cli: RunCli, code: str) -> None:
    section = EXAMPLES[code]
    files = list(FILE_RE.finditer(section))
    assert files, f"{code}: an example needs at least one file"
    vault = make_vault({m["path"]: m["text"].encode("latin-1" if m["latin1"] else "utf-8") for m in files})
    output = OUTPUT_RE.search(section)
    assert output, f"{code}: an example needs the output it prints"
    expected = output["stdout"]
    result = run_cli("--vault", vault, "check")
    assert result.stdout == expected
    assert f" {code} " in expected
