"""`netnotes check`: one small inline vault per check, asserting where each problem points.

Every problem is asserted by its place, ``path:line:col: severity CODE``, plus the words of its
message a user needs (the golden test in test_golden_check.py pins the full wording).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import Load, MakeVault, RunCli

from netnotes import loader
from netnotes.dates import Duration
from netnotes.loader import LoadResult, load_vault
from netnotes.notes import MAX_NOTE_BYTES, Note
from netnotes.problems import CODES, Problem, format_text

CONFIG = """
    circles:
      inner: 3w
      active: 2m
    kinds: [podcast]
"""

JANE = """
    ---
    name: Jane Doe
    aliases: [JD]
    ---
"""


def spots(result: LoadResult) -> list[str]:
    """Each problem as ``path:line:col: severity CODE``, in output order."""
    return [f"{p.path}:{p.line}:{p.column}: {p.severity} {p.code}" for p in result.problems]


def the_problem(result: LoadResult) -> Problem:
    assert len(result.problems) == 1, format_text(result.problems)
    return result.problems[0]


def assert_clean(result: LoadResult) -> None:
    assert result.problems == [], format_text(result.problems)


# Reading the file and its front matter ------------------------------------------------------


def test_missing_front_matter(load: Load) -> None:
    p = the_problem(load({"contacts/jane-doe.md": "Jane Doe, met at PyCon\n"}))
    assert p.format().startswith("contacts/jane-doe.md:1:1: error NN102 ")
    assert "first line must be '---'" in p.message


@pytest.mark.parametrize("text", ["", "\n  \n\n"], ids=["empty", "blank-lines"])
def test_empty_file(load: Load, text: str) -> None:
    p = the_problem(load({"contacts/jane-doe.md": text}))
    assert p.format().startswith("contacts/jane-doe.md:1:1: error NN101 ")


@pytest.mark.parametrize(
    "front_matter", ["", "# to do: add her\n", "{}\n"], ids=["nothing", "comment", "empty-mapping"]
)
def test_empty_front_matter(load: Load, front_matter: str) -> None:
    p = the_problem(load({"contacts/jane-doe.md": f"---\n{front_matter}---\nMet at PyCon.\n"}))
    assert p.format().startswith("contacts/jane-doe.md:1:1: error NN106 front matter is empty")


def test_unclosed_front_matter(load: Load) -> None:
    p = the_problem(
        load(
            {
                "contacts/jane-doe.md": """
        ---
        name: Jane Doe
        company: Acme
        """
            }
        )
    )
    assert p.format().startswith("contacts/jane-doe.md:1:1: error NN103 ")
    assert "add a line '---'" in p.message


def test_yaml_syntax_error_points_at_its_line(load: Load) -> None:
    p = the_problem(
        load(
            {
                "contacts/jane-doe.md": """
        ---
        name: Jane Doe
        role: Head: of Sales
        ---
        """
            }
        )
    )
    assert p.format().startswith("contacts/jane-doe.md:3:11: error NN105 YAML syntax error: ")
    assert "mapping values are not allowed" in p.message


def test_front_matter_that_is_a_list(load: Load) -> None:
    p = the_problem(load({"contacts/jane-doe.md": "---\n- name: Jane Doe\n---\n"}))
    assert p.format().startswith("contacts/jane-doe.md:2:1: error NN106 ")


def test_duplicate_top_level_key(load: Load) -> None:
    result = load(
        {
            "contacts/jane-doe.md": """
        ---
        name: Jane Doe
        company: Acme
        name: Janet Doe
        ---
        """
        }
    )
    p = the_problem(result)
    assert spots(result) == ["contacts/jane-doe.md:4:1: error NN107"]
    assert "duplicate key 'name' (first at line 2)" in p.message
    assert result.vault.contacts[0].name == "Jane Doe"


def test_duplicate_nested_key(load: Load) -> None:
    result = load(
        {
            "contacts/jane-doe.md": """
        ---
        name: Jane Doe
        links:
          github: jane
          github: jdoe
        ---
        """
        }
    )
    assert spots(result) == ["contacts/jane-doe.md:5:3: error NN107"]
    assert "'github'" in result.problems[0].message


def test_bytes_that_are_not_utf8_point_at_the_bad_byte(load: Load) -> None:
    p = the_problem(load({"contacts/jane-doe.md": b"---\nname: Jane Doe\ncompany: Caf\xe9 Ltd\n---\n"}))
    assert p.format().startswith("contacts/jane-doe.md:3:13: error NN100 ")
    assert "0xe9" in p.message and "UTF-8" in p.message


def test_bom_and_crlf_are_accepted_with_the_right_lines(load: Load) -> None:
    note = b"\xef\xbb\xbf---\r\nname: Jane Doe\r\ncircle: innr\r\n---\r\nMet [[nobody]] at PyCon.\r\n"
    result = load({"contacts/jane-doe.md": note}, config=CONFIG)
    assert spots(result) == [
        "contacts/jane-doe.md:3:9: error NN104",
        "contacts/jane-doe.md:5:5: warning NN204",
    ]
    assert result.vault.contacts[0].name == "Jane Doe"


def test_a_control_character_is_a_yaml_error_at_its_place(load: Load) -> None:
    p = the_problem(load({"contacts/jane-doe.md": "---\nname: Jane Doe\ncompany: Ac\x01me\n---\n"}))
    assert p.format().startswith("contacts/jane-doe.md:3:12: error NN105 ")
    assert "U+0001" in p.message


@pytest.mark.parametrize("odd_break", ["\u2028", "\x85", "\r"], ids=["line-separator", "next-line", "lone-cr"])
def test_lines_are_counted_by_line_feeds_only(load: Load, odd_break: str) -> None:
    # YAML reads `role` as a key of its own line; the file (and an editor's go-to-line) has it on line 2.
    result = load(
        {"contacts/jane-doe.md": f"---\nname: Jane Doe{odd_break}role: CTO\ncircle: innr\n---\n"}, config=CONFIG
    )
    assert spots(result) == ["contacts/jane-doe.md:3:9: error NN104"]
    assert result.vault.contacts[0].role == "CTO"


def test_netnotes_yaml_without_a_final_newline_points_into_the_file(load: Load) -> None:
    assert spots(load({}, config=b"title: [My network")) == ["netnotes.yaml:1:19: error NN105"]


def test_a_problem_is_one_line_whatever_the_note_holds(load: Load) -> None:
    result = load(
        {
            "contacts/jane-doe.md": JANE,
            "interactions/coffee.md": '---\ndate: 2026-01-05\nwith: jane-doe\nkind: "sau\\nna"\n---\n',
        }
    )
    p = the_problem(result)
    assert p.format() == (
        "interactions/coffee.md:4:7: warning NN202 unknown kind 'sau\\nna'; use one of: coffee,"
        " lunch, call, email, text, meeting, event, linkedin, thank-you, invitation, intro, other"
    )


# Required fields ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path, text, spot, words",
    [
        pytest.param(
            "contacts/sam.md",
            "---\ncompany: Acme\n---\n",
            "contacts/sam.md:1:1: error NN108",
            "'name' is missing",
            id="contact-name",
        ),
        pytest.param(
            "contacts/sam.md",
            "---\nname:\ncompany: Acme\n---\n",
            "contacts/sam.md:2:1: error NN108",
            "'name' is empty",
            id="contact-name-empty",
        ),
        pytest.param(
            "interactions/coffee.md",
            "---\nwith: jane-doe\n---\n",
            "interactions/coffee.md:1:1: error NN108",
            "'date' is missing",
            id="interaction-date",
        ),
        pytest.param(
            "interactions/coffee.md",
            "---\ndate: 2026-01-05\n---\n",
            "interactions/coffee.md:1:1: error NN108",
            "'with' is missing",
            id="interaction-with",
        ),
        pytest.param(
            "interactions/coffee.md",
            "---\ndate: 2026-01-05\nwith: []\n---\n",
            "interactions/coffee.md:3:1: error NN108",
            "'with' is empty",
            id="interaction-with-empty",
        ),
        pytest.param(
            "asks/ref.md",
            "---\nwith: jane-doe\ndirection: out\n---\n",
            "asks/ref.md:1:1: error NN108",
            "'date' is missing",
            id="ask-date",
        ),
        pytest.param(
            "asks/ref.md",
            "---\ndate: 2026-01-05\ndirection: out\n---\n",
            "asks/ref.md:1:1: error NN108",
            "'with' is missing",
            id="ask-with",
        ),
        pytest.param(
            "asks/ref.md",
            "---\ndate: 2026-01-05\nwith: jane-doe\n---\n",
            "asks/ref.md:1:1: error NN108",
            "'direction' is missing",
            id="ask-direction",
        ),
    ],
)
def test_missing_required_field(load: Load, path: str, text: str, spot: str, words: str) -> None:
    result = load({"contacts/jane-doe.md": JANE, path: text})
    assert spots(result) == [spot]
    assert words in result.problems[0].message


def test_a_note_missing_a_required_field_is_left_out(load: Load) -> None:
    result = load(
        {
            "contacts/jane-doe.md": JANE,
            "contacts/sam.md": "---\ncompany: Acme\n---\n",
            "interactions/coffee.md": "---\nwith: jane-doe\n---\n",
            "asks/ref.md": "---\ndate: 2026-01-05\nwith: jane-doe\n---\n",
        }
    )
    assert [c.id for c in result.vault.contacts] == ["jane-doe"]
    assert result.vault.interactions == () and result.vault.asks == ()


def test_a_note_left_out_still_has_every_problem_reported(load: Load) -> None:
    result = load(
        {
            "contacts/sam.md": """
        ---
        company: Acme
        since: 2026-02-30
        cadance: 2w
        ---
        """
        }
    )
    assert spots(result) == [
        "contacts/sam.md:1:1: error NN108",
        "contacts/sam.md:3:8: error NN110",
        "contacts/sam.md:4:1: warning NN201",
    ]


# Values of the wrong type or shape ------------------------------------------------------------


def test_tags_as_a_mapping(load: Load) -> None:
    result = load({"contacts/jane-doe.md": "---\nname: Jane Doe\ntags: {python: yes}\n---\n"})
    assert spots(result) == ["contacts/jane-doe.md:3:7: error NN109"]
    assert "'tags'" in result.problems[0].message and "a mapping" in result.problems[0].message


def test_archived_as_text(load: Load) -> None:
    result = load({"contacts/jane-doe.md": '---\nname: Jane Doe\narchived: "yes"\n---\n'})
    assert spots(result) == ["contacts/jane-doe.md:3:11: error NN109"]
    assert "true or false" in result.problems[0].message


def test_email_list_with_a_mapping_points_at_the_item(load: Load) -> None:
    result = load(
        {
            "contacts/jane-doe.md": """
        ---
        name: Jane Doe
        email:
          - jane@example.com
          - work: jane@acme.test
        ---
        """
        }
    )
    assert spots(result) == ["contacts/jane-doe.md:5:5: error NN109"]
    assert result.vault.contacts[0].emails == ("jane@example.com",)


def test_a_bad_field_is_dropped_and_the_rest_of_the_note_kept(load: Load) -> None:
    result = load(
        {
            "contacts/jane-doe.md": """
        ---
        name: Jane Doe
        company: Acme
        tags: {python: yes}
        cadence: 2mo
        since: 2024-05-01
        ---
        """
        }
    )
    assert spots(result) == ["contacts/jane-doe.md:4:7: error NN109", "contacts/jane-doe.md:5:10: error NN111"]
    [jane] = result.vault.contacts
    assert (jane.name, jane.company, jane.tags, jane.cadence) == ("Jane Doe", "Acme", (), None)
    assert jane.since is not None and jane.since.isoformat() == "2024-05-01"


# Dates, durations, birthdays -------------------------------------------------------------------


@pytest.mark.parametrize(
    "line, spot, words",
    [
        pytest.param("since: 2026-02-30", "3:8", "February 2026 has 28 days", id="impossible-day"),
        pytest.param('since: "2026-13-01"', "3:8", "month must be 01 to 12", id="quoted-month-13"),
        pytest.param("since: last spring", "3:8", "YYYY-MM-DD", id="not-a-date"),
        pytest.param("snooze_until: 2026-04-31", "3:15", "April 2026 has 30 days", id="snooze"),
    ],
)
def test_impossible_or_invalid_date(load: Load, line: str, spot: str, words: str) -> None:
    result = load({"contacts/jane-doe.md": f"---\nname: Jane Doe\n{line}\n---\n"})
    assert spots(result) == [f"contacts/jane-doe.md:{spot}: error NN110"]
    assert words in result.problems[0].message


def test_impossible_interaction_date_leaves_the_interaction_out(load: Load) -> None:
    result = load(
        {
            "contacts/jane-doe.md": JANE,
            "interactions/coffee.md": '---\ndate: "2026-13-01"\nwith: jane-doe\n---\n',
        }
    )
    assert spots(result) == ["interactions/coffee.md:2:7: error NN110"]
    assert result.vault.interactions == ()


@pytest.mark.parametrize(
    "line, spot, code",
    [
        pytest.param("cadence: 2mo", "3:10", "NN111", id="cadence-2mo"),
        pytest.param("cadence: often", "3:10", "NN111", id="cadence-word"),
        pytest.param("birthday: --02-30", "3:11", "NN110", id="birthday-no-such-day"),
        pytest.param("birthday: 1990-02-29", "3:11", "NN110", id="birthday-not-a-leap-year"),
        pytest.param("birthday: March 3", "3:11", "NN110", id="birthday-words"),
    ],
)
def test_bad_duration_or_birthday(load: Load, line: str, spot: str, code: str) -> None:
    result = load({"contacts/jane-doe.md": f"---\nname: Jane Doe\n{line}\n---\n"})
    assert spots(result) == [f"contacts/jane-doe.md:{spot}: error {code}"]


@pytest.mark.parametrize(
    "line", ["cadence: 6w", "cadence: quarterly", "cadence: never", "birthday: --02-29", "birthday: 1990-03-03"]
)
def test_good_duration_or_birthday(load: Load, line: str) -> None:
    assert_clean(load({"contacts/jane-doe.md": f"---\nname: Jane Doe\n{line}\n---\n"}))


def test_follow_up_that_is_neither_date_nor_duration(load: Load) -> None:
    result = load(
        {
            "contacts/jane-doe.md": JANE,
            "interactions/coffee.md": "---\ndate: 2026-01-05\nwith: jane-doe\nfollow_up: soon\n---\n",
        }
    )
    assert spots(result) == ["interactions/coffee.md:4:12: error NN111"]
    assert len(result.vault.interactions) == 1


# Circles and kinds -----------------------------------------------------------------------------


def test_unknown_circle_suggests_the_closest(load: Load) -> None:
    result = load({"contacts/jane-doe.md": "---\nname: Jane Doe\ncircle: innr\n---\n"}, config=CONFIG)
    p = the_problem(result)
    assert p.format() == "contacts/jane-doe.md:3:9: error NN104 unknown circle 'innr' (did you mean 'inner'?)"
    assert result.vault.contacts[0].circle is None


@pytest.mark.parametrize(
    "config, words",
    [
        pytest.param(CONFIG, "circles in netnotes.yaml: inner, active", id="lists-the-circles"),
        pytest.param(None, "define it under 'circles:'", id="no-circles"),
    ],
)
def test_unknown_circle_without_a_close_match(load: Load, config: str | bytes | None, words: str) -> None:
    p = the_problem(load({"contacts/jane-doe.md": "---\nname: Jane Doe\ncircle: family\n---\n"}, config))
    assert p.code == "NN104" and words in p.message


def test_unknown_interaction_kind_is_a_warning_and_kept(load: Load) -> None:
    result = load(
        {
            "contacts/jane-doe.md": JANE,
            "interactions/sauna.md": "---\ndate: 2026-01-05\nwith: jane-doe\nkind: sauna\n---\n",
        },
        config=CONFIG,
    )
    assert spots(result) == ["interactions/sauna.md:4:7: warning NN202"]
    assert "unknown kind 'sauna'" in result.problems[0].message
    assert result.vault.interactions[0].kind == "sauna"


def test_extra_kinds_from_netnotes_yaml_are_accepted(load: Load) -> None:
    result = load(
        {
            "contacts/jane-doe.md": JANE,
            "interactions/episode.md": "---\ndate: 2026-01-05\nwith: jane-doe\nkind: podcast\n---\n",
        },
        config=CONFIG,
    )
    assert_clean(result)
    assert result.vault.interactions[0].kind == "podcast"


def test_unknown_ask_direction_is_an_error_and_leaves_the_ask_out(load: Load) -> None:
    result = load(
        {
            "contacts/jane-doe.md": JANE,
            "asks/ref.md": "---\ndate: 2026-01-05\nwith: jane-doe\ndirection: sideways\n---\n",
        }
    )
    assert spots(result) == ["asks/ref.md:4:12: error NN112"]
    assert "use one of: out, in" in result.problems[0].message
    assert result.vault.asks == ()


def test_unknown_ask_status_is_an_error_and_the_ask_stays_open(load: Load) -> None:
    result = load(
        {
            "contacts/jane-doe.md": JANE,
            "asks/ref.md": "---\ndate: 2026-01-05\nwith: jane-doe\ndirection: out\nstatus: pending\n---\n",
        }
    )
    assert spots(result) == ["asks/ref.md:5:9: error NN113"]
    assert result.vault.asks[0].status == "open"


def test_unknown_ask_kind_is_a_warning(load: Load) -> None:
    result = load(
        {
            "contacts/jane-doe.md": JANE,
            "asks/ref.md": "---\ndate: 2026-01-05\nwith: jane-doe\ndirection: out\nkind: refrence\n---\n",
        }
    )
    assert spots(result) == ["asks/ref.md:5:7: warning NN203"]
    assert "did you mean 'reference'?" in result.problems[0].message
    assert result.vault.asks[0].kind == "refrence"


# Ids and refs --------------------------------------------------------------------------------


def test_duplicate_ids_across_subfolders_are_case_folded(load: Load) -> None:
    result = load(
        {
            "contacts/work/Jane-Doe.md": JANE,
            "contacts/friends/jane-doe.md": JANE,
        }
    )
    p = the_problem(result)
    assert p.format().startswith("contacts/work/Jane-Doe.md:1:1: error NN114 duplicate id 'jane-doe'")
    assert "contacts/friends/jane-doe.md" in p.message
    assert [c.path for c in result.vault.contacts] == ["contacts/friends/jane-doe.md"]


def test_the_same_id_in_two_kinds_is_fine(load: Load) -> None:
    assert_clean(
        load(
            {
                "contacts/jane-doe.md": JANE,
                "interactions/jane-doe.md": "---\ndate: 2026-01-05\nwith: jane-doe\n---\n",
            }
        )
    )


@pytest.mark.parametrize(
    "ref",
    [
        pytest.param("jane-doe", id="id"),
        pytest.param("Jane-Doe", id="id-any-case"),
        pytest.param("Jane Doe", id="name"),
        pytest.param('"  jane   DOE "', id="name-spaces-and-case"),
        pytest.param("JD", id="alias"),
        pytest.param('"[[Jane Doe|Jane]]"', id="quoted-wikilink-with-label"),
        pytest.param("[[jane-doe]]", id="unquoted-wikilink"),
        pytest.param("[[Jane Doe#Notes]]", id="wikilink-to-heading"),
        pytest.param("[jane-doe]", id="list-of-one"),
    ],
)
def test_refs_resolve_by_id_name_alias_and_wikilink(load: Load, ref: str) -> None:
    result = load(
        {
            "contacts/jane-doe.md": JANE,
            "interactions/coffee.md": f"---\ndate: 2026-01-05\nwith: {ref}\n---\n",
        }
    )
    assert_clean(result)
    assert result.vault.interactions[0].with_ == ("jane-doe",)


def test_unquoted_wikilinks_in_a_block_list_resolve(load: Load) -> None:
    result = load(
        {
            "contacts/jane-doe.md": JANE,
            "contacts/sam-lee.md": "---\nname: Sam Lee\n---\n",
            "interactions/lunch.md": """
            ---
            date: 2026-01-05
            with:
              - [[jane-doe]]
              - [[Sam Lee|Sam]]
              - "[[JD]]"
            ---
            """,
        }
    )
    assert_clean(result)
    assert result.vault.interactions[0].with_ == ("jane-doe", "sam-lee")


def test_an_exact_id_wins_over_names_and_aliases(load: Load) -> None:
    result = load(
        {
            "contacts/sam.md": "---\nname: Samuel Okafor\n---\n",
            "contacts/sam-lee.md": "---\nname: Samantha Lee\naliases: [Sam]\n---\n",
            "interactions/call.md": "---\ndate: 2026-01-05\nwith: Sam\n---\n",
        }
    )
    assert_clean(result)
    assert result.vault.interactions[0].with_ == ("sam",)


def test_unknown_ref_suggests_the_closest_ids(load: Load) -> None:
    result = load(
        {
            "contacts/jane-doe.md": JANE,
            "interactions/coffee.md": "---\ndate: 2026-01-05\nwith: [jane-doe, Jane Do]\n---\n",
        }
    )
    p = the_problem(result)
    assert p.format() == (
        "interactions/coffee.md:3:18: error NN115 contact ref 'Jane Do' matches no contact (did you mean 'jane-doe'?)"
    )
    assert result.vault.interactions[0].with_ == ("jane-doe",)


def test_ambiguous_ref_lists_every_match(load: Load) -> None:
    result = load(
        {
            "contacts/alex-kim.md": "---\nname: Alex Kim\naliases: [Alex]\n---\n",
            "contacts/alex-park.md": "---\nname: Alex Park\naliases: [Alex]\n---\n",
            "asks/intro.md": "---\ndate: 2026-01-05\nwith: alex\ndirection: in\n---\n",
        }
    )
    p = the_problem(result)
    assert p.format().startswith("asks/intro.md:3:7: error NN116 ")
    assert "alex-kim, alex-park" in p.message


def test_unknown_met_through_is_an_error_at_its_value(load: Load) -> None:
    result = load({"contacts/jane-doe.md": "---\nname: Jane Doe\nmet_through: Bob\n---\n"})
    assert spots(result) == ["contacts/jane-doe.md:3:14: error NN115"]
    assert result.vault.contacts[0].met_through is None


def test_unresolved_wikilinks_in_a_body_are_warnings_at_their_place(load: Load) -> None:
    result = load(
        {
            "contacts/jane-doe.md": JANE,
            "interactions/coffee.md": """
            ---
            date: 2026-01-05
            with: jane-doe
            ---
            Coffee with [[Jane Doe|Jane]]; she knows [[Bob Smith]].
            See also [[coffee]] and ![[diagram.png]].
              Then [[nobody#Notes]].
            """,
        }
    )
    assert spots(result) == [
        "interactions/coffee.md:5:42: warning NN204",
        "interactions/coffee.md:7:8: warning NN204",
    ]
    assert result.problems[0].message == "wikilink [[Bob Smith]] matches no contact"


def test_a_wikilink_to_several_contacts_says_so(load: Load) -> None:
    result = load(
        {
            "contacts/alex-kim.md": "---\nname: Alex Kim\naliases: [Alex]\n---\n",
            "contacts/alex-park.md": "---\nname: Alex Park\naliases: [Alex]\n---\nAsk [[Alex]].\n",
        }
    )
    p = the_problem(result)
    assert p.format().startswith("contacts/alex-park.md:5:5: warning NN204 ")
    assert "several contacts: alex-kim, alex-park" in p.message


# Custom fields and misspelt keys ------------------------------------------------------------------


def test_misspelt_keys_warn_and_custom_fields_are_silent(load: Load) -> None:
    result = load(
        {
            "contacts/jane-doe.md": """
        ---
        name: Jane Doe
        cadance: 2w
        birthdate: 1990-03-03
        kids: 2
        timezone: Europe/Berlin
        ---
        """
        }
    )
    assert spots(result) == ["contacts/jane-doe.md:3:1: warning NN201", "contacts/jane-doe.md:4:1: warning NN201"]
    assert "did you mean 'cadence'?" in result.problems[0].message
    assert "did you mean 'birthday'?" in result.problems[1].message
    custom = dict(result.vault.contacts[0].custom)
    assert custom["kids"] == 2 and custom["timezone"] == "Europe/Berlin"


def test_misspelt_keys_in_interactions_and_asks(load: Load) -> None:
    result = load(
        {
            "contacts/jane-doe.md": JANE,
            "interactions/coffee.md": "---\ndate: 2026-01-05\nwith: jane-doe\nfolow_up: 2w\n---\n",
            "asks/ref.md": "---\ndate: 2026-01-05\nwith: jane-doe\ndirection: out\nstatuss: done\n---\n",
        }
    )
    assert spots(result) == ["asks/ref.md:5:1: warning NN201", "interactions/coffee.md:4:1: warning NN201"]
    assert "'follow_up'" in result.problems[1].message


# netnotes.yaml ------------------------------------------------------------------------------------


def test_netnotes_yaml_bad_values_and_unknown_keys_have_their_lines(load: Load) -> None:
    result = load(
        {},
        config="""
        title: My network
        horizon: soon
        circles:
          inner: 3w
          outer: often
        kinds: podcast
        output: /var/www/site
        colour: blue
        titel: Network
        """,
    )
    assert spots(result) == [
        "netnotes.yaml:2:10: error NN111",
        "netnotes.yaml:5:10: error NN111",
        "netnotes.yaml:6:8: error NN109",
        "netnotes.yaml:7:9: error NN118",
        "netnotes.yaml:8:1: warning NN205",
        "netnotes.yaml:9:1: warning NN205",
    ]
    assert "'outer'" in result.problems[1].message
    assert "did you mean 'title'?" in result.problems[5].message
    config = result.vault.config
    assert config.title == "My network" and config.horizon == Duration(14, "d")
    assert config.circles == (("inner", Duration(3, "w")),) and config.output == "_site"


@pytest.mark.parametrize(
    "config, spot",
    [
        pytest.param("horizon: never\n", "netnotes.yaml:1:10: error NN111", id="horizon-never"),
        pytest.param("circles: [inner, outer]\n", "netnotes.yaml:1:10: error NN109", id="circles-list"),
        pytest.param("title: a\ntitle: b\n", "netnotes.yaml:2:1: error NN107", id="duplicate-key"),
        pytest.param("title: [My network\n", "netnotes.yaml:2:1: error NN105", id="yaml-error"),
        pytest.param("- inner\n", "netnotes.yaml:1:1: error NN106", id="a-list"),
        pytest.param(b"title: Caf\xe9\n", "netnotes.yaml:1:11: error NN100", id="not-utf8"),
    ],
)
def test_netnotes_yaml_problems(load: Load, config: str | bytes | None, spot: str) -> None:
    assert spots(load({}, config=config)) == [spot]


def test_empty_netnotes_yaml_means_the_defaults(load: Load) -> None:
    result = load({"contacts/jane-doe.md": JANE}, config="# nothing set yet\n")
    assert_clean(result)
    assert result.vault.config.circles == ()


# What is not read ---------------------------------------------------------------------------------


def test_hidden_files_and_folders_and_other_folders_are_not_read(load: Load) -> None:
    broken = "this would be NN102 if it were read\n"
    result = load(
        {
            "contacts/jane-doe.md": JANE,
            "contacts/.draft.md": broken,
            "contacts/.archive/old.md": broken,
            ".obsidian/contacts/x.md": broken,
            ".git/contacts/x.md": broken,
            "notes/ideas.md": broken,
            "README.md": broken,
            "contacts/photo.png": broken,
        }
    )
    assert_clean(result)
    assert [c.id for c in result.vault.contacts] == ["jane-doe"]


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder next to the vault with notes that must never be read (they would be NN102)."""
    folder = tmp_path / "outside"
    (folder / "people").mkdir(parents=True)
    for path in (folder / "secret.md", folder / "people" / "secret.md"):
        path.write_text("private: not a note\n", encoding="utf-8")
    return folder


def symlink(link: Path, target: Path) -> None:
    link.parent.mkdir(parents=True, exist_ok=True)
    try:
        link.symlink_to(target, target_is_directory=target.is_dir())
    except (OSError, NotImplementedError):
        pytest.skip("symlinks are not available here")


def test_symlinks_out_of_the_vault_are_skipped_and_never_read(
    make_vault: MakeVault, outside: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_vault({"contacts/jane-doe.md": JANE})
    symlink(root / "contacts" / "secret.md", outside / "secret.md")
    symlink(root / "contacts" / "people", outside / "people")
    symlink(root / "asks", outside / "people")
    read: list[str] = []
    real_read_note = loader.read_note

    def reading(abspath: str, relpath: str) -> Note:
        read.append(relpath)
        return real_read_note(abspath, relpath)

    monkeypatch.setattr(loader, "read_note", reading)

    result = load_vault(root)

    assert spots(result) == [
        "asks:1:1: warning NN206",
        "contacts/people:1:1: warning NN206",
        "contacts/secret.md:1:1: warning NN206",
    ]
    assert "not read" in result.problems[0].message
    assert read == ["contacts/jane-doe.md"]


def test_a_netnotes_yaml_linked_from_outside_is_not_read(make_vault: MakeVault, outside: Path) -> None:
    (outside / "settings.yaml").write_text("api_key: s3cr3t\n", encoding="utf-8")
    root = make_vault({"contacts/jane-doe.md": JANE})
    symlink(root / "netnotes.yaml", outside / "settings.yaml")
    result = load_vault(root)
    assert spots(result) == ["netnotes.yaml:1:1: warning NN206"]
    assert "s3cr3t" not in result.problems[0].message and "api_key" not in result.problems[0].message


def test_symlinks_inside_the_vault_are_followed(make_vault: MakeVault) -> None:
    root = make_vault({"people/jane-doe.md": JANE})
    symlink(root / "contacts" / "jane-doe.md", root / "people" / "jane-doe.md")
    result = load_vault(root)
    assert_clean(result)
    assert [c.path for c in result.vault.contacts] == ["contacts/jane-doe.md"]


def test_a_symlink_loop_is_read_once(make_vault: MakeVault) -> None:
    root = make_vault({"contacts/jane-doe.md": JANE})
    symlink(root / "contacts" / "again", root / "contacts")
    result = load_vault(root)
    assert_clean(result)
    assert [c.id for c in result.vault.contacts] == ["jane-doe"]


# Hostile notes ------------------------------------------------------------------------------------


def alias_bomb(levels: int = 9) -> str:
    """YAML where each line repeats the line before nine times: 9**levels values from a few lines."""
    lines = ["---", "name: Jane Doe", 'a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, levels)]
    return "\n".join(lines + ["---", ""])


def test_yaml_alias_bomb_is_refused_quickly(load: Load) -> None:
    started = time.monotonic()
    result = load({"contacts/jane-doe.md": alias_bomb()})
    assert time.monotonic() - started < 5
    p = the_problem(result)
    assert (p.path, p.code) == ("contacts/jane-doe.md", "NN117")
    assert result.vault.contacts == ()


def test_deeply_nested_front_matter_is_refused(load: Load) -> None:
    result = load({"contacts/jane-doe.md": "---\nname: Jane Doe\ndeep: " + "[" * 500 + "]" * 500 + "\n---\n"})
    assert [p.code for p in result.problems] == ["NN117"]


def test_huge_note_is_not_read(make_vault: MakeVault) -> None:
    root = make_vault({})
    note = root / "contacts" / "jane-doe.md"
    note.parent.mkdir()
    with open(note, "wb") as fh:
        fh.write(b"---\nname: Jane Doe\n---\n")
        fh.truncate(MAX_NOTE_BYTES + 1)
    p = the_problem(load_vault(root))
    assert p.format().startswith("contacts/jane-doe.md:1:1: error NN117 ")
    assert "larger than 4 MiB" in p.message


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs os.mkfifo")
def test_a_fifo_in_contacts_does_not_hang(make_vault: MakeVault) -> None:
    root = make_vault({"contacts/jane-doe.md": JANE})
    os.mkfifo(root / "contacts" / "pipe.md")
    # A real process, so a hang is a timeout (and a killed child) rather than a stuck test run.
    done = subprocess.run(
        [sys.executable, "-m", "netnotes", "--vault", str(root), "check"], capture_output=True, text=True, timeout=30
    )
    assert (done.returncode, done.stdout) == (0, "")
    assert "1 contacts" in done.stderr


# The command: output formats and exit codes ---------------------------------------------------------


def test_check_prints_problem_lines_on_stdout_and_a_summary_on_stderr(make_vault: MakeVault, run_cli: RunCli) -> None:
    root = make_vault({"contacts/jane-doe.md": "---\nname: Jane Doe\ncircle: innr\n---\n"}, config=CONFIG)
    result = run_cli("--vault", root, "check")
    assert result.stdout == "contacts/jane-doe.md:3:9: error NN104 unknown circle 'innr' (did you mean 'inner'?)\n"
    assert result.stderr == "1 contacts, 0 interactions, 0 asks: 1 error, 0 warnings\n"
    assert result.exit_code == 1


def test_check_json_is_one_array_of_problem_objects(make_vault: MakeVault, run_cli: RunCli) -> None:
    root = make_vault({"contacts/jane-doe.md": "---\nname: Jane Doe\ncadance: 2w\n---\n"})
    result = run_cli("--vault", root, "check", "--format", "json")
    assert json.loads(result.stdout) == [
        {
            "path": "contacts/jane-doe.md",
            "line": 3,
            "column": 1,
            "severity": "warning",
            "code": "NN201",
            "message": "unknown key 'cadance' (did you mean 'cadence'?); kept as a custom field",
        }
    ]


def test_check_json_of_a_clean_vault_is_an_empty_array(make_vault: MakeVault, run_cli: RunCli) -> None:
    result = run_cli("--vault", make_vault({"contacts/jane-doe.md": JANE}), "check", "--format", "json")
    assert (result.exit_code, json.loads(result.stdout)) == (0, [])


WARNING_ONLY = {"contacts/jane-doe.md": "---\nname: Jane Doe\ncadance: 2w\n---\n"}
ERROR = {"contacts/jane-doe.md": "---\nname: Jane Doe\nsince: 2026-02-30\n---\n"}


WARNING_LINE = (
    "contacts/jane-doe.md:3:1: warning NN201 unknown key 'cadance' (did you mean 'cadence'?); kept as a custom field\n"
)
ERROR_LINE = "contacts/jane-doe.md:3:8: error NN110 'since': impossible date '2026-02-30': February 2026 has 28 days\n"
NO_PROBLEM = "1 contacts, 0 interactions, 0 asks: 0 errors, 0 warnings\n"


@pytest.mark.parametrize(
    "files, options, exit_code, stdout, stderr",
    [
        pytest.param({"contacts/jane-doe.md": JANE}, [], 0, "", NO_PROBLEM, id="clean"),
        pytest.param({"contacts/jane-doe.md": JANE}, ["--strict"], 0, "", NO_PROBLEM, id="clean-strict"),
        pytest.param({}, [], 0, "", "0 contacts, 0 interactions, 0 asks: 0 errors, 0 warnings\n", id="empty-vault"),
        pytest.param(
            ERROR, [], 1, ERROR_LINE, "1 contacts, 0 interactions, 0 asks: 1 error, 0 warnings\n", id="errors"
        ),
        pytest.param(
            WARNING_ONLY,
            [],
            0,
            WARNING_LINE,
            "1 contacts, 0 interactions, 0 asks: 0 errors, 1 warning\n",
            id="warnings-only",
        ),
        pytest.param(
            WARNING_ONLY,
            ["--strict"],
            1,
            WARNING_LINE,
            "1 contacts, 0 interactions, 0 asks: 0 errors, 1 warning\n",
            id="warnings-strict",
        ),
    ],
)
def test_check_exit_codes(
    make_vault: MakeVault,
    run_cli: RunCli,
    files: dict[str, str],
    options: list[str],
    exit_code: int,
    stdout: str,
    stderr: str,
) -> None:
    result = run_cli("--vault", make_vault(files), "check", *options)
    assert (result.exit_code, result.stdout, result.stderr) == (exit_code, stdout, stderr)


def test_check_of_a_vault_that_does_not_exist_exits_2(tmp_path: Path, run_cli: RunCli) -> None:
    result = run_cli("--vault", tmp_path / "nowhere", "check")
    assert result.exit_code == 2
    assert "does not exist" in result.stderr and result.stdout == ""


def test_the_vault_is_found_upward_from_the_current_folder(
    make_vault: MakeVault, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_vault({"contacts/jane-doe.md": "---\nname: Jane Doe\ncircle: innr\n---\n"}, config=CONFIG)
    monkeypatch.chdir(root / "contacts")
    monkeypatch.delenv("NETNOTES_VAULT", raising=False)
    assert run_cli("check").stdout.startswith("contacts/jane-doe.md:3:9: error NN104")


# netnotes init ------------------------------------------------------------------------------------


def tree(folder: Path) -> dict[str, bytes | None]:
    return {str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else None) for p in sorted(folder.rglob("*"))}


def test_init_makes_a_vault_that_passes_check(tmp_path: Path, run_cli: RunCli) -> None:
    folder = tmp_path / "network"
    result = run_cli("init", folder)
    assert result.exit_code == 0
    made = tree(folder)
    assert set(made) == {"netnotes.yaml", "contacts", "interactions", "asks", ".gitignore"}
    assert (made[".gitignore"] or b"").decode().split("\n")[1:3] == ["_site/", ".netnotes/"]
    check = run_cli("--vault", folder, "check", "--strict")
    assert (check.exit_code, check.stdout) == (0, "")
    assert load_vault(folder).vault.config.circle_cadences == {
        "inner": Duration(3, "w"),
        "active": Duration(2, "m"),
        "wider": Duration(6, "m"),
    }


def test_init_keeps_an_existing_gitignore_and_adds_what_is_missing(tmp_path: Path, run_cli: RunCli) -> None:
    (tmp_path / ".gitignore").write_text("*.pdf\n_site/\n", encoding="utf-8")
    assert run_cli("init", tmp_path).exit_code == 0
    assert (tmp_path / ".gitignore").read_text(encoding="utf-8") == "*.pdf\n_site/\n.netnotes/\n"


@pytest.mark.parametrize("existing", ["netnotes.yaml", "contacts/jane-doe.md"])
def test_init_refuses_an_existing_vault_and_changes_nothing(tmp_path: Path, run_cli: RunCli, existing: str) -> None:
    (tmp_path / existing).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / existing).write_text("title: Mine\n", encoding="utf-8")
    before = tree(tmp_path)
    result = run_cli("init", tmp_path)
    assert result.exit_code == 2
    assert "nothing was changed" in result.stderr
    assert tree(tmp_path) == before


def test_every_code_is_an_error_or_a_warning_by_its_number() -> None:
    assert {str(c.severity) for c in CODES.values() if c.startswith("NN1")} == {"error"}
    assert {str(c.severity) for c in CODES.values() if c.startswith("NN2")} == {"warning"}


def test_a_plain_ref_may_hold_hash_and_bar_only_wikilinks_are_cut_there(load: Load) -> None:
    result = load(
        {
            "contacts/csharp-guild.md": "---\nname: C# Guild\naliases: [A|B team]\n---\n",
            "interactions/a.md": (
                "---\ndate: 2026-01-05\nwith: [C# Guild, A|B team, '[[csharp-guild|the guild]]']\n---\n"
            ),
        }
    )
    assert result.problems == []
    assert result.vault.interactions[0].with_ == ("csharp-guild",)


def test_a_contact_introduced_by_themselves_is_a_warning_and_the_field_is_dropped(load: Load) -> None:
    result = load({"contacts/jane-doe.md": "---\nname: Jane Doe\naliases: [JD]\nmet_through: JD\n---\n"})
    assert [(p.code, p.line, p.column) for p in result.problems] == [("NN207", 4, 14)]
    assert result.vault.contacts[0].met_through is None


@pytest.mark.parametrize("output", ["../elsewhere", "_site/../../x", "/tmp/site", "..\\\\x"])
def test_output_in_netnotes_yaml_must_stay_inside_the_vault(load: Load, output: str) -> None:
    result = load({}, config=f"output: '{output}'\n")
    assert [(p.code, p.line) for p in result.problems] == [("NN118", 1)]
    assert result.vault.config.output == "_site"
