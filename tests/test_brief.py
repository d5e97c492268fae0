"""`show` as a library (netnotes/brief.py): the brief before meeting someone, gathered from a
tiny inline vault and rendered as terminal text, Markdown and JSON."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from conftest import MakeVault

from netnotes.brief import (
    LAST_TOUCHES,
    Entry,
    Person,
    Strength,
    brief,
    brief_json,
    format_brief_json,
    format_brief_markdown,
    format_brief_text,
)
from netnotes.loader import load_vault
from netnotes.model import Vault
from netnotes.report import columns

T = dt.date(2026, 3, 10)
DOCS = Path(__file__).resolve().parent.parent / "docs"
JANE = """\
---
name: Jane Doe
aliases: [JD]
role: Staff Engineer
company: Acme
location: Berlin
circle: inner
since: 2024-05-01
met_at: PyCon
met_through: bob-stone
birthday: 1990-03-20
favourite_coffee: flat white
kids: [Ada, Max]
---
Mentor on distributed systems.

Ask her about the Kafka migration.
"""
FILES = {
    "contacts/jane-doe.md": JANE,
    "contacts/bob-stone.md": "---\nname: Bob Stone\n---\n",
    "contacts/carla-ruiz.md": "---\nname: Carla Ruiz\nmet_through: jane-doe\n---\n",
    "interactions/a.md": "---\ndate: 2026-01-05\nwith: jane-doe\nkind: coffee\ntitle: Kafka war stories\n---\n",
    "interactions/b.md": (
        "---\ndate: 2026-02-20\nwith: [bob-stone, jane-doe]\nkind: lunch\ntitle: Lunch with both\n"
        "follow_up: 2026-03-01\nnext: send the deck\n---\n"
    ),
    "interactions/c.md": "---\ndate: 2026-04-02\nwith: jane-doe\nkind: call\ntitle: Planned call\n---\n",
    "asks/out.md": "---\ndate: 2026-02-01\nwith: jane-doe\ndirection: out\nkind: reference\ndue: 2026-03-15\n---\n",
    "asks/in.md": "---\ndate: 2026-02-02\nwith: jane-doe\ndirection: in\nkind: advice\n---\n",
    "asks/given.md": "---\ndate: 2025-01-01\nwith: jane-doe\ndirection: in\nstatus: done\nclosed: 2025-02-01\n---\n",
}
CONFIG = "horizon: 14d\ncircles:\n  inner: 3w\n"


def example(make_vault: MakeVault, files: dict[str, str] | None = None) -> Vault:
    return load_vault(make_vault({**FILES, **(files or {})}, config=CONFIG), today=T).vault


def test_the_brief_gathers_who_they_are_and_what_is_open_both_ways(make_vault: MakeVault) -> None:
    b = brief(example(make_vault), "jane-doe", T)
    assert (b.name, b.role, b.company, b.location, b.cadence) == ("Jane Doe", "Staff Engineer", "Acme", "Berlin", "3w")
    assert (b.met_at, b.since, b.met_through) == ("PyCon", dt.date(2024, 5, 1), Person("bob-stone", "Bob Stone"))
    assert b.introduced == (Person("carla-ruiz", "Carla Ruiz"),)
    assert b.touches == 2
    assert b.last_touches == (
        Entry(dt.date(2026, 2, 20), "lunch", "Lunch with both", "interactions/b.md"),
        Entry(dt.date(2026, 1, 5), "coffee", "Kafka war stories", "interactions/a.md"),
    )
    assert b.planned == (Entry(dt.date(2026, 4, 2), "call", "Planned call", "interactions/c.md"),)
    assert [(p.due.isoformat(), p.status, p.kind, p.detail, p.path) for p in b.pending] == [
        ("2026-02-02", "overdue", "I owe them", "advice", "asks/in.md"),
        # listed under Bob by `due` (its first contact), and here too: it names Jane
        ("2026-03-01", "overdue", "follow-up", "send the deck", "interactions/b.md"),
        ("2026-03-13", "soon", "keep-in-touch", "every 3w", "contacts/jane-doe.md"),
        ("2026-03-15", "soon", "waiting on them", "reference", "asks/out.md"),
        ("2026-03-20", "soon", "birthday", "turns 36", "contacts/jane-doe.md"),
    ]
    assert (b.given, b.received, b.balance) == (1, 0, 1)
    assert b.custom == (("favourite_coffee", "flat white"), ("kids", "Ada, Max"))
    assert (b.notes, b.more_notes) == (
        ("Mentor on distributed systems.", "", "Ask her about the Kafka migration."),
        False,
    )


def test_the_brief_shows_the_latest_touches_up_to_today_and_the_first_lines_of_the_notes(
    make_vault: MakeVault,
) -> None:
    touches = {f"interactions/t{n}.md": f"---\ndate: 2025-0{n}-01\nwith: bob-stone\n---\n" for n in range(1, 9)}
    long_body = "---\nname: Bob Stone\n---\n\n\n" + "".join(f"line {n}\n" for n in range(1, 12))
    b = brief(example(make_vault, {**touches, "contacts/bob-stone.md": long_body}), "bob-stone", T)
    assert b.touches == 9 and len(b.last_touches) == LAST_TOUCHES
    assert [e.date.isoformat() for e in b.last_touches] == [
        "2026-02-20",
        "2025-08-01",
        "2025-07-01",
        "2025-06-01",
        "2025-05-01",
    ]
    assert b.notes == tuple(f"line {n}" for n in range(1, 9)) and b.more_notes
    assert "  … (more in contacts/bob-stone.md)" in format_brief_text(b).splitlines()
    assert "Last touches (5 of 9)" in format_brief_text(b).splitlines()


def test_the_text_brief_for_a_terminal(make_vault: MakeVault) -> None:
    strength = Strength(64, "strong", ("2 touches in 12 months", "last 18 days ago"))
    b = brief(
        example(make_vault),
        "jane-doe",
        T,
        strength=strength,
        moves=[(dt.date(2026, 1, 15), "now Staff Engineer at Acme")],
    )
    assert format_brief_text(b) == (
        "Jane Doe (jane-doe)\n"
        "Staff Engineer at Acme · Berlin\n"
        "Aliases:       JD\n"
        "Met:           at PyCon, since 2024-05-01, through Bob Stone\n"
        "Introduced:    Carla Ruiz\n"
        "Strength:      64 (strong): 2 touches in 12 months; last 18 days ago\n"
        "Keep in touch: every 3w; 2 touches so far\n"
        "Reciprocity:   I did 1 favour, they did 0 (balance +1)\n"
        "Circle:        inner\n"
        "\n"
        "Last touches\n"
        "  2026-02-20  lunch   Lunch with both\n"
        "  2026-01-05  coffee  Kafka war stories\n"
        "\n"
        "Planned\n"
        "  2026-04-02  call  Planned call\n"
        "\n"
        "Open\n"
        "  2026-02-02  36d ago  I owe them       advice\n"
        "  2026-03-01  9d ago   follow-up        send the deck\n"
        "  2026-03-13  in 3d    keep-in-touch    every 3w\n"
        "  2026-03-15  in 5d    waiting on them  reference\n"
        "  2026-03-20  in 10d   birthday         turns 36\n"
        "\n"
        "Career moves\n"
        "  2026-01-15  now Staff Engineer at Acme\n"
        "\n"
        "Fields\n"
        "  favourite_coffee:  flat white\n"
        "  kids:              Ada, Max\n"
        "\n"
        "Notes\n"
        "  Mentor on distributed systems.\n"
        "\n"
        "  Ask her about the Kafka migration.\n"
    )


def test_text_columns_line_up_by_display_width(make_vault: MakeVault) -> None:
    files = {
        "interactions/a.md": "---\ndate: 2026-01-05\nwith: jane-doe\nkind: 茶会\ntitle: Tea\n---\n",
        "interactions/d.md": "---\ndate: 2026-01-06\nwith: jane-doe\nkind: call\ntitle: Call\n---\n",
    }
    vault = load_vault(make_vault({**FILES, **files}, config=CONFIG + "kinds: [茶会]\n"), today=T).vault
    text = format_brief_text(brief(vault, "jane-doe", T))
    rows = [line for line in text.splitlines() if line.endswith(("Tea", "Call"))]
    assert len(rows) == 2 and {columns(row[: -len(row.split()[-1])]) for row in rows} == {21}


def test_note_text_cannot_reach_the_terminal_or_the_markdown_as_markup(make_vault: MakeVault) -> None:
    hostile = '---\nname: "Eve \\e[31mRed"\nrole: "[click](javascript:alert(1)) <b>*bold*</b>"\n---\n# not a heading\n'
    vault = example(make_vault, {"contacts/eve.md": hostile})
    b = brief(vault, "eve", T)
    assert "\x1b" not in format_brief_text(b) and "Eve \\x1b[31mRed (eve)" in format_brief_text(b)
    markdown = format_brief_markdown(b)
    assert r"\[click\](javascript:alert(1)) \<b\>\*bold\*\</b\>" in markdown
    assert "\n> # not a heading\n" in markdown  # the notes are quoted, not part of the brief's outline


def test_the_markdown_brief_pastes_into_an_invite(make_vault: MakeVault) -> None:
    b = brief(example(make_vault), "jane-doe", T)
    lines = format_brief_markdown(b).splitlines()
    assert lines[:4] == ["## Jane Doe", "", "Staff Engineer at Acme · Berlin", ""]
    assert "- **Met:** at PyCon, since 2024-05-01, through Bob Stone" in lines
    assert lines[lines.index("### Open") + 2] == "- I owe them, due 2026-02-02 (36d ago): advice"
    assert "- **favourite_coffee:** flat white" in lines
    assert lines[-3:] == ["> Mentor on distributed systems.", ">", "> Ask her about the Kafka migration."]


def test_the_json_brief_has_the_documented_keys(make_vault: MakeVault) -> None:
    b = brief(example(make_vault), "jane-doe", T, strength=Strength(10, "weak"))
    doc = json.loads(format_brief_json(b))
    assert list(doc) == [
        "version",
        "today",
        "id",
        "path",
        "name",
        "aliases",
        "role",
        "company",
        "location",
        "emails",
        "phones",
        "linkedin",
        "website",
        "tags",
        "circle",
        "cadence",
        "archived",
        "since",
        "met_at",
        "met_through",
        "introduced",
        "strength",
        "touches",
        "last_touches",
        "planned",
        "open",
        "reciprocity",
        "moves",
        "custom",
        "notes",
        "more_notes",
    ]
    assert doc["strength"] == {"score": 10, "band": "weak", "reasons": []}
    assert doc["open"][0] == {
        "due": "2026-02-02",
        "status": "overdue",
        "days": -36,
        "kind": "I owe them",
        "detail": "advice",
        "path": "asks/in.md",
    }
    assert doc["reciprocity"] == {"given": 1, "received": 0, "balance": 1}
    section = (DOCS / "json-export.md").read_text(encoding="utf-8").split("## `netnotes show --format json`")[1]
    documented = set(re.findall(r"`([a-z_]+)`", section))
    keys = set(doc) | set(doc["open"][0]) | set(doc["last_touches"][0]) | set(doc["strength"]) | set(doc["reciprocity"])
    assert keys - documented == set()
    assert brief_json(brief(example(make_vault), "bob-stone", T))["strength"] is None
