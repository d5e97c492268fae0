"""Slugs of file and page names (issue 4, point 5; issue 8, item 10): one function for both,
every script transliterated, always safe ASCII, unique, never a path out of its folder."""

from __future__ import annotations

import re

import pytest
from conftest import MakeVault, RunCli
from hypothesis import given
from hypothesis import strategies as st

from netnotes import slugs
from netnotes.slugs import (
    MAX_LENGTH,
    RESERVED,
    _ascii_slug,
    _transliterated_slug,
    safe_slug,
    short_hash,
    slugify,
    unique_slugs,
)

SAFE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def test_examples() -> None:
    slugs = unique_slugs(["jane-doe", "Zoë Müller", "../../x", "CON", "", "李雷", "a/b\\c", ".hidden", "🚀"])
    assert slugs["jane-doe"] == "jane-doe"
    assert slugs["Zoë Müller"] == "zoe-muller"
    assert slugs["../../x"] == "x"
    assert slugs["CON"] == "con-x"
    assert slugs["a/b\\c"] == "a-b-c"
    assert slugs[".hidden"] == "hidden"
    assert slugs["李雷"] == "lilei"
    assert slugs[""] == f"x-{short_hash('')}" and slugs["🚀"] == f"x-{short_hash('🚀')}"


def test_names_that_slug_alike_get_a_suffix_and_the_exact_one_keeps_its_slug() -> None:
    slugs = unique_slugs(["zoe", "Zoe", "Zoë", "zoe!"])
    assert slugs["zoe"] == "zoe"
    assert len(set(slugs.values())) == 4
    assert all(re.fullmatch(r"zoe-[0-9a-f]{8}", slugs[n]) for n in ("Zoe", "Zoë", "zoe!"))


def test_a_name_keeps_its_slug_whatever_else_is_in_the_vault() -> None:
    assert unique_slugs(["Zoë", "zoe!"])["Zoë"] == unique_slugs(["Zoë", "zoe!", "ZOE", "zoe?"])["Zoë"]


def test_files_and_pages_get_the_same_slug() -> None:
    for name, slug in [
        ("Straße Øre", "strasse-ore"),
        ("Иван Петров", "ivan-petrov"),
        ("Ελένη", "eleni"),
        ("王小明", "wangxiaoming"),
    ]:
        assert safe_slug(name, "contact") == slug
        assert unique_slugs([name], "tag") == {name: slug}


def test_a_tag_page_and_a_contacts_file_agree(make_vault: MakeVault, run_cli: RunCli) -> None:
    vault = make_vault({"contacts/ole.md": "---\nname: Ole\ntags: [Straße Øre, Иван]\n---\n"})
    assert run_cli("--vault", vault, "new", "contact", "Straße Øre").exit_code == 0
    assert (vault / "contacts/strasse-ore.md").is_file()
    result = run_cli("--vault", vault, "build", "--today", "2026-03-10")
    assert result.exit_code == 0, result.output
    assert (vault / "_site/tags/strasse-ore.html").is_file()
    assert (vault / "_site/tags/ivan.html").is_file()


@given(st.lists(st.text(max_size=80), max_size=30))
def test_always_safe_and_unique(names: list[str]) -> None:
    slugs = unique_slugs(names)
    assert set(slugs) == set(names)
    assert len(set(slugs.values())) == len(slugs)
    for slug in slugs.values():
        assert SAFE.match(slug), slug
        assert len(slug) <= MAX_LENGTH + 12
        assert slug not in RESERVED


@given(st.text())
def test_slugify_is_ascii(text: str) -> None:
    assert re.fullmatch(r"([a-z0-9]+(-[a-z0-9]+)*)?", slugify(text))


@given(st.text(), st.sampled_from(["contact", "kind", "tag"]))
def test_safe_slug_is_never_empty_reserved_or_a_dot_name(text: str, fallback: str) -> None:
    slug = safe_slug(text, fallback)
    assert SAFE.match(slug) and slug not in RESERVED and slug not in (".", "..")
    assert len(slug) <= MAX_LENGTH + len(fallback) + 1


def test_a_huge_name_is_cut_at_a_word_within_the_maximum_length() -> None:
    assert slugify("Иван " * 1_000_000) == "ivan-" * 11 + "ivan"


@given(st.text(alphabet=st.characters(max_codepoint=127)) | st.sampled_from(["jane-doe", "O'Brien", "a`b", "x\x7fy"]))
def test_the_ascii_fast_path_gives_what_transliterating_gives(text: str) -> None:
    # issue 12: ASCII text skips anyascii and the per-character pass; the slug must not change
    assert _ascii_slug(text) == _transliterated_slug(text)


def test_ascii_text_takes_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = slugs._transliterated_slug

    def counting(text: str) -> str:
        calls.append(text)
        return real(text)

    monkeypatch.setattr(slugs, "_transliterated_slug", counting)
    assert unique_slugs(["jane-doe", "Jane O'Brien", "ACME, Inc."]) == {
        "jane-doe": "jane-doe",
        "Jane O'Brien": "jane-obrien",
        "ACME, Inc.": "acme-inc",
    }
    assert calls == []
    slugify("Zoë")
    assert calls == ["Zoë"]
