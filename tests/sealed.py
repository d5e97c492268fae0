"""Helpers for the encrypted-site tests: open a page of ``build --encrypt``'s output in Python the
way unlock.js does in a browser (the salt from the shell, PBKDF2, AES-256-GCM with the file's id)."""

from __future__ import annotations

import base64
import functools
import re
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from netnotes.site.encrypt import Salt, SiteKey, derive_key

PASSPHRASE = "tangerine orbit cello ledger"  # zxcvbn scores it 4
SEALED_RE = re.compile(
    r'<pre id="sealed" hidden data-kdf="[^"]*" data-iterations="(\d+)" data-salt="([^"]*)"[^>]*>([^<]*)</pre>'
)
DATA_RE = re.compile(r'^window\.NETNOTES_SEALED = "([^"]*)";\n$')


def sealed_parts(shell: str) -> tuple[Salt, bytes]:
    """The salt and the sealed payload (nonce + ciphertext) of a page's shell."""
    match = SEALED_RE.search(shell)
    assert match, "not an encrypted page"
    return Salt(base64.b64decode(match.group(2)), int(match.group(1))), base64.b64decode(match.group(3))


def unseal(out: Path, name: str, passphrase: str = PASSPHRASE) -> str:
    """The plaintext of the encrypted site's file ``name`` (a page shell or a sealed data script)."""
    text = (out / name).read_text(encoding="utf-8")
    if name.endswith(".js"):
        match = DATA_RE.match(text)
        assert match, "not a sealed data script"
        salt = sealed_parts((out / "index.html").read_text(encoding="utf-8"))[0]
        payload = base64.b64decode(match.group(1))
    else:
        salt, payload = sealed_parts(text)
    key = _key(passphrase, salt)
    file_id = name.rsplit(".", 1)[0]
    return AESGCM(key.aes).decrypt(payload[:12], payload[12:], file_id.encode("ascii")).decode("utf-8")


@functools.lru_cache
def _key(passphrase: str, salt: Salt) -> SiteKey:
    return derive_key(passphrase, salt)  # 600,000 rounds: once per passphrase and salt
