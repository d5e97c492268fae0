"""Rule 10: a done `out` ask wants a thank-you, in `due`, the dashboard, the calendar and exports.

Each test writes a tiny vault inline; the ask was closed on C = 2026-03-01 unless it says
otherwise, so its thank-you is due on 2026-03-04 and lapses after 2026-03-31.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import icalendar
import pytest
from conftest import MakeVault
from site_html import build, parse

from netnotes.calendar import build_calendar
from netnotes.exporters import export_json
from netnotes.followup import DueItem, DueStatus, Reason, due_items
from netnotes.loader import LoadResult, load_vault
from netnotes.model import Direction

Load = Callable[..., LoadResult]
C = dt.date(2026, 3, 1)
PRIYA = "---\nname: Priya Natarajan\n---\n"
OMAR = "---\nname: Omar Haddad\n---\n"


def done_ask(closed: str = "2026-03-01", **extra: str) -> str:
    fields = {"date": "2026-02-10", "with": "priya", "direction": "out", "kind": "reference", "status": "done"}
    fields.update({"closed": closed} if closed else {})
    fields.update(extra)
    return "---\n" + "".join(f"{k}: {v}\n" for k, v in fields.items()) + "---\n"


def interaction(date: str, kind: str, with_: str = "priya") -> str:
    return f"---\ndate: {date}\nwith: {with_}\nkind: {kind}\n---\n"


def thank_yous(result: LoadResult, today: dt.date) -> list[DueItem]:
    return [i for i in due_items(result.vault, today, include_later=True) if i.reason == "thank-you"]


def test_a_done_out_ask_wants_a_thank_you_three_days_after_it_closed(load: Load) -> None:
    result = load({"contacts/priya.md": PRIYA, "asks/ref.md": done_ask()})
    (item,) = thank_yous(result, dt.date(2026, 3, 2))
    assert item == DueItem(
        "priya",
        "Priya Natarajan",
        Reason.THANK_YOU,
        dt.date(2026, 3, 4),
        DueStatus.SOON,
        2,
        "thank them: reference",
        "asks/ref.md",
        Direction.OUT,
    )
    assert item.to_json()["reason"] == "thank-you" and item.to_json()["source"] == "asks/ref.md"


def test_an_ask_without_a_kind_is_a_favour(load: Load) -> None:
    result = load({"contacts/priya.md": PRIYA, "asks/ref.md": done_ask().replace("kind: reference\n", "")})
    assert [i.detail for i in thank_yous(result, C)] == ["thank them: favour"]


@pytest.mark.parametrize(
    ("today", "listed"),
    [
        (dt.date(2026, 2, 28), False),  # closed after today
        (C, True),  # closed today
        (dt.date(2026, 3, 31), True),  # C + 30 days: still listed
        (dt.date(2026, 4, 1), False),  # C + 31 days: lapsed
    ],
    ids=["closed-after-today", "closed-today", "day-30", "day-31"],
)
def test_a_thank_you_is_listed_from_the_closing_day_for_thirty_days(load: Load, today: dt.date, listed: bool) -> None:
    result = load({"contacts/priya.md": PRIYA, "asks/ref.md": done_ask()})
    assert len(thank_yous(result, today)) == int(listed)


@pytest.mark.parametrize(
    "ask",
    [
        done_ask(thanked="true"),
        done_ask(direction="in"),
        done_ask(status="declined"),
        done_ask(status="dropped"),
        done_ask(status="open"),
        done_ask(closed=""),
    ],
    ids=["thanked", "in", "declined", "dropped", "open", "no-closed-date"],
)
def test_no_thank_you_is_wanted_unless_the_ask_is_done_out_closed_and_not_thanked(load: Load, ask: str) -> None:
    result = load({"contacts/priya.md": PRIYA, "asks/ref.md": ask})
    assert thank_yous(result, dt.date(2026, 3, 5)) == []


@pytest.mark.parametrize(
    ("thanked_on", "kind", "with_", "wanted"),
    [
        ("2026-03-01", "thank-you", "priya", False),  # on the closing day: thanked
        ("2026-03-03", "thank-you", "priya", False),  # between closing and today
        ("2026-02-28", "thank-you", "priya", True),  # before the ask closed: thanks for something else
        ("2026-03-20", "thank-you", "priya", True),  # after today: planned, not done yet
        ("2026-03-03", "coffee", "priya", True),  # another kind of touch is no thank-you
        ("2026-03-03", "thank-you", "omar", True),  # thanking someone else
    ],
    ids=["on-C", "after-C", "before-C", "after-T", "other-kind", "other-contact"],
)
def test_a_thank_you_interaction_with_the_contact_on_or_after_the_closing_day_closes_it(
    load: Load, thanked_on: str, kind: str, with_: str, wanted: bool
) -> None:
    result = load(
        {
            "contacts/priya.md": PRIYA,
            "contacts/omar.md": OMAR,
            "asks/ref.md": done_ask(),
            "interactions/thanks.md": interaction(thanked_on, kind, with_),
        }
    )
    assert len(thank_yous(result, dt.date(2026, 3, 10))) == int(wanted)


def test_a_thank_you_comes_after_an_ask_and_before_keep_in_touch_on_the_same_day(load: Load) -> None:
    result = load(
        {
            "contacts/priya.md": "---\nname: Priya Natarajan\ncadence: 12d\n---\n",
            "asks/ref.md": done_ask(),
            "asks/open.md": "---\ndate: 2026-02-01\nwith: priya\ndirection: in\ndue: 2026-03-04\n---\n",
            "interactions/call.md": "---\ndate: 2026-02-20\nwith: priya\nfollow_up: 2026-03-04\nnext: x\n---\n",
        }
    )
    items = due_items(result.vault, dt.date(2026, 3, 2))
    assert [(i.due.isoformat(), i.reason) for i in items] == [
        ("2026-03-04", "follow-up"),
        ("2026-03-04", "ask"),
        ("2026-03-04", "thank-you"),
        ("2026-03-04", "keep-in-touch"),
    ]


def test_thanked_is_a_known_ask_field_read_as_a_bool(load: Load) -> None:
    result = load(
        {
            "contacts/priya.md": PRIYA,
            "asks/a.md": done_ask(thanked="yes"),
            "asks/b.md": done_ask(thanked="soon"),
        }
    )
    a, b = result.vault.asks
    assert (a.thanked, a.custom, b.thanked) == (True, (), False)
    assert [(p.path, p.code) for p in result.problems] == [("asks/b.md", "NN109")]
    assert [i.source for i in thank_yous(result, C)] == ["asks/b.md"]


def test_the_due_command_lists_the_thank_you(make_vault: MakeVault, run_cli: Callable[..., object]) -> None:
    root = make_vault({"contacts/priya.md": PRIYA, "asks/ref.md": done_ask()})
    result = run_cli("--vault", root, "due", "--today", "2026-03-10")
    assert result.stdout.splitlines() == [  # type: ignore[attr-defined]
        "Overdue (1)",
        "  2026-03-04    6d ago  Priya Natarajan  thank-you      thank them: reference",
    ]


def test_the_calendar_and_the_json_export_carry_the_thank_you(make_vault: MakeVault) -> None:
    vault = load_vault(make_vault({"contacts/priya.md": PRIYA, "asks/ref.md": done_ask()})).vault
    cal = icalendar.Calendar.from_ical(build_calendar(vault, C))
    (event,) = [e for e in cal.walk("VEVENT")]
    assert str(event["summary"]) == "Thank Priya Natarajan"
    assert event.decoded("dtstart") == dt.date(2026, 3, 4)
    assert str(event["description"]) == "thank them: reference"
    doc = json.loads(export_json(vault, C))
    assert doc["asks"][0]["thanked"] is False
    assert [(d["reason"], d["source"]) for d in doc["due"]] == [("thank-you", "asks/ref.md")]


def test_the_dashboard_lists_the_thank_you_linked_to_its_ask(make_vault: MakeVault, tmp_path: Path) -> None:
    root = make_vault({"contacts/priya.md": PRIYA, "asks/ref.md": done_ask()})
    out, _ = build(root, tmp_path / "site", today=dt.date(2026, 3, 10))
    dash = parse(out / "index.html")
    (item,) = [e for e in dash.elements if e.tag == "li" and "due" in (e.attrs.get("class") or "").split()]
    assert " ".join(item.text.split()).endswith("Priya Natarajan thank-you thank them: reference")
    (link,) = [e for e in dash.find("a") if e.text == "thank them: reference"]
    assert link.attrs["href"] == "contacts/priya.html#a-ref"  # where the ask is shown
