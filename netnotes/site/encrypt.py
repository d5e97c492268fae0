"""``build --encrypt``: the rendered site, sealed page by page for a passphrase (contract section 10).

Encryption is a stage over the rendered files: ``Sealer.seal`` turns one file of the plain site
into the file(s) of the encrypted one, and the build's staging folder calls it on every write.
A page becomes a small shell (``templates/locked.html``) named by a keyed hash of its path,
holding the page's HTML encrypted with AES-256-GCM; ``static/unlock.js`` asks for the
passphrase, derives the same key with WebCrypto and shows the page. Links between pages are
rewritten to the opaque names before encryption, inside the sealed HTML.

Keys: PBKDF2-HMAC-SHA256 (``ITERATIONS``) over the passphrase (NFC) and the site's salt gives a
master secret; HMAC-SHA256 of it with a label gives three keys, so no key serves two purposes:
the AES key (the only one the browser needs), the naming key and the nonce key. A nonce is the
first 12 bytes of HMAC(nonce key, path NUL plaintext): the same page gives the same bytes, and
two different texts never share a nonce (short of a 96-bit collision). The ciphertext's
associated data is its file's id (``index`` or the hex name), so a file moved to another name
fails to open.

The salt is public and lives in the output folder (``SALT_FILE``); every rebuild into that
folder reuses it, ``new_salt`` draws a fresh one. The passphrase never leaves this process: the
caller takes it out of the environment (``passphrase_from``) before any worker starts, the key
is derived once here, and workers forked to render pages inherit only the derived keys.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import html
import json
import posixpath
import re
import secrets
import unicodedata
from collections.abc import Callable, Iterable, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path

from .output import MARKER

PASSPHRASE_VARIABLE = "NETNOTES_PASSPHRASE"
ITERATIONS = 600_000  # OWASP's figure for PBKDF2-HMAC-SHA256 (2023); a salt file may ask for more
MAX_ITERATIONS = 10_000_000  # a salt file asking for more is refused: a phone would take minutes
SALT_BYTES = 16
SALT_FILE = "netnotes-salt.json"  # in the output folder; public
KDF = "PBKDF2-HMAC-SHA256"
CHECK_ID = "netnotes-check"  # associated data of the passphrase check, never a file's id
CHECK_TEXT = b"netnotes"
INDEX_PAGE = "index.html"  # the entry point keeps its name: it names no one
NAME_CHARS = 32  # hex characters of an opaque file name (128 bits)
SEALED_GLOBAL = "NETNOTES_SEALED"  # what a sealed data script sets; unlock.js reads and clears it
MIN_SCORE = 3  # zxcvbn's 0-4 scale: 3 is "safely unguessable: moderate protection from offline attacks"
SCORED_CHARS = 100  # zxcvbn slows down sharply on long input; a longer passphrase is judged by its start

# Attributes whose value is a link the templates write relative to the page (``{{ root }}...``).
_LINK_ATTR_RE = re.compile(r'(\s(?:href|src|data-target|data-root))="([^"]*)"')  # (space and name, value)
_SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


class EncryptionError(Exception):
    """The site cannot be encrypted as asked (a weak passphrase, a broken salt file): exit 2."""


@dataclass(frozen=True, slots=True)
class Encryption:
    """What ``build --encrypt`` was given: the passphrase (never shown) and whether to rotate the salt."""

    passphrase: str = field(repr=False)
    new_salt: bool = False


@dataclass(frozen=True, slots=True)
class Salt:
    """The public half of the key: stored in the output folder and in every page's shell."""

    salt: bytes
    iterations: int = ITERATIONS

    def to_json(self) -> str:
        data = {"kdf": KDF, "iterations": self.iterations, "salt": base64.b64encode(self.salt).decode("ascii")}
        return json.dumps(data, indent=2, sort_keys=True) + "\n"


@dataclass(frozen=True, slots=True)
class SiteKey:
    salt: Salt
    aes: bytes = field(repr=False)
    names: bytes = field(repr=False)
    nonces: bytes = field(repr=False)

    def fingerprint(self) -> str:
        """A one-way digest that tells this key from any other (another passphrase or salt):
        what the site manifest's keys include, so no file sealed under another key is reused."""
        return hmac.digest(self.names, b"netnotes/fingerprint", hashlib.sha256).hex()


# -- the passphrase ---------------------------------------------------------------------------


def passphrase_from(environ: MutableMapping[str, str], ask: Callable[[], str]) -> str:
    """The passphrase from ``NETNOTES_PASSPHRASE``, which is taken out of ``environ`` so that no
    process started later (a worker, git) inherits it; else from ``ask`` (a prompt asked twice)."""
    given = environ.pop(PASSPHRASE_VARIABLE, None)
    return given if given is not None else ask()


def encryption_from(
    environ: MutableMapping[str, str], ask: Callable[[], str], new_salt: bool, allow_weak: bool
) -> Encryption:
    """What ``build --encrypt`` needs: the passphrase (``passphrase_from``), refused with
    ``EncryptionError`` when ``passphrase_problem`` finds one."""
    passphrase = passphrase_from(environ, ask)
    problem = passphrase_problem(passphrase, allow_weak)
    if problem:
        raise EncryptionError(problem)
    return Encryption(passphrase, new_salt)


def passphrase_problem(passphrase: str, allow_weak: bool) -> str | None:
    """Why ``passphrase`` cannot lock a site, or None. An empty one never can; a weak one
    (zxcvbn score below ``MIN_SCORE``) only with ``allow_weak``."""
    if not passphrase:
        return "the passphrase is empty"
    if allow_weak:
        return None
    from zxcvbn import zxcvbn  # imported here: it loads large word lists

    estimate = zxcvbn(passphrase[:SCORED_CHARS])
    score = int(estimate["score"])
    if score >= MIN_SCORE:
        return None
    feedback = estimate.get("feedback") or {}
    hints = [feedback.get("warning") or "", *(feedback.get("suggestions") or [])]
    why = " ".join(h.rstrip(".") + "." for h in hints if h)
    return (
        f"the passphrase is too weak to protect a site anyone may download (strength {score} of 4, "
        f"{MIN_SCORE} needed){': ' + why if why else '.'} Use four or more random words, "
        "or pass --allow-weak-passphrase"
    )


# -- the salt and the key -----------------------------------------------------------------------


def read_salt(out: Path) -> Salt | None:
    """The salt of the site already in ``out`` (a folder netnotes made), or None when it has none.

    Raises ``EncryptionError`` for a salt file that is not one netnotes wrote.
    """
    out = Path(out)
    path = out / SALT_FILE
    if not (out / MARKER).is_file() or path.is_symlink() or not path.is_file():
        return None
    broken = f"'{path}' is not a salt file netnotes wrote; rebuild with --new-salt to make a new one"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        salt = base64.b64decode(data["salt"], validate=True)
        iterations = data["iterations"]
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError):
        raise EncryptionError(broken) from None
    ok = data.get("kdf") == KDF and type(iterations) is int and ITERATIONS <= iterations <= MAX_ITERATIONS
    if not ok or len(salt) < SALT_BYTES:
        raise EncryptionError(broken)
    return Salt(salt, iterations)


def site_key(encryption: Encryption, out: Path) -> SiteKey:
    """The keys for a build into ``out``: its salt (kept, or new with ``new_salt``) and the
    passphrase, stretched once."""
    salt = None if encryption.new_salt else read_salt(out)
    return derive_key(encryption.passphrase, salt or Salt(secrets.token_bytes(SALT_BYTES)))


def derive_key(passphrase: str, salt: Salt) -> SiteKey:
    # cryptography is imported where a site is sealed: a plain build never loads it
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

    secret = unicodedata.normalize("NFC", passphrase).encode("utf-8")
    kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=salt.salt, iterations=salt.iterations)
    master = kdf.derive(secret)

    def subkey(label: bytes) -> bytes:
        return hmac.digest(master, label, hashlib.sha256)

    # unlock.js derives the AES key with the same label
    return SiteKey(salt, subkey(b"netnotes/aes-gcm"), subkey(b"netnotes/names"), subkey(b"netnotes/nonces"))


# -- sealing the rendered files -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Sealer:
    """Turns each file of the plain site into its encrypted form (``seal``).

    ``shell`` is the rendered ``locked.html`` cut where the sealed payload goes; ``data`` are the
    site paths of data scripts (``window.NAME = JSON;``) to seal. Pages (``*.html`` outside
    ``static/``) are sealed into shells; anything else (the theme's files) is kept as it is.
    """

    key: SiteKey
    shell: tuple[str, str]
    data: frozenset[str]
    _names: dict[str, str] = field(default_factory=dict, repr=False, compare=False)  # path -> opaque name

    def seal(self, relpath: str, raw: bytes) -> list[tuple[str, bytes]]:
        """The output files (path, bytes) for the plain site's ``relpath``."""
        if relpath in self.data:
            name = self.file_name(relpath)
            payload = self._encrypt(relpath, _id_of(name), raw)
            return [(name, f'window.{SEALED_GLOBAL} = "{payload}";\n'.encode("ascii"))]
        if is_page(relpath):
            name = self.file_name(relpath)
            text = rewrite_links(raw.decode("utf-8"), relpath, self.link)
            payload = self._encrypt(relpath, _id_of(name), text.encode("utf-8"))
            before, after = self.shell
            return [(name, f"{before}{payload}{after}".encode())]
        return [(relpath, raw)]

    def file_name(self, relpath: str) -> str:
        """The opaque name of a page or data file: the same for the same key and path."""
        name = self._names.get(relpath)
        if name is None:
            digest = hmac.digest(self.key.names, relpath.encode("utf-8"), hashlib.sha256).hex()[:NAME_CHARS]
            name = self._names[relpath] = (
                INDEX_PAGE if relpath == INDEX_PAGE else f"{digest}{posixpath.splitext(relpath)[1]}"
            )
        return name

    def link(self, target: str) -> str:
        """Where a link to the site path ``target`` points in the encrypted site, whose pages all
        lie in its root: a page by its opaque name, anything else (the theme's files) as it is."""
        return self.stored_path(target)

    def stored_path(self, relpath: str) -> str:
        """Where ``seal`` stores the plain site's ``relpath``: a page or data file under its
        opaque name, anything else as it is."""
        return self.file_name(relpath) if is_page(relpath) or relpath in self.data else relpath

    def check(self) -> str:
        """The passphrase check every shell carries: a known text sealed under the key, so a wrong
        passphrase is told apart from a damaged page."""
        return self._encrypt(CHECK_ID, CHECK_ID, CHECK_TEXT)

    def _encrypt(self, relpath: str, file_id: str, plaintext: bytes) -> str:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        nonce = hmac.digest(self.key.nonces, relpath.encode("utf-8") + b"\0" + plaintext, hashlib.sha256)[:12]
        sealed = AESGCM(self.key.aes).encrypt(nonce, plaintext, file_id.encode("ascii"))
        return base64.b64encode(nonce + sealed).decode("ascii")


def is_page(relpath: str) -> bool:
    return relpath.endswith(".html") and not relpath.startswith("static/")


def _id_of(name: str) -> str:
    """A file's id, its associated data: its name without the extension (what unlock.js reads
    from the address, which a host may serve without ``.html``)."""
    return posixpath.splitext(name)[0]


def rewrite_links(page: str, relpath: str, link: Callable[[str], str]) -> str:
    """``page`` (at ``relpath``) with every relative link resolved to a site path and passed
    through ``link``; the result is relative to the site root, where every encrypted page lies.
    Links with a scheme, absolute paths and links to the page itself stay as they are."""
    folder = posixpath.dirname(relpath)

    def rewrite(match: re.Match[str]) -> str:
        resolved = _resolve(folder, match.group(2))
        if resolved is None:
            return match.group(0)
        target, rest, is_folder = resolved
        return f'{match.group(1)}="{html.escape((target if is_folder else link(target)) + rest, quote=True)}"'

    return _LINK_ATTR_RE.sub(rewrite, page)


@functools.lru_cache(maxsize=65536)  # pages repeat the same links (the header's, the site's)
def _resolve(folder: str, written: str) -> tuple[str, str, bool] | None:
    """A link as written in a page of ``folder``: (site path, its ``?query#fragment``, whether it
    is a folder), or None for a link to leave alone."""
    value = html.unescape(written)
    cut = min((i for i in (value.find("#"), value.find("?")) if i >= 0), default=len(value))
    path, rest = value[:cut], value[cut:]
    if not path or path.startswith("/") or _SCHEME_RE.match(path):
        return None  # this page, or not a path of the site
    resolved = posixpath.normpath(posixpath.join(folder, path))
    if resolved == ".." or resolved.startswith("../"):
        return None  # outside the site: nothing of ours to point to
    if resolved == ".":
        return "", rest, True  # the site's root folder
    if path.endswith("/"):
        return resolved + "/", rest, True
    return resolved, rest, False


def sealer_for(key: SiteKey, render_shell: Callable[[dict[str, str]], str], data: Iterable[str]) -> Sealer:
    """A ``Sealer`` for ``key``; ``render_shell(lock)`` renders the theme's ``locked.html`` with
    the lock's public parameters and a marker where the payload goes."""
    probe = Sealer(key, ("", ""), frozenset(data))
    marker = "\x00PAYLOAD\x00"
    lock = {
        "kdf": KDF,
        "iterations": str(key.salt.iterations),
        "salt": base64.b64encode(key.salt.salt).decode("ascii"),
        "check": probe.check(),
        "payload": marker,
    }
    before, found, after = render_shell(lock).partition(marker)
    if not found:
        raise EncryptionError("theme template locked.html: it does not show lock.payload")
    return Sealer(key, (before, after), probe.data)
