"""Helpers for the site tests: build a vault's site, and read its pages by parsing the HTML.

Assertions about escaping and links are made on parsed elements and text (``html.parser``),
never on string searches in the raw HTML, so they test what a browser would see.
"""

from __future__ import annotations

import datetime as dt
import html.parser
from dataclasses import dataclass, field
from pathlib import Path

from netnotes.loader import load_vault
from netnotes.site.build import BuildOptions, BuildReport, build_site

TODAY = dt.date(2026, 11, 25)
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'"
)


@dataclass
class Element:
    tag: str
    attrs: dict[str, str | None]
    text: str = ""  # all text inside, children included
    line: int = 0


@dataclass
class Page:
    path: Path
    elements: list[Element] = field(default_factory=list)
    text: str = ""  # the whole page's text, as a browser shows it (tags gone, entities decoded)

    def find(self, tag: str, **attrs: str) -> list[Element]:
        return [
            e
            for e in self.elements
            if e.tag == tag and all(e.attrs.get(k.rstrip("_").replace("_", "-")) == v for k, v in attrs.items())
        ]

    def by_id(self, element_id: str) -> Element | None:
        return next((e for e in self.elements if e.attrs.get("id") == element_id), None)

    def ids(self) -> set[str]:
        return {e.attrs["id"] or "" for e in self.elements if "id" in e.attrs}


class _Parser(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.open: list[Element] = []
        self.chunks: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for element in self.open:  # a child starts: keep its text apart from what came before
            if element.text and not element.text.endswith(" "):
                element.text += " "
        element = Element(tag, dict(attrs), line=self.getpos()[0])
        self.elements.append(element)
        if tag not in VOID:
            self.open.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append(Element(tag, dict(attrs), line=self.getpos()[0]))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.open) - 1, -1, -1):
            if self.open[i].tag == tag:
                del self.open[i:]
                break

    def handle_data(self, data: str) -> None:
        self.chunks.append(data)
        for element in self.open:
            element.text += data


def parse(path: Path) -> Page:
    parser = _Parser()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return Page(path, parser.elements, "".join(parser.chunks))


def html_pages(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


SERIAL = BuildOptions(jobs=1)  # one process: a test's spies and failures stay in it


def build(
    vault: Path, out: Path | None = None, today: dt.date = TODAY, options: BuildOptions = SERIAL
) -> tuple[Path, BuildReport]:
    out = out if out is not None else vault / "_site"
    report = build_site(vault, load_vault(vault), out, today, options)
    return out, report


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` by relative path, with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
