"""Hostile notes cannot run script, load anything remote or write outside the output (issue 4).

A vault full of markup in names, bodies, tags, companies and custom fields is built, and every
page is parsed: the only scripts are the theme's own files, no element carries an event
handler or a style, no link has a scheme other than http(s)/mailto/tel, nothing is an image,
and each hostile text is shown to the reader as the text it is.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import write_vault
from site_html import CSP, Page, build, html_pages, parse, tree

from netnotes.site.output import MARKER

SCRIPT = '<script>alert("name")</script>'
IMG = "<img src=x onerror=alert(1)>"

HOSTILE = {
    "netnotes.yaml": """
        title: My <b>network</b> "quoted" 'single'
        owner: <script>alert("owner")</script>
        kinds: ["<script>kind()</script>"]
        circles:
          "<i>inner</i>": 2w
    """,
    "contacts/evil.md": f"""
        ---
        name: '{SCRIPT}'
        aliases: ['"><svg onload=alert(1)>']
        company: ../../etc
        role: '"><img src=x onerror=alert(2)>'
        location: "javascript:alert(3)"
        email: '"><script>alert(4)</script>@x.example'
        phone: "+1 555' onclick='alert(5)"
        linkedin: "javascript:alert(6)"
        website: 'https://ok.example/" onmouseover="alert(7)'
        tags: ["../../x", "{IMG}", "\\"q' tag", "CON", "日本"]
        circle: "<i>inner</i>"
        met_at: "<iframe src=https://evil.example>"
        birthday: 1990-02-28
        html_field: "<script>alert(8)</script>"
        url_field: "javascript:alert(9)"
        web_field: "https://ok.example/a?b=<c>"
        nested:
          list: [1, "<b>bold</b>", {{deep: "javascript:alert(10)"}}]
          when: 2024-01-01
          flag: true
          nothing: null
        ---
        # Hello <script>alert("body")</script>

        <img src=x onerror=alert("body-img")>

        <a href="javascript:alert(11)">raw link</a>

        [js link](javascript:alert(12)) [vb](vbscript:msgbox) [data](data:text/html;base64,PHNjcmlwdD4=)
        [file](file:///etc/passwd) [net](//evil.example/x) [tab](java\tscript:alert(13))
        [entity](&#106;avascript:alert(14)) <javascript:alert(15)>

        ![remote](https://evil.example/pixel.png) ![data](data:image/png;base64,AAAA)

        See [[friend|<b>Friend</b>]] and [[nobody|<i>nobody</i>]] and [[Friend "F" O'Neil]].

        [ref]: javascript:alert(16)
        Use [ref].
    """,
    "contacts/friend.md": """
        ---
        name: Friend "F" O'Neil
        company: "<script>co()</script>"
        tags: ["../../x"]
        met_through: evil
        ---
        Friend's notes with a remote image ![x](http://evil.example/x.gif).
    """,
    "contacts/a\"b'c<d>.md": """
        ---
        name: Odd file name
        company: ../../etc
        ---
    """,
    "interactions/2026-11-01-evil.md": """
        ---
        date: 2026-11-01
        with: [evil, friend]
        kind: "<script>kind()</script>"
        title: "<script>alert('title')</script>"
        follow_up: 2026-11-20
        next: "<img src=x onerror=alert('next')>"
        custom_thing: "<b>custom</b>"
        ---
        Body with ![remote](https://evil.example/tracker.png) and <b>raw</b>.
    """,
    "asks/2026-11-02-evil-ask.md": """
        ---
        date: 2026-11-02
        with: evil
        direction: out
        kind: introduction
        intro_to: "<script>alert('intro')</script>"
        due: 2026-12-01
        ---
        Ask body <script>alert("ask")</script>
    """,
}

ALLOWED_SCHEMES = ("http:", "https:", "mailto:", "tel:")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:

    root = write_vault(tmp_path_factory.mktemp("hostile") / "vault", HOSTILE)
    out, _ = build(root)
    return out


@pytest.fixture(scope="module")
def pages(site: Path) -> dict[str, Page]:
    return {p.relative_to(site).as_posix(): parse(p) for p in html_pages(site)}


def test_the_only_scripts_are_the_themes_own_files(pages: dict[str, Page]) -> None:
    for name, page in pages.items():
        for script in page.find("script"):
            src = script.attrs.get("src") or ""
            assert src.endswith(".js") and "static/" in src and ":" not in src, (name, script)
            assert script.text.strip() == "", (name, "inline script")


def test_no_element_has_an_event_handler_or_a_style(pages: dict[str, Page]) -> None:
    for name, page in pages.items():
        for element in page.elements:
            assert element.tag not in ("style", "iframe", "object", "embed", "img", "base", "form") or (
                element.tag == "form" and "quick-search" in (element.attrs.get("class") or "")
            ), (name, element)
            for attr in element.attrs:
                assert not attr.startswith("on"), (name, element)
                assert attr != "style", (name, element)
                assert attr != "srcdoc", (name, element)


def test_every_link_is_web_mail_phone_or_relative(pages: dict[str, Page]) -> None:
    for name, page in pages.items():
        for element in page.elements:
            for attr in ("href", "src", "action", "formaction", "xlink:href"):
                value = element.attrs.get(attr)
                if value is None:
                    continue
                squeezed = "".join(value.split()).lower()
                if ":" in squeezed.split("/")[0] or squeezed.startswith("//"):
                    assert squeezed.startswith(ALLOWED_SCHEMES) or squeezed == "data:,", (name, element)
                    if squeezed.startswith(("http:", "https:")):
                        assert element.tag == "a", (name, element)  # never loaded, only followed


def test_remote_images_are_links_not_images(pages: dict[str, Page]) -> None:
    page = pages["contacts/evil.html"]
    remote = [a for a in page.find("a") if a.attrs.get("href") == "https://evil.example/pixel.png"]
    assert remote and "image-link" in (remote[0].attrs.get("class") or "")
    assert not any((a.attrs.get("href") or "").startswith("data:") for a in page.find("a"))


def test_hostile_text_is_shown_as_text(pages: dict[str, Page]) -> None:
    evil = pages["contacts/evil.html"]
    assert evil.find("h1")[0].text.strip() == SCRIPT
    for shown in (
        '"><img src=x onerror=alert(2)>',
        "<iframe src=https://evil.example>",
        "<script>alert(8)</script>",
        "javascript:alert(9)",
        "<b>bold</b>",
        "javascript:alert(10)",
        '<img src=x onerror=alert("body-img")>',
        '<a href="javascript:alert(11)">raw link</a>',
        "[js link](javascript:alert(12))",
        "<script>alert('title')</script>",
        "<img src=x onerror=alert('next')>",
        "<b>custom</b>",
        'Ask body <script>alert("ask")</script>',
        IMG,
        "2024-01-01",
    ):
        assert shown in evil.text, shown
    index = pages["index.html"]
    assert "My <b>network</b> \"quoted\" 'single'" in index.find("title")[0].text
    assert "<script>alert('intro')</script>" in index.text  # the ask's intro_to, waiting on them


def test_wikilinks_with_markup_labels(pages: dict[str, Page]) -> None:
    evil = pages["contacts/evil.html"]
    wikilinks = [a for a in evil.find("a") if "wikilink" in (a.attrs.get("class") or "")]
    assert [(a.text, a.attrs["href"]) for a in wikilinks] == [
        ("<b>Friend</b>", "../contacts/friend.html"),
        ('Friend "F" O\'Neil', "../contacts/friend.html"),
    ]
    unresolved = [s for s in evil.find("span") if "unresolved" in (s.attrs.get("class") or "")]
    assert [s.text for s in unresolved] == ["<i>nobody</i>"]


def test_profile_urls_are_links_only_when_they_are_web_urls(pages: dict[str, Page]) -> None:
    evil = pages["contacts/evil.html"]
    hrefs = [a.attrs.get("href") for a in evil.find("a")]
    assert "javascript:alert(6)" not in hrefs
    assert 'https://ok.example/" onmouseover="alert(7)' in hrefs  # one attribute value, quoted
    assert "https://ok.example/a?b=<c>" in hrefs
    assert "javascript:alert(6)" in evil.text


def test_charts_escape_kind_names(pages: dict[str, Page]) -> None:
    index = pages["index.html"]
    labels = [t.text for t in index.find("text") if "label" in (t.attrs.get("class") or "")]
    assert "<script>kind()</script>" in labels


def test_page_names_are_safe_and_inside_the_output(site: Path) -> None:
    files = tree(site)
    assert all(all(part and part[0] != "." or part == MARKER for part in name.split("/")) for name in files)
    assert all(set(name) <= set("abcdefghijklmnopqrstuvwxyz0123456789-_./") for name in files), sorted(files)
    names = set(files)
    assert "tags/x.html" in names and "companies/etc.html" in names
    assert "tags/con-tag.html" in names  # CON is a name Windows reserves
    assert "tags/riben.html" in names  # 日本, transliterated
    assert not (site.parent / "x.html").exists() and not (site.parent.parent / "etc.html").exists()


def test_csp_and_noindex_on_every_page(pages: dict[str, Page]) -> None:
    for name, page in pages.items():
        csp = [
            m.attrs.get("content") for m in page.find("meta") if m.attrs.get("http-equiv") == "Content-Security-Policy"
        ]
        assert csp == [CSP], name
        robots = [m.attrs.get("content") for m in page.find("meta", name="robots")]
        assert robots and "noindex" in (robots[0] or ""), name


def test_search_index_is_a_script_of_plain_json(site: Path) -> None:
    import json

    text = (site / "static/search-index.js").read_text(encoding="utf-8")
    prefix = "window.NETNOTES_SEARCH = "
    assert text.startswith(prefix) and text.endswith(";\n")
    rows = json.loads(text[len(prefix) : -2])
    titles = [r[1] for r in rows]
    assert SCRIPT in titles  # data, shown with textContent by search.js, never parsed as HTML


def test_quotes_in_attribute_values_stay_inside_them(pages: dict[str, Page]) -> None:
    contacts = pages["contacts.html"]
    rows = [r for r in contacts.find("tr") if "data-text" in r.attrs]
    evil = next(r for r in rows if SCRIPT in r.text)
    # the whole hostile alias is one attribute value: nothing broke out into new attributes
    assert set(evil.attrs) == {"data-circle", "data-status", "data-text"}
    assert '"><svg onload=alert(1)>' in (evil.attrs["data-text"] or "")
    assert "\"q' tag" in (evil.attrs["data-text"] or "")
    assert evil.attrs["data-circle"] == "<i>inner</i>"
    friend = pages["contacts/friend.html"]
    links = [a for a in friend.find("a") if (a.attrs.get("href") or "").startswith("../tags/")]
    assert [(a.text, set(a.attrs)) for a in links] == [("../../x", {"class", "href"})]
