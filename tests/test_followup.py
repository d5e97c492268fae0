"""The follow-up engine and `netnotes due`, one test (or a few) per rule of the contract's section 5.

Each test writes a tiny vault inline and fixes today, so what a test asserts is readable next to
the notes that cause it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any, Protocol

import pytest
from click.testing import Result
from conftest import LoadClean, MakeVault, RunCli
from hypothesis import given, settings
from hypothesis import strategies as st

from netnotes.dates import NEVER, Birthday, Duration, add_duration
from netnotes.followup import (
    DueItem,
    DueStatus,
    Reason,
    Reciprocity,
    cadence_of,
    due_items,
    is_follow_up_open,
    keep_in_touch_date,
    last_touches,
    planned_interactions,
    reciprocity,
)
from netnotes.loader import load_vault
from netnotes.model import Ask, AskStatus, Config, Contact, Direction, Interaction, Vault

TODAY = "2026-03-10"
T = dt.date(2026, 3, 10)
CONFIG = """\
horizon: 14d
default_cadence: never
circles:
  inner: 3w
  active: 2m
"""
JSON_KEYS = ["contact", "name", "reason", "due", "status", "days", "detail", "source"]
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def contact(name: str, **fields: str) -> str:
    lines = [f"name: {name}", *(f"{k}: {v}" for k, v in fields.items())]
    return "---\n" + "\n".join(lines) + "\n---\n"


def interaction(date: str, with_: str, **fields: str) -> str:
    lines = [f"date: {date}", f"with: {with_}", *(f"{k}: {v}" for k, v in fields.items())]
    return "---\n" + "\n".join(lines) + "\n---\n"


def ask(date: str, with_: str, direction: str, **fields: str) -> str:
    lines = [f"date: {date}", f"with: {with_}", f"direction: {direction}", *(f"{k}: {v}" for k, v in fields.items())]
    return "---\n" + "\n".join(lines) + "\n---\n"


class RunDue(Protocol):
    def __call__(
        self, vault: Path, *args: str, today: str = TODAY, env: dict[str, str | None] | None = None, color: bool = False
    ) -> Result: ...


class DueJson(Protocol):
    def __call__(self, vault: Path, *args: str, today: str = TODAY) -> list[dict[str, Any]]: ...


@pytest.fixture
def run_due(run_cli: RunCli) -> RunDue:
    """``netnotes --vault VAULT due --today TODAY ARGS...``."""

    def run(
        vault: Path, *args: str, today: str = TODAY, env: dict[str, str | None] | None = None, color: bool = False
    ) -> Result:
        return run_cli("--vault", vault, "due", "--today", today, *args, env=env, color=color)

    return run


@pytest.fixture
def due_json(run_due: RunDue) -> DueJson:
    """The items of ``due --format json``, after insisting that it succeeded and said nothing else."""

    def run(vault: Path, *args: str, today: str = TODAY) -> list[dict[str, Any]]:
        result = run_due(vault, "--format", "json", *args, today=today)
        assert result.exit_code == 0, result.output
        assert result.stderr == ""
        items: list[dict[str, Any]] = json.loads(result.stdout)
        return items

    return run


def only(items: list[dict[str, Any]], **match: Any) -> dict[str, Any]:
    found = [i for i in items if all(i[k] == v for k, v in match.items())]
    assert len(found) == 1, (match, items)
    return found[0]


def none(items: list[dict[str, Any]], **match: Any) -> None:
    assert [i for i in items if all(i[k] == v for k, v in match.items())] == []


# --- rule 1: last touch --------------------------------------------------------------------------


def test_last_touch_is_the_latest_interaction_on_or_before_today(
    make_vault: MakeVault, due_json: DueJson, load_clean: LoadClean
) -> None:
    vault = make_vault(
        {
            "contacts/alice.md": contact("Alice Smith", cadence="1m"),
            "interactions/a.md": interaction("2026-01-05", "alice"),
            "interactions/b.md": interaction("2026-02-01", "alice", kind="coffee"),
            "interactions/c.md": interaction("2026-01-20", "alice"),
        },
        CONFIG,
    )
    touches = last_touches(load_clean(vault).interactions, T)
    assert touches["alice"].date == dt.date(2026, 2, 1)
    assert touches["alice"].interaction.path == "interactions/b.md"
    item = only(due_json(vault), reason="keep-in-touch")
    assert item["due"] == "2026-03-01"
    assert item["detail"] == "every 1m; last touch 2026-02-01 (coffee)"


def test_an_interaction_today_is_a_touch(make_vault: MakeVault, due_json: DueJson, load_clean: LoadClean) -> None:
    vault = make_vault(
        {
            "contacts/alice.md": contact("Alice Smith", cadence="1m"),
            "interactions/a.md": interaction("2026-01-05", "alice"),
            "interactions/b.md": interaction(TODAY, "alice"),
        },
        CONFIG,
    )
    assert last_touches(load_clean(vault).interactions, T)["alice"].date == T
    assert due_json(vault) == []
    assert only(due_json(vault, "--all"), reason="keep-in-touch")["due"] == "2026-04-10"


def test_a_planned_interaction_is_not_a_touch(make_vault: MakeVault, due_json: DueJson, load_clean: LoadClean) -> None:
    vault = make_vault(
        {
            "contacts/alice.md": contact("Alice Smith", cadence="1m"),
            "contacts/bob.md": contact("Bob Jones", cadence="1m"),
            "interactions/past.md": interaction("2026-02-01", "alice"),
            "interactions/planned.md": interaction("2026-03-20", "[alice, bob]", kind="lunch"),
        },
        CONFIG,
    )
    v = load_clean(vault)
    touches = last_touches(v.interactions, T)
    assert touches["alice"].date == dt.date(2026, 2, 1)
    assert "bob" not in touches
    assert [i.path for i in planned_interactions(v, T)] == ["interactions/planned.md"]
    items = due_json(vault)
    assert only(items, contact="alice")["due"] == "2026-03-01"
    assert only(items, contact="bob")["due"] == TODAY  # never contacted, the lunch is only planned
    # The same lunch counts once its day has come.
    later = due_json(vault, "--all", today="2026-03-20")
    assert only(later, contact="bob")["due"] == "2026-04-20"


# --- rule 2: cadence ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("config", "fields", "cadence", "due"),
    [
        pytest.param(
            "default_cadence: 6m\ncircles: {inner: 3w}\n",
            {"circle": "inner", "cadence": "1w"},
            "1w",
            "2026-02-08",
            id="contact-over-circle-and-default",
        ),
        pytest.param(
            "default_cadence: 6m\ncircles: {inner: 3w}\n",
            {"circle": "inner"},
            "3w",
            "2026-02-22",
            id="circle-over-default",
        ),
        pytest.param("default_cadence: 6m\ncircles: {inner: 3w}\n", {}, "6m", "2026-08-01", id="default"),
        pytest.param(
            "default_cadence: 6m\ncircles: {inner: 3w}\n",
            {"cadence": "monthly"},
            "1m",
            "2026-03-01",
            id="contact-over-default",
        ),
        pytest.param(
            "default_cadence: 6m\ncircles: {inner: 3w}\n",
            {"circle": "inner", "cadence": "never"},
            "never",
            None,
            id="never-in-a-circle",
        ),
        pytest.param("default_cadence: 6m\n", {"cadence": "none"}, "never", None, id="none-over-default"),
        pytest.param(
            "default_cadence: never\ncircles: {inner: never}\n",
            {"circle": "inner", "cadence": "2w"},
            "2w",
            "2026-02-15",
            id="contact-over-never-circle",
        ),
        pytest.param("circles: {inner: 3w}\n", {}, "never", None, id="no-default-no-circle"),
        pytest.param(None, {}, "never", None, id="no-netnotes-yaml"),
    ],
)
def test_cadence_precedence(
    make_vault: MakeVault,
    due_json: DueJson,
    load_clean: LoadClean,
    config: str | None,
    fields: dict[str, str],
    cadence: str,
    due: str | None,
) -> None:
    vault = make_vault(
        {
            "contacts/alice.md": contact("Alice Smith", **fields),
            "interactions/a.md": interaction("2026-02-01", "alice"),
        },
        config=config,
    )
    v = load_clean(vault)
    assert str(cadence_of(v.contacts[0], v.config)) == cadence
    items = due_json(vault, "--all")
    if due is None:
        none(items, reason="keep-in-touch")
        assert keep_in_touch_date(v.contacts[0], v.config, None, T) is None
    else:
        assert only(items, reason="keep-in-touch")["due"] == due


# --- rule 3: keep-in-touch due date -------------------------------------------------------------


def test_never_contacted_contact_is_due_today(make_vault: MakeVault, due_json: DueJson) -> None:
    vault = make_vault({"contacts/alice.md": contact("Alice Smith", circle="inner")}, CONFIG)
    assert due_json(vault) == [
        {
            "contact": "alice",
            "name": "Alice Smith",
            "reason": "keep-in-touch",
            "due": TODAY,
            "status": "today",
            "days": 0,
            "detail": "every 3w; never contacted",
            "source": "contacts/alice.md",
        }
    ]


def test_since_plus_cadence_when_never_touched(make_vault: MakeVault, due_json: DueJson) -> None:
    vault = make_vault({"contacts/alice.md": contact("Alice Smith", cadence="1m", since="2026-01-20")}, CONFIG)
    item = only(due_json(vault), reason="keep-in-touch")
    assert (item["due"], item["status"], item["days"]) == ("2026-02-20", "overdue", -18)


def test_a_touch_wins_over_since(make_vault: MakeVault, due_json: DueJson) -> None:
    vault = make_vault(
        {
            "contacts/alice.md": contact("Alice Smith", cadence="1m", since="2025-01-01"),
            "interactions/a.md": interaction("2026-03-01", "alice"),
        },
        CONFIG,
    )
    assert only(due_json(vault, "--all"), reason="keep-in-touch")["due"] == "2026-04-01"


def test_snooze_later_than_the_due_date_moves_it(make_vault: MakeVault, due_json: DueJson) -> None:
    vault = make_vault(
        {
            "contacts/alice.md": contact("Alice Smith", cadence="1m", snooze_until="2026-03-15"),
            "interactions/a.md": interaction("2026-02-01", "alice"),
        },
        CONFIG,
    )
    item = only(due_json(vault), reason="keep-in-touch")
    assert (item["due"], item["status"], item["days"]) == ("2026-03-15", "soon", 5)


def test_snooze_earlier_than_the_due_date_has_no_effect(make_vault: MakeVault, due_json: DueJson) -> None:
    vault = make_vault(
        {
            "contacts/alice.md": contact("Alice Smith", cadence="1m", snooze_until="2026-02-15"),
            "interactions/a.md": interaction("2026-02-01", "alice"),
        },
        CONFIG,
    )
    item = only(due_json(vault), reason="keep-in-touch")
    assert (item["due"], item["status"]) == ("2026-03-01", "overdue")


def test_snooze_also_holds_back_a_never_contacted_contact(make_vault: MakeVault, due_json: DueJson) -> None:
    vault = make_vault(
        {
            "contacts/alice.md": contact("Alice Smith", cadence="1m", snooze_until="2026-04-01"),
        },
        CONFIG,
    )
    assert due_json(vault) == []
    assert only(due_json(vault, "--all"), reason="keep-in-touch")["due"] == "2026-04-01"


def test_archived_contact_has_no_keep_in_touch_and_no_birthday(
    make_vault: MakeVault, due_json: DueJson, load_clean: LoadClean
) -> None:
    vault = make_vault(
        {
            "contacts/alice.md": contact("Alice Smith", circle="inner", birthday="1990-03-10", archived="true"),
            "contacts/bob.md": contact("Bob Jones", circle="inner", birthday="1990-03-10"),
        },
        CONFIG,
    )
    v = load_clean(vault)
    assert keep_in_touch_date(v.contacts_by_id["alice"], v.config, None, T) is None
    items = due_json(vault, "--all")
    none(items, contact="alice")
    assert [i["reason"] for i in items] == ["keep-in-touch", "birthday"]  # bob, for contrast


def test_month_end_clamping_across_a_leap_year(make_vault: MakeVault, due_json: DueJson) -> None:
    vault = make_vault(
        {
            "contacts/alice.md": contact("Alice Smith", cadence="1m"),
            "interactions/a.md": interaction("2024-01-31", "alice"),
        },
        CONFIG,
    )
    item = only(due_json(vault, today="2024-03-10"), reason="keep-in-touch")
    assert (item["due"], item["days"]) == ("2024-02-29", -10)
    item = only(due_json(vault, "--all", today="2025-01-10"), reason="keep-in-touch")
    assert item["due"] == "2024-02-29"


# --- rule 4: follow-ups ---------------------------------------------------------------------------


def test_follow_up_as_a_date(make_vault: MakeVault, due_json: DueJson) -> None:
    vault = make_vault(
        {
            "contacts/alice.md": contact("Alice Smith"),
            "interactions/2026-03-01-coffee.md": interaction(
                "2026-03-01", "alice", follow_up="2026-03-12", next="send her my CV", title="Coffee at Blue Bottle"
            ),
        },
        CONFIG,
    )
    assert due_json(vault) == [
        {
            "contact": "alice",
            "name": "Alice Smith",
            "reason": "follow-up",
            "due": "2026-03-12",
            "status": "soon",
            "days": 2,
            "detail": "send her my CV",
            "source": "interactions/2026-03-01-coffee.md",
        }
    ]


@pytest.mark.parametrize(
    ("date", "follow_up", "due"),
    [
        ("2026-02-20", "2w", "2026-03-06"),
        ("2026-02-20", "10d", "2026-03-02"),
        ("2026-01-31", "1m", "2026-02-28"),
        ("2024-01-31", "1m", "2024-02-29"),
        ("2025-03-10", "1y", "2026-03-10"),
    ],
)
def test_follow_up_as_a_duration_counts_from_the_interaction(
    make_vault: MakeVault, due_json: DueJson, date: str, follow_up: str, due: str
) -> None:
    vault = make_vault(
        {
            "contacts/alice.md": contact("Alice Smith"),
            "interactions/i.md": interaction(date, "alice", follow_up=follow_up),
        },
        CONFIG,
    )
    assert only(due_json(vault, "--all"), reason="follow-up")["due"] == due


def test_follow_up_closed_by_done(make_vault: MakeVault, due_json: DueJson) -> None:
    vault = make_vault(
        {
            "contacts/alice.md": contact("Alice Smith"),
            "interactions/open.md": interaction("2026-03-01", "alice", follow_up="2026-03-05"),
            "interactions/done.md": interaction("2026-03-01", "alice", follow_up="2026-03-05", done="true"),
        },
        CONFIG,
    )
    assert [i["source"] for i in due_json(vault, "--all")] == ["interactions/open.md"]


def test_follow_up_closed_by_a_later_group_interaction_sharing_one_contact(
    make_vault: MakeVault, due_json: DueJson, load_clean: LoadClean
) -> None:
    vault = make_vault(
        {
            "contacts/alice.md": contact("Alice Smith"),
            "contacts/bob.md": contact("Bob Jones"),
            "contacts/carol.md": contact("Carol White"),
            "interactions/i.md": interaction("2026-03-01", "[alice, bob]", follow_up="2026-03-20", next="intro"),
            "interactions/j.md": interaction("2026-03-05", "[carol, bob]"),
        },
        CONFIG,
    )
    v = load_clean(vault)
    touches = last_touches(v.interactions, T)
    i = next(x for x in v.interactions if x.id == "i")
    assert not is_follow_up_open(i, touches)
    none(due_json(vault, "--all"), reason="follow-up")


def test_follow_up_stays_open_when_the_later_interaction_shares_no_contact(
    make_vault: MakeVault, due_json: DueJson
) -> None:
    vault = make_vault(
        {
            "contacts/alice.md": contact("Alice Smith"),
            "contacts/bob.md": contact("Bob Jones"),
            "contacts/carol.md": contact("Carol White"),
            "interactions/i.md": interaction("2026-03-01", "[alice, bob]", follow_up="2026-03-20", next="intro"),
            "interactions/j.md": interaction("2026-03-05", "carol"),
        },
        CONFIG,
    )
    assert only(due_json(vault, "--all"), reason="follow-up")["source"] == "interactions/i.md"


def test_an_interaction_on_the_same_day_does_not_close_a_follow_up(make_vault: MakeVault, due_json: DueJson) -> None:
    vault = make_vault(
        {
            "contacts/alice.md": contact("Alice Smith"),
            "interactions/i.md": interaction("2026-03-01", "alice", follow_up="2026-03-20"),
            "interactions/j.md": interaction("2026-03-01", "alice"),
        },
        CONFIG,
    )
    assert only(due_json(vault, "--all"), reason="follow-up")["source"] == "interactions/i.md"


def test_a_later_interaction_after_today_does_not_close_a_follow_up(make_vault: MakeVault, due_json: DueJson) -> None:
    vault = make_vault(
        {
            "contacts/alice.md": contact("Alice Smith"),
            "interactions/i.md": interaction("2026-03-01", "alice", follow_up="2026-03-08", next="thank her"),
            "interactions/planned.md": interaction("2026-03-15", "alice"),
        },
        CONFIG,
    )
    item = only(due_json(vault), reason="follow-up")
    assert (item["due"], item["status"], item["days"]) == ("2026-03-08", "overdue", -2)
    # Once the planned interaction has happened, the follow-up is closed.
    none(due_json(vault, "--all", today="2026-03-15"), reason="follow-up")


def test_follow_up_listed_once_under_its_first_contact(make_vault: MakeVault, due_json: DueJson) -> None:
    vault = make_vault(
        {
            "contacts/alice.md": contact("Alice Smith"),
            "contacts/bob.md": contact("Bob Jones"),
            "interactions/i.md": interaction(
                "2026-03-01", "[bob, alice]", follow_up="2026-03-12", next="send both the deck", title="Lunch"
            ),
        },
        CONFIG,
    )
    items = due_json(vault)
    assert len(items) == 1
    assert (items[0]["contact"], items[0]["name"], items[0]["detail"]) == ("bob", "Bob Jones", "send both the deck")


def test_follow_up_without_next_or_title_has_null_detail(make_vault: MakeVault, due_json: DueJson) -> None:
    vault = make_vault(
        {
            "contacts/alice.md": contact("Alice Smith"),
            "interactions/i.md": interaction("2026-03-01", "alice", follow_up="2026-03-12"),
        },
        CONFIG,
    )
    assert only(due_json(vault), reason="follow-up")["detail"] is None


def test_a_planned_interaction_with_a_follow_up_is_listed(make_vault: MakeVault, due_json: DueJson) -> None:
    vault = make_vault(
        {
            "contacts/alice.md": contact("Alice Smith"),
            "interactions/i.md": interaction("2026-03-12", "alice", follow_up="1d", next="send notes"),
        },
        CONFIG,
    )
    assert only(due_json(vault), reason="follow-up")["due"] == "2026-03-13"


# --- rule 5: asks -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "listed"), [(None, True), ("open", True), ("done", False), ("declined", False), ("dropped", False)]
)
def test_only_open_asks_are_listed(make_vault: MakeVault, due_json: DueJson, status: str | None, listed: bool) -> None:
    fields = {"status": status} if status else {}
    vault = make_vault(
        {
            "contacts/alice.md": contact("Alice Smith"),
            "asks/a.md": ask("2026-03-01", "alice", "out", kind="reference", **fields),
        },
        CONFIG,
    )
    items = [i for i in due_json(vault, "--all") if i["reason"] == "ask"]
    assert len(items) == int(listed)


@pytest.mark.parametrize(("direction", "side"), [("out", "waiting on them"), ("in", "I owe them")])
def test_ask_direction_in_the_detail(make_vault: MakeVault, load_clean: LoadClean, direction: str, side: str) -> None:
    vault = make_vault(
        {
            "contacts/alice.md": contact("Alice Smith"),
            "asks/a.md": ask("2026-03-01", "alice", direction, kind="reference"),
        },
        CONFIG,
    )
    v = load_clean(vault)
    [item] = due_items(v, T)
    assert item.direction == direction
    assert item.to_json() == {
        "contact": "alice",
        "name": "Alice Smith",
        "reason": "ask",
        "due": "2026-03-01",
        "status": "overdue",
        "days": -9,
        "detail": f"{side}: reference",
        "source": "asks/a.md",
    }


def test_ask_due_is_its_due_field_else_its_date(make_vault: MakeVault, due_json: DueJson) -> None:
    vault = make_vault(
        {
            "contacts/alice.md": contact("Alice Smith"),
            "asks/with-due.md": ask("2026-03-01", "alice", "out", due="2026-03-18"),
            "asks/no-due.md": ask("2026-03-02", "alice", "in"),
        },
        CONFIG,
    )
    items = due_json(vault, "--all")
    assert only(items, source="asks/with-due.md")["due"] == "2026-03-18"
    assert only(items, source="asks/no-due.md")["due"] == "2026-03-02"


def test_an_introduction_names_its_target(make_vault: MakeVault, due_json: DueJson) -> None:
    vault = make_vault(
        {
            "contacts/alice.md": contact("Alice Smith"),
            "contacts/bob.md": contact("Bob Jones"),
            "asks/a.md": ask("2026-03-01", "alice", "out", kind="introduction", intro_to="bob"),
        },
        CONFIG,
    )
    assert only(due_json(vault), reason="ask")["detail"] == "waiting on them: introduction to Bob Jones"


# --- rule 6: birthdays ---------------------------------------------------------------------------------


def test_birthdays_only_within_the_horizon(make_vault: MakeVault, due_json: DueJson) -> None:
    vault = make_vault(
        {
            "contacts/near.md": contact("Near", birthday="1990-03-24"),  # T + 14d: the horizon's last day
            "contacts/far.md": contact("Far", birthday="1990-03-25"),  # T + 15d
            "contacts/past.md": contact("Past", birthday="1990-03-09"),  # yesterday: next is in 2027
        },
        CONFIG,
    )
    item = only(due_json(vault), reason="birthday")
    assert (item["contact"], item["due"], item["status"], item["days"], item["detail"]) == (
        "near",
        "2026-03-24",
        "soon",
        14,
        "turns 36",
    )
    assert [i["contact"] for i in due_json(vault, "--all")] == ["near"]
    assert [i["contact"] for i in due_json(vault, "--within", "15d")] == ["near", "far"]


def test_leap_day_birthday_on_28_february_in_a_common_year(make_vault: MakeVault, due_json: DueJson) -> None:
    vault = make_vault({"contacts/leap.md": contact("Leap", birthday="2000-02-29")}, CONFIG)
    item = only(due_json(vault, today="2026-02-20"), reason="birthday")
    assert (item["due"], item["detail"]) == ("2026-02-28", "turns 26")
    item = only(due_json(vault, today="2028-02-20"), reason="birthday")
    assert (item["due"], item["detail"]) == ("2028-02-29", "turns 28")


def test_yearless_birthday(make_vault: MakeVault, due_json: DueJson) -> None:
    vault = make_vault({"contacts/alice.md": contact("Alice Smith", birthday="--03-15")}, CONFIG)
    item = only(due_json(vault), reason="birthday")
    assert (item["due"], item["days"], item["detail"], item["source"]) == (
        "2026-03-15",
        5,
        "birthday",
        "contacts/alice.md",
    )


def test_yearless_leap_day_birthday(make_vault: MakeVault, due_json: DueJson) -> None:
    vault = make_vault({"contacts/alice.md": contact("Alice Smith", birthday="--02-29")}, CONFIG)
    assert only(due_json(vault, today="2027-02-27"), reason="birthday")["due"] == "2027-02-28"


def test_birthday_today(make_vault: MakeVault, due_json: DueJson) -> None:
    vault = make_vault({"contacts/alice.md": contact("Alice Smith", birthday="1990-03-10")}, CONFIG)
    item = only(due_json(vault), reason="birthday")
    assert (item["due"], item["status"], item["days"]) == (TODAY, "today", 0)


def test_birthday_across_new_year(make_vault: MakeVault, due_json: DueJson) -> None:
    vault = make_vault({"contacts/alice.md": contact("Alice Smith", birthday="--01-03")}, CONFIG)
    assert only(due_json(vault, today="2026-12-28"), reason="birthday")["due"] == "2027-01-03"


# --- rule 7: status, days, --within and --all -------------------------------------------------------


def _status_vault(make_vault: MakeVault) -> Path:
    # Never-contacted contacts with `since`: due = since + 1d.
    return make_vault(
        {
            "contacts/a-overdue.md": contact("A", cadence="1d", since="2026-03-06"),  # due 03-07, -3
            "contacts/b-today.md": contact("B", cadence="1d", since="2026-03-09"),  # due 03-10, 0
            "contacts/c-soon.md": contact("C", cadence="1d", since="2026-03-10"),  # due 03-11, +1
            "contacts/d-edge.md": contact("D", cadence="1d", since="2026-03-23"),  # due 03-24, +14
            "contacts/e-later.md": contact("E", cadence="1d", since="2026-03-24"),  # due 03-25, +15
        },
        CONFIG,
    )


def test_status_and_days(make_vault: MakeVault, due_json: DueJson) -> None:
    items = due_json(_status_vault(make_vault), "--all")
    assert [(i["contact"], i["status"], i["days"]) for i in items] == [
        ("a-overdue", "overdue", -3),
        ("b-today", "today", 0),
        ("c-soon", "soon", 1),
        ("d-edge", "soon", 14),
        ("e-later", "later", 15),
    ]


def test_listing_hides_later_unless_all(make_vault: MakeVault, due_json: DueJson) -> None:
    vault = _status_vault(make_vault)
    assert [i["contact"] for i in due_json(vault)] == ["a-overdue", "b-today", "c-soon", "d-edge"]
    assert len(due_json(vault, "--all")) == 5


def test_within_overrides_the_horizon(make_vault: MakeVault, due_json: DueJson) -> None:
    vault = _status_vault(make_vault)
    assert [i["status"] for i in due_json(vault, "--within", "15d")] == ["overdue", "today", "soon", "soon", "soon"]
    assert [i["status"] for i in due_json(vault, "--within", "1d")] == ["overdue", "today", "soon"]
    assert [i["status"] for i in due_json(vault, "--within", "0d", "--all")] == [
        "overdue",
        "today",
        "later",
        "later",
        "later",
    ]
    assert [i["status"] for i in due_json(vault, "--within", "1m")] == ["overdue", "today", "soon", "soon", "soon"]


def test_horizon_comes_from_netnotes_yaml(make_vault: MakeVault, due_json: DueJson) -> None:
    vault = _status_vault(make_vault)
    (vault / "netnotes.yaml").write_text("horizon: 1w\n", encoding="utf-8")
    assert [i["contact"] for i in due_json(vault)] == ["a-overdue", "b-today", "c-soon"]


@pytest.mark.parametrize("bad", ["never", "2mo", "-1d"])
def test_bad_within_is_a_usage_error(make_vault: MakeVault, run_due: RunDue, bad: str) -> None:
    result = run_due(_status_vault(make_vault), "--within", bad)
    assert result.exit_code == 2
    assert "--within" in result.stderr


@pytest.mark.parametrize("bad", ["2026-02-30", "tomorrow", "10/03/2026"])
def test_bad_today_is_a_usage_error(make_vault: MakeVault, run_due: RunDue, bad: str) -> None:
    result = run_due(_status_vault(make_vault), today=bad)
    assert result.exit_code == 2
    assert "--today" in result.stderr


# --- rule 8: order ------------------------------------------------------------------------------------------


def test_total_order(make_vault: MakeVault, due_json: DueJson, load_clean: LoadClean) -> None:
    d = "2026-03-12"  # every item below falls due on this date except `early`
    vault = make_vault(
        {
            # Reason order on the same date: follow-up < ask < keep-in-touch < birthday.
            # (zed's follow-up interaction is a touch on 03-01; the snooze puts keep-in-touch on 03-12.)
            "contacts/zed.md": contact("Zed", cadence="1d", snooze_until=d, birthday="--03-12"),
            "asks/zed-ask.md": ask("2026-03-01", "zed", "out", due=d),
            "interactions/zed-f.md": interaction("2026-03-01", "zed", follow_up=d),
            # Name case-folded: "alice" before "Bob" (a plain sort would put "B" first).
            "contacts/lower.md": contact("alice", cadence="1d", since="2026-03-11"),
            "contacts/upper.md": contact("Bob", cadence="1d", since="2026-03-11"),
            # Same name: by contact id.
            "contacts/sam-2.md": contact("Sam Lee", cadence="1d", since="2026-03-11"),
            "contacts/sam-1.md": contact("Sam Lee", cadence="1d", since="2026-03-11"),
            # Same contact, date and reason: by source path.
            "contacts/val.md": contact("Val"),
            "interactions/b/val.md": interaction("2026-03-01", "val", follow_up=d),
            "interactions/a/val2.md": interaction("2026-03-01", "val", follow_up=d),
            # An earlier date beats everything.
            "contacts/early.md": contact("Zzz early", cadence="1d", since="2026-03-10"),
        },
        CONFIG,
    )
    items = due_json(vault)
    assert [(i["due"], i["reason"], i["contact"], i["source"]) for i in items] == [
        ("2026-03-11", "keep-in-touch", "early", "contacts/early.md"),
        (d, "follow-up", "val", "interactions/a/val2.md"),
        (d, "follow-up", "val", "interactions/b/val.md"),
        (d, "follow-up", "zed", "interactions/zed-f.md"),
        (d, "ask", "zed", "asks/zed-ask.md"),
        (d, "keep-in-touch", "lower", "contacts/lower.md"),
        (d, "keep-in-touch", "upper", "contacts/upper.md"),
        (d, "keep-in-touch", "sam-1", "contacts/sam-1.md"),
        (d, "keep-in-touch", "sam-2", "contacts/sam-2.md"),
        (d, "keep-in-touch", "zed", "contacts/zed.md"),
        (d, "birthday", "zed", "contacts/zed.md"),
    ]
    # The engine gives the same order.
    engine = [(i.due.isoformat(), i.reason, i.contact, i.source) for i in due_items(load_clean(vault), T)]
    assert engine == [(i["due"], i["reason"], i["contact"], i["source"]) for i in items]


def test_items_due_on_one_day_sort_by_reason_in_the_order_of_rule_8() -> None:
    items = [DueItem("c", "C", reason, T, DueStatus.TODAY, 0, None, "contacts/c.md") for reason in reversed(Reason)]
    assert [str(i.reason) for i in sorted(items, key=DueItem.sort_key)] == [
        "follow-up",
        "ask",
        "thank-you",
        "congratulate",
        "keep-in-touch",
        "birthday",
    ]


def test_an_ask_and_its_due_item_hold_members_of_their_closed_sets(
    make_vault: MakeVault, load_clean: LoadClean
) -> None:
    vault = make_vault(
        {
            "contacts/alice.md": contact("Alice Smith"),
            "asks/a.md": ask("2026-03-01", "alice", "in", kind="reference"),
            "asks/b.md": ask("2026-03-02", "alice", "out", kind="reference", status="declined"),
        },
        CONFIG,
    )
    a, b = load_clean(vault).asks
    assert (a.direction, a.status, b.direction, b.status) == (
        Direction.IN,
        AskStatus.OPEN,
        Direction.OUT,
        AskStatus.DECLINED,
    )
    assert all(isinstance(x, (Direction, AskStatus)) for x in (a.direction, a.status, b.direction, b.status))
    [item] = due_items(load_clean(vault), T)
    assert (item.reason, item.status, item.direction) == (Reason.ASK, DueStatus.OVERDUE, Direction.IN)
    assert (type(item.reason), type(item.status), type(item.direction)) == (Reason, DueStatus, Direction)


def test_same_vault_and_today_give_identical_output(make_vault: MakeVault, run_due: RunDue) -> None:
    vault = _status_vault(make_vault)
    make_vault(
        {
            "interactions/x.md": interaction("2026-03-01", "[a-overdue, b-today]", follow_up="1w", next="x"),
            "asks/y.md": ask("2026-03-02", "c-soon", "in"),
        }
    )
    for fmt in ("json", "text"):
        first = run_due(vault, "--format", fmt, "--all")
        second = run_due(vault, "--format", fmt, "--all")
        assert first.exit_code == second.exit_code == 0
        assert first.stdout == second.stdout
        assert first.stdout.strip()


# --- refs: every way of naming a contact is a touch ----------------------------------------------


@pytest.mark.parametrize(
    "ref",
    [
        "alice",
        "Alice",
        "Alice Smith",
        "'  alice smith '",
        "Al",
        "'[[alice]]'",
        "'[[Alice Smith|Al]]'",
        "'[[Al]]'",
        "[[alice]]",
        "[Al]",
        "['[[Alice Smith]]']",
    ],
    ids=lambda r: r.strip(),
)
def test_refs_by_id_name_alias_and_wikilink_are_touches(
    make_vault: MakeVault, due_json: DueJson, load_clean: LoadClean, ref: str
) -> None:
    vault = make_vault(
        {
            "contacts/alice.md": contact("Alice Smith", aliases="[Al]", cadence="1m"),
            "interactions/i.md": interaction("2026-03-01", ref),
        },
        CONFIG,
    )
    v = load_clean(vault)
    assert v.interactions[0].with_ == ("alice",)
    assert last_touches(v.interactions, T)["alice"].date == dt.date(2026, 3, 1)
    assert only(due_json(vault, "--all"), reason="keep-in-touch")["due"] == "2026-04-01"


def test_asks_refer_by_alias_too(make_vault: MakeVault, due_json: DueJson) -> None:
    vault = make_vault(
        {
            "contacts/alice.md": contact("Alice Smith", aliases="[Al]"),
            "asks/a.md": ask("2026-03-01", "'[[Al]]'", "in"),
        },
        CONFIG,
    )
    assert only(due_json(vault), reason="ask")["contact"] == "alice"


# --- rule 9: reciprocity ------------------------------------------------------------------------------


def test_reciprocity(make_vault: MakeVault, load_clean: LoadClean) -> None:
    vault = make_vault(
        {
            "contacts/alice.md": contact("Alice Smith"),
            "contacts/bob.md": contact("Bob Jones"),
            "contacts/carol.md": contact("Carol White"),
            "asks/a1.md": ask("2026-01-01", "alice", "in", status="done"),
            "asks/a2.md": ask("2026-01-02", "alice", "in", status="done"),
            "asks/a3.md": ask("2026-01-03", "alice", "out", status="done"),
            "asks/a4.md": ask("2026-01-04", "alice", "in", status="open"),
            "asks/a5.md": ask("2026-01-05", "alice", "out", status="declined"),
            "asks/b1.md": ask("2026-01-01", "bob", "out", status="done"),
            "asks/c1.md": ask("2026-01-01", "carol", "in", status="dropped"),
        },
        CONFIG,
    )
    result = reciprocity(load_clean(vault))
    assert result == {"alice": Reciprocity(given=2, received=1), "bob": Reciprocity(given=0, received=1)}
    assert result["alice"].balance == 1
    assert result["bob"].balance == -1
    assert "carol" not in result


# --- the JSON and text renderings, and problems --------------------------------------------------------


def test_json_keys_are_exactly_the_contract(make_vault: MakeVault, due_json: DueJson) -> None:
    vault = _status_vault(make_vault)
    make_vault(
        {
            "interactions/x.md": interaction("2026-03-01", "a-overdue", follow_up="1w"),
            "asks/y.md": ask("2026-03-02", "c-soon", "in"),
            "contacts/f.md": contact("F", birthday="--03-11"),
        }
    )
    items = due_json(vault, "--all")
    assert {i["reason"] for i in items} == {"keep-in-touch", "follow-up", "ask", "birthday"}
    for item in items:
        assert list(item) == JSON_KEYS
        assert isinstance(item["days"], int)
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", item["due"])
        assert item["detail"] is None or isinstance(item["detail"], str)


def test_source_is_vault_relative_with_slashes(make_vault: MakeVault, due_json: DueJson) -> None:
    vault = make_vault(
        {
            "contacts/recruiters/alice.md": contact("Alice Smith", circle="inner"),
            "interactions/2026/03/i.md": interaction("2026-03-01", "alice", follow_up="2026-03-11"),
            "asks/2026/a.md": ask("2026-03-01", "alice", "out"),
        },
        CONFIG,
    )
    assert sorted(i["source"] for i in due_json(vault)) == [
        "asks/2026/a.md",
        "contacts/recruiters/alice.md",
        "interactions/2026/03/i.md",
    ]


def test_empty_list_is_an_empty_json_array(make_vault: MakeVault, run_due: RunDue) -> None:
    vault = make_vault({"contacts/alice.md": contact("Alice Smith")}, CONFIG)
    result = run_due(vault, "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


def test_a_vault_with_errors_still_prints_its_due_list(make_vault: MakeVault, run_due: RunDue) -> None:
    vault = make_vault(
        {
            # A bad value is dropped and the rest of the note kept (its circle still gives a cadence).
            "contacts/alice.md": contact("Alice Smith", circle="inner", since="2026-02-30"),
            # A ref to no contact is dropped; the interaction still counts for alice.
            "interactions/i.md": interaction("2026-03-01", "[alice, nobody]", follow_up="2026-03-05"),
            # A note without its required field is left out.
            "asks/a.md": "---\nwith: alice\ndirection: out\n---\n",
        },
        CONFIG,
    )
    result = run_due(vault, "--format", "json")
    assert result.exit_code == 1
    items = json.loads(result.stdout)
    assert [(i["reason"], i["contact"], i["due"]) for i in items] == [
        ("follow-up", "alice", "2026-03-05"),
        ("keep-in-touch", "alice", "2026-03-22"),
    ]
    # The problems themselves are check's to list (contract section 6); due sums them up.
    assert result.stderr == "3 problems (3 errors) in the vault: run netnotes check\n"


def test_text_output_is_grouped_under_headings(make_vault: MakeVault, run_due: RunDue) -> None:
    result = run_due(_status_vault(make_vault), "--all")
    assert result.exit_code == 0
    out = result.stdout
    headings = [line for line in out.splitlines() if line and not line.startswith(" ")]
    assert headings == ["Overdue (1)", "Today (1)", "Soon (2)", "Later (1)"]
    blocks = out.strip().split("\n\n")
    assert [b.splitlines()[0] for b in blocks] == headings
    assert "  2026-03-07    3d ago  A" in blocks[0]
    assert "keep-in-touch" in blocks[1] and "today" in blocks[1]
    assert "in 14d" in blocks[2]


def test_text_output_when_nothing_is_due(make_vault: MakeVault, run_due: RunDue) -> None:
    vault = make_vault({"contacts/alice.md": contact("Alice Smith")}, CONFIG)
    result = run_due(vault)
    assert (result.exit_code, result.stdout) == (0, f"Nothing due as of {TODAY}.\n")


def test_text_output_shows_control_characters_in_notes_escaped(make_vault: MakeVault, run_due: RunDue) -> None:
    vault = make_vault(
        {
            "contacts/eve.md": contact('"Eve\\e]0;pwned\\a"', cadence="1d"),
            "interactions/i.md": interaction("2026-03-01", "eve", follow_up="2026-03-02", next='"call\\nback"'),
        },
        CONFIG,
    )
    result = run_due(vault, env={"NO_COLOR": None}, color=True)
    assert result.exit_code == 0, result.output
    assert "Eve\\x1b]0;pwned\\x07" in result.stdout and "call\\nback" in result.stdout
    assert ANSI.sub("", result.stdout).replace("\n", "").isprintable()


def test_no_colour_when_not_a_terminal(make_vault: MakeVault, run_due: RunDue) -> None:
    result = run_due(_status_vault(make_vault), env={"NO_COLOR": None})
    assert result.exit_code == 0
    assert not ANSI.search(result.stdout)


def test_no_colour_when_no_color_is_set(make_vault: MakeVault, run_due: RunDue) -> None:
    vault = _status_vault(make_vault)
    # `color=True` makes click treat the output as a terminal, so colour would otherwise show.
    coloured = run_due(vault, env={"NO_COLOR": None}, color=True)
    assert ANSI.search(coloured.stdout)
    plain = run_due(vault, env={"NO_COLOR": "1"}, color=True)
    assert plain.exit_code == 0
    assert not ANSI.search(plain.stdout)
    assert ANSI.sub("", coloured.stdout) == plain.stdout


# --- a property: the engine agrees with section 5 read literally -----------------------------------

IDS = ("ann", "bo", "cy", "di")
NAMES = ("Ann", "ann", "Bo", "Zoe")
BASE = dt.date(2024, 1, 1)
days_off = st.integers(min_value=0, max_value=900)
cadences = st.sampled_from([None, NEVER, Duration(1, "d"), Duration(2, "w"), Duration(1, "m"), Duration(1, "y")])


@st.composite
def vaults(draw: st.DrawFn) -> tuple[Vault, dt.date, Duration]:
    config = Config(
        horizon=draw(st.sampled_from([Duration(14, "d"), Duration(1, "m"), Duration(0, "d")])),
        default_cadence=draw(st.sampled_from([NEVER, Duration(3, "m")])),
        circles=(("inner", Duration(3, "w")), ("off", NEVER)),
    )
    maybe_date = st.one_of(st.none(), days_off.map(lambda n: BASE + dt.timedelta(days=n)))
    contacts = tuple(
        Contact(
            id=cid,
            path=f"contacts/{cid}.md",
            name=draw(st.sampled_from(NAMES)),
            circle=draw(st.sampled_from([None, "inner", "off"])),
            cadence=draw(cadences),
            since=draw(maybe_date),
            snooze_until=draw(maybe_date),
            archived=draw(st.booleans()),
            birthday=draw(
                st.one_of(
                    st.none(), st.builds(Birthday, st.integers(1, 12), st.integers(1, 28)), st.just(Birthday(2, 29))
                )
            ),
        )
        for cid in IDS[: draw(st.integers(1, len(IDS)))]
    )
    ids = [c.id for c in contacts]
    interactions = sorted(
        (
            Interaction(
                id=f"i{n}",
                path=f"interactions/i{n}.md",
                date=BASE + dt.timedelta(days=draw(days_off)),
                with_=tuple(draw(st.lists(st.sampled_from(ids), min_size=1, max_size=3, unique=True))),
                follow_up=draw(maybe_date),
                done=draw(st.booleans()),
                next=draw(st.sampled_from([None, "x"])),
            )
            for n in range(draw(st.integers(0, 8)))
        ),
        key=lambda i: (i.date, i.path),
    )
    asks = tuple(
        Ask(
            id=f"a{n}",
            path=f"asks/a{n}.md",
            date=BASE + dt.timedelta(days=draw(days_off)),
            with_=draw(st.sampled_from(ids)),
            direction=draw(st.sampled_from([Direction.IN, Direction.OUT])),
            status=draw(st.sampled_from(list(AskStatus))),
            due=draw(maybe_date),
        )
        for n in range(draw(st.integers(0, 4)))
    )
    vault = Vault(
        root="",
        config=config,
        contacts=contacts,
        interactions=tuple(interactions),
        asks=asks,
        contacts_by_id={c.id: c for c in contacts},
    )
    return vault, BASE + dt.timedelta(days=draw(days_off)), config.horizon


def literal_section_5(vault: Vault, today: dt.date, horizon: Duration) -> list[tuple[object, ...]]:
    """Section 5 transcribed rule by rule, with no cleverness: (due, reason, contact, source, status, days)."""
    end = add_duration(today, horizon)
    circles = dict(vault.config.circles)
    out = []
    for c in vault.contacts:
        cadence = vault.config.default_cadence
        if c.circle in circles:
            cadence = circles[c.circle]
        if c.cadence is not None:
            cadence = c.cadence
        touches = [i.date for i in vault.interactions if c.id in i.with_ and i.date <= today]
        if not cadence.is_never and not c.archived:
            due = (
                add_duration(max(touches), cadence) if touches else add_duration(c.since, cadence) if c.since else today
            )
            if c.snooze_until is not None and c.snooze_until > due:
                due = c.snooze_until
            out.append((due, "keep-in-touch", c, c.path))
        if c.birthday is not None and not c.archived:
            for year in (today.year, today.year + 1):
                leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
                day = 28 if (c.birthday.month, c.birthday.day) == (2, 29) and not leap else c.birthday.day
                occurrence = dt.date(year, c.birthday.month, day)
                if occurrence >= today:
                    if occurrence <= end:
                        out.append((occurrence, "birthday", c, c.path))
                    break
    for i in vault.interactions:
        if i.follow_up is None or i.done:
            continue
        if any(j is not i and i.date < j.date <= today and set(i.with_) & set(j.with_) for j in vault.interactions):
            continue
        out.append((i.follow_up, "follow-up", vault.contacts_by_id[i.with_[0]], i.path))
    for a in vault.asks:
        if a.status == "open":
            assert a.with_ is not None  # the strategy only makes asks with someone
            out.append((a.due or a.date, "ask", vault.contacts_by_id[a.with_], a.path))
    rows = []
    for due, reason, c, source in out:
        status = "overdue" if due < today else "today" if due == today else "soon" if due <= end else "later"
        if status != "later":
            rows.append((due, reason, c.id, source, status, (due - today).days, c.name))
    rank = ["follow-up", "ask", "keep-in-touch", "birthday"]
    rows.sort(key=lambda r: (r[0], rank.index(r[1]), r[6].casefold(), r[2], r[3]))
    return [r[:6] for r in rows]


@settings(max_examples=300, deadline=None)
@given(case=vaults())
def test_engine_agrees_with_the_rules_read_literally(case: tuple[Vault, dt.date, Duration]) -> None:
    vault, today, horizon = case
    got = [(i.due, i.reason, i.contact, i.source, i.status, i.days) for i in due_items(vault, today)]
    assert got == literal_section_5(vault, today, horizon)


def test_last_touches_do_not_depend_on_the_order_of_the_interactions() -> None:
    """The model keeps interactions sorted and `last_touches` reads them latest first (issue 12);
    any order, or a plain iterable, gives the same touches."""
    vault = load_vault(Path(__file__).parent.parent / "example-vault").vault
    today = dt.date(2026, 11, 25)
    expected = last_touches(vault.interactions, today)
    assert len(expected) > 3
    assert last_touches(list(reversed(vault.interactions)), today) == expected
    assert last_touches(iter(sorted(vault.interactions, key=lambda i: i.path)), today) == expected
