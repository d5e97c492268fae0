"""Note bodies as safe HTML (issue 4, point 1): only http(s)/mailto/tel or relative links,
raw HTML escaped, images as links, [[wikilinks]] to contact pages. Asserted on parsed HTML."""

from __future__ import annotations

import pytest
from site_html import _Parser

from netnotes.markdown import NoteRenderer, is_safe_url, is_web_url


def render(body: str, links: dict[str, tuple[str, str]] | None = None) -> _Parser:
    table = links or {"jane-doe": ("../contacts/jane-doe.html", "Jane Doe")}
    parser = _Parser()
    parser.feed(NoteRenderer(lambda t: table.get(t.casefold())).render(body, "n-1"))
    return parser


def tags(parsed: _Parser) -> list[str]:
    return [e.tag for e in parsed.elements]


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com",
        "HTTP://EXAMPLE.COM/x",
        "mailto:a@b.example",
        "tel:+123",
        "notes/other.md",
        "#section",
        "?q=1",
        "../x.html",
        "plain",
    ],
    ids=str,
)
def test_safe_urls(url: str) -> None:
    assert is_safe_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:x",
        "java\tscript:x",
        "java\nscript:x",
        "\x01javascript:x",
        "vbscript:x",
        "data:text/html,x",
        "data:image/png;base64,AAA",
        "file:///etc/passwd",
        "ftp://x.example",
        "chrome://settings",
        "//evil.example/x",
        "\\\\evil\\share",
        "/\\evil.example",
    ],
    ids=repr,
)
def test_unsafe_urls(url: str) -> None:
    assert not is_safe_url(url)


@pytest.mark.parametrize(
    "url, web",
    [
        ("https://www.linkedin.com/in/x", True),
        ("http://x.example", True),
        ("javascript:x", False),
        ("www.example.com", False),
        ("mailto:a@b", False),
        ("https:evil", False),
    ],
)
def test_web_urls(url: str, web: bool) -> None:
    assert is_web_url(url) is web


def test_unsafe_links_stay_plain_text() -> None:
    parsed = render("[a](javascript:alert(1)) [b](data:text/html,x) <javascript:alert(2)> [ok](https://x.example)")
    assert [e.attrs["href"] for e in parsed.elements if e.tag == "a"] == ["https://x.example"]
    text = "".join(parsed.chunks)
    assert "[a](javascript:alert(1))" in text and "<javascript:alert(2)>" in text


def test_raw_html_is_escaped() -> None:
    parsed = render('<script>alert(1)</script>\n\n<img src=x onerror=alert(2)> <b onclick="x">b</b>')
    assert tags(parsed) == ["p", "p"]
    assert "<script>alert(1)</script>" in "".join(parsed.chunks)


def test_images_become_links_and_never_load() -> None:
    parsed = render("![logo](https://cdn.example/logo.png) ![](local.png)")
    assert "img" not in tags(parsed)
    links = [(e.attrs["href"], e.text) for e in parsed.elements if e.tag == "a"]
    assert links == [("https://cdn.example/logo.png", "image: logo"), ("local.png", "image: local.png")]


def test_external_links_do_not_send_a_referrer() -> None:
    parsed = render("[x](https://x.example) [y](other.html)")
    rels = [e.attrs.get("rel") for e in parsed.elements if e.tag == "a"]
    assert rels == ["noopener noreferrer", None]


@pytest.mark.parametrize(
    "body, expected",
    [
        ("[[jane-doe]]", [("a", "Jane Doe", "../contacts/jane-doe.html")]),
        ("[[Jane-Doe|my <b>friend</b>]]", [("a", "my <b>friend</b>", "../contacts/jane-doe.html")]),
        ("[[jane-doe#Notes]]", [("a", "Jane Doe", "../contacts/jane-doe.html")]),
        ("[[nobody]]", [("span", "nobody", None)]),
        ("[[nobody|<i>x</i>]]", [("span", "<i>x</i>", None)]),
        ("![[jane-doe]]", []),
        ("`[[jane-doe]]`", [("code", "[[jane-doe]]", None)]),
    ],
    ids=["id", "label", "heading", "unresolved", "unresolved-label", "embed", "code"],
)
def test_wikilinks(body: str, expected: list[tuple[str, str, str | None]]) -> None:
    parsed = render(body)
    found = [(e.tag, e.text, e.attrs.get("href")) for e in parsed.elements if e.tag in ("a", "span", "code")]
    assert found == expected


def test_commonmark_extras() -> None:
    parsed = render("# Title\n\n~~old~~\n\n- [x] done\n- [ ] todo\n\n| a |\n|---|\n| 1 |\n\nNote[^1].\n\n[^1]: Foot.\n")
    assert {"h3", "s", "input", "table", "sup", "section"} <= set(tags(parsed))
    ids = {e.attrs["id"] for e in parsed.elements if "id" in e.attrs}
    assert ids == {"fnref-n-1-1", "fn-n-1-1"}  # prefixed, so two notes on a page never clash
    assert all("disabled" in e.attrs for e in parsed.elements if e.tag == "input")


def test_empty_body_renders_nothing() -> None:
    assert NoteRenderer(lambda t: None).render("  \n", "x") == ""
