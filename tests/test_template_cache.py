"""Compiled templates are kept in the user's cache folder between builds (issue 12, the cold
path): a build compiles only templates it has not compiled before, gives the same bytes as
one that compiles them all, and never runs code from a cache entry that this user's key did
not sign, whatever was put there. A cache that cannot be used is a warning, never a failure."""

from __future__ import annotations

import hashlib
import hmac
import marshal
import os
from pathlib import Path

import jinja2
import pytest
from conftest import MakeVault, RunCli
from jinja2.bccache import Bucket
from site_html import build, tree

from netnotes.site import template_cache
from netnotes.site.build import BuildOptions
from netnotes.site.template_cache import MAGIC, TemplateCache
from netnotes.site.theme import default_theme, load_theme

VAULT = {
    "contacts/jane-doe.md": "---\nname: Jane Doe\n---\nFriend of [[sam-lee]].\n",
    "contacts/sam-lee.md": "---\nname: Sam Lee\n---\nPlain *notes*.\n",
    "interactions/2026-01-01-x.md": "---\ndate: 2026-01-01\nwith: jane-doe\n---\nWe met.\n",
}
UNCACHED = BuildOptions(jobs=1, cache=False)


@pytest.fixture
def compiled(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The name of every template Jinja2 compiles from its source from now on, in order."""
    names: list[str] = []
    real = jinja2.Environment.compile

    def counting(self: jinja2.Environment, source: str, name: str | None = None, *args: object, **kw: object) -> object:
        if name is not None:
            names.append(name)
        return real(self, source, name, *args, **kw)  # type: ignore[call-overload]  # passes Jinja2's own arguments on

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    return names


def entries() -> list[Path]:
    return sorted(template_cache.cache_folder().iterdir())


def test_a_second_build_compiles_no_template_and_gives_the_same_bytes(
    make_vault: MakeVault, tmp_path: Path, compiled: list[str]
) -> None:
    vault = make_vault(VAULT)
    first, _ = build(vault, tmp_path / "first")
    assert "contact.html" in compiled and "base.html" in compiled
    assert len(entries()) == len(set(compiled))
    compiled.clear()
    second, report = build(vault, tmp_path / "second")
    assert compiled == []
    assert report.cache_warnings == ()
    uncached, _ = build(vault, tmp_path / "uncached", options=UNCACHED)
    assert tree(first) == tree(second) == tree(uncached)


def test_an_edited_template_is_compiled_again_and_its_edit_shows(
    make_vault: MakeVault, tmp_path: Path, compiled: list[str]
) -> None:
    vault = make_vault({**VAULT, "theme/templates/tag.html": '{% extends "base.html" %}'})
    build(vault, tmp_path / "first")
    contact = (Path(__file__).parent.parent / "themes/default/templates/contact.html").read_text()
    (vault / "theme/templates/contact.html").write_text(contact.replace("<h1", "<h1 data-edited", 1))
    compiled.clear()
    out, _ = build(vault, tmp_path / "second")
    assert compiled == ["contact.html"]
    assert "<h1 data-edited" in (out / "contacts/jane-doe.html").read_text()
    (vault / "theme/templates/contact.html").unlink()
    compiled.clear()
    out, _ = build(vault, tmp_path / "third")
    assert compiled == []  # the default contact.html, compiled (in the sandbox) by the first build
    assert "<h1 data-edited" not in (out / "contacts/jane-doe.html").read_text()


def test_the_sandbox_and_the_plain_environment_keep_apart_entries(
    make_vault: MakeVault, tmp_path: Path, compiled: list[str]
) -> None:
    build(make_vault(VAULT), tmp_path / "plain")
    compiled.clear()
    themed = make_vault({**VAULT, "theme/templates/tag.html": '{% extends "base.html" %}'})
    build(themed, tmp_path / "sandboxed")
    assert "contact.html" in compiled  # the default template again, for the sandbox


def forged_entry(path: Path, source: str, name: bytes, key: bytes) -> None:
    """An entry for ``path`` holding code that prints FORGED, under the checksum of ``source``
    (what Jinja2 compares), signed with ``key``."""
    env = jinja2.Environment()
    bucket = Bucket(env, "", jinja2.BytecodeCache().get_source_checksum(source))
    bucket.code = env.compile("FORGED", "contact.html", None)
    payload = bucket.bytecode_to_string()
    path.write_bytes(MAGIC + hmac.digest(key, name + payload, hashlib.sha256) + payload)


@pytest.mark.parametrize("key", [b"not the user's key", None], ids=["foreign-key", "damaged"])
def test_an_entry_this_user_did_not_sign_is_never_run(
    make_vault: MakeVault, tmp_path: Path, compiled: list[str], key: bytes | None
) -> None:
    vault = make_vault(VAULT)
    cold, _ = build(vault, tmp_path / "cold")
    cache = TemplateCache.open(lambda message: None)
    assert cache is not None
    source = (Path(__file__).parent.parent / "themes/default/templates/contact.html").read_text()
    bucket = Bucket(load_theme(vault).env, cache.get_cache_key("contact.html", _default_template("contact.html")), "")
    path, name = cache.entry(bucket)
    assert path.exists()
    if key is None:
        data = bytearray(path.read_bytes())
        data[-10] ^= 0xFF  # one flipped byte in the marshalled code
        path.write_bytes(bytes(data))
    else:
        forged_entry(path, source, name, key)
    compiled.clear()
    out, report = build(vault, tmp_path / "after")
    assert compiled == ["contact.html"]
    assert tree(out) == tree(cold)
    assert report.cache_warnings == (
        f"ignored a damaged or foreign entry of the template cache {path}; compiled the template again",
    )
    compiled.clear()
    build(vault, tmp_path / "again")
    assert compiled == []  # the entry was replaced by a good one


def test_an_entry_signed_with_the_users_key_is_what_the_cache_trusts(make_vault: MakeVault, tmp_path: Path) -> None:
    """The other side of the test above: the forgery fails only for want of the key (so that
    test shows the HMAC at work, not a forgery that could never have loaded)."""
    vault = make_vault(VAULT)
    build(vault, tmp_path / "cold")
    cache = TemplateCache.open(lambda message: None)
    assert cache is not None
    source = (Path(__file__).parent.parent / "themes/default/templates/contact.html").read_text()
    bucket = Bucket(load_theme(vault).env, cache.get_cache_key("contact.html", _default_template("contact.html")), "")
    path, name = cache.entry(bucket)
    forged_entry(path, source, name, cache.secret)
    out, _ = build(vault, tmp_path / "after")
    assert "FORGED" in (out / "contacts/jane-doe.html").read_text()


@pytest.mark.parametrize(
    "content",
    [b"", b"garbage", MAGIC + b"\0" * 40, MAGIC + bytes(64) + marshal.dumps(1)],
    ids=["empty", "garbage", "truncated", "unsigned-code"],
)
def test_a_corrupt_entry_is_a_warning_and_compiled_again(
    make_vault: MakeVault, tmp_path: Path, compiled: list[str], content: bytes
) -> None:
    vault = make_vault(VAULT)
    cold, _ = build(vault, tmp_path / "cold")
    for path in entries():
        path.write_bytes(content)
    compiled.clear()
    out, report = build(vault, tmp_path / "after")
    assert sorted(compiled) == sorted(set(compiled)) and "base.html" in compiled
    assert tree(out) == tree(cold)
    assert len(report.cache_warnings) == 1 and "template cache" in report.cache_warnings[0]


def test_a_cache_folder_others_may_write_to_is_not_used(
    make_vault: MakeVault, tmp_path: Path, compiled: list[str]
) -> None:
    vault = make_vault(VAULT)
    build(vault, tmp_path / "cold")
    folder = template_cache.cache_folder()
    folder.chmod(0o777)
    compiled.clear()
    _, report = build(vault, tmp_path / "after")
    assert "base.html" in compiled
    assert report.cache_warnings == (
        f"cannot use the template cache {folder}: others may use it (it should be private to you, mode 700); "
        "compiling every template",
    )


def test_a_cache_that_cannot_be_made_or_written_is_a_warning(
    make_vault: MakeVault, run_cli: RunCli, tmp_path: Path
) -> None:
    vault = make_vault(VAULT)
    folder = template_cache.cache_folder()
    folder.parent.mkdir(parents=True)
    folder.write_text("not a folder")
    result = run_cli("--vault", vault, "build", "--today", "2026-11-25")
    assert result.exit_code == 0, result.output
    assert f"Warning: cannot use the template cache {folder}: it is not a folder; compiling every template" in (
        result.stderr
    )
    folder.unlink()
    folder.mkdir(mode=0o700)
    if os.geteuid() != 0:  # root writes into a read-only folder anyway
        folder.chmod(0o500)
        result = run_cli("--vault", vault, "build", "--today", "2026-11-25", "--out", tmp_path / "ro")
        folder.chmod(0o700)
        assert result.exit_code == 0, result.output
        assert f"Warning: cannot save compiled templates in {folder}: Permission denied" in result.stderr


def test_an_unreadable_cache_key_means_no_template_cache(make_vault: MakeVault, tmp_path: Path) -> None:
    vault = make_vault(VAULT)
    key = template_cache.user_cache_folder() / "cache-key"
    key.mkdir(parents=True)  # reading it fails
    out, report = build(vault, tmp_path / "out")
    assert (out / "index.html").exists()
    assert not template_cache.cache_folder().exists()
    assert any("cache key" in warning for warning in report.cache_warnings)


def test_clean_drops_the_compiled_templates(make_vault: MakeVault, run_cli: RunCli, compiled: list[str]) -> None:
    vault = make_vault(VAULT)
    assert run_cli("--vault", vault, "build", "--today", "2026-11-25").exit_code == 0
    assert entries()
    compiled.clear()
    result = run_cli("--vault", vault, "build", "--today", "2026-11-25", "--clean")
    assert result.exit_code == 0, result.output
    assert "base.html" in compiled


def test_a_build_without_caches_leaves_no_compiled_templates(make_vault: MakeVault, tmp_path: Path) -> None:
    build(make_vault(VAULT), tmp_path / "out", options=UNCACHED)
    assert not template_cache.cache_folder().exists()


def _default_template(name: str) -> str:
    return str(default_theme() / "templates" / name)
