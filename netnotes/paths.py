"""Introduction paths (the contract's section 8): who can introduce me to a company or a person.

The *insiders* of a company K are the contacts there now, and those who were there *formerly*
(K in their ``past_companies``, or the old company of a career move read from git); the insider
of a person P is P. An insider I know (strength >= 30) is a *direct* path. For the others, an
*introducer* Y is any other contact with a link to them: one introduced the other
(``met_through``), they were together in one interaction's ``with``, or Y is the contact of an
ask whose ``intro_to`` names the insider or K. Each (introducer, insider) pair is one path,
with every note that links them as its evidence.

``PathIndex`` reads the vault once (who met whom through whom, who was together with whom, the
intro asks) so that the top paths of every company page cost a few look-ups each; ``paths`` is
the one-target answer the ``path`` command prints.
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import heapq
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from .companies import CompanyIndex, company_index
from .model import Ask, Contact, Interaction, Vault
from .moves import Move, job_text
from .refs import RefIndex, unwrap
from .strength import Relationships, Strength
from .text import escape_for_line

KNOWN = 30  # "a contact I know": strength from the *steady* band up
# An interaction naming more people than this (a conference's attendee list, a mailing list)
# links none of them to each other: a crowd is no introduction, and every pair of a crowd would
# cost its size squared. The calendar import draws the same line (section 9).
TOGETHER_LIMIT = 20
SUGGEST = 0.75  # how close a name must be to be suggested for an unknown TARGET

TargetKind = Literal["company", "person"]
LinkKind = Literal["met-through", "together", "intro-ask"]


@dataclass(frozen=True, slots=True)
class Target:
    kind: TargetKind
    key: str  # the company key, or the contact id
    name: str  # the company's most used spelling, or the contact's name


@dataclass(frozen=True, slots=True)
class Evidence:
    """A note that links an introducer to an insider."""

    kind: LinkKind
    date: dt.date | None  # None: undated (a `met_through` whose later contact has no `since`)
    source: str  # the note's vault path
    text: str  # "Felix Bauer introduced you to Ingrid Sørensen"

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "date": self.date.isoformat() if self.date else None,
            "source": self.source,
            "text": self.text,
        }


@dataclass(frozen=True, slots=True)
class Insider:
    contact: Contact
    formerly: bool  # was at the company, is not now
    strength: Strength

    @property
    def known(self) -> bool:
        return self.strength.score >= KNOWN


@dataclass(frozen=True, slots=True)
class Path:
    """A way in: an insider I know (``introducer`` None), or an introducer and the insider."""

    insider: Insider
    introducer: Contact | None = None
    introducer_strength: Strength | None = None
    evidence: tuple[Evidence, ...] = ()  # newest first, undated last

    @property
    def direct(self) -> bool:
        return self.introducer is None

    @property
    def strength(self) -> Strength:
        """What the path ranks by: the introducer's strength, or the insider's for a direct path."""
        return self.introducer_strength or self.insider.strength

    @property
    def date(self) -> dt.date | None:
        """The latest date of the evidence (None when none is dated)."""
        return next((e.date for e in self.evidence if e.date is not None), None)


@dataclass(frozen=True, slots=True)
class Paths:
    target: Target
    insiders: tuple[Insider, ...]  # now first, then formerly; each by name, then id
    direct: tuple[Path, ...]  # ranked
    introduced: tuple[Path, ...]  # ranked; the first ``limit`` when limited
    introduced_total: int  # how many introducer paths there are in all
    unreached: tuple[Insider, ...]  # insiders I do not know whom no one links to

    @property
    def more(self) -> int:
        return self.introduced_total - len(self.introduced)

    def top(self, count: int) -> list[Path]:
        """The first ``count`` paths: direct ones first (someone I know beats an introduction)."""
        return [*self.direct, *self.introduced][:count]


def _by_name(contact: Contact) -> tuple[str, str]:
    return (contact.name.casefold(), contact.id)


def _evidence_order(e: Evidence) -> tuple[int, int, str, str]:
    return (e.date is None, -(e.date.toordinal() if e.date else 0), e.kind, e.source)


def _rank(path: Path) -> tuple[int, bool, int, str, str, str, str]:
    """Strength (highest first), then the latest evidence (newest first, undated last), then the
    introducer's name case-folded and id; the insider's name and id keep the order total."""
    ranked_by = path.introducer or path.insider.contact
    day = path.date if not path.direct else path.insider.strength.last_touch
    return (
        -path.strength.score,
        day is None,
        -(day.toordinal() if day else 0),
        *_by_name(ranked_by),
        *_by_name(path.insider.contact),
    )


class PathIndex:
    """The links between contacts, read once from the vault, for the paths to any target."""

    def __init__(
        self,
        vault: Vault,
        today: dt.date,
        moves: Iterable[Move],
        relationships: Relationships,
        companies: CompanyIndex | None = None,
    ) -> None:
        self.vault = vault
        self.relationships = relationships
        self.companies = companies or company_index(vault.contacts, vault.config)
        contacts = vault.contacts_by_id
        self._formerly: dict[str, dict[str, None]] = {
            k: dict.fromkeys(c.id for c in company.formerly) for k, company in self.companies.companies.items()
        }
        self.move_names: dict[str, str] = {}  # companies known only from git moves: key -> a spelling
        for move in moves:
            if move.date > today or not move.old_company or move.contact not in contacts:
                continue
            old = self.companies.merges.key(move.old_company)
            new = self.companies.merges.key(move.company) if move.company else ""
            current = contacts[move.contact].company
            if not old or old == new or (current and self.companies.merges.key(current) == old):
                continue
            self._formerly.setdefault(old, {})[move.contact] = None
            if old not in self.companies.companies:
                self.move_names.setdefault(old, " ".join(move.old_company.split()))
        self._introduced: dict[str, list[Contact]] = {}  # contact id -> contacts who met me through them
        for c in vault.contacts:
            if c.met_through is not None and c.met_through != c.id and c.met_through in contacts:
                self._introduced.setdefault(c.met_through, []).append(c)
        self._together = _together(vault.interactions, today)
        self._index_asks(vault.asks)

    def _index_asks(self, asks: Iterable[Ask]) -> None:
        self._asks_to_contact: dict[str, list[Ask]] = {}
        self._asks_to_company: dict[str, list[Ask]] = {}
        for ask in asks:
            if ask.with_ is None or not ask.intro_to:
                continue
            if ask.intro_to_contact is not None:
                self._asks_to_contact.setdefault(ask.intro_to_contact, []).append(ask)
            else:
                self._asks_to_company.setdefault(self.companies.merges.key(unwrap(ask.intro_to)), []).append(ask)

    def patched(
        self,
        vault: Vault,
        today: dt.date,
        relationships: Relationships,
        contacts: Collection[str],
        interactions_of: Mapping[str, Iterable[Interaction]],
        asks: bool,
    ) -> PathIndex:
        """This index for a later model of the vault with the same contacts, config, moves
        and today (``today``, ``moves`` and ``companies`` as given to this one), where only the
        interactions that name ``contacts`` changed (``interactions_of``: each contact's, the
        model's ``interactions_by_contact``: everyone in ``with`` of the interactions read again,
        before and after), and the asks when ``asks``; ``relationships`` are the later model's.
        Who was with whom is found again for ``contacts``; the intro asks are indexed again
        when asks changed (a pass over the asks alone)."""
        index = copy.copy(self)
        index.vault, index.relationships = vault, relationships
        if contacts:
            # A pair's latest interaction changed only if one it is in was read again, and then
            # both of them are among ``contacts``: only their rows are found again.
            together = dict(self._together)
            for cid in contacts:
                row = _together(interactions_of.get(cid, ()), today).get(cid)
                if row is None:
                    together.pop(cid, None)
                else:
                    together[cid] = row
            index._together = together
        if asks:
            index._index_asks(vault.asks)
        return index

    # -- targets

    def company_names(self) -> dict[str, str]:
        """Every company a path can lead to, by key: the contacts' companies and those left in git moves."""
        names = {k: company.name for k, company in self.companies.companies.items()}
        names.update((k, name) for k, name in self.move_names.items() if k not in names)
        return names

    def company_target(self, name: str) -> Target | None:
        """The company ``name`` names (any spelling, ``companies:`` merges too), when it has insiders."""
        k = self.companies.merges.key(unwrap(name)) if name.strip() else ""
        found = self.company_names().get(k) if k else None
        return Target("company", k, found) if found is not None else None

    # -- paths

    def company(self, key: str, limit: int | None = None) -> Paths:
        """The paths to the company by ``key``; ``limit`` keeps the first introducer paths only."""
        company = self.companies.companies.get(key)
        now = company.now if company is not None else ()
        name = company.name if company is not None else self.move_names.get(key, key)
        contacts = self.vault.contacts_by_id
        formerly = [contacts[cid] for cid in self._formerly.get(key, {})]
        insiders = [self._insider(c, False) for c in sorted(now, key=_by_name)]
        insiders += [self._insider(c, True) for c in sorted(formerly, key=_by_name)]
        return self._paths(Target("company", key, name), insiders, self._asks_to_company.get(key, []), limit)

    def person(self, contact_id: str, limit: int | None = None) -> Paths:
        contact = self.vault.contacts_by_id[contact_id]
        target = Target("person", contact_id, contact.name)
        return self._paths(target, [self._insider(contact, False)], [], limit)

    def _insider(self, contact: Contact, formerly: bool) -> Insider:
        return Insider(contact, formerly, self.relationships.of(contact.id))

    def _paths(self, target: Target, insiders: list[Insider], company_asks: list[Ask], limit: int | None) -> Paths:
        direct = sorted((Path(i) for i in insiders if i.known), key=_rank)
        unknown = [i for i in insiders if not i.known]
        # Links that name one insider, gathered per (introducer, insider) pair
        pairs: dict[tuple[str, str], list[Evidence]] = {}
        for insider in unknown:
            for introducer, link in self._links(insider.contact):
                pairs.setdefault((introducer, insider.contact.id), []).append(link)
        # An ask for an intro to the company links its contact to every insider: per introducer,
        # the evidence is the same for all of them, so with a limit only the first few insiders
        # (by name) of pairs without another link can make the cut.
        by_introducer: dict[str, list[Evidence]] = {}
        for ask in company_asks:
            assert ask.with_ is not None
            by_introducer.setdefault(ask.with_, []).append(self._ask_evidence(ask, target.name))
        reached = {insider for _, insider in pairs}
        specific: dict[str, set[str]] = {}
        for introducer, insider_id in pairs:
            specific.setdefault(introducer, set()).add(insider_id)
        ordered = sorted(unknown, key=lambda i: _by_name(i.contact))
        unknown_ids = {i.contact.id for i in unknown}
        total = 0
        for introducer, evidence in by_introducer.items():
            mine = specific.get(introducer, set())
            for insider_id in mine:
                pairs[(introducer, insider_id)].extend(evidence)
            others = len(unknown_ids - {introducer}) - len(mine)
            made = 0
            for insider in ordered:
                if limit is not None and made >= limit:
                    break
                if insider.contact.id != introducer and insider.contact.id not in mine:
                    pairs[(introducer, insider.contact.id)] = list(evidence)
                    made += 1
            total += others - made  # counted, not built
            if others:
                reached |= unknown_ids - {introducer}
        insiders_by_id = {i.contact.id: i for i in unknown}
        contacts = self.vault.contacts_by_id
        built = (
            Path(
                insiders_by_id[insider],
                contacts[introducer],
                self.relationships.of(introducer),
                tuple(sorted(evidence, key=_evidence_order)),
            )
            for (introducer, insider), evidence in pairs.items()
        )
        total += len(pairs)
        if limit is None:
            introduced = sorted(built, key=_rank)
        else:
            introduced = heapq.nsmallest(limit, built, key=_rank)
        unreached = tuple(i for i in unknown if i.contact.id not in reached)
        return Paths(target, tuple(insiders), tuple(direct), tuple(introduced), total, unreached)

    def _links(self, insider: Contact) -> Iterator[tuple[str, Evidence]]:
        """Every (introducer id, evidence) that names ``insider`` itself."""
        contacts = self.vault.contacts_by_id
        if insider.met_through is not None and insider.met_through != insider.id and insider.met_through in contacts:
            introducer = contacts[insider.met_through]
            yield introducer.id, self._met_evidence(introducer, insider)
        for introduced in self._introduced.get(insider.id, ()):
            yield introduced.id, self._met_evidence(insider, introduced)
        for other, (day, interaction) in self._together.get(insider.id, {}).items():
            what = interaction.title or interaction.kind or "an interaction"
            text = f"{contacts[other].name} and {insider.name} were both at: {what}"
            yield other, Evidence("together", day, interaction.path, text)
        for ask in self._asks_to_contact.get(insider.id, ()):
            assert ask.with_ is not None
            if ask.with_ != insider.id:
                yield ask.with_, self._ask_evidence(ask, insider.name)

    def _met_evidence(self, introducer: Contact, introduced: Contact) -> Evidence:
        """``introduced`` met me through ``introducer``: dated by the later contact's ``since``."""
        dates = [d for d in (introducer.since, introduced.since) if d is not None]
        day = max(dates) if introduced.since is not None else None
        return Evidence("met-through", day, introduced.path, f"{introducer.name} introduced you to {introduced.name}")

    def _ask_evidence(self, ask: Ask, to: str) -> Evidence:
        """``you asked Rachel Adeyemi for an intro to Helix Robotics (linkedin-intro, open)``."""
        who = self.vault.contacts_by_id[ask.with_].name if ask.with_ else "?"
        what = f"{ask.kind}, {ask.status}" if ask.kind else ask.status
        if ask.direction == "in":
            text = f"{who} asked you for an intro to {to} ({what})"
        else:
            text = f"you asked {who} for an intro to {to} ({what})"
        return Evidence("intro-ask", ask.date, ask.path, text)


def _together(interactions: Iterable[Interaction], today: dt.date) -> dict[str, dict[str, tuple[dt.date, Interaction]]]:
    """Who was with whom, in one pass: contact -> {other contact: (latest date, its interaction)}.

    Of two interactions of a pair on one day, the later path wins, whatever the order they come
    in. Planned interactions (after today) have not happened, and crowds (more than
    ``TOGETHER_LIMIT`` people) link no one.
    """
    together: dict[str, dict[str, tuple[dt.date, Interaction]]] = {}
    last: tuple[dt.date, str] | None = None  # the interaction before's date and path
    ordered = True  # so far they came by date and path (the model's order): the later one wins
    for interaction in interactions:
        people = interaction.with_
        if len(people) < 2 or interaction.date > today:
            continue  # most interactions are with one person: nothing to pair
        if len(people) > TOGETHER_LIMIT and len(set(people)) > TOGETHER_LIMIT:
            continue
        if ordered:
            now = (interaction.date, interaction.path)
            ordered = last is None or last < now
            last = now
        seen = (interaction.date, interaction)
        for a in people:
            row = together.get(a)
            if row is None:
                row = together[a] = {}
            for b in people:
                if b == a:
                    continue
                if not ordered:
                    old = row.get(b)
                    if old is not None and (old[0], old[1].path) >= (interaction.date, interaction.path):
                        continue
                row[b] = seen
    return together


@dataclass(frozen=True, slots=True)
class TargetLookup:
    """What a TARGET typed on the command line names; the texts are one printable line."""

    target: Target | None
    message: str | None = None  # why there is no target
    note: str | None = None  # when TARGET names a company and a contact too

    def __post_init__(self) -> None:
        for name in ("message", "note"):
            text = getattr(self, name)
            if text is not None:
                object.__setattr__(self, name, escape_for_line(text))


def find_target(index: PathIndex, text: str) -> TargetLookup:
    """The company or the contact ``text`` names. A company (any spelling) wins over a contact
    of the same name; a wikilink (``[[Jane Doe]]``) always means the contact."""
    if not unwrap(text):
        return TargetLookup(None, "TARGET is empty: name a company or a contact")
    refs = RefIndex(index.vault.contacts)
    wikilink = text.strip().startswith("[[")
    company = None if wikilink else index.company_target(text)
    contact = refs.lookup_for_cli(text)
    if company is not None:
        note = None
        if contact.status == "found" and not contact.lenient and contact.contact_id is not None:
            name = index.vault.contacts_by_id[contact.contact_id].name
            note = f"'{text.strip()}' is the company {company.name}; for the contact, use '[[{name}]]'"
        return TargetLookup(company, note=note)
    if contact.status == "found" and contact.contact_id is not None:
        person = index.vault.contacts_by_id[contact.contact_id]
        return TargetLookup(Target("person", person.id, person.name))
    if contact.status == "ambiguous":
        return TargetLookup(None, contact.message)
    if wikilink and index.company_target(text) is not None:
        return TargetLookup(None, f"'{text.strip()}' names no contact; for the company, write it without [[ ]]")
    return TargetLookup(None, _not_found(index, text))


def _not_found(index: PathIndex, text: str) -> str:
    """``no company or contact matches 'Helixx' (did you mean 'Helix Robotics'?)``: names close to
    TARGET as a whole, or in their first words (``Helixx`` is close to ``Helix`` Robotics)."""
    target = " ".join(unwrap(text).split())
    folded = target.casefold()
    width = len(folded.split())
    names = set(index.company_names().values()) | {c.name for c in index.vault.contacts}
    matcher = difflib.SequenceMatcher(b=folded)
    scored = []
    for name in names:
        score = 0.0
        for part in {name.casefold(), " ".join(name.casefold().split()[:width])}:
            matcher.set_seq1(part)
            if matcher.real_quick_ratio() >= SUGGEST and matcher.quick_ratio() >= SUGGEST:
                score = max(score, matcher.ratio())
        if score >= SUGGEST:
            scored.append((-score, name.casefold(), name))
    hint = ", ".join(f"'{name}'" for _, _, name in sorted(scored)[:3])
    return f"no company or contact matches '{target}'" + (f" (did you mean {hint}?)" if hint else "")


def paths(
    vault: Vault,
    target: Target,
    today: dt.date,
    moves: Iterable[Move],
    strength: Relationships,
    limit: int | None = None,
) -> Paths:
    """The paths to one company or person: the index built for this one answer."""
    index = PathIndex(vault, today, moves, strength)
    return index.company(target.key, limit) if target.kind == "company" else index.person(target.key, limit)


# -- the answer as text and JSON (what ``netnotes path`` prints)


def _job(contact: Contact) -> str:
    return job_text(contact.company, contact.role)


def _who(insider: Insider, company: Target | None) -> str:
    """``Ingrid Sørensen (formerly at Helix Robotics; now Director at Quillmark)``."""
    job = _job(insider.contact)
    if insider.formerly and company is not None:
        return f"{insider.contact.name} (formerly at {company.name}" + (f"; now {job})" if job else ")")
    return f"{insider.contact.name}" + (f" ({job})" if job else "")


def format_paths_text(answer: Paths) -> str:
    """The paths as ``netnotes path`` prints them: direct ones, then introducers with evidence."""
    target = answer.target
    company = target if target.kind == "company" else None
    lines = []
    if company is not None:
        formerly = sum(i.formerly for i in answer.insiders)
        there = f"{len(answer.insiders)} {'person' if len(answer.insiders) == 1 else 'people'}"
        lines.append(f"{target.name}: {there}" + (f" ({formerly} formerly)" if formerly else ""))
    else:
        lines.append(_who(answer.insiders[0], None))
    lines.append("")
    lines.append(f"You know ({len(answer.direct)})")
    for p in answer.direct:
        s = p.insider.strength
        lines.append(f"  {_who(p.insider, company)}: strength {s.score} {s.band}, {s.summary}")
    if not answer.direct:
        lines.append("  nobody with strength 30 or more")
    lines.append("")
    lines.append(f"Through an introducer ({answer.introduced_total})")
    for p in answer.introduced:
        assert p.introducer is not None
        s = p.strength
        lines.append(f"  {p.introducer.name} (strength {s.score} {s.band}) -> {_who(p.insider, company)}")
        for e in p.evidence:
            day = e.date.isoformat() if e.date else "undated   "
            lines.append(f"      {day}  {e.text}  [{e.source}]")
    if answer.more:
        lines.append(f"  ... and {answer.more} more (--limit 0 lists them all)")
    if not answer.introduced_total:
        lines.append("  nobody linked to them yet")
    if answer.unreached:
        lines.append("")
        lines.append(f"No path yet ({len(answer.unreached)})")
        for i in answer.unreached:
            lines.append(f"  {_who(i, company)}: strength {i.strength.score}")
    # a name or a title from a note may hold a line break or a terminal escape: shown escaped
    return "".join(escape_for_line(line) + "\n" for line in lines)


def _person_json(contact: Contact, strength: Strength, formerly: bool | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "contact": contact.id,
        "name": contact.name,
        "company": contact.company,
        "role": contact.role,
        "strength": strength.to_json(),
    }
    if formerly is not None:
        out["formerly"] = formerly
    return out


def paths_json(answer: Paths) -> dict[str, Any]:
    """The paths as the JSON ``netnotes path --format json`` prints (keys in docs/commands.md)."""

    def insider(i: Insider) -> dict[str, Any]:
        return _person_json(i.contact, i.strength, i.formerly)

    introduced = []
    for p in answer.introduced:
        assert p.introducer is not None and p.introducer_strength is not None
        introduced.append(
            {
                "introducer": _person_json(p.introducer, p.introducer_strength),
                "insider": insider(p.insider),
                "date": p.date.isoformat() if p.date else None,
                "evidence": [e.to_json() for e in p.evidence],
            }
        )
    t = answer.target
    return {
        "target": {"kind": t.kind, "key": t.key, "name": t.name},
        "insiders": [insider(i) for i in answer.insiders],
        "direct": [insider(p.insider) for p in answer.direct],
        "introducers": introduced,
        "more": answer.more,
        "unreached": [insider(i) for i in answer.unreached],
    }
