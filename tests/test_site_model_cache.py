"""Issue 12: what the site model makes of the contacts alone (likely duplicates, tag and
company groups, the company index, page-name tables) is kept in the render cache folder from
one ``build`` to the next (``site/model_cache.py``), under an HMAC, for the contacts it was
made for. A build after an interaction's edit takes it without making it again, and gives the
very bytes of a cold build; anything else makes it again."""

from __future__ import annotations

import io
import os
import pickle
from pathlib import Path

import pytest
from conftest import MakeVault, RunCli
from site_html import TODAY, build, tree

from netnotes import notecache
from netnotes.loader import load_vault
from netnotes.site import model_cache, pages
from netnotes.site.body_cache import user_secret
from netnotes.site.build import RENDER_CACHE, BuildOptions
from netnotes.site.manifest import code_salt

WARM = BuildOptions(jobs=1)
COLD = BuildOptions(jobs=1, cache=False)
VAULT = {
    "contacts/jane-doe.md": "---\nname: Jane Doe\ncompany: Acme\ntags: [python]\nemail: j@example.com\n---\nHi\n",
    "contacts/jayne-doe.md": "---\nname: Jayne Doe\nemail: j@example.com\n---\n",
    "contacts/sam-lee.md": "---\nname: Sam Lee\ncompany: Globex\n---\n",
    "interactions/2026-11-01-coffee.md": "---\ndate: 2026-11-01\nwith: [jane-doe, sam-lee]\n---\nWe talked.\n",
}


@pytest.fixture
def made(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every time the contacts' pieces are made from now on, with the notes long settled."""
    real_now = notecache.now_ns
    monkeypatch.setattr(notecache, "now_ns", lambda: real_now() + 3600 * 10**9)
    calls: list[str] = []
    real = pages.contact_pieces

    def spy(*args: object, **kwargs: object) -> pages.ContactPieces:
        calls.append("pieces")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pages, "contact_pieces", spy)
    return calls


def cold(vault: Path, tmp_path: Path) -> dict[str, bytes]:
    return tree(build(vault, tmp_path / "cold", TODAY, COLD)[0])


def edit(path: Path, old: str, new: str) -> None:
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def test_a_build_after_an_interaction_edit_takes_the_contacts_pieces_from_the_last_build(
    make_vault: MakeVault, tmp_path: Path, made: list[str]
) -> None:
    vault = make_vault(VAULT)
    build(vault, options=WARM)
    assert made == ["pieces"] and (vault / RENDER_CACHE / model_cache.FILE).is_file()
    made.clear()
    edit(vault / "interactions/2026-11-01-coffee.md", "We talked.", "We talked a lot.")
    out, report = build(vault, options=WARM)
    assert made == [] and report.rendered
    cold_tree = cold(vault, tmp_path)
    made.clear()
    assert tree(out) == cold_tree
    edit(vault / "contacts/sam-lee.md", "company: Globex", "company: Acme")  # other contacts
    out, _ = build(vault, options=WARM)
    assert made == ["pieces"]
    assert "Sam Lee" in (out / "companies/acme.html").read_text(encoding="utf-8")
    assert tree(out) == cold(vault, tmp_path)


def test_a_tampered_pieces_file_is_passed_over_and_made_again(
    make_vault: MakeVault, tmp_path: Path, made: list[str]
) -> None:
    vault = make_vault(VAULT)
    build(vault, options=WARM)
    path = vault / RENDER_CACHE / model_cache.FILE
    data = bytearray(path.read_bytes())
    data[-5] ^= 0x01
    path.write_bytes(bytes(data))
    made.clear()
    edit(vault / "interactions/2026-11-01-coffee.md", "We talked.", "We talked a lot.")
    out, _ = build(vault, options=WARM)
    assert made == ["pieces"]
    assert tree(out) == cold(vault, tmp_path)


def test_nothing_but_netnotes_own_classes_is_made_even_from_a_file_under_the_users_secret(
    make_vault: MakeVault, tmp_path: Path
) -> None:
    """Defence in depth: were the secret ever known, a pickle that calls anything outside
    netnotes (here ``os.system``) is refused, never run."""
    vault = make_vault(VAULT)
    result = load_vault(vault)
    secret = user_secret(lambda message: None)
    assert secret is not None
    marker = tmp_path / "ran"

    class Evil:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (os.system, (f"touch {marker}",))

    body = model_cache._header(code_salt(), result.contacts_key or "") + pickle.dumps(Evil())
    folder = tmp_path / "cache"
    folder.mkdir()
    (folder / model_cache.FILE).write_bytes(model_cache.MAGIC + model_cache._mac(secret, body) + body)
    assert model_cache.read(folder, secret, code_salt(), result.vault, result.contacts_key) is None
    assert not marker.exists()


def test_pieces_made_for_other_contacts_or_by_other_code_are_not_taken(
    make_vault: MakeVault, tmp_path: Path, made: list[str]
) -> None:
    vault = make_vault(VAULT)
    build(vault, options=WARM)
    result = load_vault(vault)
    secret = user_secret(lambda message: None)
    assert secret is not None
    folder = vault / RENDER_CACHE
    assert model_cache.read(folder, secret, code_salt(), result.vault, result.contacts_key) is not None
    assert model_cache.read(folder, secret, "other code", result.vault, result.contacts_key) is None
    assert model_cache.read(folder, secret, code_salt(), result.vault, "other contacts") is None
    assert model_cache.read(folder, b"another user's secret", code_salt(), result.vault, result.contacts_key) is None
    assert model_cache.read(folder, secret, code_salt(), result.vault, None) is None


def test_build_clean_drops_the_pieces(make_vault: MakeVault, run_cli: RunCli) -> None:
    vault = make_vault(VAULT)
    assert run_cli("--vault", str(vault), "build", "--today", "2026-11-25").exit_code == 0
    assert (vault / RENDER_CACHE / model_cache.FILE).is_file()
    listed: list[str] = []
    real_read = model_cache.read

    def spy(*args: object) -> object:
        listed.append("read")
        return real_read(*args)  # type: ignore[arg-type]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(model_cache, "read", spy)
        patch.setattr(model_cache, "_Unpickler", _refuse)
        assert run_cli("--vault", str(vault), "build", "--clean", "--today", "2026-11-25").exit_code == 0
    assert listed == ["read"]  # asked, and found nothing to unpickle: the file was gone


class _refuse(pickle.Unpickler):  # noqa: N801 - stands in for the module's class
    def __init__(self, file: io.BytesIO, vault: object) -> None:
        raise AssertionError("a file survived build --clean")
