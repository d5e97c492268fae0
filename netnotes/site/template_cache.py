"""Compiled templates kept between builds, so that a build compiles only the templates that
changed since the last one (compiling the default theme's costs about 0.1 s a build).

Jinja2 turns a template into Python code; this is its ``BytecodeCache``, kept in the user's own
cache folder (``$XDG_CACHE_HOME/netnotes/templates/``, made private to its owner), never in a
vault. Code is run when it is loaded, so an entry is trusted only when it is this user's: each
file carries an HMAC, under the key in the user's cache folder that the render cache uses, of
its name and its bytes, and is unmarshalled only once that checks out. An entry's name is a
digest of the template's name and file and of everything its code depends on besides the
source (netnotes' and Jinja2's versions, Python's bytecode, the environment's class and
settings); Jinja2 itself compares the source's checksum stored in the entry, so an edited
template is compiled again and its entry replaced.

A cache that cannot be read, made or trusted never fails a build: the templates are compiled
as without it, and ``warn`` is told why once. ``build --clean`` removes it with every other
cache.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import importlib.util
import os
import shutil
import stat
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import jinja2
from jinja2.bccache import Bucket

from .. import __version__
from ..fsio import WriteFailed, make_folders, reason, replace_file, user_cache_folder
from .body_cache import user_secret

FOLDER = "templates"  # in the user's netnotes cache folder
MAGIC = b"netnotes-template-1\n"
TAG_BYTES = 32  # HMAC-SHA256
MAX_ENTRY_BYTES = 8 * 2**20  # a larger file is no entry this cache wrote

Warn = Callable[[str], None]


def cache_folder() -> Path:
    return user_cache_folder() / FOLDER


def drop() -> list[str]:
    """Remove every compiled template (``build --clean``); what could not be removed, as warnings."""
    folder = cache_folder()
    try:
        if folder.is_dir() and not folder.is_symlink():
            shutil.rmtree(folder)
    except OSError as err:
        return [f"cannot remove the template cache {err.filename or folder}: {reason(err)}"]
    return []


@functools.cache
def _jinja_version() -> str:
    try:
        return version("Jinja2")
    except PackageNotFoundError:
        return jinja2.__version__


def environment_salt(env: jinja2.Environment) -> str:
    """What a template's compiled code depends on besides its source."""
    settings = (
        env.block_start_string,
        env.block_end_string,
        env.variable_start_string,
        env.variable_end_string,
        env.comment_start_string,
        env.comment_end_string,
        env.line_statement_prefix,
        env.line_comment_prefix,
        env.trim_blocks,
        env.lstrip_blocks,
        env.newline_sequence,
        env.keep_trailing_newline,
        env.optimized,
        env.autoescape if isinstance(env.autoescape, bool) else "callable",
        env.sandboxed,
        sorted(env.extensions),
    )
    return "\n".join(
        [
            f"netnotes {__version__}",
            f"Jinja2 {_jinja_version()}",
            f"bytecode {importlib.util.MAGIC_NUMBER.hex()}",
            f"environment {type(env).__module__}.{type(env).__qualname__}",
            repr(settings),
        ]
    )


class TemplateCache(jinja2.BytecodeCache):
    """Jinja2's compiled code of each template, authenticated, in ``folder``."""

    def __init__(self, folder: Path, secret: bytes, warn: Warn) -> None:
        self.folder = folder
        self.secret = secret
        self._warn = warn
        self._warned = False

    @classmethod
    def open(cls, warn: Warn) -> TemplateCache | None:
        """The user's template cache, made if need be; None (said) when it cannot be used."""
        secret = user_secret(warn)
        if secret is None:
            return None
        folder = cache_folder()
        problem = _private_folder(folder)
        if problem is not None:
            warn(f"cannot use the template cache {folder}: {problem}; compiling every template")
            return None
        return cls(folder, secret, warn)

    def warn(self, message: str) -> None:
        if not self._warned:
            self._warned = True
            self._warn(message)

    def entry(self, bucket: Bucket) -> tuple[Path, bytes]:
        """Where ``bucket``'s code is kept, and the name its HMAC covers."""
        salt = environment_salt(bucket.environment)
        name = hashlib.sha256(f"{salt}\0{bucket.key}".encode("utf-8", "surrogateescape")).digest()
        return self.folder / name.hex()[:40], name

    def _tag(self, name: bytes, payload: bytes) -> bytes:
        return hmac.digest(self.secret, name + payload, hashlib.sha256)

    def load_bytecode(self, bucket: Bucket) -> None:
        path, name = self.entry(bucket)
        try:
            with open(path, "rb") as file:
                data = file.read(MAX_ENTRY_BYTES + 1)
        except FileNotFoundError:
            return
        except OSError as err:
            self.warn(f"cannot read the template cache {path}: {reason(err)}; compiling the templates")
            return
        start = len(MAGIC) + TAG_BYTES
        payload = data[start:]
        if (
            len(data) > MAX_ENTRY_BYTES
            or not data.startswith(MAGIC)
            or not hmac.compare_digest(data[len(MAGIC) : start], self._tag(name, payload))
        ):
            self.warn(f"ignored a damaged or foreign entry of the template cache {path}; compiled the template again")
            return
        bucket.bytecode_from_string(payload)  # Jinja2 drops it when the source changed since

    def dump_bytecode(self, bucket: Bucket) -> None:
        path, name = self.entry(bucket)
        payload = bucket.bytecode_to_string()
        try:
            replace_file(path, MAGIC + self._tag(name, payload) + payload, durable=False)  # lost: compiled again
        except WriteFailed as err:
            self.warn(f"cannot save compiled templates in {self.folder}: {err.reason}")

    def clear(self) -> None:
        drop()


def _private_folder(folder: Path) -> str | None:
    """Make ``folder`` (only its owner may enter it); why it cannot hold code, or None."""
    try:
        make_folders(folder.parent, folder)
        try:
            os.mkdir(folder, 0o700)
        except FileExistsError:
            pass
        info = os.lstat(folder)
    except WriteFailed as err:
        return err.reason
    except OSError as err:
        return reason(err)
    if not stat.S_ISDIR(info.st_mode):
        return "it is not a folder"
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        return "it belongs to another user"
    if info.st_mode & 0o077:
        return "others may use it (it should be private to you, mode 700)"
    return None
