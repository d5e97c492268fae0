"""Turning people read from an import file into contact notes, skipping those already known.

Each reader (``linkedin``, ``vcard``) yields ``Person`` values, or a ``Row`` for what it could
not read; ``import_people`` drops the people already in the vault or earlier in the same file
(same LinkedIn URL, email, or name with nothing telling them apart) and writes one contact note
per remaining person through ``writer``. A write the file system refuses stops the import; the
summary keeps it as ``failure``, beside the notes written before it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..companies import company_key
from ..dates import Birthday
from ..discover import NoteKind
from ..drafts import contact_draft
from ..fsio import WriteError, WriteFailed
from ..model import Vault
from ..refs import key as name_key
from ..refs import normalize_linkedin
from ..writer import first_free, taken_ids, write_draft


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

    def row_lines(self) -> list[str]:
        """One line per row that was skipped, invalid, imported with a warning or a namesake."""
        return [
            f"{label}: {row.where}{f' ({row.name})' if row.name else ''}: {row.reason}"
            for label, rows in (
                ("skipped", self.skipped),
                ("invalid", self.invalid),
                ("warning", self.warnings),
                ("namesake", self.namesakes),
            )
            for row in rows
        ]

    def tally(self) -> str:
        """The closing line: how many were (or, on a dry run, would be) created, skipped, invalid."""
        verb = "would create" if self.dry_run else "created"
        namesakes = len(self.namesakes)
        among = f" ({namesakes} namesake{'s' if namesakes > 1 else ''})" if namesakes else ""
        tail = "; dry run, nothing written" if self.dry_run else ""
        return f"{verb} {len(self.created)}{among}, skipped {len(self.skipped)}, invalid {len(self.invalid)}{tail}"

    def written_before_failure(self) -> str:
        """What a stopped import had done: said after the ``failure`` itself."""
        written = len(self.created)
        return (
            f"{written} contact{'s' * (written != 1)} {'were' if written != 1 else 'was'} written before the "
            "failure (importing again adds the rest)"
        )


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
    taken = taken_ids(root, NoteKind.CONTACTS)
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
            path = first_free(root, draft, taken)
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
