"""The vault as immutable values: contacts, interactions, asks and the vault's settings.

These are what every later stage (checks, the follow-up engine, the site, exports) works on.
Derived facts such as a contact's last touch are computed by functions in ``followup.py``,
never stored here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from .dates import NEVER, Birthday, Duration

INTERACTION_KINDS = (
    "coffee",
    "lunch",
    "call",
    "email",
    "text",
    "meeting",
    "event",
    "linkedin",
    "thank-you",
    "invitation",
    "intro",
    "other",
)
ASK_KINDS = ("reference", "introduction", "linkedin-intro", "job-lead", "info", "advice", "other")


class Direction(StrEnum):
    """Who asked: ``out``, I asked them (waiting on them); ``in``, they asked me (I owe them)."""

    OUT = "out"
    IN = "in"


class AskStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    DECLINED = "declined"
    DROPPED = "dropped"


CustomFields = tuple[tuple[str, Any], ...]


@dataclass(frozen=True, slots=True)
class Config:
    title: str = "My network"
    owner: str | None = None
    horizon: Duration = Duration(14, "d")
    default_cadence: Duration = NEVER
    circles: tuple[tuple[str, Duration], ...] = ()
    kinds: tuple[str, ...] = ()
    output: str = "_site"
    # `companies:`: (canonical name, other spellings) in the file's order (section 8)
    companies: tuple[tuple[str, tuple[str, ...]], ...] = ()
    git_history: bool = True  # read career moves from the vault's git history (rule 11)
    # While netnotes.yaml, or its `circles` or `kinds`, cannot be read, a contact's circle or an
    # interaction's kind is unknown rather than wrong: one problem for the file, not one a note.
    readable: bool = True
    circles_known: bool = True
    kinds_known: bool = True

    @property
    def circle_cadences(self) -> dict[str, Duration]:
        return dict(self.circles)

    @property
    def interaction_kinds(self) -> tuple[str, ...]:
        return INTERACTION_KINDS + tuple(k for k in self.kinds if k not in INTERACTION_KINDS)


@dataclass(frozen=True, slots=True)
class Contact:
    id: str
    path: str  # vault-relative, '/'-separated
    name: str
    aliases: tuple[str, ...] = ()
    company: str | None = None
    role: str | None = None
    location: str | None = None
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    linkedin: str | None = None
    website: str | None = None
    tags: tuple[str, ...] = ()
    circle: str | None = None
    cadence: Duration | None = None  # None: not set here (the circle or default decides)
    since: dt.date | None = None
    met_through: str | None = None  # a contact id
    met_at: str | None = None
    birthday: Birthday | None = None
    snooze_until: dt.date | None = None
    archived: bool = False
    past_companies: tuple[str, ...] = ()
    custom: CustomFields = ()
    body: str = ""
    body_line: int = 1  # the file line the body starts on
    not_same_as: tuple[str, ...] = ()  # contact ids that `dupes` must not pair with this one


@dataclass(frozen=True, slots=True)
class Interaction:
    id: str
    path: str
    date: dt.date
    with_: tuple[str, ...]  # contact ids, in the note's order, refs that resolve only
    kind: str | None = None
    title: str | None = None
    follow_up: dt.date | None = None  # a duration is already counted from `date`
    next: str | None = None
    done: bool = False
    custom: CustomFields = ()
    body: str = ""
    body_line: int = 1


@dataclass(frozen=True, slots=True)
class Ask:
    id: str
    path: str
    date: dt.date
    with_: str | None  # a contact id; None when the ref did not resolve
    direction: Direction
    kind: str | None = None
    status: AskStatus = AskStatus.OPEN
    due: dt.date | None = None
    closed: dt.date | None = None
    intro_to: str | None = None  # as written
    intro_to_contact: str | None = None  # a contact id when intro_to names one
    thanked: bool = False  # for `out` asks: I have thanked them (rule 10)
    custom: CustomFields = ()
    body: str = ""
    body_line: int = 1


def dated_order(note: Interaction | Ask) -> tuple[dt.date, str]:
    """Where an interaction or ask stands in the vault's tuple of them: by date, then path."""
    return note.date, note.path


@dataclass(frozen=True, slots=True)
class Vault:
    root: str
    config: Config
    contacts: tuple[Contact, ...]  # sorted by id
    interactions: tuple[Interaction, ...]  # sorted by ``dated_order``
    asks: tuple[Ask, ...]  # sorted by ``dated_order``
    contacts_by_id: dict[str, Contact] = field(default_factory=dict, compare=False, repr=False)

    def contact(self, contact_id: str) -> Contact | None:
        return self.contacts_by_id.get(contact_id)
