"""Text that must stay on one line: which characters break a line, and what to do with them.

Three different needs, three names: ``escape_for_line`` shows untrusted text in one line of
output (a problem message, a name in a listing); ``unfit_for_line`` finds what keeps a value
out of a one-line field (a new note refuses it); ``flatten`` makes a value read from another
tool's file fit one (an import keeps it).
"""

from __future__ import annotations

import re
import unicodedata

# What str.splitlines() ends a line at: a one-line field holds none of these.
LINE_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"
# What YAML ends a line at besides LF and CRLF: NEL, LS, PS (and a CR alone).
YAML_ONLY_LINE_BREAKS = "\x85\u2028\u2029"

_LINE_BREAK_RE = re.compile(f"[{LINE_BREAKS}]")
_LONE_CR_RE = re.compile("\r(?!\n)")
_LINE_BREAKS_AND_SPACE_RE = re.compile(rf"\s*[{LINE_BREAKS}]+\s*")
_ESCAPED = ("Cc", "Zl", "Zp", "Cs")  # control characters, line and paragraph separators, lone surrogates


def is_control(ch: str) -> bool:
    """A control character (a tab aside) or a lone surrogate: never part of a one-line value."""
    category = unicodedata.category(ch)
    return (category == "Cc" and ch != "\t") or category == "Cs"


def escape_for_line(text: str) -> str:
    """User text safe to print as part of one line: line breaks and other control characters
    (in a quoted key, a kind with a tab, a terminal escape) are shown escaped, as ``\\n``."""
    if text.isprintable():
        return text
    return "".join(
        c.encode("unicode_escape").decode("ascii") if unicodedata.category(c) in _ESCAPED else c for c in text
    )


def breaks_lines_beyond_lf(text: str) -> bool:
    """Whether YAML would end a line of ``text`` where splitting at LF (CRLF included) does not."""
    return any(ch in text for ch in YAML_ONLY_LINE_BREAKS) or ("\r" in text and _LONE_CR_RE.search(text) is not None)


def unfit_for_line(text: str) -> str | None:
    """The character that keeps ``text`` from being a one-line value: a line break (any, first),
    else another control character (a tab is fine); None when there is none."""
    found = _LINE_BREAK_RE.search(text)
    if found:
        return found.group()
    return next((ch for ch in text if is_control(ch)), None)


def flatten(text: str | None) -> str | None:
    """A one-line value from another tool's file: a line break (and the spaces around it)
    becomes one space, control characters go; None when nothing is left.

    Other spacing is kept as it is, so a name exported by netnotes reads back the same.
    """
    if text is None:
        return None
    if text.isprintable():  # no line break nor control character: most values, at once
        return text.strip() or None
    text = _LINE_BREAKS_AND_SPACE_RE.sub(" ", text)
    text = "".join(ch for ch in text if not is_control(ch))
    return text.strip() or None
