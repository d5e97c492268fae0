"""Checks that catch a user's mistake before it silently costs a reminder (issue 8, "a week of
real use")."""

from __future__ import annotations

from netnotes.loader import LoadResult
from netnotes.problems import Problem, format_text

JANE = """
    ---
    name: Jane Doe
    circle: inner
    ---
"""
CIRCLES = """
    circles:
      inner: 3w
    kinds: [podcast]
"""


def the_problem(result: LoadResult) -> Problem:
    assert len(result.problems) == 1, format_text(result.problems)
    return result.problems[0]


# Wording --------------------------------------------------------------------------------------


def test_two_files_with_one_id_have_the_same_file_name(load):
    result = load({"contacts/work/Jane-Doe.md": JANE, "contacts/friends/jane-doe.md": JANE}, config=CIRCLES)
    assert the_problem(result).message == (
        "duplicate id 'jane-doe': this file and contacts/friends/jane-doe.md have the same file name;"
        " rename one of them")


def test_a_new_contact_named_like_two_others_says_they_have_the_same_name(make_vault, run_cli):
    vault = make_vault({"contacts/jane-doe.md": "---\nname: Jane Doe\n---\n",
                        "contacts/jane-doe-2.md": "---\nname: Jane Doe\n---\n"})
    made = run_cli("--vault", vault, "new", "contact", "Jane Doe")
    assert "contacts/jane-doe.md, contacts/jane-doe-2.md have the same name" in made.stderr
    assert "a name that matches all of them is ambiguous" in made.stderr
