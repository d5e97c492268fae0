"""Whatever is in a note, loading the vault gives problems, never an exception.

Notes are untrusted input (a shared folder, a cloned repository, an export gone wrong). Each
example is written as a contact, an interaction, an ask and netnotes.yaml at once, so one string
goes through every reader.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netnotes.loader import LoadResult, load_vault
from netnotes.problems import CODES

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Enough YAML punctuation, keys and values to reach deep into the parser and the field readers.
YAML_WORDS = [
    "\n",
    " ",
    "  ",
    "- ",
    ": ",
    ":",
    ",",
    "[",
    "]",
    "{",
    "}",
    "[[",
    "]]",
    "&a ",
    "*a",
    "!!str ",
    "!!binary ",
    "!x ",
    "|",
    ">",
    "'",
    '"',
    "#",
    "%",
    "@",
    "`",
    "?",
    "---",
    "...",
    "\t",
    "\ufeff",
    "\r\n",
    "\\",
    "name",
    "date",
    "with",
    "direction",
    "kind",
    "status",
    "circle",
    "cadence",
    "birthday",
    "follow_up",
    "tags",
    "email",
    "aliases",
    "met_through",
    "archived",
    "horizon",
    "circles",
    "kinds",
    "output",
    "jane-doe",
    "Jane Doe",
    "2026-02-30",
    "2026-01-05",
    "--02-29",
    "2w",
    "2mo",
    "never",
    "out",
    "in",
    "yes",
    "null",
    "~",
    "0x1F",
    "1e999",
    ".nan",
    "12:30:45",
    "2026-01-05T25:00:00",
]


@pytest.fixture(scope="module")
def vault(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fuzz")
    for kind in ("contacts", "interactions", "asks"):
        (root / kind).mkdir()
    return root


def load_everywhere(root: Path, data: bytes) -> LoadResult:
    for path in ("contacts/jane-doe.md", "interactions/coffee.md", "asks/ref.md", "netnotes.yaml"):
        (root / path).write_bytes(data)
    (root / "contacts/sam.md").write_bytes(b"---\nname: Sam\n---\n" + data)  # the data as a body
    return load_vault(root)


def assert_only_problems(result: LoadResult, data: bytes) -> None:
    """Every problem has a known code, is one line, and points at a line of its file."""
    lines = data.count(b"\n") + 1
    for p in result.problems:
        assert p.code in CODES
        assert "\n" not in p.format() and "\r" not in p.format(), p.format()
        file_lines = lines + 3 if p.path == "contacts/sam.md" else lines
        assert 1 <= p.line <= file_lines and p.column >= 1, p.format()


@FUZZ
@given(data=st.binary(max_size=400))
def test_arbitrary_bytes(vault: Path, data: bytes) -> None:
    assert_only_problems(load_everywhere(vault, data), data)


@FUZZ
@given(text=st.text(max_size=300))
def test_arbitrary_text_after_a_front_matter_line(vault: Path, text: str) -> None:
    data = ("---\n" + text).encode("utf-8", "surrogatepass")
    assert_only_problems(load_everywhere(vault, data), data)


@FUZZ
@given(words=st.lists(st.sampled_from(YAML_WORDS), max_size=60))
def test_yaml_ish_front_matter(vault: Path, words: list[str]) -> None:
    data = ("---\n" + "".join(words) + "\n---\nBody [[" + "".join(words[:3]) + "]]\n").encode("utf-8")
    assert_only_problems(load_everywhere(vault, data), data)
