"""Page file names (issue 4, point 5): safe ASCII, unique, never a path out of the output."""

from __future__ import annotations

import re

from hypothesis import given, strategies as st

from netnotes.site.slugs import MAX_LENGTH, WINDOWS_RESERVED, slugify, unique_slugs

SAFE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def test_examples() -> None:
    slugs = unique_slugs(["jane-doe", "Zoë Müller", "../../x", "CON", "", "李雷", "a/b\\c", ".hidden"])
    assert slugs["jane-doe"] == "jane-doe"
    assert slugs["Zoë Müller"] == "zoe-muller"
    assert slugs["../../x"] == "x"
    assert slugs["CON"] == "con_"
    assert slugs["a/b\\c"] == "a-b-c"
    assert slugs[".hidden"] == "hidden"
    assert re.fullmatch(r"x-[0-9a-f]{8}", slugs[""]) and re.fullmatch(r"x-[0-9a-f]{8}", slugs["李雷"])


def test_names_that_slug_alike_get_a_suffix_and_the_exact_one_keeps_its_slug() -> None:
    slugs = unique_slugs(["zoe", "Zoe", "Zoë", "zoe!"])
    assert slugs["zoe"] == "zoe"
    assert len(set(slugs.values())) == 4
    assert all(re.fullmatch(r"zoe-[0-9a-f]{8}", slugs[n]) for n in ("Zoe", "Zoë", "zoe!"))


def test_a_name_keeps_its_slug_whatever_else_is_in_the_vault() -> None:
    assert unique_slugs(["Zoë", "zoe!"])["Zoë"] == unique_slugs(["Zoë", "zoe!", "ZOE", "zoe?"])["Zoë"]


@given(st.lists(st.text(max_size=80), max_size=30))
def test_always_safe_and_unique(names: list[str]) -> None:
    slugs = unique_slugs(names)
    assert set(slugs) == set(names)
    assert len(set(slugs.values())) == len(slugs)
    for slug in slugs.values():
        assert SAFE.match(slug), slug
        assert len(slug) <= MAX_LENGTH + 12
        assert slug not in WINDOWS_RESERVED


@given(st.text())
def test_slugify_is_ascii(text: str) -> None:
    assert re.fullmatch(r"[a-z0-9_-]*", slugify(text))
