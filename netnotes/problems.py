"""Problems found in a vault: plain values with a stable code, never exceptions.

Every check in netnotes returns ``Problem`` values. The table ``CODES`` is the one place that
names each code; ``docs/problems.md`` documents each with an example, and a test keeps the two
in step.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import asdict, dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Code:
    code: str
    summary: str

    @property
    def severity(self) -> Severity:
        return Severity.ERROR if self.code.startswith("NN1") else Severity.WARNING


def _table(*codes: Code) -> dict[str, Code]:
    return {c.code: c for c in codes}


CODES: dict[str, Code] = _table(
    # Reading files and front matter.
    Code("NN100", "file cannot be read as UTF-8 text"),
    Code("NN101", "file is empty"),
    Code("NN102", "note has no front matter"),
    Code("NN103", "front matter is not closed"),
    Code("NN104", "unknown circle"),
    Code("NN105", "YAML syntax error in front matter"),
    Code("NN106", "front matter is not a mapping of keys to values"),
    Code("NN107", "duplicate key in front matter"),
    Code("NN108", "required field is missing or empty"),
    Code("NN109", "field has the wrong type"),
    Code("NN110", "invalid or impossible date"),
    Code("NN111", "invalid duration"),
    Code("NN112", "unknown ask direction"),
    Code("NN113", "unknown ask status"),
    Code("NN114", "duplicate note id"),
    Code("NN115", "contact ref matches no contact"),
    Code("NN116", "contact ref matches several contacts"),
    Code("NN117", "note is too large or too complex to read"),
    Code("NN118", "invalid value"),
    Code("NN119", "unresolved git merge conflict in front matter"),
    # Warnings.
    Code("NN201", "unknown key looks like a misspelt known key"),
    Code("NN202", "unknown interaction kind"),
    Code("NN203", "unknown ask kind"),
    Code("NN204", "wikilink matches no contact"),
    Code("NN205", "unknown key in netnotes.yaml"),
    Code("NN206", "symlink pointing outside the vault was skipped"),
    Code("NN207", "a contact is introduced by themselves"),
    Code("NN208", "conflict copy left by a sync tool is not read"),
    Code("NN209", "unresolved git merge conflict in a note's body"),
    Code("NN210", "follow-up date before the interaction's date"),
    Code("NN211", "next step without a follow-up date"),
    Code("NN212", "date more than a year after today"),
    Code("NN213", "cadence of zero"),
    Code("NN214", "Markdown file not named .md is not read"),
    Code("NN215", "symlink to nothing was skipped"),
)


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """One thing wrong in one file, at a 1-based line and column of that file."""

    path: str
    line: int
    column: int
    code: str
    message: str

    @property
    def severity(self) -> Severity:
        return CODES[self.code].severity

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def format(self) -> str:
        return f"{one_line(self.path)}:{self.line}:{self.column}: {self.severity} {self.code} {self.message}"

    def to_json(self) -> dict[str, object]:
        d = asdict(self)
        return {
            "path": d["path"],
            "line": d["line"],
            "column": d["column"],
            "severity": str(self.severity),
            "code": d["code"],
            "message": d["message"],
        }


def problem(path: str, line: int, column: int, code: str, message: str) -> Problem:
    if code not in CODES:  # a programming error, not a user's mistake
        raise KeyError(f"undocumented problem code {code}")
    return Problem(path, max(1, line), max(1, column), code, one_line(message))


_ESCAPED = ("Cc", "Zl", "Zp", "Cs")  # control characters, line and paragraph separators, lone surrogates


def one_line(text: str) -> str:
    """User text safe to print as part of one line: line breaks and other control characters
    (in a quoted key, a kind with a tab, a terminal escape) are shown escaped, as ``\\n``."""
    if text.isprintable():
        return text
    return "".join(
        c.encode("unicode_escape").decode("ascii") if unicodedata.category(c) in _ESCAPED else c for c in text
    )


def sort_problems(problems: list[Problem], first: str | None = None) -> list[Problem]:
    """Problems in file order, so the output is the same on every run; those of the file
    ``first`` (netnotes.yaml, whose mistakes explain others) come before all the rest."""
    return sorted(set(problems), key=lambda p: (p.path != first, p))


def format_text(problems: list[Problem]) -> str:
    return "".join(p.format() + "\n" for p in problems)


def format_json(problems: list[Problem]) -> str:
    return json.dumps([p.to_json() for p in problems], indent=2, ensure_ascii=False) + "\n"


def summary(problems: list[Problem]) -> str:
    """One line counting ``problems`` for commands other than `check`, which lists them."""
    errors = sum(p.is_error for p in problems)
    return (
        f"{len(problems)} problem{'s' * (len(problems) != 1)} ({errors} error{'s' * (errors != 1)})"
        " in the vault: run netnotes check"
    )


def has_errors(problems: list[Problem], strict: bool = False) -> bool:
    return any(p.is_error or strict for p in problems)
