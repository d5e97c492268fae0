"""The pieces of the site model made of the contacts alone, kept from one build to the next.

``pages.ModelMemo`` is what one site model leaves to the next of the same vault: ``serve``
keeps it in memory, and a ``build`` reads it from this file and writes it back, so that a build
after an edit of interactions or asks does not find the likely duplicates, group the tags and
companies or make the page-name tables again (about 0.6 s at 10,000 contacts). The pieces are
kept for the contacts they were made for (``LoadResult.contacts_key``); the page-name tables
by the names they were made from.

The file lives in the vault's cache folder (``.netnotes/cache/site-model.pickle``, which
``build --clean`` drops). It is a pickle, so nothing of it is unpickled before its HMAC under
the user's own secret (the render cache's, never in the vault) is checked, over a header that
names the code that wrote it and the contacts it was made for; and even then the unpickler
makes only netnotes' own classes. The contacts and ``netnotes.yaml`` are not in it: they stand
as their ids and are the very objects of the model being built, whose contacts are the same.
A file that is missing, foreign, stale or damaged is passed over (a warning when it cannot be
written), and the pieces are made again.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..fsio import WriteFailed, make_folders, replace_file
from ..model import Config, Contact, Vault
from .pages import ModelMemo

FILE = "site-model.pickle"
MAGIC = b"netnotes site model 1\n"
MAC_SIZE = hashlib.sha256().digest_size
Warn = Callable[[str], None]


def read(folder: Path | None, secret: bytes, code: str, vault: Vault, contacts_key: str | None) -> ModelMemo | None:
    """The memo kept in ``folder`` for these contacts (``contacts_key``) and this code; None
    when there is none that can be trusted and used."""
    if folder is None or not secret or contacts_key is None:
        return None
    try:
        data = (folder / FILE).read_bytes()
    except OSError:
        return None
    header = _header(code, contacts_key)
    body = data[len(MAGIC) + MAC_SIZE :]
    if not data.startswith(MAGIC) or not body.startswith(header):
        return None
    if not hmac.compare_digest(data[len(MAGIC) : len(MAGIC) + MAC_SIZE], _mac(secret, body)):
        return None
    try:
        memo = _Unpickler(io.BytesIO(body[len(header) :]), vault).load()
    except Exception:  # noqa: BLE001 - authenticated yet unreadable (a bug, a torn write): made again
        return None
    return memo if isinstance(memo, ModelMemo) and memo.pieces is not None else None


def save(folder: Path | None, secret: bytes, code: str, memo: ModelMemo, contacts_key: str | None, warn: Warn) -> None:
    """Keep ``memo``'s pieces and page-name tables (not its rows, which depend on interactions)
    for the next build of these contacts."""
    if folder is None or not secret or contacts_key is None or memo.pieces is None:
        return
    out = io.BytesIO()
    _Pickler(out).dump(ModelMemo(memo.pieces, memo.slugs))
    body = _header(code, contacts_key) + out.getvalue()
    try:
        make_folders(folder, folder / FILE)
        replace_file(folder / FILE, MAGIC + _mac(secret, body) + body, durable=False)
    except WriteFailed as err:
        warn(f"cannot save the site model's pieces {err.path}: {err.reason}; the next build makes them again")


def _header(code: str, contacts_key: str) -> bytes:
    return json.dumps([code, contacts_key]).encode() + b"\n"


def _mac(secret: bytes, body: bytes) -> bytes:
    return hmac.new(secret, b"site model\0" + body, hashlib.sha256).digest()


class _Pickler(pickle.Pickler):
    def __init__(self, file: io.BytesIO) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)

    def persistent_id(self, obj: Any) -> Any:  # noqa: ANN401 - pickle's own signature
        kind = type(obj)
        if kind is Contact:
            return ("contact", obj.id)
        if kind is Config:
            return ("config",)
        return None


class _Unpickler(pickle.Unpickler):
    def __init__(self, file: io.BytesIO, vault: Vault) -> None:
        super().__init__(file)
        self._vault = vault

    def persistent_load(self, pid: Any) -> Any:  # noqa: ANN401 - pickle's own signature
        if pid == ("config",):
            return self._vault.config
        if isinstance(pid, tuple) and len(pid) == 2 and pid[0] == "contact":
            return self._vault.contacts_by_id[pid[1]]  # a KeyError: not these contacts, made again
        raise pickle.UnpicklingError("unknown reference")

    def find_class(self, module: str, name: str) -> Any:  # noqa: ANN401 - pickle's own signature
        if module == "netnotes" or module.startswith("netnotes."):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not netnotes'")
