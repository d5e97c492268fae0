"""Note bodies as HTML that is safe to show on the dashboard.

markdown-it-py renders CommonMark with tables, strikethrough, task lists and footnotes. Notes
are untrusted: raw HTML is escaped, links whose scheme is not http(s), mailto or tel (or a
relative path) stay plain text, images are shown as a link (an ``<img>`` would load the file,
possibly from the network), and ``[[wikilinks]]`` become links to contact pages.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.tasklists import tasklists_plugin

from .refs import wikilink_target

SAFE_SCHEMES = ("http", "https", "mailto", "tel")
WEB_SCHEMES = ("http", "https")

# Browsers drop ASCII whitespace and control characters anywhere in a URL before reading its
# scheme ("java\tscript:" is javascript:), so the check does the same.
_INVISIBLE_RE = re.compile(r"[\x00-\x20\x7f]+")
_SCHEME_RE = re.compile(r"^([a-z][a-z0-9+.\-]*):", re.IGNORECASE)
_WIKILINK_INNER_RE = re.compile(r"\[\[([^\[\]\n]+?)\]\]")

# A wikilink's target -> (href, text to show when the link has no |label), or None.
LinkFor = Callable[[str], "tuple[str, str] | None"]
# A render rule: markdown-it binds it to its renderer, which comes in as the first argument.
RenderRule = Callable[[RendererHTML, Sequence[Token], int, OptionsDict, EnvType], str]


def is_safe_url(url: str, schemes: Sequence[str] = SAFE_SCHEMES) -> bool:
    """True for a URL with one of ``schemes``, or a relative one (a path, ``#anchor``, ``?q``).

    Network-path references (``//host/x``, ``\\\\host``) are refused: opened from ``file://``
    they would fetch from another machine.
    """
    text = _INVISIBLE_RE.sub("", url)
    match = _SCHEME_RE.match(text)
    if match:
        return match.group(1).lower() in schemes
    return not text.startswith(("//", "\\", "/\\"))


def is_web_url(url: str) -> bool:
    """An absolute http(s) URL, the only kind a profile field like ``linkedin`` is linked as."""
    text = _INVISIBLE_RE.sub("", url)
    match = _SCHEME_RE.match(text)
    return match is not None and match.group(1).lower() in WEB_SCHEMES and "//" in text[:10]


class NoteRenderer:
    """One configured markdown-it parser; ``render(body, doc_id)`` gives an HTML fragment.

    ``link_for`` turns a wikilink target into the link to use, relative to the page the body
    is shown on (so every page that shows bodies sits at the same folder depth).
    """

    def __init__(self, link_for: LinkFor) -> None:
        self.link_for = link_for
        md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
        md.enable(["table", "strikethrough"])
        md.use(tasklists_plugin)  # label=False: the plugin's labels use uuid4 ids (not reproducible)
        md.use(footnote_plugin)
        md.validateLink = is_safe_url  # type: ignore[method-assign]  # markdown-it's hook for this check
        md.inline.ruler.before("link", "wikilink", _wikilink_rule)
        md.add_render_rule("wikilink", _wikilink_renderer(link_for))
        md.add_render_rule("image", _render_image)
        md.add_render_rule("link_open", _render_link_open)
        md.add_render_rule("heading_open", _render_heading)
        md.add_render_rule("heading_close", _render_heading)
        self.md = md

    def render(self, body: str, doc_id: str) -> str:
        """``doc_id`` keeps footnote anchors apart when several notes share one page."""
        if not body.strip():
            return ""
        plain = plain_html(body)
        return plain if plain is not None else self.md.render(body, {"docId": doc_id})


# What can give a character of a line a meaning in Markdown (emphasis, code, links, wikilinks,
# footnotes, task boxes, raw HTML, entities, escapes, tables, strikethrough), control
# characters, and every whitespace but the space and the line break (markdown-it strips
# Unicode whitespace at a paragraph's ends).
_MARKUP_RE = re.compile(r"[`*_\[\]<>&\\|~\x00-\x09\x0b-\x1f\x7f]|[^\S \n]")


def plain_html(body: str) -> str | None:
    """The HTML markdown-it gives ``body`` when it is only paragraphs of plain text and tight
    bullet lists (``- item``) of it, made without parsing (most notes are); None for any other
    body, which the parser renders. A plain line starts with a letter or ``"'(``, ends in no
    space, and holds no character of ``_MARKUP_RE``: so no line can open any other block, and
    its text is its HTML with ``"`` escaped. Blocks are separated by blank lines; two lists in a
    row would be one loose list, and a list beside a paragraph without a blank line is left to
    the parser. ``tests/test_markdown_plain.py`` holds it to markdown-it's output."""
    if _MARKUP_RE.search(body):
        return None
    out: list[str] = []
    was_list = False
    for block in _blocks(body.split("\n")):
        items = [line[2:] for line in block if line.startswith("- ")]
        if items and len(items) != len(block):
            return None  # a list next to a paragraph line, or a lazy continuation line
        texts = items or block
        if not all(_plain(text) for text in texts):
            return None
        if items:
            if was_list:
                return None  # the two are one loose list
            out.append("<ul>\n" + "".join(f"<li>{text}</li>\n" for text in texts) + "</ul>\n")
        else:
            out.append("<p>" + "\n".join(texts) + "</p>\n")
        was_list = bool(items)
    return "".join(out).replace('"', "&quot;")


def _blocks(lines: list[str]) -> list[list[str]]:
    blocks: list[list[str]] = [[]]
    for line in lines:
        if line:
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    return [block for block in blocks if block]


def _plain(text: str) -> bool:
    return bool(text) and (text[0].isalpha() or text[0] in "\"'(") and text[-1] != " "


def _wikilink_rule(state: StateInline, silent: bool) -> bool:
    """``[[target]]``, ``[[target|label]]``, ``[[target#heading]]``; not ``![[embed]]``."""
    pos = state.pos
    if not state.src.startswith("[[", pos) or (pos > 0 and state.src[pos - 1] == "!"):
        return False
    match = _WIKILINK_INNER_RE.match(state.src, pos)
    if match is None:
        return False
    if not silent:
        inner = match.group(1)
        token = state.push("wikilink", "", 0)
        label = inner.split("|", 1)[1].strip() if "|" in inner else ""
        token.meta = {"target": wikilink_target(inner), "label": label}
        token.content = inner
    state.pos = match.end()
    return True


def _wikilink_renderer(link_for: LinkFor) -> RenderRule:
    # markdown-it binds render rules to its renderer, so the resolver comes in by closure.
    def render(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        token = tokens[idx]
        target, label = token.meta["target"], token.meta["label"]
        link = link_for(target) if target else None
        if link is None:
            return f'<span class="wikilink unresolved">{escapeHtml(label or target)}</span>'
        href, name = link
        return f'<a class="wikilink" href="{escapeHtml(href)}">{escapeHtml(label or name)}</a>'

    return render


def _render_image(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    """An image is shown as a link to it: the dashboard never loads a picture from a note."""
    token = tokens[idx]
    src = str(token.attrGet("src") or "")
    alt = self.renderInlineAsText(token.children or [], options, env) or src
    return f'<a class="image-link" href="{escapeHtml(src)}" rel="noopener noreferrer">image: {escapeHtml(alt)}</a>'


HEADING_SHIFT = 2  # a note is shown under the page's h1 and a section's h2: its "# x" is an h3


def _render_heading(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    token = tokens[idx]
    level = min(int(token.tag[1]) + HEADING_SHIFT, 6)
    token.tag = f"h{level}"
    return self.renderToken(tokens, idx, options, env)


def _render_link_open(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    token = tokens[idx]
    if is_web_url(str(token.attrGet("href") or "")):
        token.attrSet("rel", "noopener noreferrer")
    return self.renderToken(tokens, idx, options, env)
