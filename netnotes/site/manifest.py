"""What each file of the current site was made from, so a build renders only what changed.

For every file of the site, by the path it is stored at (an encrypted page by its opaque
name), the manifest keeps its *key*, an HMAC of everything the file depends on (for a page: its
render context, the theme's templates, the link tables, the code that renders it, and whether
and under which key it is sealed), and a *seal*, an HMAC of the key and the SHA-256 of the
file's stored bytes.
A build that computes the same key for a file takes the current site's file, by hard link,
only when the bytes it finds there give the seal again; else it renders the file. The HMACs
are under the user's own secret (the render cache's, kept in their cache folder, never in the
vault), so a manifest that came with a cloned vault matches nothing.

Beside the keys it keeps what the pages were made of (``Inputs``: the key of the inputs all
pages share, and for each page but the dashboard its contact or its frame, its key and the notes
it holds, as ``site/depends.py`` names them), so that the next build takes a page whose notes did not
change without shaping it. That part is one JSON text with its own HMAC: a part that does not
give the HMAC again is dropped whole (said), and every page is shaped as before.

Reading and hashing every file taken from the site (263 MB at 10,000 contacts) would cost more
than the rest of a one-edit build's site side, so the manifest also keeps, for the files whose
bytes a build proved (``output.Staging.proofs``: hashed once their mtime had settled, or
written by the build before the site's marker, ``Staging.settle``), their
SHA-256 and *stamp* (size, mtime_ns, ctime_ns, inode) as found once the site was in place, in
one more JSON text under its own HMAC. A later build takes a file whose stamp is that one
without reading it (its SHA-256 must still give the seal); any write moves its mtime and ctime,
so a page edited by hand is read, fails its seal, and is rendered again. Every build's links
move the ctimes of the files it takes, so the stamps are taken anew after each swap.

The manifest lives in the vault's ``.netnotes/cache/`` (``build --clean`` drops it), one per
output folder, and never in the site: a site built encrypted must not name anyone. It is not
trusted for content: a crafted, stale or corrupt manifest can only make a build render a file
afresh, or take the current site's own file when that file holds exactly the bytes this
user's build made for the same inputs.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import hmac
import json
import os
import stat
from collections.abc import Callable, Container
from dataclasses import dataclass
from pathlib import Path

from .. import versions
from ..fsio import WriteFailed, make_folders, replace_file
from ..later import Later
from . import depends
from .body_cache import user_secret
from .output import MARKER, Proof, Staging, Stamp, settled_digest, site_tag, stamp_of

FORMAT = 1
# The digest of the whole model is what a build compares first, and hashing 100,000 notes costs
# seconds; the loader names each model it makes (``LoadResult.model_key``: equal keys, equal
# models), so the digest is kept beside the manifests under that name, sealed like a file, and
# taken again while the model is the same one.
MODEL_DIGEST = "model-digest.json"
KEPT_MODELS = 8  # the digests of this many models are kept, the last one built first
Warn = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class Inputs:
    """What the pages of a site but the dashboard were made of (``site/depends.py``)."""

    key: str  # the key of the inputs every page shares
    pages: dict[str, depends.Shaped]  # by stored path
    linked: dict[str, str]  # the HTML digests of the bodies with wikilinks, by note path
    notes: depends.Notes  # every note's state (``depends.note_states``)
    # The model those states are of (its key, ``LoadResult.model_key``) is the model ``base``
    # (a key: its own when it was not patched) with the notes at ``paths`` read again
    # (``snapshot.Patch``): so the next build, patched from either, needs the states of those
    # notes and its own only (``depends.patched_states``). "": not known.
    base: str = ""
    paths: tuple[str, ...] = ()
    model: str = ""
    rows: depends.Rows = dataclasses.field(default_factory=dict)  # the contact rows' digests and names
    code: str = ""  # what made the states (``code_salt``): another code's are not carried on
    # The site's tallies (``build.TALLIES``: how many contacts, errors...) and, by stored path,
    # which of them each page's templates read when it was rendered (none known: not taken)
    tallies: dict[str, int] = dataclasses.field(default_factory=dict)
    reads: dict[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)
    # the digest of the states of the notes each contact's search entry holds, by its url
    # (``build._entry_digests``): the same while the contact's page is
    entries: dict[str, str] = dataclasses.field(default_factory=dict)


NO_INPUTS = Inputs("", {}, {}, {})
Known = dict[str, tuple[str, Stamp]]  # stored path -> (SHA-256, stamp) of files proven by a build


@dataclass(frozen=True, slots=True)
class Manifest:
    """The previous build's keys and seals by file path, and where to save this build's."""

    path: Path | None  # None: no manifest this build (no cache, or no secret)
    secret: bytes
    site: str  # the key of everything the whole site was built from ("" when unknown)
    pages: int  # how many of its files are pages
    files: dict[str, tuple[str, str]]  # '/'-separated path -> (key, seal)
    # What the pages were made of (``inputs``): decoded when first asked for, since a build
    # that finds nothing changed never asks (at 10,000 contacts, 13 MB of JSON)
    held: Later[Inputs] = dataclasses.field(default_factory=lambda: Later.now(NO_INPUTS), compare=False)
    stamps: Known = dataclasses.field(default_factory=dict)
    # the stamp of its file as this process wrote it (``write``); None: not written by it
    written: Stamp | None = dataclasses.field(default=None, compare=False)
    out: str = dataclasses.field(default="", compare=False)  # the output folder, absolute

    @classmethod
    def open(cls, cache_dir: Path | None, out: Path, warn: Warn, last: Manifest | None = None) -> Manifest:
        """The manifest of the site in ``out``, kept under ``cache_dir`` (None: none).

        ``last`` is one this process wrote (``netnotes serve`` keeps it): it is the manifest
        itself, not read again, while its file is the very one written (same stamp) under the
        same secret; anything else that wrote the file moved its stamp, and the file is read."""
        secret = user_secret(warn) if cache_dir is not None else None
        if cache_dir is None or secret is None:
            return cls(None, b"", "", 0, {})
        path = cache_dir / f"site-{site_tag(Path(os.path.abspath(out)))}.json"
        if last is not None and last.written is not None and last.path == path and last.secret == secret:
            try:
                if stamp_of(os.stat(path, follow_symlinks=False)) == last.written:
                    return last
            except OSError:
                pass
        try:
            site, pages, files, inputs, stamps = _read(path, str(Path(os.path.abspath(out))), warn)
        except OSError:  # the cache folder cannot be read: the build says so, once (``build._vault_cache``)
            return cls(None, b"", "", 0, {})
        made = cls(path, secret, site, pages, files, out=str(Path(os.path.abspath(out))))
        if inputs is not None:
            if made._signed(inputs):
                made = dataclasses.replace(made, held=Later(functools.partial(_inputs, inputs[0])))
            else:
                warn(f"ignored what the pages were made of in the site manifest {path}: it is not this user's")
        if stamps is not None:
            made = dataclasses.replace(made, stamps=made._stamps(stamps, warn))
        return made

    @property
    def inputs(self) -> Inputs:
        return self.held.get()

    def _signed(self, found: tuple[str, str], part: bytes = b"inputs") -> bool:
        """Whether the signed part ``part`` of the manifest (its text and HMAC) is this user's."""
        text, mac = found
        return hmac.compare_digest(self._mac(text, part), mac)

    def _stamps(self, found: tuple[str, str], warn: Warn) -> Known:
        if not self._signed(found, b"stamps"):
            warn(f"ignored the file stamps in the site manifest {self.path}: they are not this user's")
            return {}
        text = found[0]
        try:
            known = {
                path: (digest, (size, mtime, ctime, inode))
                for path, (digest, size, mtime, ctime, inode) in json.loads(text).items()
            }
        except (ValueError, TypeError, AttributeError):  # signed, yet not ours: another version's
            return {}
        if not all(isinstance(d, str) and all(type(n) is int for n in t) for d, t in known.values()):
            return {}
        return known

    def _mac(self, text: str, part: bytes = b"inputs") -> str:
        return hmac.new(self.secret, part + b"\0" + text.encode(), hashlib.sha256).hexdigest()

    def key(self, *inputs: str) -> str:
        """The key of a file made from ``inputs`` (digests and names) by this code."""
        # one call in C (``hmac.digest``) over the same bytes that updates part by part would hash
        message = "".join([_code_salt(), *(f"\0{len(part)}:{part}" for part in inputs)])
        return hmac.digest(self.secret, message.encode("utf-8", "surrogatepass"), "sha256").hex()

    def seal(self, key: str, digest: str) -> str:
        return hmac.digest(self.secret, f"{key}\0{digest}".encode(), "sha256").hex()

    def model_digest(self, model: str | None) -> str | None:
        """The digest kept for the model named ``model``; None when none is kept for it."""
        if self.path is None or not model:
            return None
        for name, digest, seal in self._model_digests():
            if hmac.compare_digest(name, model):
                return digest if hmac.compare_digest(seal, self.seal(f"model\0{name}", digest)) else None
        return None

    def keep_model_digest(self, model: str | None, digest: str, base: str | None = None) -> None:
        """Keep ``digest`` as the model ``model``'s, for the next build, with those of the last
        few models, the model named ``base`` first (a patched model's digest is made from its
        base's, which the next patch of that base needs again); quietly not when it cannot be
        (the next build digests the model again; the build says why when the folder cannot be used)."""
        if self.path is None or not model:
            return
        kept = [entry for entry in self._model_digests() if entry[0] != model]
        kept.sort(key=lambda entry: entry[0] != base)  # stable: the base first, the rest in order
        kept = kept[: KEPT_MODELS - 1]
        entries = [(model, digest, self.seal(f"model\0{model}", digest)), *kept]
        data = {"models": [{"model": m, "digest": d, "seal": s} for m, d, s in entries]}
        try:
            make_folders(self.path.parent, self.path.parent / MODEL_DIGEST)
            replace_file(self.path.parent / MODEL_DIGEST, json.dumps(data).encode(), durable=False)
        except WriteFailed:
            pass

    def _model_digests(self) -> list[tuple[str, str, str]]:
        """The kept models' (name, digest, seal), newest first; none when the file is unreadable."""
        assert self.path is not None
        try:
            models = json.loads((self.path.parent / MODEL_DIGEST).read_bytes())["models"]
            entries = [(m["model"], m["digest"], m["seal"]) for m in models[:KEPT_MODELS]]
        except (OSError, ValueError, TypeError, KeyError):
            return []
        return [e for e in entries if all(isinstance(v, str) for v in e)]

    def adopt(self, stage: Staging, out: Path, relpath: str, key: str) -> bool:
        """Take ``relpath`` from the current site in ``out`` into ``stage`` when it was made
        from the same inputs (``key``) and still holds the bytes it was made with."""
        if self.path is None:
            return False
        entry = self.files.get(relpath)
        if entry is None or not hmac.compare_digest(entry[0], key):
            return False
        seal = entry[1]
        return stage.adopt(
            relpath,
            f"{out}/{relpath}",
            lambda digest: hmac.compare_digest(self.seal(key, digest), seal),
            self.stamps.get(relpath),
        )

    def intact(self, out: Path, site: str) -> tuple[int, int, Known] | None:
        """(files, bytes, proven) when the site in ``out`` was built from ``site`` (a key of all
        its inputs) and holds exactly the files it was built with, byte for byte; else None.

        A file without a recorded stamp is read; when its mtime had settled before it was read
        (``notecache.RACY_NS``, as a build proves the files it takes), its stamp is in
        ``proven``, for the caller to record (``proving``), so that the next build that finds
        nothing changed does not read it again: without that, a site whose last build found
        nothing to do would be read whole every time."""
        if self.path is None or not self.site or not hmac.compare_digest(self.site, site):
            return None
        found: list[str] = []
        for parent, dirs, names in os.walk(out):
            dirs.sort()
            rel = Path(parent).relative_to(out).as_posix()
            found += [name if rel == "." else f"{rel}/{name}" for name in names]
        if sorted(found) != sorted([*self.files, MARKER]):
            return None
        size = 0
        stamps = self.stamps
        proven: Known = {}
        for relpath, (key, seal) in self.files.items():
            try:
                info = os.lstat(f"{out}/{relpath}")
                if not stat.S_ISREG(info.st_mode):
                    return None  # a link or a pipe is no file of ours (and reading a pipe may never end)
                known = stamps.get(relpath)
                if known is not None and known[1] == stamp_of(info):
                    digest = known[0]  # the bytes a build proved, and no write since: not read again
                else:
                    digest, settled = settled_digest(f"{out}/{relpath}", info)  # as Staging.adopt proves a file
                    if settled:
                        proven[relpath] = (digest, stamp_of(info))
                size += info.st_size
            except OSError:
                return None
            if not hmac.compare_digest(self.seal(key, digest), seal):
                return None
        return len(self.files), size, proven

    def proving(self, proven: Known, warn: Warn) -> Manifest:
        """This manifest with the stamps of the files ``proven`` (``intact``) recorded too,
        written; itself when there are none."""
        if not proven or self.path is None:
            return self
        return dataclasses.replace(self, stamps={**self.stamps, **proven}).write(warn)

    def save(
        self,
        out: Path,
        site: str,
        pages: int,
        keys: dict[str, str],
        digests: dict[str, str],
        warn: Warn,
        inputs: Inputs = NO_INPUTS,
        proofs: dict[str, Proof] | None = None,
        adopted: Container[str] = (),
    ) -> Manifest:
        """Record the site just put in ``out`` (``record``) and write it; what was written (or
        this manifest, when there is none to write). Never fails the build."""
        if self.path is None:
            return self
        return self.record(out, site, pages, keys, digests, inputs, proofs, adopted).write(warn)

    def record(
        self,
        out: Path,
        site: str,
        pages: int,
        keys: dict[str, str],
        digests: dict[str, str],
        inputs: Inputs = NO_INPUTS,
        proofs: dict[str, Proof] | None = None,
        adopted: Container[str] = (),
    ) -> Manifest:
        """The manifest of the site just put in ``out``, as ``open`` would read it back once
        written: ``keys`` and ``digests`` by file path (a file without a key is not recorded,
        and will be made afresh), what its pages were made of (only those recorded with the
        key they have now), and the stamps of the files in ``proofs`` that still hold the bytes
        proven (``output.Staging``). A file ``adopted`` (``adopt``: taken from the site under
        its key, its seal checked against its bytes) keeps its seal, which is the one it would
        be given (a seal is a function of the key and the digest)."""
        files = {
            p: (k, self.files[p][1] if p in adopted else self.seal(k, digests[p]))
            for p, k in sorted(keys.items())
            if p in digests
        }
        stamps = _stamps(out, {p: proof for p, proof in (proofs or {}).items() if p in files}, digests)
        recorded = NO_INPUTS
        if inputs.key:
            shaped = {p: s for p, s in sorted(inputs.pages.items()) if p in files and files[p][0] == s.key}
            linked = dict(sorted(inputs.linked.items()))
            reads = {p: names for p, names in inputs.reads.items() if p in files}
            recorded = dataclasses.replace(inputs, pages=shaped, linked=linked, paths=tuple(inputs.paths), reads=reads)
        return Manifest(
            self.path, self.secret, site, pages, files, Later.now(recorded), stamps, out=str(Path(os.path.abspath(out)))
        )

    def write(self, warn: Warn) -> Manifest:
        """Write this manifest to its file, replacing it whole; itself with the stamp of the
        file written (``open``'s ``last``), or as it is when it cannot be (said)."""
        if self.path is None:
            return self
        data: dict[str, object] = {
            "format": FORMAT,
            "out": self.out,
            "site": self.site,
            "pages": self.pages,
            "files": {p: list(entry) for p, entry in self.files.items()},
        }
        inputs = self.inputs
        if inputs.key:
            text = json.dumps(
                {
                    "key": inputs.key,
                    "pages": {
                        p: [s.owner, s.key, depends.encode(s.names), *([s.frame] if s.frame else [])]
                        for p, s in inputs.pages.items()
                    },
                    "linked": inputs.linked,
                    "notes": depends.pack(inputs.notes),
                    "base": inputs.base,
                    "paths": list(inputs.paths),
                    "model": inputs.model,
                    "rows": {cid: [d, depends.encode(names)] for cid, (d, names) in sorted(inputs.rows.items())},
                    "code": inputs.code,
                    "tallies": inputs.tallies,
                    "reads": _grouped(inputs.reads),
                    "entries": inputs.entries,
                },
                separators=(",", ":"),
            )
            data["inputs"] = [text, self._mac(text)]
        if self.stamps:
            text = json.dumps(
                {p: [digest, *stamp] for p, (digest, stamp) in self.stamps.items()}, separators=(",", ":")
            )
            data["stamps"] = [text, self._mac(text, b"stamps")]
        try:
            make_folders(self.path.parent, self.path)
            replace_file(self.path, json.dumps(data, separators=(",", ":")).encode(), durable=False)
            written = stamp_of(os.stat(self.path, follow_symlinks=False))
        except WriteFailed as err:
            warn(f"cannot save the site manifest {self.path}: {err.reason}; the next build renders every page again")
            return self
        except OSError:  # replaced meanwhile by another build: read again next time
            return self
        return dataclasses.replace(self, written=written)


def _grouped(reads: dict[str, tuple[str, ...]]) -> dict[str, list[str]]:
    """The pages by what they read (``Inputs.reads``), so each set of names is written once."""
    grouped: dict[str, list[str]] = {}
    for path, names in sorted(reads.items()):
        grouped.setdefault(",".join(names), []).append(path)
    return grouped


def _stamps(out: Path, proofs: dict[str, Proof], digests: dict[str, str]) -> Known:
    """(SHA-256, (size, mtime_ns, ctime_ns, inode)) of each proven file, by path, as it is now
    in ``out``: only those still the inode, size and mtime that were proven (a write during the
    build moved them: that file is read again next time)."""
    stamps: Known = {}
    for relpath, proof in sorted(proofs.items()):
        try:
            info = os.lstat(f"{out}/{relpath}")
        except OSError:
            continue
        if stat.S_ISREG(info.st_mode) and (info.st_size, info.st_mtime_ns, info.st_ino) == proof:
            stamps[relpath] = (digests[relpath], stamp_of(info))
    return stamps


def _inputs(text: str) -> Inputs:
    """What the pages were made of, from its signed JSON text; none when it is not ours."""
    try:
        data = json.loads(text)
        key, pages, linked, notes = data["key"], data["pages"], data["linked"], depends.unpack(data["notes"])
        shaped = {}
        for stored, (owner, page_key, names, *framed) in pages.items():
            hashed = depends.decode(names)
            frame = framed[0] if len(framed) == 1 else ""
            if hashed is None or not all(isinstance(v, str) for v in (owner, page_key, frame)) or len(framed) > 1:
                raise ValueError(stored)
            shaped[stored] = depends.Shaped(owner, page_key, hashed, frame)
        if not isinstance(key, str) or notes is None or not all(isinstance(v, str) for v in linked.values()):
            raise ValueError(key)
        base, paths, model = data.get("base", ""), tuple(data.get("paths", ())), data.get("model", "")
        if not all(isinstance(v, str) for v in (base, model, *paths)):
            raise ValueError(base)
        code = data.get("code", "")
        if not isinstance(code, str):
            raise ValueError(code)
        rows = {}
        for cid, (row_digest, row_names) in data.get("rows", {}).items():
            hashed_names = depends.decode(row_names)
            if hashed_names is None or not isinstance(row_digest, str) or not isinstance(cid, str):
                raise ValueError(cid)
            rows[cid] = (row_digest, hashed_names)
        tallies = data.get("tallies", {})
        if not all(isinstance(k, str) and type(v) is int for k, v in tallies.items()):
            raise ValueError(tallies)
        reads: dict[str, tuple[str, ...]] = {}
        for names, read_by in data.get("reads", {}).items():
            if not isinstance(names, str) or not all(isinstance(p, str) for p in read_by):
                raise ValueError(names)
            read = tuple(names.split(",")) if names else ()
            reads.update((p, read) for p in read_by)
        entries = data.get("entries", {})
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in entries.items()):
            raise ValueError(entries)
    except (ValueError, TypeError, KeyError, AttributeError):  # signed, yet not ours: another version's
        return NO_INPUTS
    return Inputs(key, shaped, dict(linked), notes, base, paths, model, rows, code, tallies, reads, entries)


Part = tuple[str, str]  # a JSON text and its HMAC
Found = tuple[str, int, dict[str, tuple[str, str]], Part | None, Part | None]


def _read(path: Path, out: str, warn: Warn) -> Found:
    """The manifest at ``path`` for the output ``out``, with what its pages were made of (its
    text and HMAC, not yet checked); empty when missing or corrupt (said). Raises ``OSError``
    when it cannot be read."""
    try:
        data = json.loads(path.read_bytes())
    except FileNotFoundError:
        return "", 0, {}, None, None
    except ValueError:
        data = None
    files = data.get("files") if isinstance(data, dict) else None
    if (
        not isinstance(files, dict)
        or data.get("format") != FORMAT
        or not isinstance(data.get("site"), str)
        or not isinstance(data.get("pages"), int)
    ):
        warn(f"ignored the site manifest {path}: it is corrupt; every page is rendered afresh")
        return "", 0, {}, None, None
    if data.get("out") != out:
        return "", 0, {}, None, None  # another output folder's (a copied vault): not ours to use
    entries = {
        p: (e[0], e[1])
        for p, e in files.items()
        if isinstance(e, list) and len(e) == 2 and all(isinstance(v, str) for v in e)
    }
    if len(entries) != len(files):
        warn(f"ignored the site manifest {path}: it is corrupt; every page is rendered afresh")
        return "", 0, {}, None, None
    found = _part(data, "inputs", f"ignored what the pages were made of in the site manifest {path}", warn)
    stamps = _part(data, "stamps", f"ignored the file stamps in the site manifest {path}", warn)
    return data["site"], data["pages"], entries, found, stamps


def _part(data: dict[str, object], name: str, ignored: str, warn: Warn) -> Part | None:
    """The signed part ``name`` of the manifest (its text and HMAC, not yet checked)."""
    part = data.get(name)
    if isinstance(part, list) and len(part) == 2 and all(isinstance(v, str) for v in part):
        return (part[0], part[1])
    if part is not None:
        warn(f"{ignored}: it is corrupt")
    return None


_CODE_SALT: list[str] = []


@functools.cache
def code_salt() -> str:
    """A digest of what anything a build keeps depends on besides its inputs: the versions of
    netnotes and of the template libraries, and the netnotes code itself (``_code_salt``)."""
    return hashlib.sha256(_code_salt().encode()).hexdigest()


def _code_salt() -> str:
    """What a file's bytes depend on besides its inputs: the versions of netnotes and of the
    template libraries, and the netnotes code itself (the size and time of each module, so a
    changed working tree is never mistaken for the code that built the site)."""
    if not _CODE_SALT:
        parts = versions("Jinja2", "MarkupSafe", "markdown-it-py", "mdit-py-plugins", "icalendar")
        package_dir = Path(__file__).resolve().parent.parent
        for parent, dirs, names in os.walk(package_dir):
            dirs.sort()
            for name in sorted(names):
                if name.endswith(".py"):
                    try:
                        info = os.stat(os.path.join(parent, name))
                    except OSError:
                        continue
                    module = os.path.relpath(os.path.join(parent, name), package_dir)
                    parts.append(f"{module} {info.st_size} {info.st_mtime_ns}")
        _CODE_SALT.append("\n".join(parts))
    return _CODE_SALT[0]
