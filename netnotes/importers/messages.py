"""History from LinkedIn's ``messages.csv`` (or the data export's .zip that holds it).

One ``linkedin`` interaction per conversation per UTC day, with the other participants who are
contacts (matched by LinkedIn URL, else by name); its body holds the day's messages, each under
a heading line ``**14:03:22 UTC** Jane Doe`` followed by the text as a quote. The heading is how
a later export's messages are told from known ones (a message is known by sender and time).

The real export's quirks: quoted multi-line ``CONTENT``; HTML (``<p>``, ``<br>``, links,
entities) in some messages, made plain text; names and text decoded twice somewhere on the way
(``JosÃ©`` for ``José``), repaired by ftfy when the bytes say so; sponsored messages and spam,
skipped (``FOLDER`` ``SPAM`` or a sponsored folder, or sent by a company page).
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import html
import io
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import ftfy

from ..discover import NoteKind
from ..drafts import contact_draft
from ..fsio import WriteError, WriteFailed, sync_filesystem
from ..model import Vault
from ..refs import RefIndex, folded_key, is_linkedin, normalize_linkedin
from ..refs import key as name_key
from ..text import flatten
from ..writer import first_free, taken_ids, write_draft
from .files import ImportFileError, csv_delimiter, csv_rows, read_export
from .history import Entry, Found, HistorySummary, bring_in, note_stem, source_key
from .linkedin import split_credentials
from .people import Row

MESSAGE_COLUMNS = (
    "CONVERSATION ID",
    "CONVERSATION TITLE",
    "FROM",
    "SENDER PROFILE URL",
    "TO",
    "RECIPIENT PROFILE URLS",
    "DATE",
    "SUBJECT",
    "CONTENT",
    "FOLDER",
)
REQUIRED = ("conversation id", "from", "date")
PLACEHOLDER_NAMES = frozenset({"linkedin member"})  # what the export says for a closed account
ORGANISATION_PATHS = ("/company/", "/showcase/", "/school/")
_DATE_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?\s*(?:UTC|Z|\+00:?00)?")


# ---------------------------------------------------------------------------------------------
# Text: HTML made plain, mis-decoded bytes repaired


class _PlainText(HTMLParser):
    """Text of an HTML fragment: paragraphs and ``<br>`` as line breaks, a link as its text
    followed by its address (when that differs), everything else as its text."""

    BLOCKS = frozenset({"p", "div", "li", "ul", "ol", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "tr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[tuple[str, int]] = []  # href, where its text starts

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")
        elif tag == "a":
            href = dict(attrs).get("href") or ""
            self.links.append((href, len(self.parts)))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.BLOCKS:
            self.parts.append("\n\n")
        elif tag == "a" and self.links:
            href, start = self.links.pop()
            label = "".join(self.parts[start:]).strip()
            if href and href.lower().startswith(("http://", "https://", "mailto:")) and href != label:
                self.parts.append(f" ({href})" if label else href)

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def text(self) -> str:
        return "".join(self.parts)


_HTML_TAG_RE = re.compile(r"</?(?:p|br|div|a|span|b|i|u|strong|em|ul|ol|li|blockquote|h[1-6])\b[^<>]*>", re.I)
_CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")  # text.is_control, but \n kept
_ENTITY_RE = re.compile(r"&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def plain_text(content: str) -> str:
    """A message's text as plain lines: HTML markup and entities undone (when it has any),
    mis-decoded accents repaired, control characters dropped, blank runs squeezed."""
    text = content.replace("\r\n", "\n").replace("\r", "\n")
    if _HTML_TAG_RE.search(text):
        parser = _PlainText()
        parser.feed(text)
        parser.close()
        text = parser.text()
    elif _ENTITY_RE.search(text):
        text = html.unescape(text)
    text = _CONTROL_RE.sub("", ftfy.fix_encoding(text).replace("\xa0", " "))
    lines = [line.rstrip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


@functools.lru_cache(maxsize=65536)  # a name comes back in every message of its conversations
def repaired_name(text: str | None) -> str | None:
    """A name from the export on one line, its mis-decoded accents repaired."""
    flat = flatten(text)
    return flatten(html.unescape(ftfy.fix_encoding(flat))) if flat else None


# ---------------------------------------------------------------------------------------------
# Reading the file


@dataclass(frozen=True, slots=True)
class Participant:
    """Someone in a conversation: known by their profile URL when the export gives one."""

    key: str  # the normalised LinkedIn URL, else "name:" and the name's key
    name: str
    url: str | None  # as written in the export


@dataclass(frozen=True, slots=True)
class Message:
    line: int
    conversation: str
    title: str | None
    sender: Participant
    recipients: tuple[Participant, ...]
    sent: dt.datetime  # UTC, naive
    subject: str | None
    text: str
    folder: str


@functools.lru_cache(maxsize=65536)  # the same people in every message of their conversations
def _participant(name: str | None, url: str | None) -> Participant | None:
    url = (url or "").strip() or None
    if url is not None and is_linkedin(url):
        return Participant(normalize_linkedin(url), name or url, url)
    if name:
        return Participant("name:" + name_key(name), name, None)
    return None


def _is_header(cells: list[str]) -> bool:
    folded = {c.strip().casefold() for c in cells}
    return all(h in folded for h in REQUIRED)


def parse_message_date(text: str) -> dt.datetime:
    """``2024-03-15 14:03:22 UTC`` (the export's form), also ISO with ``T`` or ``Z``."""
    match = _DATE_RE.fullmatch(text.strip())
    if not match:
        raise ValueError(text)
    year, month, day, hour, minute, second = (int(g) for g in match.groups())
    return dt.datetime(year, month, day, hour, minute, second)


@dataclass(slots=True)
class MessagesFile:
    """What ``read_messages`` made of the file: its messages and the rows it could not read."""

    messages: list[Message] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)


def read_messages(text: str) -> MessagesFile:
    """Messages from ``messages.csv``; a row that cannot be read is kept as a ``Row`` with its line."""
    delimiter = csv_delimiter(text, _is_header)
    if delimiter is None:
        head = next(csv.reader(io.StringIO(text, newline="")), [])
        found = ", ".join(f"'{c[:40]}'" for c in (flatten(c) for c in head[:10]) if c) or "nothing"
        raise ImportFileError(
            "not a LinkedIn messages.csv: no header row with 'CONVERSATION ID', 'FROM' and 'DATE' "
            f"(expected the columns {', '.join(MESSAGE_COLUMNS)}; found {found})"
        )
    result = MessagesFile()
    columns: dict[str, int] | None = None
    header: list[str] = []
    for first_line, cells in csv_rows(text, delimiter):
        if isinstance(cells, csv.Error):
            result.rows.append(Row(f"line {first_line}", None, f"not a readable CSV row ({cells})"))
            continue
        if columns is None:
            if _is_header(cells):
                header = cells
                columns = {h: i for i, h in reversed(list(enumerate(c.strip().casefold() for c in cells)))}
            continue
        if not any(c.strip() for c in cells):
            continue
        read = _message_from_row(first_line, cells, columns, len(header))
        if isinstance(read, Row):
            result.rows.append(read)
        else:
            result.messages.append(read)
    return result


def _message_from_row(line: int, cells: list[str], columns: dict[str, int], width: int) -> Message | Row:
    """The message in one row of ``messages.csv``, whose header of ``width`` columns gave ``columns``."""
    where = f"line {line}"

    def cell(name: str) -> str:
        i = columns.get(name)
        return cells[i] if i is not None and i < len(cells) else ""

    if len(cells) != width:  # a stray quote or a cut line: the cells would be misread
        return Row(where, None, f"{len(cells)} columns where the header has {width}")
    conversation = flatten(cell("conversation id"))
    if conversation is None:
        return Row(where, None, "no CONVERSATION ID")
    sender = _participant(repaired_name(cell("from")), cell("sender profile url"))
    if sender is None:
        return Row(where, None, "no FROM name or SENDER PROFILE URL")
    date_text = flatten(cell("date")) or ""
    try:
        sent = parse_message_date(date_text)
    except ValueError:
        expected = "expected like 2024-03-15 14:03:22 UTC"
        return Row(where, sender.name, f"DATE '{date_text[:40]}' not understood ({expected})")
    names = [n for n in (repaired_name(n) for n in cell("to").split(",")) if n]
    urls = [u.strip() for u in re.split(r"[,\s]+", cell("recipient profile urls")) if u.strip()]
    pairs: list[tuple[str | None, str | None]]
    if len(urls) == len(names):
        pairs = list(zip(names, urls, strict=True))
    elif urls:  # a name with a comma in it: the URLs tell the people apart, names come from elsewhere
        pairs = [(None, u) for u in urls]
    else:
        pairs = [(n, None) for n in names]
    recipients = tuple(p for p in (_participant(n, u) for n, u in pairs) if p is not None)
    return Message(
        line=line,
        conversation=conversation,
        title=repaired_name(cell("conversation title")),
        sender=sender,
        recipients=recipients,
        sent=sent,
        subject=repaired_name(cell("subject")),
        text=plain_text(cell("content")),
        folder=(flatten(cell("folder")) or "").upper(),
    )


# ---------------------------------------------------------------------------------------------
# Who is who


def skip_reason(message: Message) -> str | None:
    """Why a message is not history with a person: spam, a sponsored message, a company page."""
    folder = message.folder.casefold()
    if folder == "spam" or "spam" in folder.split("_"):
        return "messages in the SPAM folder"
    if "sponsored" in folder:
        return "sponsored messages"
    url = message.sender.url
    if url and any(urlsplit(url if "://" in url else "https://" + url).path.startswith(p) for p in ORGANISATION_PATHS):
        return "company-page messages"
    return None


def _unify(messages: list[Message]) -> list[Message]:
    """Recipients known only by name get the profile URL that name has elsewhere in the file
    (as a sender, or paired in a recipient list), when that name has exactly one; people known
    only by URL get a name the same way."""
    urls_of: dict[str, set[str]] = {}
    name_of: dict[str, str] = {}
    for m in messages:
        for p in (m.sender, *m.recipients):
            if p.url is not None and p.name != p.url:
                urls_of.setdefault(name_key(p.name), set()).add(p.key)
                name_of.setdefault(p.key, p.name)
                if m.sender is p:
                    name_of[p.key] = p.name  # a sender's own name is the one to show
    url_by_name = {k: next(iter(v)) for k, v in urls_of.items() if len(v) == 1}
    example_url = {p.key: p.url for m in messages for p in (m.sender, *m.recipients) if p.url}

    def fix(p: Participant) -> Participant:
        if p.url is None and name_key(p.name) in url_by_name:
            key = url_by_name[name_key(p.name)]
            return Participant(key, name_of.get(key, p.name), example_url.get(key))
        if p.url is not None and p.name == p.url and p.key in name_of:
            return Participant(p.key, name_of[p.key], p.url)
        return p

    out = []
    for m in messages:
        sender, recipients = fix(m.sender), tuple(fix(p) for p in m.recipients)
        if sender != m.sender or recipients != m.recipients:
            m = Message(m.line, m.conversation, m.title, sender, recipients, m.sent, m.subject, m.text, m.folder)
        out.append(m)
    return out


def find_me(messages: list[Message], me: str | None) -> str:
    """The key of the user: the participant named by ``--me`` (a profile URL or a name), else
    the one in every conversation; when several are, the sender of the ``SENT`` folder's messages."""
    people: dict[str, Participant] = {}
    in_conversation: dict[str, set[str]] = {}
    for m in messages:
        for p in (m.sender, *m.recipients):
            people.setdefault(p.key, p)
            in_conversation.setdefault(m.conversation, set()).add(p.key)
    if me is not None:
        wanted = normalize_linkedin(me) if is_linkedin(me) else None
        found = sorted(k for k, p in people.items() if k == wanted or name_key(p.name) == name_key(me))
        if len(found) != 1:
            what = "no participant" if not found else f"{len(found)} participants"
            raise ImportFileError(f"--me {me}: {what} of the conversations has that profile URL or name")
        return found[0]
    if not in_conversation:
        raise ImportFileError("the file holds no messages to import")
    everywhere = set.intersection(*in_conversation.values())
    if len(everywhere) > 1:
        senders = {m.sender.key for m in messages if m.folder == "SENT"} & everywhere
        everywhere = senders or everywhere
    if len(everywhere) == 1:
        return next(iter(everywhere))
    counts = sorted(((sum(k in c for c in in_conversation.values()), k) for k in people), key=lambda t: (-t[0], t[1]))
    likely = ", ".join(f"{people[k].name} ({_shown_key(k)}, in {n} of {len(in_conversation)})" for n, k in counts[:3])
    why = "several participants are in every conversation" if everywhere else "no participant is in every conversation"
    raise ImportFileError(f"cannot tell which participant is you: {why} ({likely}); pass --me YOUR-PROFILE-URL")


def _shown_key(key: str) -> str:
    return key.removeprefix("name:") if key.startswith("name:") else key


class ContactMatcher:
    """Contacts by normalised LinkedIn URL, else by name or alias (as written, then with accents
    folded, then without the credentials LinkedIn names carry): one contact, or no match."""

    def __init__(self, vault: Vault) -> None:
        by_url: dict[str, set[str]] = {}
        for c in vault.contacts:
            if c.linkedin:
                by_url.setdefault(normalize_linkedin(c.linkedin), set()).add(c.id)
        self.by_url = {url: next(iter(ids)) for url, ids in by_url.items() if len(ids) == 1}
        self.index = RefIndex(vault.contacts)
        self.folded: dict[str, set[str]] = {}
        for c in vault.contacts:
            for name in (c.name, *c.aliases):
                self.folded.setdefault(folded_key(name), set()).add(c.id)

    def match(self, person: Participant) -> str | None:
        if not person.key.startswith("name:") and person.key in self.by_url:
            return self.by_url[person.key]
        bare, _ = split_credentials(person.name, "")
        for name in dict.fromkeys((person.name, bare)):
            ids = self.index.names.get(name_key(name), [])
            if len(ids) == 1:
                return ids[0]
            folded = self.folded.get(folded_key(name), set())
            if len(folded) == 1:
                return next(iter(folded))
        return None


# ---------------------------------------------------------------------------------------------
# Conversation days -> interactions


def _escape_name(name: str) -> str:
    """A name safe in a Markdown heading line: no emphasis, link or wikilink made of it."""
    return re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", name)


def message_entry(message: Message) -> Entry:
    """``**14:03:22 UTC** Jane Doe``, then the text quoted line by line (``[[`` escaped, so no
    text makes a wikilink); a message without text is its heading alone."""
    heading = f"**{message.sent:%H:%M:%S} UTC** {_escape_name(message.sender.name)}"
    if not message.text:
        return Entry(heading, heading + "\n")
    quoted = "\n".join(f"> {line}" if line else ">" for line in message.text.replace("[[", "[\\[").split("\n"))
    return Entry(heading, f"{heading}\n\n{quoted}\n")


def _title(messages: list[Message], others: list[Participant]) -> str:
    for m in messages:
        if m.title:
            return m.title
    for m in messages:
        if m.subject:
            return m.subject
    names = [p.name for p in others]
    if len(names) > 3:
        names = [*names[:2], f"{len(names) - 2} others"]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"LinkedIn messages with {listed}" if names else "LinkedIn messages"


@dataclass(slots=True)
class _Unmatched:
    person: Participant
    messages: int = 0


def import_linkedin_messages(
    root: Path,
    vault: Vault,
    path: Path,
    me: str | None = None,
    create: bool = False,
    content: bool = True,
    dry_run: bool = False,
) -> HistorySummary:
    """Import ``messages.csv``, or the export's .zip that holds it (see the module's doc)."""
    read = read_messages(read_export(path, "messages.csv"))
    summary = HistorySummary("interaction", "message", dry_run=dry_run, rows=list(read.rows))
    messages: list[Message] = []
    for m in read.messages:
        why = skip_reason(m)
        if why:
            summary.skip(why)
        else:
            messages.append(m)
    messages = _unify(messages)
    if not messages:
        summary.matched = 0
        return summary
    me_key = find_me(messages, me)
    matcher = ContactMatcher(vault)
    matched: dict[str, str | None] = {}
    unmatched: dict[str, _Unmatched] = {}
    for m in messages:
        for p in dict.fromkeys((m.sender, *m.recipients)):
            if p.key == me_key:
                continue
            if p.key not in matched:
                matched[p.key] = matcher.match(p)
            if matched[p.key] is None:
                unmatched.setdefault(p.key, _Unmatched(p)).messages += 1
    if create and unmatched:
        _create_contacts(root, unmatched, matched, summary)
        if summary.failure is not None:
            sync_filesystem(root)  # the contacts written before the failure
            return summary
    summary.matched = sum(1 for contact_id in matched.values() if contact_id is not None)
    summary.unmatched = [
        (_who(u.person), u.messages)
        for u in sorted(unmatched.values(), key=lambda u: (-u.messages, u.person.name.casefold(), u.person.key))
        if matched.get(u.person.key) is None
    ]
    days: dict[tuple[str, dt.date], list[Message]] = {}
    for m in sorted(messages, key=lambda m: (m.sent, m.line)):
        days.setdefault((m.conversation, m.sent.date()), []).append(m)
    found: list[Found] = []
    for (conversation, day), day_messages in sorted(days.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        people: dict[str, Participant] = {}
        for m in day_messages:
            for p in (m.sender, *m.recipients):
                if p.key != me_key:
                    people.setdefault(p.key, p)
        others = list(people.values())
        ids = list(dict.fromkeys(i for i in (matched.get(p.key) for p in others) if i is not None))
        if not ids:
            summary.skip("conversation days with no contact")
            continue
        found.append(
            Found(
                source=source_key("linkedin", day, conversation),
                date=day,
                with_=tuple(ids),
                kind="linkedin",
                title=_title(day_messages, others),
                stem=note_stem(day, "linkedin", ids[0], conversation),
                entries=tuple(message_entry(m) for m in day_messages) if content else (),
            )
        )
    return bring_in(root, vault, found, summary)


def _who(p: Participant) -> str:
    return f"{p.name} ({p.key})" if p.url else p.name


def _create_contacts(
    root: Path, unmatched: dict[str, _Unmatched], matched: dict[str, str | None], summary: HistorySummary
) -> None:
    """A contact note for each unmatched person with a name (a closed account's placeholder
    name ``LinkedIn Member`` is nobody to create); their ids join ``matched``."""
    taken = taken_ids(root, NoteKind.CONTACTS)
    for u in sorted(unmatched.values(), key=lambda u: (u.person.name.casefold(), u.person.key)):
        p = u.person
        if p.name == p.url or name_key(p.name) in PLACEHOLDER_NAMES:
            continue
        name, credentials = split_credentials(p.name, "")
        try:
            draft = contact_draft(
                name,
                linkedin=p.url,
                tags=["linkedin"],
                custom={"credentials": credentials} if credentials else None,
            )
            if summary.dry_run:
                path = first_free(root, draft, taken)
                taken.add(path.stem.casefold())
            else:
                path = write_draft(root, draft, taken, durable=False)  # flushed with the interactions
        except WriteFailed as err:
            summary.failure = err
            return
        except WriteError as err:
            summary.rows.append(Row(p.name, None, f"no contact created: {err}"))
            continue
        summary.contacts.append(path)
        matched[p.key] = path.stem.casefold()
