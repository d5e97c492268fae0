#!/usr/bin/env python3
"""Lay a netnotes vault out as the equivalent Hugo site, to time Hugo on the same notes.

    python benchmarks/hugo_site.py VAULT SITE_DIR

The site has one page per interaction (``content/interactions/<id>.md``: its title, date,
kind, people and Markdown body) and one page per contact: the term page of a ``with``
taxonomy (``content/with/<contact id>/_index.md`` carries the contact's name, company and
notes), which lists that contact's whole timeline, every interaction with its rendered body,
newest first. A home page links every contact. That is the shape of netnotes' dashboard for
the work that dominates it (contact pages with their timelines); netnotes' other pages
(dashboard, tags, companies, asks, search) are not reproduced, so the comparison favours Hugo.

The vault is read with netnotes' own loader, so refs are resolved ids. Wikilinks stay text.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # the working tree's netnotes, not an installed one

from netnotes.loader import load_vault  # noqa: E402

CONFIG = """\
baseURL = "http://localhost/"
title = "Network"
disableKinds = ["RSS", "sitemap", "robotsTXT", "404"]
[taxonomies]
  with = "with"
[markup.goldmark.renderer]
  unsafe = false
"""

LAYOUTS = {
    "baseof.html": """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }} · {{ site.Title }}</title></head>
<body><header><a href="{{ "/" | relURL }}">{{ site.Title }}</a></header>
<main>{{ block "main" . }}{{ end }}</main></body></html>
""",
    "home.html": """{{ define "main" }}<h1>Contacts</h1>
<ul>{{ range (site.Taxonomies.with.ByCount) }}
<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>{{ end }}</ul>
{{ end }}
""",
    "single.html": """{{ define "main" }}<article><h1>{{ .Title }}</h1>
<p><time>{{ .Date.Format "2 Jan 2006" }}</time> {{ .Params.kind }}
{{ range .GetTerms "with" }}<a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ end }}</p>
{{ .Content }}</article>
{{ end }}
""",
    "term.html": """{{ define "main" }}<h1>{{ .Title }}</h1>
<p>{{ .Params.company }}</p>
{{ .Content }}
<h2>Timeline ({{ len .Pages }})</h2>
<ol>{{ range .Pages.ByDate.Reverse }}<li id="{{ .File.ContentBaseName }}">
<h3><a href="{{ .RelPermalink }}">{{ .Title }}</a></h3>
<p><time>{{ .Date.Format "2 Jan 2006" }}</time> {{ .Params.kind }}</p>
{{ .Content }}</li>{{ end }}</ol>
{{ end }}
""",
    "taxonomy.html": """{{ define "main" }}<h1>People</h1>
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>
{{ end }}
""",
    "list.html": """{{ define "main" }}<h1>{{ .Title }}</h1>
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>
{{ end }}
""",
}


def _front(fields: dict[str, object], body: str) -> str:
    """JSON front matter (Hugo reads it between braces), then the Markdown body."""
    return json.dumps(fields, ensure_ascii=False, indent=1) + "\n\n" + body


def lay_out(vault: Path, site: Path) -> tuple[int, int]:
    """Write the Hugo site for ``vault`` into ``site`` (replaced); (contacts, interactions)."""
    loaded = load_vault(vault).vault
    if site.exists():
        shutil.rmtree(site)
    (site / "layouts").mkdir(parents=True)
    (site / "hugo.toml").write_text(CONFIG, encoding="utf-8")
    for name, text in LAYOUTS.items():
        (site / "layouts" / name).write_text(text, encoding="utf-8")
    people = site / "content" / "with"
    for contact in loaded.contacts:
        folder = people / contact.id
        folder.mkdir(parents=True)
        fields: dict[str, object] = {
            "title": contact.name,
            "company": contact.company or "",
            "role": contact.role or "",
        }
        (folder / "_index.md").write_text(_front(fields, contact.body), encoding="utf-8")
    notes = site / "content" / "interactions"
    notes.mkdir(parents=True)
    for interaction in loaded.interactions:
        fields = {
            "title": interaction.title or interaction.id,
            "date": interaction.date.isoformat(),
            "kind": interaction.kind or "",
            "with": list(interaction.with_),
        }
        (notes / f"{interaction.id}.md").write_text(_front(fields, interaction.body), encoding="utf-8")
    return len(loaded.contacts), len(loaded.interactions)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Lay a netnotes vault out as the equivalent Hugo site.")
    parser.add_argument("vault", type=Path)
    parser.add_argument("site", type=Path)
    args = parser.parse_args(argv)
    contacts, interactions = lay_out(args.vault, args.site)
    print(f"wrote {args.site}: {contacts} contact pages, {interactions} interaction pages", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
