"""People from vCard files (2.1, 3.0, 4.0), as phones and address books export them.

vobject unfolds lines, joins quoted-printable soft breaks, decodes quoted-printable and
parses parameters and groups; its value decoding is not used, because it splits vCard 2.1
text at every comma (2.1 does not escape commas) and so loses the rest of a NOTE or FN.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from vobject.base import VObjectError, getLogicalLines, textLineToContentLine

from ..dates import Birthday
from ..model import Vault
from ..refs import is_linkedin
from ..text import flatten
from .files import ImportFileError, read_text
from .people import ImportSummary, Person, Row, import_people


def _split(value: str, sep: str) -> list[str]:
    """Split at ``sep`` not escaped by a backslash; escapes are kept for ``_unescape``."""
    parts, current, i = [], [], 0
    while i < len(value):
        ch = value[i]
        if ch == "\\" and i + 1 < len(value):
            current.append(value[i : i + 2])
            i += 2
            continue
        if ch == sep:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
        i += 1
    parts.append("".join(current))
    return parts


def _unescape(value: str) -> str:
    return re.sub(r"\\([\\,;:nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


@dataclass(frozen=True, slots=True)
class _Line:
    name: str
    value: str
    types: frozenset[str]
    line: int


def parse_vcard_birthday(text: str) -> Birthday | None:
    """``1985-03-15``, ``19850315``, ``--0315``, ``--03-15``, with or without a time part."""
    value = text.strip().split("T", 1)[0]
    match = re.fullmatch(r"--(\d{2})-?(\d{2})", value)
    if match:
        year = None
    else:
        match = re.fullmatch(r"(\d{4})-?(\d{2})-?(\d{2})", value)
        if not match:
            return None
        year = int(match.group(1))
    month, day = int(match.group(len(match.groups()) - 1)), int(match.group(len(match.groups())))
    if year == 1604:  # Apple Contacts' placeholder year for a birthday without one
        year = None
    try:
        dt.date(2000 if year is None else year, month, day)
    except ValueError:
        return None
    return Birthday(month, day, year)


def split_cards(text: str) -> Iterator[tuple[int, list[_Line]]]:
    """Each ``BEGIN:VCARD`` .. ``END:VCARD`` as (first line number, its content lines)."""
    card: list[_Line] | None = None
    start = 0
    for raw, number in getLogicalLines(io.StringIO(text), allowQP=True):
        number = max(number, 1)
        try:
            line = textLineToContentLine(raw, number)
        except (VObjectError, LookupError, ValueError) as err:
            if card is not None:
                card.append(_Line("X-NETNOTES-BROKEN", str(err), frozenset(), number))
            continue
        name = line.name.upper()
        if name == "BEGIN" and line.value.strip().upper() == "VCARD":
            card, start = [], number
        elif name == "END" and line.value.strip().upper() == "VCARD":
            if card is not None:
                yield start, card
            card = None
        elif card is not None:
            types = {p.upper() for p in line.singletonparams}
            for p in line.params.get("TYPE", []):
                types.update(t.strip().upper() for t in p.split(","))
            card.append(_Line(name, line.value, frozenset(types), number))
    if card is not None:
        yield start, card + [_Line("X-NETNOTES-BROKEN", "no END:VCARD", frozenset(), start)]


def person_from_card(number: int, start: int, lines: list[_Line]) -> Person | Row:
    where = f"card {number} (line {start})"
    values: dict[str, list[_Line]] = {}
    for line in lines:
        values.setdefault(line.name, []).append(line)

    def texts(prop: str) -> list[str]:
        return [v for v in (flatten(_unescape(line.value)) for line in values.get(prop, [])) if v]

    name = next(iter(texts("FN")), None)
    if not name and "N" in values:
        family, given, additional, prefix, suffix = (_split(values["N"][0].value, ";") + [""] * 5)[:5]
        name = flatten(" ".join(_unescape(p) for p in (prefix, given, additional, family, suffix) if p.strip()))
    if not name:
        broken = values.get("X-NETNOTES-BROKEN")
        why = f"unreadable ({broken[0].value})" if broken else "no name (FN or N)"
        return Row(where, None, why)
    person = Person(where, name)
    for line in values.get("NICKNAME", []):
        person.aliases += [a for a in (flatten(_unescape(p)) for p in _split(line.value, ",")) if a and a != name]
    if "ORG" in values:
        person.company = flatten(_unescape(_split(values["ORG"][0].value, ";")[0]))
    person.role = next(iter(texts("TITLE")), None) or next(iter(texts("ROLE")), None)
    person.emails = list(dict.fromkeys(e.removeprefix("mailto:") for e in _preferred(values.get("EMAIL", []))))
    person.phones = list(dict.fromkeys(p.removeprefix("tel:") for p in _preferred(values.get("TEL", []))))
    for url in texts("URL"):
        if is_linkedin(url):
            person.linkedin = person.linkedin or url
        else:
            person.website = person.website or url
    for line in values.get("CATEGORIES", []):
        person.tags += [t for t in (flatten(_unescape(p)) for p in _split(line.value, ",")) if t]
    if "BDAY" in values:
        bday = _unescape(values["BDAY"][0].value).strip()
        person.birthday = parse_vcard_birthday(bday)
        if person.birthday is None and bday:
            person.warnings.append(f"BDAY '{bday}' is not a date; imported without 'birthday'")
    notes = [_unescape(line.value).replace("\r\n", "\n").replace("\r", "\n").strip() for line in values.get("NOTE", [])]
    body = "\n\n".join(n for n in notes if n)
    person.body = body + "\n" if body else ""
    return person


def _preferred(lines: list[_Line]) -> list[str]:
    """The values, the one marked PREF first."""
    ordered = sorted(lines, key=lambda line: "PREF" not in line.types)
    return [v for v in (flatten(_unescape(line.value)) for line in ordered) if v]


def read_vcards(text: str) -> Iterator[Person | Row]:
    found = False
    for number, (start, lines) in enumerate(split_cards(text), 1):
        found = True
        yield person_from_card(number, start, lines)
    if not found:
        raise ImportFileError("no vCard found (no BEGIN:VCARD ... END:VCARD)")


def import_vcard(root: Path, vault: Vault, vcf_path: Path, dry_run: bool = False) -> ImportSummary:
    text = read_text(vcf_path)
    people = list(read_vcards(text))
    return import_people(root, vault, people, ImportSummary(dry_run=dry_run))
