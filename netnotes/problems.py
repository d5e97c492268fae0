"""Problems found in a vault: plain values with a stable code, never exceptions.

Every check in netnotes returns ``Problem`` values. The enum ``Code`` is the one place that
names each code, with its severity; ``docs/problems.md`` documents each with an example, and a
test keeps the two in step. A check names its code (``Code.UNKNOWN_CIRCLE``), so a misspelt
one is an error for mypy and at import, not a problem that fails at run time.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum

from .text import escape_for_line


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


class Code(StrEnum):
    """Every problem code, named for what it finds, with its severity and the summary that heads
    its section in docs/problems.md. A member is the code itself (``Code.UNKNOWN_CIRCLE ==
    "NN104"``), so it prints, sorts and goes into JSON as that text. The contract numbers
    errors ``NN1xx`` and warnings ``NN2xx``; each code still states its severity, so nothing
    reads it off the number (a test checks that the two agree)."""

    severity: Severity
    summary: str

    def __new__(cls, code: str, severity: Severity, summary: str) -> Code:
        member = str.__new__(cls, code)
        member._value_ = code
        member.severity = severity
        member.summary = summary
        return member

    # Errors: a note, or a field of it, cannot be used.
    UNREADABLE = "NN100", Severity.ERROR, "file cannot be read as UTF-8 text"
    EMPTY_FILE = "NN101", Severity.ERROR, "file is empty"
    NO_FRONT_MATTER = "NN102", Severity.ERROR, "note has no front matter"
    UNCLOSED_FRONT_MATTER = "NN103", Severity.ERROR, "front matter is not closed"
    UNKNOWN_CIRCLE = "NN104", Severity.ERROR, "unknown circle"
    YAML_SYNTAX = "NN105", Severity.ERROR, "YAML syntax error in front matter"
    NOT_A_MAPPING = "NN106", Severity.ERROR, "front matter is not a mapping of keys to values"
    DUPLICATE_KEY = "NN107", Severity.ERROR, "duplicate key in front matter"
    MISSING_FIELD = "NN108", Severity.ERROR, "required field is missing or empty"
    WRONG_TYPE = "NN109", Severity.ERROR, "field has the wrong type"
    BAD_DATE = "NN110", Severity.ERROR, "invalid or impossible date"
    BAD_DURATION = "NN111", Severity.ERROR, "invalid duration"
    UNKNOWN_DIRECTION = "NN112", Severity.ERROR, "unknown ask direction"
    UNKNOWN_STATUS = "NN113", Severity.ERROR, "unknown ask status"
    DUPLICATE_ID = "NN114", Severity.ERROR, "duplicate note id"
    NO_SUCH_CONTACT = "NN115", Severity.ERROR, "contact ref matches no contact"
    AMBIGUOUS_REF = "NN116", Severity.ERROR, "contact ref matches several contacts"
    TOO_LARGE = "NN117", Severity.ERROR, "note is too large or too complex to read"
    INVALID_VALUE = "NN118", Severity.ERROR, "invalid value"
    CONFLICT_IN_FRONT_MATTER = "NN119", Severity.ERROR, "unresolved git merge conflict in front matter"
    # Warnings: read as written, but probably not what was meant.
    MISSPELT_KEY = "NN201", Severity.WARNING, "unknown key looks like a misspelt known key"
    UNKNOWN_INTERACTION_KIND = "NN202", Severity.WARNING, "unknown interaction kind"
    UNKNOWN_ASK_KIND = "NN203", Severity.WARNING, "unknown ask kind"
    UNRESOLVED_WIKILINK = "NN204", Severity.WARNING, "wikilink matches no contact"
    UNKNOWN_CONFIG_KEY = "NN205", Severity.WARNING, "unknown key in netnotes.yaml"
    LINK_OUTSIDE_VAULT = "NN206", Severity.WARNING, "symlink pointing outside the vault was skipped"
    INTRODUCED_BY_SELF = "NN207", Severity.WARNING, "a contact is introduced by themselves"
    SYNC_CONFLICT_COPY = "NN208", Severity.WARNING, "conflict copy left by a sync tool is not read"
    CONFLICT_IN_BODY = "NN209", Severity.WARNING, "unresolved git merge conflict in a note's body"
    FOLLOW_UP_BEFORE_DATE = "NN210", Severity.WARNING, "follow-up date before the interaction's date"
    NEXT_WITHOUT_FOLLOW_UP = "NN211", Severity.WARNING, "next step without a follow-up date"
    FAR_FUTURE_DATE = "NN212", Severity.WARNING, "date more than a year after today"
    ZERO_CADENCE = "NN213", Severity.WARNING, "cadence of zero"
    NOT_NAMED_MD = "NN214", Severity.WARNING, "Markdown file not named .md is not read"
    DANGLING_SYMLINK = "NN215", Severity.WARNING, "symlink to nothing was skipped"


CODES: dict[str, Code] = {code.value: code for code in Code}  # by the text users see: "NN104"


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """One thing wrong in one file, at a 1-based line and column of that file."""

    path: str
    line: int
    column: int
    code: Code
    message: str

    @property
    def severity(self) -> Severity:
        return self.code.severity

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def format(self) -> str:
        return f"{escape_for_line(self.path)}:{self.line}:{self.column}: {self.severity} {self.code} {self.message}"

    def to_json(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "severity": str(self.severity),
            "code": str(self.code),
            "message": self.message,
        }


def problem(path: str, line: int, column: int, code: Code, message: str) -> Problem:
    return Problem(path, max(1, line), max(1, column), code, escape_for_line(message))


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
