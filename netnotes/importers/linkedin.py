"""People from LinkedIn's ``Connections.csv``, or the data export's .zip that holds it."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from pathlib import Path

from ..model import Vault
from ..text import flatten
from .files import CSV_DELIMITERS, ImportFileError, csv_delimiter, csv_rows, read_export
from .people import ImportSummary, Person, Row, import_people

MONTHS = {
    m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)
}
LINKEDIN_HEADER = ("first name", "last name")


def parse_linkedin_date(text: str) -> dt.date:
    """``15 Mar 2024`` (the export's form), also ``2024-03-15`` and ``03/15/24``."""
    value = text.strip()
    match = re.fullmatch(r"(\d{1,2})\s+([A-Za-z]{3})[A-Za-z]*\.?\s+(\d{4})", value)
    if match and match.group(2).lower() in MONTHS:
        return dt.date(int(match.group(3)), MONTHS[match.group(2).lower()], int(match.group(1)))
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", value)
    if match:
        return dt.date(*(int(g) for g in match.groups()))
    match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})", value)
    if match:
        month, day, year = (int(g) for g in match.groups())
        return dt.date(year + 2000 if year < 100 else year, month, day)
    raise ValueError(value)


# Post-nominal letters people add to their LinkedIn name; compared without dots, as written or in
# capitals ("Ph.D." and "PHD" are PhD; "Ma" and "Do" are surnames, not MA and DO).
POST_NOMINALS = frozenset(
    {
        "PhD",
        "DPhil",
        "EdD",
        "DBA",
        "MD",
        "DO",
        "DDS",
        "DMD",
        "DVM",
        "PharmD",
        "PsyD",
        "JD",
        "LLM",
        "LLB",
        "Esq",
        "MBA",
        "EMBA",
        "MPH",
        "MPA",
        "MPP",
        "MFA",
        "MEng",
        "MSc",
        "MS",
        "MA",
        "MRes",
        "BSc",
        "BS",
        "BA",
        "BEng",
        "CPA",
        "CFA",
        "CFP",
        "CMA",
        "CIA",
        "ACCA",
        "ACA",
        "FCA",
        "CAIA",
        "FRM",
        "PE",
        "PEng",
        "CEng",
        "PMP",
        "PgMP",
        "CSM",
        "CSPO",
        "CISSP",
        "CISM",
        "CISA",
        "CCNA",
        "CCNP",
        "RN",
        "NP",
        "PA-C",
        "SHRM-CP",
        "SHRM-SCP",
        "PHR",
        "SPHR",
        "CHRP",
        "MRICS",
        "FRICS",
        "RA",
        "AIA",
        "OBE",
        "MBE",
        "CBE",
        "FRSA",
        "FRS",
    }
)
HONORIFICS = frozenset({"Dr", "Prof", "Professor", "Mr", "Mrs", "Ms", "Mx"})
_POST_NOMINALS = POST_NOMINALS | {p.upper() for p in POST_NOMINALS}


def _is_post_nominal(word: str) -> bool:
    return word.replace(".", "") in _POST_NOMINALS


def split_credentials(first: str, last: str) -> tuple[str, list[str]]:
    """``("Dr. Ana", "Ruiz, PhD")`` -> ``("Ana Ruiz", ["Dr.", "PhD"])``: the name, then the titles taken off it.

    Titles come off the ends only, and never a whole first or last name: ``Wei`` ``MA`` keeps
    its surname, ``Dr.`` ``Ruiz`` keeps its ``Dr.``.
    """
    first_words = first.split()
    prefixes: list[str] = []
    while len(first_words) > 1 and first_words[0].rstrip(".") in HONORIFICS:
        prefixes.append(first_words.pop(0))
    # Post-nominals end the last name (or the first name, when there is no last name).
    tail = last if last.strip() else " ".join(first_words)
    words = [w for w in re.split(r"[\s,]+", tail) if w]
    suffixes: list[str] = []
    while len(words) > 1 and _is_post_nominal(words[-1]):
        suffixes.insert(0, words.pop())
    if suffixes:
        # cut the text itself, so the name keeps its own spacing and inner commas ("Ng, Jr")
        cut = tail
        for word in reversed(suffixes):
            cut = cut[: cut.rstrip(" ,").rfind(word)]
        tail = cut.rstrip(" ,")
    name = " ".join(p for p in ((" ".join(first_words), tail) if last.strip() else (tail,)) if p)
    return name, prefixes + suffixes


LINKEDIN_COLUMNS = ("First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On")


def _is_linkedin_header(cells: list[str]) -> bool:
    folded = [c.strip().casefold() for c in cells]
    return all(h in folded for h in LINKEDIN_HEADER)


def linkedin_delimiter(text: str) -> str | None:
    """The delimiter among ``CSV_DELIMITERS`` that gives a row with LinkedIn's header, if any."""
    return csv_delimiter(text, _is_linkedin_header)


def _no_header_hint(text: str) -> str:
    """What a file without LinkedIn's header row has instead: its widest row near the top."""
    widest: list[str] = []
    for delimiter in CSV_DELIMITERS:
        try:
            for number, cells in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)):
                if number >= 50:
                    break
                cells = [c for c in (flatten(c) for c in cells) if c]
                if len(cells) > len(widest):
                    widest = cells
        except csv.Error:
            continue
    shown = ", ".join(f"'{c[:40]}'" for c in widest[:10]) + (", ..." if len(widest) > 10 else "")
    found = f"found {shown}" if widest else "found no columns (the file is empty)"
    return (
        f"not a LinkedIn Connections.csv: no header row with 'First Name' and 'Last Name' "
        f"(expected the columns {', '.join(LINKEDIN_COLUMNS)}, separated by ',' ';' or a tab; {found})"
    )


def read_linkedin(text: str) -> Iterator[Person | Row]:
    """People from a LinkedIn ``Connections.csv``: a ``Notes:`` preamble, then the header row.

    The delimiter is ',' as LinkedIn writes it, or ';' or a tab after a round trip through a
    spreadsheet: the first of them that yields the header row.
    """
    delimiter = linkedin_delimiter(text)
    if delimiter is None:
        raise ImportFileError(_no_header_hint(text))
    columns: dict[str, int] | None = None
    for first_line, cells in csv_rows(text, delimiter):
        if isinstance(cells, csv.Error):
            raise ImportFileError(f"line {first_line}: not a readable CSV row ({cells})")
        if columns is None:
            if _is_linkedin_header(cells):
                columns = {h: i for i, h in enumerate(c.strip().casefold() for c in cells)}
            continue
        if not any(c.strip() for c in cells):
            continue
        yield _person_from_row(f"line {first_line}", cells, columns)
    if columns is None:
        raise ImportFileError("not a LinkedIn Connections.csv: no header row with 'First Name' and 'Last Name'")


def _person_from_row(where: str, cells: list[str], columns: dict[str, int]) -> Person | Row:
    """The person in one row of ``Connections.csv``, whose header gave ``columns``."""

    def cell(name: str) -> str | None:
        i = columns.get(name)
        return flatten(cells[i]) if i is not None and i < len(cells) else None

    full_name, credentials = split_credentials(cell("first name") or "", cell("last name") or "")
    name = flatten(full_name)
    if not name:
        return Row(where, None, "no first or last name")
    person = Person(
        where,
        name,
        company=cell("company"),
        role=cell("position"),
        linkedin=cell("url"),
        tags=["linkedin"],
        credentials=credentials,
    )
    email = cell("email address")
    if email:
        person.emails.append(email)
    connected = cell("connected on")
    if connected:
        try:
            person.since = parse_linkedin_date(connected)
        except ValueError:
            person.warnings.append(f"'Connected On' date '{connected}' not understood; imported without 'since'")
    return person


def import_linkedin(root: Path, vault: Vault, csv_path: Path, dry_run: bool = False) -> ImportSummary:
    """Import ``Connections.csv``, or the export's ``.zip`` that holds it."""
    text = read_export(csv_path, "Connections.csv")
    people = list(read_linkedin(text))  # read it all first: a file that is not an export writes nothing
    return import_people(root, vault, people, ImportSummary(dry_run=dry_run))
