"""The whole site of a small vault against golden files in tests/golden/site/ (issue 4).

After a deliberate change to the pages, the theme or the pipeline, regenerate the golden files
and read their diff before committing it:

    NETNOTES_UPDATE_GOLDEN=1 python -m pytest tests/test_site_golden.py

The same vault also checks determinism: two builds (one rendering notes in worker processes)
are byte-identical.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import MakeVault
from site_html import build, tree

from netnotes.site import bodies
from netnotes.site import build as build_module
from netnotes.site.build import BuildOptions
from netnotes.site.theme import SERVED_ONLY, default_theme

GOLDEN = Path(__file__).parent / "golden" / "site"

VAULT = {
    "netnotes.yaml": """
        title: Sam's network
        owner: Sam Rivera
        horizon: 14d
        circles:
          inner: 3w
          active: 2m
        kinds: [podcast]
    """,
    "contacts/priya-natarajan.md": """
        ---
        name: Priya Natarajan
        aliases: [Priya N.]
        company: Quillmark
        role: CTO
        location: San Francisco
        email: priya@quillmark.example
        phone: +1 415 555 0142
        linkedin: https://www.linkedin.com/in/priya-example
        tags: [mentor, python]
        circle: inner
        since: 2019-03-04
        birthday: 1981-12-01
        favourite_coffee: flat white
        languages: [English, Tamil]
        ---
        My former manager. Wants me to meet [[Zoë Müller|Zoë]].

        - [ ] Send her the revised resume
        - [x] Thank her for the framework doc

        | topic | notes |
        |---|---|
        | staff | scope first[^1] |

        [^1]: Her advice, October.
    """,
    "contacts/zoe-muller.md": """
        ---
        name: Zoë Müller
        company: quillmark
        role: Platform lead
        tags: [Python, berlin]
        circle: active
        met_through: "[[Priya Natarajan]]"
        ---
    """,
    "contacts/jordan-blake.md": """
        ---
        name: Jordan Blake
        company: Hirewell
        past_companies: [Quillmark Inc.]
        tags: [recruiter]
        cadence: 1m
        snooze_until: 2026-12-10
        ---
        Recruiter. ~~Old agency~~ now in-house.
    """,
    "contacts/archive/tom-old.md": """
        ---
        name: Tom Old
        archived: true
        birthday: --11-30
        ---
    """,
    "contacts/ana-ruiz.md": """
        ---
        name: Ana Ruiz
        company: Helix Robotics, GmbH
        ---
    """,
    "interactions/2026-03-02-coffee-ana.md": """
        ---
        date: 2026-03-02
        with: ana-ruiz
        kind: coffee
        ---
    """,
    "interactions/2026-03-16-call-ana.md": """
        ---
        date: 2026-03-16
        with: ana-ruiz
        kind: call
        ---
    """,
    "interactions/2026-04-06-lunch-ana.md": """
        ---
        date: 2026-04-06
        with: ana-ruiz
        kind: lunch
        title: Lunch with Ana
        ---
    """,
    "interactions/2026-11-04-call-priya.md": """
        ---
        date: 2026-11-04
        with: priya-natarajan
        kind: call
        title: Prep call before the leadership round
        follow_up: 2026-12-04
        next: Send Priya the revised resume
        ---
        Practise the "said no to a VP" story. See [[2026-10-20-coffee-zoe]].
    """,
    "interactions/2026-10-20-coffee-zoe.md": """
        ---
        date: 2026-10-20
        with: [zoe-muller, "Priya N."]
        kind: coffee
        title: Coffee with Zoë and Priya
        follow_up: 2w
        next: Send Zoë the design doc
        ---
        Talked about Berlin. Link: [Quillmark jobs](https://quillmark.example/jobs).
    """,
    "interactions/2026-09-01-podcast.md": """
        ---
        date: 2026-09-01
        with: jordan-blake
        kind: podcast
        title: Guest on a recruiting podcast
        ---
    """,
    "interactions/2026-12-03-lunch-jordan.md": """
        ---
        date: 2026-12-03
        with: Jordan Blake
        kind: lunch
        title: Lunch with Jordan (planned)
        ---
    """,
    "interactions/2026-08-01-bad-ref.md": """
        ---
        date: 2026-08-01
        with: [jordan-blake, nobody-at-all]
        kind: email
        title: Email with a typo in with
        ---
        Mentions [[Someone Unknown]].
    """,
    "asks/2026-10-02-reference-priya.md": """
        ---
        date: 2026-10-02
        with: priya-natarajan
        direction: out
        kind: reference
        due: 2026-12-01
        ---
        Asked Priya to be my reference.
    """,
    "asks/2026-11-18-intro-for-zoe.md": """
        ---
        date: 2026-11-18
        with: zoe-muller
        direction: in
        kind: introduction
        intro_to: Jordan Blake
        ---
    """,
    "asks/2026-05-01-job-lead-done.md": """
        ---
        date: 2026-05-01
        with: jordan-blake
        direction: in
        kind: job-lead
        status: done
        closed: 2026-05-20
        ---
    """,
    "asks/2026-04-01-advice-priya.md": """
        ---
        date: 2026-04-01
        with: priya-natarajan
        direction: out
        kind: advice
        status: done
        closed: 2026-04-03
        ---
    """,
}


@pytest.fixture
def vault(make_vault: MakeVault) -> Path:
    return make_vault(VAULT)


def test_whole_site_matches_the_golden_files(vault: Path) -> None:
    out, report = build(vault)
    assert report.errors == 1 and report.warnings == 1  # the bad ref and the unknown wikilink
    built = tree(out)
    # The theme's own static files are copied as they are: compared with their sources rather
    # than kept twice, so a CSS or JS change needs no golden update. Those only `serve` adds
    # are not copied (the file list below, from the golden folder, would say so).
    theme_static = {name: data for name, data in tree(default_theme() / "static").items() if name not in SERVED_ONLY}
    for name, data in theme_static.items():
        assert built.pop(f"static/{name}") == data, f"static/{name} is not the theme's file"
    if os.environ.get("NETNOTES_UPDATE_GOLDEN"):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        shutil.copytree(
            out,
            GOLDEN,
            ignore=lambda folder, names: [n for n in names if Path(folder).name == "static" and n in theme_static],
        )
    golden = tree(GOLDEN)
    assert sorted(built) == sorted(golden), "the site's file list changed; see the module docstring"
    for name in sorted(built):
        assert built[name].decode("utf-8", "replace") == golden[name].decode("utf-8", "replace"), name


def test_two_builds_are_byte_identical(vault: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first, _ = build(vault, tmp_path / "one")
    # render notes and pages in worker processes this time, with no cache
    monkeypatch.setattr(bodies, "PARALLEL_THRESHOLD", 1)
    monkeypatch.setattr(build_module, "PARALLEL_PAGES", 1)
    second, _ = build(vault, tmp_path / "two", options=BuildOptions(jobs=2, cache=False))
    assert tree(first) == tree(second)


def test_only_today_changes_the_output(vault: Path, tmp_path: Path) -> None:
    import datetime as dt

    first, _ = build(vault, tmp_path / "one", today=dt.date(2026, 11, 25))
    second, _ = build(vault, tmp_path / "two", today=dt.date(2026, 11, 26))
    assert tree(first) != tree(second)
    assert tree(first)["static/style.css"] == tree(second)["static/style.css"]
