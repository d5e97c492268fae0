"""Contacts from other tools: LinkedIn's Connections.csv and vCard files (2.1, 3.0, 4.0).

Each importer turns its file into candidate people, drops the ones already in the vault or
earlier in the same file (same LinkedIn URL, email, or name), and writes one contact note per
remaining person through ``writer``. Nothing raises for a bad row or card: it is counted as
invalid with the reason, and the rest are imported. A write the file system refuses stops the
import; the summary keeps it as ``failure``, beside the notes written before it.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from vobject.base import VObjectError, getLogicalLines, textLineToContentLine

from .companies import company_key
from .dates import Birthday
from .model import Vault
from .refs import key as name_key
from .writer import WriteError, WriteFailed, contact_draft, taken_ids, write_draft

MONTHS = {
    m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)
}
LINKEDIN_HEADER = ("first name", "last name")


class ImportFileError(WriteError):
    """The file as a whole cannot be imported (missing, unreadable, not the expected format)."""


@dataclass(frozen=True, slots=True)
class Row:
    """A row or card that was not imported, and why."""

    where: str  # "line 7", "card 3 (line 20)"
    name: str | None
    reason: str


@dataclass(slots=True)
class ImportSummary:
    created: list[Path] = field(default_factory=list)  # on a dry run: where they would go
    skipped: list[Row] = field(default_factory=list)  # already known: in the vault or earlier in the file
    invalid: list[Row] = field(default_factory=list)  # could not be read as a person
    warnings: list[Row] = field(default_factory=list)  # imported, but a value was left out
    namesakes: list[Row] = field(default_factory=list)  # created, sharing a name with someone known
    dry_run: bool = False
    failure: WriteFailed | None = None  # the write that stopped the import; `created` were written before it


@dataclass(slots=True)
class Person:
    """One contact read from an import file, before de-duplication."""

    where: str
    name: str
    aliases: list[str] = field(default_factory=list)
    company: str | None = None
    role: str | None = None
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    linkedin: str | None = None
    website: str | None = None
    tags: list[str] = field(default_factory=list)
    since: dt.date | None = None
    birthday: Birthday | None = None
    credentials: list[str] = field(default_factory=list)  # "Dr.", "PhD": taken out of the name
    body: str = ""
    warnings: list[str] = field(default_factory=list)  # values left out, and why


# ---------------------------------------------------------------------------------------------
# De-duplication


def normalize_linkedin(url: str) -> str:
    """``https://de.linkedin.com/in/Jane-Doe/?trk=x`` -> ``linkedin.com/in/jane-doe``."""
    text = url.strip()
    if "://" not in text:
        text = "https://" + text
    parts = urlsplit(text)
    host = parts.hostname or ""
    if host.endswith("linkedin.com"):
        host = "linkedin.com"
    return f"{host}{unquote(parts.path).rstrip('/')}".casefold()


def is_linkedin(url: str) -> bool:
    host = urlsplit(url if "://" in url else "https://" + url).hostname or ""
    return host == "linkedin.com" or host.endswith(".linkedin.com")


@dataclass(slots=True)
class Identity:
    """One known person: a vault contact or an earlier row, with what tells namesakes apart."""

    label: str  # the contact's path, or "line 5" / "card 2 (line 9)"
    linkedin: set[str] = field(default_factory=set)
    emails: set[str] = field(default_factory=set)
    companies: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, label: str, emails: Iterable[str], linkedin: str | None, company: str | None) -> Identity:
        return cls(
            label,
            {normalize_linkedin(linkedin)} if linkedin else set(),
            {e.strip().casefold() for e in emails if e.strip()},
            {company_key(company)} - {""} if company else set(),
        )

    def difference(self, other: Identity) -> str | None:
        """What tells ``other`` apart from this person: a value both have, with nothing in common."""
        for what, mine, theirs in (
            ("LinkedIn URL", self.linkedin, other.linkedin),
            ("email", self.emails, other.emails),
            ("company", self.companies, other.companies),
        ):
            if mine and theirs and not mine & theirs:
                return what
        return None

    def absorb(self, other: Identity) -> None:
        """``other`` is this person: what it adds tells later namesakes apart too."""
        self.linkedin |= other.linkedin
        self.emails |= other.emails
        self.companies |= other.companies


class Known:
    """People already in the vault, or earlier in the file: by LinkedIn URL, email and name.

    The same LinkedIn URL or email is the same person. The same name is the same person only
    when nothing tells them apart (a URL, email or company both have, that differ): a different
    John Smith is a namesake, and becomes a new contact.
    """

    def __init__(self) -> None:
        self.by: dict[tuple[str, str], Identity] = {}
        self.names: dict[str, list[Identity]] = {}

    def add(self, person_keys: Iterable[tuple[str, str]], identity: Identity) -> None:
        for k in person_keys:
            if k[0] == "name":
                bucket = self.names.setdefault(k[1], [])
                if not any(i is identity for i in bucket):
                    bucket.append(identity)
            else:
                self.by.setdefault(k, identity)

    def match(self, person_keys: Iterable[tuple[str, str]], person: Identity) -> tuple[Identity, str] | None:
        """(who, what matched) for the person these keys and values describe, if known."""
        person_keys = list(person_keys)
        for k in person_keys:
            if k in self.by:
                return self.by[k], f"{_KEY_WORDS[k[0]]} {k[1]}"
        for kind, value in person_keys:
            for identity in self.names.get(value, []) if kind == "name" else []:
                if identity.difference(person) is None:
                    return identity, f"name {value}"
        return None

    def namesakes(self, person_keys: Iterable[tuple[str, str]], person: Identity) -> list[str]:
        """``<label> (other <what>)`` for each known person with one of these names."""
        out: list[str] = []
        for kind, value in person_keys:
            for identity in self.names.get(value, []) if kind == "name" else []:
                said = f"{identity.label} (other {identity.difference(person)})"
                if said not in out:
                    out.append(said)
        return out


_KEY_WORDS = {"linkedin": "LinkedIn URL", "email": "email", "name": "name"}


def _keys(
    name: str | None, aliases: Iterable[str], emails: Iterable[str], linkedin: str | None
) -> list[tuple[str, str]]:
    keys: list[tuple[str, str]] = []
    if linkedin:
        keys.append(("linkedin", normalize_linkedin(linkedin)))
    keys += [("email", e.strip().casefold()) for e in emails if e.strip()]
    keys += [("name", name_key(n)) for n in (name, *aliases) if n and name_key(n)]
    return keys


def known_from_vault(vault: Vault) -> Known:
    known = Known()
    for c in vault.contacts:
        known.add(_keys(c.name, c.aliases, c.emails, c.linkedin), Identity.of(c.path, c.emails, c.linkedin, c.company))
    return known


def import_people(root: Path, vault: Vault, people: Iterable[Person | Row], summary: ImportSummary) -> ImportSummary:
    """Write a contact for each new person (or plan it, on a dry run); count the rest."""
    known = known_from_vault(vault)
    seen = Known()
    taken = taken_ids(root, "contacts")
    for item in people:
        if isinstance(item, Row):
            summary.invalid.append(item)
            continue
        person_keys = _keys(item.name, item.aliases, item.emails, item.linkedin)
        person = Identity.of(item.where, item.emails, item.linkedin, item.company)
        found = known.match(person_keys, person)
        if found:
            summary.skipped.append(
                Row(item.where, item.name, f"already in the vault as {found[0].label} (same {found[1]})")
            )
            found[0].absorb(person)
            known.add(person_keys, found[0])  # the same person again later in the file is that contact too
            continue
        found = seen.match(person_keys, person)
        if found:
            summary.skipped.append(Row(item.where, item.name, f"same person as {found[0].label} (same {found[1]})"))
            found[0].absorb(person)
            seen.add(person_keys, found[0])
            continue
        custom = {"credentials": item.credentials} if item.credentials else None
        try:
            draft = contact_draft(
                item.name,
                aliases=item.aliases,
                company=item.company,
                role=item.role,
                email=item.emails,
                phone=item.phones,
                linkedin=item.linkedin,
                website=item.website,
                tags=item.tags,
                since=item.since,
                birthday=item.birthday,
                custom=custom,
                body=item.body,
            )
        except WriteError as err:
            summary.invalid.append(Row(item.where, item.name, str(err)))
            continue
        if summary.dry_run:
            path = draft.first_free(root, taken)
            taken.add(path.stem.casefold())
        else:
            try:
                path = write_draft(root, draft, taken)
            except WriteFailed as err:  # a full disk or a read-only folder: the rest would fail too
                summary.failure = err
                break
        summary.created.append(path)
        summary.warnings += [Row(item.where, item.name, w) for w in item.warnings]
        others = known.namesakes(person_keys, person) + seen.namesakes(person_keys, person)
        if others:
            rel = path.relative_to(root).as_posix()
            summary.namesakes.append(
                Row(item.where, item.name, f"{rel} is a new contact, not the same person as {', '.join(others)}")
            )
        seen.add(person_keys, person)
    return summary


_BREAKS = re.compile(r"\s*[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]+\s*")


def clean(text: str | None) -> str | None:
    """A one-line value from a file: a line break becomes one space, control characters go.

    Other spacing is kept as it is, so a name exported by netnotes reads back the same.
    """
    if text is None:
        return None
    text = _BREAKS.sub(" ", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cs") or ch == "\t")
    return text.strip() or None


def read_text(path: Path) -> str:
    """The file's text: see ``decode``."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise ImportFileError(f"cannot read {path}: {err.strerror or err}") from None
    return decode(data)


def decode(data: bytes) -> str:
    """UTF-8 (a BOM removed), UTF-16 with a BOM (Excel's "Unicode text"), else Windows-1252 for old exports."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


# ---------------------------------------------------------------------------------------------
# Export archives
#
# LinkedIn sends its data export as a .zip; the file wanted is read straight out of it, never
# extracted to disk. The archive is untrusted: only stored or deflated members are read (other
# methods decompress without a bound), and at most ZIP_READ_LIMIT bytes, whatever the archive
# claims, so a zip bomb costs 64 MiB of memory at worst.

ZIP_READ_LIMIT = 64 * 1024 * 1024


def is_zip(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(4) in (b"PK\x03\x04", b"PK\x05\x06")
    except OSError as err:
        raise ImportFileError(f"cannot read {path}: {err.strerror or err}") from None


def text_from_zip(path: Path, member: str) -> str:
    """The text of ``member`` (a file name, found at any depth, case-insensitively) in the zip ``path``."""
    try:
        with zipfile.ZipFile(path) as archive:
            found = [
                info
                for info in archive.infolist()
                if not info.is_dir() and PurePosixPath(info.filename).name.casefold() == member.casefold()
            ]
            if not found:
                raise ImportFileError(f"{path.name} has no {member}")
            info = min(found, key=lambda i: (i.filename.count("/"), i.filename))  # the shallowest
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise ImportFileError(
                    f"{info.filename} in {path.name} is compressed in a way netnotes does not "
                    "read; extract it and import the file"
                )
            too_big = ImportFileError(
                f"{info.filename} in {path.name} is larger than "
                f"{ZIP_READ_LIMIT // (1024 * 1024)} MiB uncompressed; refusing to read it"
            )
            if info.file_size > ZIP_READ_LIMIT:
                raise too_big
            with archive.open(info) as fh:
                data = fh.read(ZIP_READ_LIMIT + 1)
            if len(data) > ZIP_READ_LIMIT:
                raise too_big
    except ImportFileError:
        raise
    except RuntimeError:  # zipfile's word for an encrypted member
        raise ImportFileError(f"{member} in {path.name} is encrypted; extract it and import the file") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError, OSError) as err:
        raise ImportFileError(f"{path.name} is not a readable zip file ({err})") from None
    return decode(data)


def read_export(path: Path, member: str) -> str:
    """The text of an export file, or of ``member`` inside it when it is a zip archive."""
    return text_from_zip(path, member) if is_zip(path) else read_text(path)


# ---------------------------------------------------------------------------------------------
# LinkedIn


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


CSV_DELIMITERS = (",", ";", "\t")  # Excel writes ';' where ',' is the decimal comma; '\t' for "Unicode text"
LINKEDIN_COLUMNS = ("First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On")


def _is_linkedin_header(cells: list[str]) -> bool:
    folded = [c.strip().casefold() for c in cells]
    return all(h in folded for h in LINKEDIN_HEADER)


def linkedin_delimiter(text: str) -> str | None:
    """The delimiter among ``CSV_DELIMITERS`` that gives a row with LinkedIn's header, if any."""
    for delimiter in CSV_DELIMITERS:
        try:
            rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
            if any(_is_linkedin_header(cells) for cells in rows):
                return delimiter
        except csv.Error:
            continue
    return None


def _no_header_hint(text: str) -> str:
    """What a file without LinkedIn's header row has instead: its widest row near the top."""
    widest: list[str] = []
    for delimiter in CSV_DELIMITERS:
        try:
            for number, cells in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)):
                if number >= 50:
                    break
                cells = [c for c in (clean(c) for c in cells) if c]
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
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    columns: dict[str, int] | None = None
    while True:
        first_line = reader.line_num + 1  # a quoted cell may span lines: report where the row starts
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as err:
            raise ImportFileError(f"line {first_line}: not a readable CSV row ({err})") from None
        if columns is None:
            if _is_linkedin_header(cells):
                columns = {h: i for i, h in enumerate(c.strip().casefold() for c in cells)}
            continue
        if not any(c.strip() for c in cells):
            continue
        where = f"line {first_line}"

        def cell(name: str) -> str | None:
            i = columns.get(name) if columns else None
            return clean(cells[i]) if i is not None and i < len(cells) else None

        name, credentials = split_credentials(cell("first name") or "", cell("last name") or "")
        name = clean(name)
        if not name:
            yield Row(where, None, "no first or last name")
            continue
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
        yield person
    if columns is None:
        raise ImportFileError("not a LinkedIn Connections.csv: no header row with 'First Name' and 'Last Name'")


def import_linkedin(root: Path, vault: Vault, csv_path: Path, dry_run: bool = False) -> ImportSummary:
    """Import ``Connections.csv``, or the export's ``.zip`` that holds it."""
    text = read_export(csv_path, "Connections.csv")
    people = list(read_linkedin(text))  # read it all first: a file that is not an export writes nothing
    return import_people(root, vault, people, ImportSummary(dry_run=dry_run))


# ---------------------------------------------------------------------------------------------
# vCard
#
# vobject unfolds lines, joins quoted-printable soft breaks, decodes quoted-printable and
# parses parameters and groups; its value decoding is not used, because it splits vCard 2.1
# text at every comma (2.1 does not escape commas) and so loses the rest of a NOTE or FN.


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
        return [v for v in (clean(_unescape(line.value)) for line in values.get(prop, [])) if v]

    name = next(iter(texts("FN")), None)
    if not name and "N" in values:
        family, given, additional, prefix, suffix = (_split(values["N"][0].value, ";") + [""] * 5)[:5]
        name = clean(" ".join(_unescape(p) for p in (prefix, given, additional, family, suffix) if p.strip()))
    if not name:
        broken = values.get("X-NETNOTES-BROKEN")
        why = f"unreadable ({broken[0].value})" if broken else "no name (FN or N)"
        return Row(where, None, why)
    person = Person(where, name)
    for line in values.get("NICKNAME", []):
        person.aliases += [a for a in (clean(_unescape(p)) for p in _split(line.value, ",")) if a and a != name]
    if "ORG" in values:
        person.company = clean(_unescape(_split(values["ORG"][0].value, ";")[0]))
    person.role = next(iter(texts("TITLE")), None) or next(iter(texts("ROLE")), None)
    person.emails = list(dict.fromkeys(e.removeprefix("mailto:") for e in _preferred(values.get("EMAIL", []))))
    person.phones = list(dict.fromkeys(p.removeprefix("tel:") for p in _preferred(values.get("TEL", []))))
    for url in texts("URL"):
        if is_linkedin(url):
            person.linkedin = person.linkedin or url
        else:
            person.website = person.website or url
    for line in values.get("CATEGORIES", []):
        person.tags += [t for t in (clean(_unescape(p)) for p in _split(line.value, ",")) if t]
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
    return [v for v in (clean(_unescape(line.value)) for line in ordered) if v]


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
