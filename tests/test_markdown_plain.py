"""Most note bodies are paragraphs of plain text and short bullet lists: their HTML is made
without parsing (``markdown.plain_html``), and must be exactly what markdown-it makes of them.
Any body the fast path is not sure of goes to the parser."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from netnotes.markdown import NoteRenderer, plain_html

RENDERER = NoteRenderer(lambda target: None)


def parsed(body: str) -> str:
    return RENDERER.md.render(body, {"docId": "n"})


# Pieces of lines: plain words, and everything that can make a line mean something else
PIECES = st.sampled_from(
    [
        "a", "Bo", "é", "Łukasz", "word", " ", "  ", "1", "2.", "3)", ".", ",", '"', "'", "(", ")", "-", "- ",
        "+", "+ ", "*", "_", "#", "# ", ">", "=", "|", "~", "`", "[", "]", "[[", "]]", "[^1]", "<", "&", "&amp;",
        "\\", "\t", "\u00a0", "\u2003", "\r", "\x00", ":", "http://x.y", "!", "^", "{", "%", "---", "***", "===",
    ]
)  # fmt: skip
LINES = st.lists(PIECES, max_size=8).map("".join)
# Lines that are mostly plain, so that bodies the fast path takes are common
NEAR_PLAIN = st.sampled_from(
    [
        "", "", "Plain words here.", "Another line, with a comma", "- item one", '- Item "two"', "(aside) text",
        "'quoted' text", '"Quoted" text', "  indented", "trailing ", "1. one", "- ", "-", "---", "==", "- - -",
        "Ünïcödé wörds", "Ends with a colon:", "- (an aside)", "#hashtag inside", "A line #not a heading",
        "Text  with  double  spaces", "-item", "- item ", "Tel: +1 555 0100", "x" * 200,
        "Some *bold* text", "a __strong__ word", "snake_case_name here", "a `code` span", "A [link](x)",
        "Tom & Jerry", "x < y", "a \\* b", "pipe | here", "A ~~struck~~ word", "[[Jane]] met", "- [ ] a task",
        "A note[^1]", "Ends in a no-break space\u00a0", "\u2003Em space first", "Tab\tinside", "CR\r",
    ]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(LINES, NEAR_PLAIN), max_size=12).map("\n".join))
@example("Good energy.\n\n- Team is stable\n- Asked about funding\n\nThey might move.")
@example("\nOne\ntwo\n\n\n- a\n\nThree\n")
def test_a_body_made_without_parsing_is_what_markdown_it_makes_of_it(body: str) -> None:
    plain = plain_html(body)
    if plain is not None:
        assert plain == parsed(body)


@settings(max_examples=600, deadline=None)
@given(st.lists(NEAR_PLAIN, max_size=10).map("\n".join))
@example("- item one\n\n- item one")
def test_how_plain_blocks_sit_together_is_what_markdown_it_makes_of_it(body: str) -> None:
    """Blocks of near-plain lines in every order: paragraphs, lists, blank lines between or
    not, lines that start, end or look like something else."""
    plain = plain_html(body)
    if plain is not None:
        assert plain == parsed(body)


@pytest.mark.parametrize(
    "body",
    [
        "Good energy, should do this more often.\n",
        "\nRecommended LeadDev to them. Short one.\n\n- Team is stable\n- Asked about open-source funding\n",
        'She said "call me" and it\'s (mostly) settled.\n\nNext time: lunch.',
        "Łukasz moved to Kraków.\n\n- Loves climbing\n\nWill intro to Zoë.",
    ],
)
def test_plain_paragraphs_and_tight_lists_take_the_fast_path(body: str, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = parsed(body)

    def refuse(*args: object, **kwargs: object) -> str:
        raise AssertionError("parsed")

    monkeypatch.setattr(MarkdownIt, "render", refuse)
    assert RENDERER.render(body, "n") == expected


@pytest.mark.parametrize(
    "body",
    [
        "Some *emphasis*.",
        "A [link](https://example.com).",
        "Met [[Jane Doe]].",
        "<script>alert(1)</script>",
        "Tom & Jerry",
        "- one\n\n- two",  # one loose list
        "Text\n- a list right under it",
        "1. numbered",
        "# A heading",
        "Trailing spaces  \nmake a break",
        "Tab\tinside",
        "Non-breaking\u00a0space ",
    ],
)
def test_anything_else_goes_to_the_parser(body: str) -> None:
    assert plain_html(body) is None
    assert RENDERER.render(body, "n") == parsed(body)
