"""Drafting new notes: each field checked, the front matter written by a YAML emitter.

A ``Draft`` is a note's text and the file name it wants; ``writer`` finds it a free name and
writes it. Nothing here touches the file system or knows about Click: a value that cannot go
into a note (a line break in a one-line field, an unknown kind, a ref to no contact) raises
``WriteError`` with a message for the user.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import yaml

from .dates import Birthday, DateError, parse_birthday, parse_date_or_duration, parse_duration
from .discover import NoteKind
from .fields import near_miss
from .fsio import WriteError
from .model import ASK_KINDS, AskStatus, Config, Direction, Vault
from .refs import Lookup, RefIndex
from .slugs import safe_slug
from .text import LINE_BREAKS, unfit_for_line


@dataclass(frozen=True, slots=True)
class Draft:
    """A note ready to be written: its folder (vault-relative), base file name, and text."""

    kind: NoteKind
    folder: str  # vault-relative, '/'-separated
    stem: str
    text: str


# ---------------------------------------------------------------------------------------------
# Front matter


def one_line_field(key: str, value: object) -> str | None:
    """A one-line text field, stripped (the loader strips too); a line break or another control
    character in it is refused, naming the field."""
    if value is None:
        return None
    text = str(value)
    unfit = unfit_for_line(text)
    if unfit is not None and unfit in LINE_BREAKS:
        raise WriteError(f"'{key}' must be one line; it contains a line break: {text!r}")
    if unfit is not None:
        raise WriteError(f"'{key}' contains a control character {unfit!r}; remove it")
    return text.strip() or None


def one_line_fields(key: str, values: Iterable[object] | None) -> list[str]:
    out: list[str] = []
    for value in values or ():
        text = one_line_field(key, value)
        if text is not None and text not in out:
            out.append(text)
    return out


def _one_or_many(values: list[str]) -> str | list[str] | None:
    if not values:
        return None
    return values[0] if len(values) == 1 else values


class _Dumper(yaml.SafeDumper):
    """Block mappings (one field per line) with lists written inline: ``tags: [a, b]``."""

    def represent_list(self, data: Iterable[Any]) -> yaml.SequenceNode:
        return self.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True)


_Dumper.add_representer(list, _Dumper.represent_list)
# A closed set's word (Direction.OUT) is written as the text it stands for, as a note holds it.
_Dumper.add_multi_representer(StrEnum, lambda dumper, word: dumper.represent_str(str(word)))


class _FastDumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]  # libyaml's, when built
    """``_Dumper`` on libyaml's emitter: the same text, eight times faster (imports write
    thousands of notes), except that libyaml escapes characters beyond U+FFFF (as ``\\U0001F680``),
    so a note holding one is written by ``_Dumper``."""

    def represent_list(self, data: list[Any]) -> yaml.SequenceNode:
        return self.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True)


_FastDumper.add_representer(list, _FastDumper.represent_list)
_FastDumper.add_multi_representer(StrEnum, lambda dumper, word: dumper.represent_str(str(word)))
_ASTRAL_RE = re.compile(r"[\U00010000-\U0010FFFF]")


def _astral(value: Any) -> bool:
    if isinstance(value, str):
        return _ASTRAL_RE.search(value) is not None
    return isinstance(value, list) and any(_astral(v) for v in value)


def render_note(fields: dict[str, Any], body: str = "") -> str:
    """``---``, the fields in the given order (``None`` left out), ``---``, then the body verbatim."""
    data = {k: v for k, v in fields.items() if v is not None and v != []}
    front = yaml.dump(
        data,
        Dumper=_Dumper if any(_astral(v) for v in data.values()) else _FastDumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=1_000_000,  # one field per line: a wrapped value would be harder to read and edit
    )
    return f"---\n{front}---\n{body}"


# ---------------------------------------------------------------------------------------------
# Contacts


def contact_draft(
    name: str,
    *,
    config: Config | None = None,
    aliases: Sequence[str] = (),
    company: str | None = None,
    role: str | None = None,
    location: str | None = None,
    email: Sequence[str] = (),
    phone: Sequence[str] = (),
    linkedin: str | None = None,
    website: str | None = None,
    tags: Sequence[str] = (),
    circle: str | None = None,
    cadence: str | None = None,
    since: dt.date | None = None,
    met_at: str | None = None,
    birthday: str | Birthday | dt.date | None = None,
    custom: Mapping[str, str | Sequence[str]] | None = None,
    body: str = "",
) -> Draft:
    """Validate a new contact's fields and render its note (file name from the name).

    ``custom`` are the user's own fields (``credentials: [PhD]``), one-line text or lists of
    it, written after the contract's fields.
    """
    clean_name = one_line_field("name", name)
    if clean_name is None:
        raise WriteError("a contact needs a name")
    circle = one_line_field("circle", circle)
    if circle is not None and config is not None and config.circles_known:  # else the CLI says why not
        circles = config.circle_cadences
        if circle not in circles:
            known = ", ".join(circles) if circles else "none defined in netnotes.yaml"
            hint = near_miss(circle, circles)
            guess = f"did you mean '{hint}'? " if hint else ""
            raise WriteError(f"unknown circle '{circle}' ({guess}circles: {known})")
    cadence = one_line_field("cadence", cadence)
    if cadence is not None:
        try:
            parse_duration(cadence)
        except DateError as err:
            raise WriteError(f"cadence: {err}") from None
    fields: dict[str, Any] = {
        "name": clean_name,
        "aliases": one_line_fields("aliases", aliases),
        "company": one_line_field("company", company),
        "role": one_line_field("role", role),
        "location": one_line_field("location", location),
        "email": _one_or_many(one_line_fields("email", email)),
        "phone": _one_or_many(one_line_fields("phone", phone)),
        "linkedin": one_line_field("linkedin", linkedin),
        "website": one_line_field("website", website),
        "tags": one_line_fields("tags", tags),
        "circle": circle,
        "cadence": cadence,
        "since": _date("since", since),
        "met_at": one_line_field("met_at", met_at),
        "birthday": _birthday(birthday),
    }
    for name, value in (custom or {}).items():
        if name in fields:
            raise WriteError(f"'{name}' is a contact field, not a custom one")
        fields[name] = one_line_field(name, value) if isinstance(value, str) else one_line_fields(name, value)
    return Draft(NoteKind.CONTACTS, "contacts", safe_slug(clean_name, "contact"), render_note(fields, body))


def _date(key: str, value: object) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raise WriteError(f"'{key}' must be a date")


def _birthday(value: str | Birthday | dt.date | None) -> str | dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value
    try:
        bday = value if isinstance(value, Birthday) else parse_birthday(one_line_field("birthday", value))
    except DateError as err:
        raise WriteError(f"birthday: {err}") from None
    if bday.year is None:
        return str(bday)  # --MM-DD, a string to YAML
    return dt.date(bday.year, bday.month, bday.day)


# ---------------------------------------------------------------------------------------------
# Interactions and asks


def resolve_refs(vault: Vault, refs: Sequence[str]) -> list[str]:
    """Contact ids for refs typed by the user, in order, without repeats.

    A ref is an id, a name or alias, a wikilink, or leniently a name without its accents or a
    unique first name (``RefIndex.lookup_for_cli``); notes store the id, which ``check`` accepts.
    """
    if not refs:
        raise WriteError("name at least one contact")
    index = RefIndex(vault.contacts)
    ids: list[str] = []
    for ref in refs:
        one_line_field("contact ref", ref)
        contact_id = _found(index, ref).contact_id
        if contact_id is not None and contact_id not in ids:
            ids.append(contact_id)
    return ids


def _found(index: RefIndex, ref: str) -> Lookup:
    """The contact ``ref`` names (``RefIndex.lookup_for_cli``); none or several is refused."""
    found = index.lookup_for_cli(ref)
    if found.contact_id is None:
        raise WriteError(found.message or f"contact ref '{ref}' matches no contact")
    return found


def _intro_to(vault: Vault, text: str | None) -> str | None:
    """``--intro-to`` as written; a ``[[wikilink]]`` must name a contact, and one found only
    leniently is written with the contact's id (``[[zoe-angstrom|Zoe]]``) so ``check`` accepts it."""
    if text is None or not (text.startswith("[[") and text.endswith("]]")):
        return text  # plain text may be a company
    found = _found(RefIndex(vault.contacts), text)
    if not found.lenient:
        return text
    label = text[2:-2].split("|", 1)[1] if "|" in text else None
    return f"[[{found.contact_id}|{label}]]" if label else f"[[{found.contact_id}]]"


def _dated_stem(day: dt.date, kind: str, contact_id: str) -> str:
    return f"{day.isoformat()}-{safe_slug(kind, 'kind')}-{safe_slug(contact_id, 'contact')}"


def interaction_draft(
    vault: Vault,
    refs: Sequence[str],
    kind: str = "other",
    date: dt.date | None = None,
    follow_up: str | dt.date | None = None,
    next: str | None = None,
    message: str | None = None,
    title: str | None = None,
) -> Draft:
    ids = resolve_refs(vault, refs)
    day = date or dt.date.today()
    kind = one_line_field("kind", kind) or "other"
    kinds = vault.config.interaction_kinds
    if kind not in kinds and vault.config.kinds_known:
        raise WriteError(
            f"unknown interaction kind '{kind}' (kinds: {', '.join(kinds)}; add more under 'kinds:' in netnotes.yaml)"
        )
    follow: str | dt.date | None = None
    if follow_up is not None:
        if isinstance(follow_up, dt.date):
            follow = _date("follow_up", follow_up)
        else:
            text = one_line_field("follow_up", follow_up)
            try:
                parsed = parse_date_or_duration(text)
            except DateError as err:
                raise WriteError(f"follow-up: {err}") from None
            follow = parsed if isinstance(parsed, dt.date) else text
    next_step = one_line_field("next", next)
    # A follow-up before the interaction (NN210) is a typo: refused. A next step without a
    # follow-up (NN211) is written as asked; the command prints a hint that due never lists it.
    if isinstance(follow, dt.date) and follow < day:
        raise WriteError(f"the follow-up {follow} is before the interaction's date {day}")
    fields: dict[str, Any] = {
        "date": day,
        "with": ids[0] if len(ids) == 1 else ids,
        "kind": kind,
        "title": one_line_field("title", title),
        "follow_up": follow,
        "next": next_step,
    }
    return Draft(
        NoteKind.INTERACTIONS,
        f"interactions/{day.year:04d}",
        _dated_stem(day, kind, ids[0]),
        render_note(fields, message or ""),
    )


def ask_draft(
    vault: Vault,
    ref: str,
    direction: str,
    kind: str,
    due: dt.date | None = None,
    message: str | None = None,
    intro_to: str | None = None,
    date: dt.date | None = None,
) -> Draft:
    (contact_id,) = resolve_refs(vault, [ref])
    if direction not in tuple(Direction):
        raise WriteError(f"direction must be 'out' (I asked them) or 'in' (they asked me), not '{direction}'")
    kind = one_line_field("kind", kind) or ""
    if kind not in ASK_KINDS:
        raise WriteError(f"unknown ask kind '{kind}' (kinds: {', '.join(ASK_KINDS)})")
    intro = _intro_to(vault, one_line_field("intro_to", intro_to))
    day = date or dt.date.today()
    fields: dict[str, Any] = {
        "date": day,
        "with": contact_id,
        "direction": direction,
        "kind": kind,
        "status": AskStatus.OPEN,
        "due": _date("due", due),
        "intro_to": intro,
    }
    return Draft(NoteKind.ASKS, "asks", _dated_stem(day, kind, contact_id), render_note(fields, message or ""))
