"""The vault out to other tools: vCard 4.0 of the contacts, JSON of the whole model, ICS.

The vCard is built with vobject (it escapes and folds text; it has no vCard 4.0 profile, but
the text rules are the same, so its 3.0 behaviour is given ``VERSION:4.0`` and only 4.0
properties). ``import vcard`` reads it back to the same people. The JSON shape is documented
in ``docs/json-export.md``; its ``version`` changes only when the shape changes incompatibly.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import uuid
from collections.abc import Iterable
from typing import Any, Literal

import vobject

from .calendar import build_calendar
from .followup import due_items
from .model import Ask, Config, Contact, Interaction, Vault
from .moves import Move, moves_for
from .strength import NO_STRENGTH, Strength, relationships

JSON_VERSION = 1
PRODID = "-//netnotes//netnotes contacts//EN"


# ---------------------------------------------------------------------------------------------
# vCard


def _name_parts(name: str) -> tuple[str, str]:
    """(family, given) for the N property: a guess, the last word as the family name.

    netnotes keeps one display name; FN carries it exactly. N only helps address books sort.
    """
    words = name.split()
    if len(words) < 2:
        return "", name
    return words[-1], " ".join(words[:-1])


def contact_vcard(contact: Contact) -> vobject.base.Component:
    card = vobject.vCard()
    card.add("version").value = "4.0"
    card.add("prodid").value = PRODID
    card.add("uid").value = f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'netnotes:contact:' + contact.id)}"
    card.add("fn").value = contact.name
    family, given = _name_parts(contact.name)
    card.add("n").value = vobject.vcard.Name(family=family, given=given)
    if contact.aliases:
        card.add("nickname").value = ",".join(a.replace("\\", "\\\\").replace(",", "\\,") for a in contact.aliases)
        card.nickname.encoded = True  # escaped above: a nickname may itself contain a comma
    if contact.company:
        card.add("org").value = [contact.company]
    if contact.role:
        card.add("title").value = contact.role
    for email in contact.emails:
        card.add("email").value = email
    for phone in contact.phones:
        card.add("tel").value = phone
    for url in (contact.linkedin, contact.website):
        if url:
            card.add("url").value = url
    if contact.tags:
        card.add("categories").value = list(contact.tags)
    if contact.birthday is not None:
        b = contact.birthday
        bday = card.add("bday")
        bday.value = f"--{b.month:02d}{b.day:02d}" if b.year is None else f"{b.year:04d}{b.month:02d}{b.day:02d}"
    if contact.body.strip():
        card.add("note").value = contact.body.strip("\n")
    return card


def export_vcard(vault: Vault) -> str:
    """All contacts (archived too) as vCard 4.0, in id order, CRLF line endings."""
    return "".join(contact_vcard(c).serialize() for c in vault.contacts)


# ---------------------------------------------------------------------------------------------
# JSON


def _plain(value: Any) -> Any:
    """Custom field values (anything YAML can hold) as JSON values."""
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _custom(custom: tuple[tuple[str, Any], ...]) -> dict[str, Any]:
    return {k: _plain(v) for k, v in custom}


def config_json(config: Config) -> dict[str, Any]:
    return {
        "title": config.title,
        "owner": config.owner,
        "horizon": str(config.horizon),
        "default_cadence": str(config.default_cadence),
        "circles": {name: str(cadence) for name, cadence in config.circles},
        "kinds": list(config.kinds),
        "output": config.output,
        "companies": {name: list(spellings) for name, spellings in config.companies},
        "git_history": config.git_history,
    }


def contact_json(c: Contact, strength: Strength = NO_STRENGTH) -> dict[str, Any]:
    return {
        "id": c.id,
        "path": c.path,
        "name": c.name,
        "aliases": list(c.aliases),
        "company": c.company,
        "role": c.role,
        "location": c.location,
        "emails": list(c.emails),
        "phones": list(c.phones),
        "linkedin": c.linkedin,
        "website": c.website,
        "tags": list(c.tags),
        "circle": c.circle,
        "cadence": str(c.cadence) if c.cadence is not None else None,
        "since": _iso(c.since),
        "met_through": c.met_through,
        "met_at": c.met_at,
        "birthday": str(c.birthday) if c.birthday is not None else None,
        "snooze_until": _iso(c.snooze_until),
        "archived": c.archived,
        "past_companies": list(c.past_companies),
        "not_same_as": list(c.not_same_as),
        "custom": _custom(c.custom),
        "body": c.body,
        "strength": strength.to_json(),
    }


def interaction_json(i: Interaction) -> dict[str, Any]:
    return {
        "id": i.id,
        "path": i.path,
        "date": i.date.isoformat(),
        "with": list(i.with_),
        "kind": i.kind,
        "title": i.title,
        "follow_up": _iso(i.follow_up),
        "next": i.next,
        "done": i.done,
        "custom": _custom(i.custom),
        "body": i.body,
    }


def ask_json(a: Ask) -> dict[str, Any]:
    return {
        "id": a.id,
        "path": a.path,
        "date": a.date.isoformat(),
        "with": a.with_,
        "direction": a.direction,
        "kind": a.kind,
        "status": a.status,
        "due": _iso(a.due),
        "closed": _iso(a.closed),
        "intro_to": a.intro_to,
        "intro_to_contact": a.intro_to_contact,
        "thanked": a.thanked,
        "custom": _custom(a.custom),
        "body": a.body,
    }


def export_json(vault: Vault, today: dt.date, moves: Iterable[Move] | None = None) -> str:
    """The whole model, plus the follow-up list for ``today``; same vault + day (+ HEAD, for
    career moves) = same text. ``moves``: the vault's career moves; None reads them from git."""
    moves = moves_for(vault.root, vault.config) if moves is None else moves
    strength = relationships(vault, today).strength
    document = {
        "version": JSON_VERSION,
        "generated_for": today.isoformat(),
        "config": config_json(vault.config),
        "contacts": [contact_json(c, strength[c.id]) for c in vault.contacts],
        "interactions": [interaction_json(i) for i in vault.interactions],
        "asks": [ask_json(a) for a in vault.asks],
        "due": [item.to_json() for item in due_items(vault, today, include_later=True, moves=moves)],
    }
    return json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


# ---------------------------------------------------------------------------------------------
# iCalendar


def export_ics(vault: Vault, today: dt.date, moves: Iterable[Move] | None = None) -> bytes:
    """Follow-ups, dated open asks, congratulations and birthdays (see ``calendar.build_calendar``);
    ``moves``: the vault's career moves, None reads them from git."""
    return build_calendar(vault, today, moves_for(vault.root, vault.config) if moves is None else moves)


# ---------------------------------------------------------------------------------------------
# The command's choice

ExportFormat = Literal["ics", "vcard", "json"]


def export(vault: Vault, fmt: ExportFormat, today: dt.date) -> bytes:
    """The vault as ``fmt``: follow-ups and birthdays as of ``today`` (ics), contacts (vcard) or
    the whole model (json)."""
    if fmt == "ics":
        return export_ics(vault, today)
    if fmt == "vcard":
        return export_vcard(vault).encode("utf-8")
    return export_json(vault, today).encode("utf-8")
