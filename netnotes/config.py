"""Reading ``netnotes.yaml``: the vault's title, horizon, circles, extra kinds and company merges.

Every key is optional and a missing file means the defaults. A bad value is reported like any
note's problem, with its line, and the default is used in its place.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

from .companies import company_key
from .dates import Duration
from .discover import CONFIG_FILE
from .fields import FieldReader, as_text, describe, near_miss
from .fsio import is_inside
from .model import Config
from .notes import MAX_NOTE_BYTES, Field, decode, merge_conflict_problem, merge_conflicts, parse_fields
from .problems import Code, Problem, problem

KNOWN_KEYS = (
    "title",
    "owner",
    "horizon",
    "default_cadence",
    "circles",
    "kinds",
    "output",
    "companies",
    "git_history",
)

TEMPLATE = """\
# netnotes settings. Every key is optional.
title: My network          # the dashboard's title
owner:                     # your name, shown on the dashboard
horizon: 14d               # how far ahead "due soon" looks (d, w, m, y)
default_cadence: never     # keep-in-touch cadence for contacts with no circle or cadence
circles:                   # circle name -> keep-in-touch cadence
  inner: 3w
  active: 2m
  wider: 6m
kinds: []                  # extra interaction kinds, e.g. [podcast]
output: _site              # where `netnotes build` writes the dashboard
companies: {}              # other spellings of one company, e.g. Alphabet: [Google, Google LLC]
git_history: true          # read career moves from the vault's git history
"""


# The file exists but none of it could be used: every setting is a default, and circles and
# kinds are unknown. A bad single value leaves the rest read.
UNREAD = Config(readable=False, circles_known=False, kinds_known=False)


def load_config(root: Path) -> tuple[Config, list[Problem]]:
    path = root / CONFIG_FILE
    if not path.is_file():
        return Config(), []
    real = os.path.realpath(path)
    if not is_inside(os.path.realpath(root), real):
        return UNREAD, [
            problem(
                CONFIG_FILE,
                1,
                1,
                Code.LINK_OUTSIDE_VAULT,
                f"{CONFIG_FILE} links outside the vault (to {real}); it was not read",
            )
        ]
    try:
        data = path.read_bytes()[: MAX_NOTE_BYTES + 1]
    except OSError as err:
        return UNREAD, [problem(CONFIG_FILE, 1, 1, Code.UNREADABLE, f"cannot read file: {err.strerror or err}")]
    text = decode(data, CONFIG_FILE)
    if isinstance(text, Problem):
        return UNREAD, [text]
    conflicts = merge_conflicts(text)
    if conflicts:
        return UNREAD, [merge_conflict_problem(CONFIG_FILE, conflicts[0], CONFIG_FILE, "its settings are")]
    fields, problems = parse_fields(text, CONFIG_FILE, line_offset=0)
    if fields is None:
        return UNREAD, problems
    read = FieldReader(CONFIG_FILE, fields, problems)
    defaults = Config()
    for key, f in fields.items():
        if key not in KNOWN_KEYS:
            hint = near_miss(key, KNOWN_KEYS)
            tip = f" (did you mean '{hint}'?)" if hint else f"; known keys: {', '.join(KNOWN_KEYS)}"
            read.report(
                (f.key_line, f.key_column), Code.UNKNOWN_CONFIG_KEY, f"unknown key '{key}' in {CONFIG_FILE}{tip}"
            )
    horizon = read.duration("horizon") or defaults.horizon
    if horizon.is_never:
        read.report(fields["horizon"], Code.BAD_DURATION, "'horizon' cannot be 'never'; use a duration like 14d")
        horizon = defaults.horizon
    output = read.text("output") or defaults.output
    # A vault may come from someone else: its settings may not send the build outside it
    # (`--out` is for that). Folders that the vault reads are refused by the build itself.
    if os.path.isabs(output) or ".." in PurePosixPath(output.replace("\\", "/")).parts:
        read.report(
            fields["output"],
            Code.INVALID_VALUE,
            "'output' must be a folder inside the vault, like _site; use --out to build elsewhere",
        )
        output = defaults.output
    config = Config(
        title=read.text("title") or defaults.title,
        owner=read.text("owner"),
        horizon=horizon,
        default_cadence=read.cadence("default_cadence") or defaults.default_cadence,
        circles=_circles(read),
        kinds=_kinds(read),
        output=output,
        companies=_companies(read),
        git_history=_git_history(read, defaults.git_history),
        circles_known=_readable(read, "circles", dict),
        kinds_known=_readable(read, "kinds", list),
    )
    return config, problems


def _readable(read: FieldReader, key: str, kind: type) -> bool:
    """Whether ``key`` is absent or of the right shape, so that names missing from it are wrong."""
    f = read.get(key)
    return f is None or isinstance(f.value, kind)


def _circles(read: FieldReader) -> tuple[tuple[str, Duration], ...]:
    f = read.get("circles")
    if f is None:
        return ()
    if not isinstance(f.value, dict):
        read.report(
            f, Code.WRONG_TYPE, f"'circles' should be a mapping of circle name to cadence, got {describe(f.value)}"
        )
        return ()
    circles = []
    for name, value in f.value.items():
        line, column = (f.entries or {}).get(name, (f.line, f.column))
        sub = FieldReader(read.path, {name: Field(name, value, line, column, line, column)}, read.problems)
        cadence = sub.cadence(name, f"circle '{name}'")
        if cadence is not None:
            circles.append((name, cadence))
    return tuple(circles)


def _kinds(read: FieldReader) -> tuple[str, ...]:
    f = read.get("kinds")
    if f is None:
        return ()
    if not isinstance(f.value, list):
        read.report(f, Code.WRONG_TYPE, f"'kinds' should be a list of words, got {describe(f.value)}")
        return ()
    return tuple(k.strip() for k in (as_text(v) for v in f.value) if k and k.strip())


def _git_history(read: FieldReader, default: bool) -> bool:
    """``git_history: true/false``; a bad value is reported and the default (true) kept."""
    f = read.get("git_history")
    if f is None:
        return default
    value = read.boolean("git_history")  # reports a value that is not true/false
    return value if isinstance(f.value, bool) else default


def _companies(read: FieldReader) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``companies:``: canonical name -> other spellings (a list, or one spelling as text).

    A spelling already claimed, by another company or as a canonical name, is reported and
    left with its first company, so every spelling names one company.
    """
    f = read.get("companies")
    if f is None:
        return ()
    if not isinstance(f.value, dict):
        read.report(
            f,
            Code.WRONG_TYPE,
            f"'companies' should be a mapping of company name to its other spellings, got {describe(f.value)}",
        )
        return ()
    out: list[tuple[str, tuple[str, ...]]] = []
    claimed: dict[str, str] = {}  # company key -> the canonical name that claimed it
    entries = f.entries or {}
    for name, value in f.value.items():
        line, column = entries.get(name, (f.line, f.column))
        canonical = as_text(name)
        canonical = " ".join(canonical.split()) if canonical else ""
        if not company_key(canonical):
            what = "an empty name" if isinstance(name, str) else describe(name)
            read.report((line, column), Code.WRONG_TYPE, f"'companies' should name each company by text, got {what}")
            continue
        owner = claimed.setdefault(company_key(canonical), canonical)
        if owner != canonical:
            read.report(
                (line, column),
                Code.INVALID_VALUE,
                f"company '{canonical}' is already listed under '{owner}' in 'companies'",
            )
            continue
        sub = FieldReader(
            read.path, {"companies": Field("companies", value, line, column, line, column)}, read.problems
        )
        spellings: list[str] = []
        for spelling in sub.texts("companies"):
            owner = claimed.setdefault(company_key(spelling), canonical)
            if owner != canonical:
                read.report(
                    (line, column),
                    Code.INVALID_VALUE,
                    f"'{spelling}' is listed under both '{owner}' and '{canonical}' in 'companies';"
                    f" it stays with '{owner}'",
                )
                continue
            spellings.append(spelling)
        out.append((canonical, tuple(spellings)))
    return tuple(out)
