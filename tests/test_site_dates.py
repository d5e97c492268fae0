"""Dates on the dashboard: short within today's year, with the year otherwise."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import MakeVault
from site_html import parse

from netnotes.loader import load_vault
from netnotes.site.build import build_site
from netnotes.site.theme import format_date

TODAY = dt.date(2026, 11, 25)


@pytest.mark.parametrize(
    ("day", "style", "shown"),
    [
        (dt.date(2026, 11, 25), "short", "Wed 25 Nov"),
        (dt.date(2026, 1, 2), "short", "Fri 2 Jan"),
        (dt.date(2025, 5, 6), "short", "6 May 2025"),
        (dt.date(2027, 1, 4), "short", "4 Jan 2027"),
        (dt.date(2026, 11, 25), "long", "25 Nov 2026"),
        (dt.date(2026, 11, 25), "iso", "2026-11-25"),
        (None, "short", ""),
    ],
    ids=["today", "this-year", "last-year", "next-year", "long", "iso", "none"],
)
def test_short_dates_carry_the_year_only_outside_todays_year(day: dt.date | None, style: str, shown: str) -> None:
    assert format_date(day, style, today=TODAY) == shown


def test_an_old_favour_on_the_asks_board_shows_its_year(make_vault: MakeVault, tmp_path: Path) -> None:
    vault = make_vault(
        {
            "contacts/jane-doe.md": "---\nname: Jane Doe\n---\n",
            "asks/2025-05-06-reference-jane.md": (
                "---\ndate: 2025-05-06\nwith: jane-doe\ndirection: out\nkind: reference\nstatus: done\n---\n"
            ),
        }
    )
    out = tmp_path / "site"
    build_site(vault, load_vault(vault), out, TODAY)
    assert "6 May 2025" in parse(out / "asks.html").text
