"""Every page works opened from disk: each relative link and src names a file of the output
(and each #fragment an element on that page), and nothing is loaded from anywhere else."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from conftest import write_vault
from site_html import Element, build, html_pages, parse
from test_site_golden import VAULT

EXAMPLE = Path(__file__).resolve().parent.parent / "example-vault"


@pytest.fixture(scope="module", params=["golden-vault", "example-vault"])
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:

    base = tmp_path_factory.mktemp(request.param)
    if request.param == "example-vault":
        vault = base / "vault"
        shutil.copytree(EXAMPLE, vault, ignore=shutil.ignore_patterns("_site", ".netnotes"))
    else:
        vault = write_vault(base / "vault", VAULT)
    out, _ = build(vault, base / "site")
    return out


def local_targets(site: Path) -> Iterator[tuple[Path, Element, str]]:
    """(page, element, url) for every href and src of every page."""
    for path in html_pages(site):
        page = parse(path)
        for element in page.elements:
            for attr in ("href", "src"):
                url = element.attrs.get(attr)
                if url is not None:
                    yield path, element, url


def test_every_relative_link_resolves(site: Path) -> None:
    ids: dict[Path, set[str]] = {}
    checked = 0
    for path, _element, url in local_targets(site):
        parts = urlsplit(url)
        if parts.scheme or url.startswith("//"):
            continue
        target = path if not parts.path else (path.parent / unquote(parts.path)).resolve()
        assert target.is_relative_to(site.resolve()), (path, url)
        assert target.is_file(), f"{path.relative_to(site)}: {url} does not exist"
        if parts.fragment and target.suffix == ".html":
            if target not in ids:
                ids[target] = parse(target).ids()
            assert unquote(parts.fragment) in ids[target], f"{path.relative_to(site)}: no #{parts.fragment}"
        checked += 1
    assert checked > 100


def test_nothing_is_loaded_from_outside(site: Path) -> None:
    for path, element, url in local_targets(site):
        if element.tag in ("script", "link", "img", "iframe", "source", "video", "audio", "embed"):
            if element.tag == "link" and element.attrs.get("rel") == "icon":
                assert url == "data:,"
                continue
            assert not re.match(r"^\s*(https?:|//|\\\\)", url, re.IGNORECASE), (path, element)
            assert ":" not in url, (path, element)
    for css in site.rglob("*.css"):
        text = css.read_text(encoding="utf-8")
        assert "@import" not in text and not re.search(r"url\(\s*['\"]?\s*(https?:|//)", text), css
    for js in site.rglob("*.js"):
        text = js.read_text(encoding="utf-8")
        if js.name != "search-index.js":  # that one is data, read by search.js only
            assert not re.search(r"\b(fetch|XMLHttpRequest|WebSocket|EventSource|sendBeacon|import\()", text), js


def test_every_page_reaches_the_dashboard_and_the_stylesheet(site: Path) -> None:
    for path in html_pages(site):
        page = parse(path)
        hrefs = {a.attrs.get("href") for a in page.find("a")} | {link.attrs.get("href") for link in page.find("link")}
        depth = len(path.relative_to(site).parts) - 1
        assert "../" * depth + "index.html" in hrefs, path
        assert "../" * depth + "static/style.css" in hrefs, path
