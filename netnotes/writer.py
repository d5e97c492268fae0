"""Putting new notes into the vault: a free file name, written once, never over another note.

A ``Draft`` (``drafts``) wants a file name; ``write_draft`` gives it that name, or the first
of ``name-2``, ``name-3`` ... that no note of its kind has in any subfolder, and writes it
exclusively through ``fsio``: two commands racing for one name end up with ``jane-doe.md``
and ``jane-doe-2.md``. A write the file system refuses raises ``WriteFailed`` naming the file
and leaves nothing behind: no temporary file, no new folder.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Concatenate, ParamSpec

from .config import load_config
from .discover import NoteKind, discover
from .drafts import Draft, ask_draft, contact_draft, interaction_draft
from .fsio import WriteError, create_first_free, is_inside, make_folders, remove_folders
from .model import Config, Vault
from .refs import RefIndex
from .refs import key as name_key

MAX_SUFFIX = 10_000
P = ParamSpec("P")


def candidate_stems(base: str) -> Iterator[str]:
    """``base``, ``base-2``, ``base-3`` ..."""
    yield base
    for n in range(2, MAX_SUFFIX):
        yield f"{base}-{n}"


def taken_ids(root: Path, kind: NoteKind) -> set[str]:
    """Ids of every note of ``kind`` already in the vault, in any subfolder, readable or not."""
    files, _ = discover(root)
    return {f.id for f in files if f.kind == kind}


def first_free(root: Path, draft: Draft, taken: set[str]) -> Path:
    """Where ``write_draft`` would put the note now (for dry runs); nothing is written."""
    for stem in candidate_stems(draft.stem):
        path = root / draft.folder / f"{stem}.md"
        if stem.casefold() not in taken and not path.exists():
            return path
    raise WriteError(f"no free file name for '{draft.stem}' in {draft.folder}/")


def write_draft(root: Path, draft: Draft, taken: set[str] | None = None, durable: bool = True) -> Path:
    """Write ``draft`` under a free name (a numeric suffix when taken); never overwrites.

    ``taken`` are ids already used anywhere under the kind's folder (another subfolder's
    ``jane-doe.md`` would be a duplicate id); it is updated with the id written. When the file
    system refuses (``WriteFailed``), nothing is left behind: no temporary file, no new folder.
    ``durable=False``: the caller flushes the disk once after many notes (``fsio.sync_filesystem``).
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
    intended = first_free(root, draft, taken)  # the name that failing writes are reported under
    made = make_folders(folder, intended)
    try:
        names = (f"{stem}.md" for stem in candidate_stems(draft.stem) if stem.casefold() not in taken)
        final = create_first_free(folder, names, data, intended, durable)
        if final is None:
            raise WriteError(f"no free file name for '{draft.stem}' in {draft.folder}/")
        taken.add(final.stem.casefold())
        return final
    except BaseException:
        remove_folders(made)
        raise


def _safe_folder(root: Path, relfolder: str) -> Path:
    """The target folder, refusing one that a symlink sends outside the vault (it would not be read)."""
    folder = root / relfolder
    real = os.path.realpath(folder)
    if not is_inside(os.path.realpath(root), real):
        raise WriteError(f"'{relfolder}' leads outside the vault (to {real}); notes there would not be read")
    return folder


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


def _drafted_and_written(drafting: Callable[P, Draft], doc: str) -> Callable[Concatenate[Path, P], Path]:
    """``drafting``'s note written into the vault at ``root`` (its first argument): the draft
    functions' parameters are written once, where they are checked."""

    def write(root: Path, /, *args: P.args, **kwargs: P.kwargs) -> Path:
        return write_draft(root, drafting(*args, **kwargs))

    write.__doc__ = doc
    return write


log_interaction = _drafted_and_written(
    interaction_draft, "Write ``interactions/YYYY/YYYY-MM-DD-<kind>-<first contact>.md``; returns the path."
)
record_ask = _drafted_and_written(
    ask_draft, "Write ``asks/YYYY-MM-DD-<kind>-<contact>.md`` with status ``open``; returns the path."
)
