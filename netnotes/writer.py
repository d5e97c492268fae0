"""Writing new notes: file names from names, front matter by a YAML emitter, exclusive writes.

Every note is written to a hidden temporary file in its target folder, flushed to disk, and
then hard-linked to its final name: ``os.link`` fails when that name exists, so a note is
never overwritten, and two commands racing for the same name end up with ``jane-doe.md`` and
``jane-doe-2.md``. Where hard links are not supported, ``O_CREAT | O_EXCL`` keeps the same
guarantee (without the atomicity). Nothing here knows about Click; bad input raises
``WriteError`` with a message for the user, and a write the file system refuses (permissions,
a read-only folder, a full disk) raises ``WriteFailed`` naming the file, leaving no temporary
file or new folder behind. ``create_file`` and ``replace_file`` write other files the same way.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import re
import stat
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .config import load_config
from .dates import Birthday, DateError, parse_birthday, parse_date_or_duration, parse_duration
from .discover import discover
from .fields import near_miss
from .model import ASK_DIRECTIONS, ASK_KINDS, Config, Vault
from .refs import RefIndex
from .refs import key as name_key
from .slugs import safe_slug

MAX_SUFFIX = 10_000

# What str.splitlines() breaks on: a one-line field containing any of these is rejected.
_LINE_BREAKS = re.compile(r"[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")


# What a link fails with when the folder or disk refuses, rather than hard links being unsupported.
_REFUSALS = (errno.EACCES, errno.ENOSPC, errno.EROFS, getattr(errno, "EDQUOT", errno.ENOSPC))


class WriteError(Exception):
    """A note cannot be written as asked; the message says why and what to do."""


class WriteFailed(WriteError):
    """The file system refused a write (permissions, a read-only folder, a full disk)."""

    def __init__(self, path: Path, err: OSError) -> None:
        self.path = path
        self.reason = err.strerror or (os.strerror(err.errno) if err.errno else str(err) or type(err).__name__)
        super().__init__(f"cannot write {path}: {self.reason}")


# ---------------------------------------------------------------------------------------------
# File names


def candidate_stems(base: str) -> Iterator[str]:
    """``base``, ``base-2``, ``base-3`` ..."""
    yield base
    for n in range(2, MAX_SUFFIX):
        yield f"{base}-{n}"


def taken_ids(root: Path, kind: str) -> set[str]:
    """Ids of every note of ``kind`` already in the vault, in any subfolder, readable or not."""
    files, _ = discover(root)
    return {f.id for f in files if f.kind == kind}


# ---------------------------------------------------------------------------------------------
# Front matter


def one_line(key: str, value: object) -> str | None:
    """A one-line text field, stripped (the loader strips too); newlines are an error."""
    if value is None:
        return None
    text = str(value)
    if _LINE_BREAKS.search(text):
        raise WriteError(f"'{key}' must be one line; it contains a line break: {text!r}")
    for ch in text:
        category = unicodedata.category(ch)
        if (category == "Cc" and ch != "\t") or category == "Cs":
            raise WriteError(f"'{key}' contains a control character {ch!r}; remove it")
    return text.strip() or None


def one_lines(key: str, values: Iterable[object] | None) -> list[str]:
    out: list[str] = []
    for value in values or ():
        text = one_line(key, value)
        if text is not None and text not in out:
            out.append(text)
    return out


def _one_or_many(values: list[str]) -> str | list[str] | None:
    if not values:
        return None
    return values[0] if len(values) == 1 else values


class _Dumper(yaml.SafeDumper):
    """Block mappings (one field per line) with lists written inline: ``tags: [a, b]``."""

    def represent_list(self, data: list[Any]) -> yaml.SequenceNode:  # type: ignore[override]
        return self.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True)


_Dumper.add_representer(list, _Dumper.represent_list)


def render_note(fields: dict[str, Any], body: str = "") -> str:
    """``---``, the fields in the given order (``None`` left out), ``---``, then the body verbatim."""
    data = {k: v for k, v in fields.items() if v is not None and v != []}
    front = yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=1_000_000,  # one field per line: a wrapped value would be harder to read and edit
    )
    return f"---\n{front}---\n{body}"


# ---------------------------------------------------------------------------------------------
# Exclusive writes


@dataclass(frozen=True, slots=True)
class Draft:
    """A note ready to be written: its folder (vault-relative), base file name, and text."""

    kind: str  # contacts | interactions | asks
    folder: str  # vault-relative, '/'-separated
    stem: str
    text: str

    def first_free(self, root: Path, taken: set[str]) -> Path:
        """Where ``write`` would put the note now (for dry runs); nothing is written."""
        for stem in candidate_stems(self.stem):
            path = root / self.folder / f"{stem}.md"
            if stem.casefold() not in taken and not path.exists():
                return path
        raise WriteError(f"no free file name for '{self.stem}' in {self.folder}/")


def write_draft(root: Path, draft: Draft, taken: set[str] | None = None) -> Path:
    """Write ``draft`` under a free name (a numeric suffix when taken); never overwrites.

    ``taken`` are ids already used anywhere under the kind's folder (another subfolder's
    ``jane-doe.md`` would be a duplicate id); it is updated with the id written. When the file
    system refuses (``WriteFailed``), nothing is left behind: no temporary file, no new folder.
    """
    if taken is None:
        taken = taken_ids(root, draft.kind)
    folder = _safe_folder(root, draft.folder)
    try:
        data = draft.text.encode("utf-8")
    except UnicodeEncodeError as err:
        raise WriteError(
            f"the note contains text that is not valid Unicode ({err.reason}); nothing was written"
        ) from None
    intended = draft.first_free(root, taken)  # the name that failing writes are reported under
    made = make_folders(folder, intended)
    try:
        tmp = _write_aside(folder, data, intended)
        try:
            for stem in candidate_stems(draft.stem):
                if stem.casefold() in taken:
                    continue
                final = folder / f"{stem}.md"
                if _link_or_create(tmp, final, data):
                    _sync_folder(folder)
                    taken.add(stem.casefold())
                    return final
            raise WriteError(f"no free file name for '{draft.stem}' in {draft.folder}/")
        finally:
            _remove(tmp)
    except BaseException:
        remove_folders(made)
        raise


def make_folders(folder: Path, intended: Path) -> list[Path]:
    """Create ``folder`` and its missing parents; returns those created, outermost first."""
    missing = []
    for parent in (folder, *folder.parents):
        if parent.is_dir():
            break
        missing.append(parent)
    made: list[Path] = []
    for path in reversed(missing):
        try:
            os.mkdir(path)
        except FileExistsError:
            if path.is_dir():  # made meanwhile by another writer
                continue
            remove_folders(made)
            raise WriteFailed(intended, FileExistsError(errno.EEXIST, f"{path} is not a folder")) from None
        except OSError as err:
            remove_folders(made)
            raise WriteFailed(intended, err) from None
        made.append(path)
    return made


def remove_folders(made: list[Path]) -> None:
    """Undo ``make_folders`` as far as the folders are still empty."""
    for path in reversed(made):
        try:
            os.rmdir(path)
        except OSError:
            pass


def _remove(path: Path | str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _write_all(fd: int, data: bytes) -> None:
    """All of ``data`` to ``fd``, then to the disk (a full disk may only say so at fsync)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
    os.fsync(fd)


def _write_aside(folder: Path, data: bytes, intended: Path) -> str:
    """A hidden temporary file in ``folder`` holding ``data``, flushed to disk; its path."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=".netnotes-", suffix=".tmp", dir=folder)
    except OSError as err:
        raise WriteFailed(intended, err) from None
    try:
        try:
            _write_all(fd, data)
        finally:
            os.close(fd)
    except OSError as err:
        _remove(tmp)
        raise WriteFailed(intended, err) from None
    return tmp


def _link_or_create(tmp: str, final: Path, data: bytes) -> bool:
    """Give the temporary file its final name, which must not exist yet; False when it does."""
    try:
        os.link(tmp, final)
        return True
    except FileExistsError:
        return False
    except (OSError, AttributeError, NotImplementedError) as err:
        if isinstance(err, OSError) and err.errno in _REFUSALS:
            raise WriteFailed(final, err) from None
    # e.g. FAT or some network file systems: no hard links
    return _create_exclusive(final, data)


def create_file(path: Path, data: bytes) -> bool:
    """Write a new file at ``path`` in one step (temporary file, then link); False when ``path``
    exists, which is left as it was."""
    tmp = _write_aside(path.parent, data, path)
    try:
        created = _link_or_create(tmp, path, data)
    finally:
        _remove(tmp)
    if created:
        _sync_folder(path.parent)
    return created


def replace_file(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one step: a reader sees the old file or the new one.
    A file replaced keeps its permission bits; a new one is private to its owner."""
    tmp = _write_aside(path.parent, data, path)
    try:
        try:
            os.chmod(tmp, stat.S_IMODE(os.stat(path).st_mode))
        except FileNotFoundError:
            pass
        os.replace(tmp, path)
    except OSError as err:
        raise WriteFailed(path, err) from None
    finally:
        _remove(tmp)
    _sync_folder(path.parent)


def _create_exclusive(path: Path, data: bytes) -> bool:
    """Create ``path`` only if it does not exist; False when it does. A failed write removes it."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    except FileExistsError:
        return False
    except OSError as err:
        raise WriteFailed(path, err) from None
    try:
        try:
            _write_all(fd, data)
        finally:
            os.close(fd)
    except OSError as err:
        _remove(path)
        raise WriteFailed(path, err) from None
    return True


def _sync_folder(folder: Path) -> None:
    """Make the new directory entry durable; not possible (nor needed) everywhere."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _safe_folder(root: Path, relfolder: str) -> Path:
    """The target folder, refusing one that a symlink sends outside the vault (it would not be read)."""
    folder = root / relfolder
    real_root = os.path.realpath(root)
    real = os.path.realpath(folder)
    if real != real_root and not real.startswith(real_root + os.sep):
        raise WriteError(f"'{relfolder}' leads outside the vault (to {real}); notes there would not be read")
    return folder


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
    clean_name = one_line("name", name)
    if clean_name is None:
        raise WriteError("a contact needs a name")
    circle = one_line("circle", circle)
    if circle is not None and config is not None and config.circles_known:  # else the CLI says why not
        circles = config.circle_cadences
        if circle not in circles:
            known = ", ".join(circles) if circles else "none defined in netnotes.yaml"
            hint = near_miss(circle, circles)
            guess = f"did you mean '{hint}'? " if hint else ""
            raise WriteError(f"unknown circle '{circle}' ({guess}circles: {known})")
    cadence = one_line("cadence", cadence)
    if cadence is not None:
        try:
            parse_duration(cadence)
        except DateError as err:
            raise WriteError(f"cadence: {err}") from None
    fields: dict[str, Any] = {
        "name": clean_name,
        "aliases": one_lines("aliases", aliases),
        "company": one_line("company", company),
        "role": one_line("role", role),
        "location": one_line("location", location),
        "email": _one_or_many(one_lines("email", email)),
        "phone": _one_or_many(one_lines("phone", phone)),
        "linkedin": one_line("linkedin", linkedin),
        "website": one_line("website", website),
        "tags": one_lines("tags", tags),
        "circle": circle,
        "cadence": cadence,
        "since": _date("since", since),
        "met_at": one_line("met_at", met_at),
        "birthday": _birthday(birthday),
    }
    for name, value in (custom or {}).items():
        if name in fields:
            raise WriteError(f"'{name}' is a contact field, not a custom one")
        fields[name] = one_line(name, value) if isinstance(value, str) else one_lines(name, value)
    return Draft("contacts", "contacts", safe_slug(clean_name, "contact"), render_note(fields, body))


def new_contact(root: Path, name: str, *, config: Config | None = None, **fields: Any) -> Path:
    """Write ``contacts/<slug>.md`` for a new person; returns the path written.

    A second person with the same name gets ``<slug>-2.md``: ids stay unique across every
    subfolder of ``contacts/``.
    """
    if config is None:
        config, _ = load_config(root)
    return write_draft(root, contact_draft(name, config=config, **fields))


def namesakes_notice(vault: Vault, name: str, new_id: str) -> str | None:
    """What to tell the user who just wrote the contact ``new_id`` named ``name`` when the vault
    already has people of that name: refer to each by id. None when the name is new."""
    namesakes = RefIndex(vault.contacts).names.get(name_key(name), [])
    if not namesakes:
        return None
    others = ", ".join(vault.contacts_by_id[i].path for i in namesakes)
    verb, all_ = ("has", "both") if len(namesakes) == 1 else ("have", "all of them")
    return (
        f"note: {others} {verb} the same name; refer to these people by id "
        f"('{new_id}'), a name that matches {all_} is ambiguous"
    )


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
        bday = value if isinstance(value, Birthday) else parse_birthday(one_line("birthday", value))
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
        one_line("contact ref", ref)
        found = index.lookup_for_cli(ref)
        if found.contact_id is None:
            raise WriteError(found.message or f"contact ref '{ref}' matches no contact")
        if found.contact_id not in ids:
            ids.append(found.contact_id)
    return ids


def _intro_to(vault: Vault, text: str | None) -> str | None:
    """``--intro-to`` as written; a ``[[wikilink]]`` must name a contact, and one found only
    leniently is written with the contact's id (``[[zoe-angstrom|Zoe]]``) so ``check`` accepts it."""
    if text is None or not (text.startswith("[[") and text.endswith("]]")):
        return text  # plain text may be a company
    (contact_id,) = resolve_refs(vault, [text])
    if RefIndex(vault.contacts).find(text) == contact_id:
        return text
    label = text[2:-2].split("|", 1)[1] if "|" in text else None
    return f"[[{contact_id}|{label}]]" if label else f"[[{contact_id}]]"


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
    kind = one_line("kind", kind) or "other"
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
            text = one_line("follow_up", follow_up)
            try:
                parsed = parse_date_or_duration(text)
            except DateError as err:
                raise WriteError(f"follow-up: {err}") from None
            follow = parsed if isinstance(parsed, dt.date) else text
    next_step = one_line("next", next)
    # A follow-up before the interaction (NN210) is a typo: refused. A next step without a
    # follow-up (NN211) is written as asked; the command prints a hint that due never lists it.
    if isinstance(follow, dt.date) and follow < day:
        raise WriteError(f"the follow-up {follow} is before the interaction's date {day}")
    fields: dict[str, Any] = {
        "date": day,
        "with": ids[0] if len(ids) == 1 else ids,
        "kind": kind,
        "title": one_line("title", title),
        "follow_up": follow,
        "next": next_step,
    }
    return Draft(
        "interactions",
        f"interactions/{day.year:04d}",
        _dated_stem(day, kind, ids[0]),
        render_note(fields, message or ""),
    )


def log_interaction(
    root: Path,
    vault: Vault,
    refs: Sequence[str],
    kind: str = "other",
    date: dt.date | None = None,
    follow_up: str | dt.date | None = None,
    next: str | None = None,
    message: str | None = None,
    title: str | None = None,
) -> Path:
    """Write ``interactions/YYYY/YYYY-MM-DD-<kind>-<first contact>.md``; returns the path."""
    draft = interaction_draft(vault, refs, kind, date, follow_up, next, message, title)
    return write_draft(root, draft)


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
    if direction not in ASK_DIRECTIONS:
        raise WriteError(f"direction must be 'out' (I asked them) or 'in' (they asked me), not '{direction}'")
    kind = one_line("kind", kind) or ""
    if kind not in ASK_KINDS:
        raise WriteError(f"unknown ask kind '{kind}' (kinds: {', '.join(ASK_KINDS)})")
    intro = _intro_to(vault, one_line("intro_to", intro_to))
    day = date or dt.date.today()
    fields: dict[str, Any] = {
        "date": day,
        "with": contact_id,
        "direction": direction,
        "kind": kind,
        "status": "open",
        "due": _date("due", due),
        "intro_to": intro,
    }
    return Draft("asks", "asks", _dated_stem(day, kind, contact_id), render_note(fields, message or ""))


def record_ask(
    root: Path,
    vault: Vault,
    ref: str,
    direction: str,
    kind: str,
    due: dt.date | None = None,
    message: str | None = None,
    intro_to: str | None = None,
    date: dt.date | None = None,
) -> Path:
    """Write ``asks/YYYY-MM-DD-<kind>-<contact>.md`` with status ``open``; returns the path."""
    return write_draft(root, ask_draft(vault, ref, direction, kind, due, message, intro_to, date))
