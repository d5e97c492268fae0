"""`done`, `snooze` and `edit` as library calls (netnotes/actions.py): what each changes in a
note, byte for byte, what each refuses, and that a refusal leaves every note as it was.

Today is 2026-03-10 in every test; each writes the tiny vault it needs inline.
"""

from __future__ import annotations

import datetime as dt
import difflib
import multiprocessing
import shutil
from multiprocessing.context import ForkContext, SpawnContext
from pathlib import Path
from typing import Any

import pytest
from conftest import MakeVault

import netnotes.amend as amend_module
from netnotes.actions import (
    Change,
    Outcome,
    Refusal,
    done,
    note_to_edit,
    open_items,
    problems_after_edit,
    snooze,
    snooze_date,
)
from netnotes.dates import DateError
from netnotes.followup import due_items
from netnotes.loader import LoadResult, load_vault

T = dt.date(2026, 3, 10)
EXAMPLE = Path(__file__).resolve().parent.parent / "example-vault"
JANE = "---\nname: Jane Doe\ncompany: Acme\ncircle: inner\n---\nMet at PyCon.\n"
BOB = "---\nname: Bob Stone\n---\n"
CONFIG = "circles:\n  inner: 3w\n"
COFFEE = (
    "---\ndate: 2026-02-20\nwith: jane-doe\nkind: coffee\nfollow_up: 2026-03-01\nnext: send the deck\n---\nNotes.\n"
)
ASK_OUT = "---\ndate: 2026-02-01\nwith: jane-doe\ndirection: out\nkind: reference\ndue: 2026-03-05\n---\n"
CLOSED_OUT = ASK_OUT.replace("due: 2026-03-05\n", "due: 2026-03-05\nstatus: done\nclosed: 2026-03-10\n")
ASK_IN = "---\ndate: 2026-02-01\nwith: bob-stone\ndirection: in\nkind: advice\n---\n"


def vault(make_vault: MakeVault, notes: dict[str, str] | None = None) -> Path:
    """A vault with Jane (circle inner: keep in touch every 3 weeks), Bob (no cadence) and ``notes``."""
    return make_vault({"contacts/jane-doe.md": JANE, "contacts/bob-stone.md": BOB, **(notes or {})}, config=CONFIG)


def close(root: Path, *targets: str, **options: Any) -> Outcome:
    return done(root, load_vault(root, today=T), targets, today=T, **options)


def text(root: Path, path: str) -> str:
    return (root / path).read_text(encoding="utf-8")


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*.md"))}


# ---------------------------------------------------------------------------------------------
# done: what each kind of item gets


def test_a_follow_up_gets_done_true_just_before_the_closing_fence(make_vault: MakeVault) -> None:
    root = vault(make_vault, {"interactions/coffee.md": COFFEE})
    outcome = close(root, "interactions/coffee.md")
    assert outcome.exit_code == 0 and outcome.changed == ("interactions/coffee.md",)
    assert [c.message for c in outcome.changes] == ["interactions/coffee.md: follow-up with Jane Doe done"]
    assert text(root, "interactions/coffee.md") == COFFEE.replace("---\nNotes.", "done: true\n---\nNotes.")
    assert [i.reason for i in due_items(load_vault(root).vault, T)] == ["keep-in-touch"]


@pytest.mark.parametrize(
    "written",
    ["asks/a.md", "./asks/a.md", "asks/../asks/a.md", "{root}/asks/a.md"],
    ids=["as-due-prints-it", "dot-slash", "dot-dot-inside", "absolute"],
)
def test_a_target_path_may_be_written_several_ways(make_vault: MakeVault, written: str) -> None:
    root = vault(make_vault, {"asks/a.md": ASK_OUT})
    assert close(root, written.format(root=root)).changed == ("asks/a.md",)


def test_an_open_ask_gets_its_status_and_closed_today_and_an_out_ask_a_thank_you_hint(make_vault: MakeVault) -> None:
    root = vault(make_vault, {"asks/a.md": ASK_OUT})
    (change,) = close(root, "asks/a.md").changes
    assert change.message == "asks/a.md: ask to Jane Doe done, closed 2026-03-10"
    assert change.hint == "netnotes log jane-doe --kind thank-you"
    assert text(root, "asks/a.md") == CLOSED_OUT
    # The closed ask now wants its thank-you (rule 10), due three days after it closed.
    (item,) = [
        i for i in due_items(load_vault(root).vault, T) if i.contact == "jane-doe" and i.reason != "keep-in-touch"
    ]
    assert (item.reason, item.due, item.source) == ("thank-you", dt.date(2026, 3, 13), "asks/a.md")


def test_status_and_closed_replace_the_values_in_place(make_vault: MakeVault) -> None:
    ask = "---\ndate: 2026-02-01\nwith: bob-stone\nstatus: open  # waiting\ndirection: in\n---\n"
    root = vault(make_vault, {"asks/a.md": ask})
    (change,) = close(root, "asks/a.md", status="declined", date=dt.date(2026, 3, 2)).changes
    assert (change.message, change.hint) == ("asks/a.md: ask from Bob Stone declined, closed 2026-03-02", None)
    assert text(root, "asks/a.md") == ask.replace("open  #", "declined  #").replace(
        "in\n---", "in\nclosed: 2026-03-02\n---"
    )


def test_a_date_before_the_ask_was_made_is_refused(make_vault: MakeVault) -> None:
    root = vault(make_vault, {"asks/a.md": ASK_OUT})
    outcome = close(root, "asks/a.md", date=dt.date(2026, 1, 31))
    assert outcome.exit_code == 2 and outcome.changes == ()
    assert [r.message for r in outcome.refusals] == ["asks/a.md: --date 2026-01-31 is before the ask's date 2026-02-01"]
    assert text(root, "asks/a.md") == ASK_OUT


def test_a_done_out_ask_that_wants_a_thank_you_gets_thanked_true(make_vault: MakeVault) -> None:
    ask = "---\ndate: 2026-02-01\nwith: jane-doe\ndirection: out\nstatus: done\nclosed: 2026-03-08\n---\n"
    root = vault(make_vault, {"asks/a.md": ask})
    (change,) = close(root, "asks/a.md").changes
    assert (change.what, change.message) == ("thank-you", "asks/a.md: thank-you to Jane Doe done")
    assert text(root, "asks/a.md") == ask.replace("08\n---", "08\nthanked: true\n---")
    assert [i.reason for i in due_items(load_vault(root).vault, T)] == ["keep-in-touch"]


def test_a_follow_up_or_thank_you_is_done_or_not_other_statuses_are_refused(make_vault: MakeVault) -> None:
    thanks = "---\ndate: 2026-02-01\nwith: jane-doe\ndirection: out\nstatus: done\nclosed: 2026-03-08\n---\n"
    root = vault(make_vault, {"interactions/coffee.md": COFFEE, "asks/t.md": thanks})
    outcome = close(root, "interactions/coffee.md", "asks/t.md", status="dropped")
    assert [r.message for r in outcome.refusals] == [
        "interactions/coffee.md is a follow-up, which is done or not: --status dropped is for asks",
        "asks/t.md wants a thank-you, which is done or not: --status dropped is for open asks",
    ]
    assert (text(root, "interactions/coffee.md"), text(root, "asks/t.md")) == (COFFEE, thanks)


def test_a_contact_note_is_refused_with_the_commands_that_act_on_it(make_vault: MakeVault) -> None:
    root = vault(make_vault)
    (refusal,) = close(root, "contacts/jane-doe.md").refusals
    assert refusal.message == (
        "contacts/jane-doe.md is a contact: its keep-in-touch, birthday or congratulate item closes by itself."
        " Log the touch (netnotes log jane-doe) or put it off (netnotes snooze jane-doe 2w)"
    )


# ---------------------------------------------------------------------------------------------
# done: a contact ref as TARGET


def test_a_contact_ref_closes_its_only_open_item_whatever_its_dates(make_vault: MakeVault) -> None:
    far = COFFEE.replace("follow_up: 2026-03-01", "follow_up: 2027-01-01")
    root = vault(make_vault, {"interactions/coffee.md": far, "asks/in.md": ASK_IN})
    outcome = close(root, "jane doe")  # a name, typed in lower case
    assert outcome.changed == ("interactions/coffee.md",)
    assert close(root, "Bob").changed == ("asks/in.md",)  # a first name, leniently


def test_a_contact_ref_with_several_open_items_lists_them_to_choose(make_vault: MakeVault) -> None:
    root = vault(make_vault, {"interactions/coffee.md": COFFEE, "asks/a.md": ASK_OUT})
    (refusal,) = close(root, "jane-doe").refusals
    assert refusal.message == "Jane Doe (jane-doe) has 2 open items; give the path of the one to close"
    assert [c.describe() for c in refusal.choices] == [
        "interactions/coffee.md  follow-up due 2026-03-01: send the deck",
        "asks/a.md  ask due 2026-03-05: waiting on them: reference",
    ]
    assert snapshot(root)["asks/a.md"] == ASK_OUT.encode()


@pytest.mark.parametrize(
    ("target", "message"),
    [
        (
            "jane-doe",
            "Jane Doe (jane-doe) has no open follow-up or ask. Log a touch (netnotes log jane-doe)"
            " or put off keep-in-touch (netnotes snooze jane-doe 2w)",
        ),
        (
            "jnae-doe",
            "'jnae-doe' is not a note's path, and contact ref 'jnae-doe' matches no contact (did you mean 'jane-doe'?)",
        ),
    ],
    ids=["no-open-item", "no-such-contact"],
)
def test_a_contact_ref_that_names_nothing_to_close_is_refused(make_vault: MakeVault, target: str, message: str) -> None:
    root = vault(make_vault)
    assert [r.message for r in close(root, target).refusals] == [message]


def test_an_ambiguous_contact_ref_is_refused_naming_both(make_vault: MakeVault) -> None:
    root = vault(make_vault, {"contacts/jane-2.md": "---\nname: Jane Doe\ncompany: Initech\n---\n"})
    (refusal,) = close(root, "Jane Doe").refusals
    assert refusal.message.endswith(
        "matches 2 contacts: jane-2 (Jane Doe, Initech), jane-doe (Jane Doe, Acme); use the id"
    )


def test_one_item_named_twice_is_closed_once(make_vault: MakeVault) -> None:
    root = vault(make_vault, {"asks/a.md": ASK_OUT})
    outcome = close(root, "asks/a.md", "jane-doe", "./asks/a.md")
    assert outcome.changed == ("asks/a.md",) and len(outcome.changes) == 1


# ---------------------------------------------------------------------------------------------
# done: already closed, and every target checked before anything changes


@pytest.mark.parametrize(
    ("note", "message"),
    [
        (
            "asks/a.md",
            "asks/a.md: the ask is already declined, closed 2026-02-03; nothing changed",
        ),
        ("interactions/coffee.md", "interactions/coffee.md: the follow-up is already done; nothing changed"),
        (
            "interactions/first.md",
            "interactions/first.md: the follow-up was already closed by a later interaction"
            " (interactions/second.md, 2026-02-25); nothing changed",
        ),
    ],
    ids=["declined-ask", "done-follow-up", "closed-by-a-later-touch"],
)
def test_closing_what_is_already_closed_says_so_and_changes_nothing(
    make_vault: MakeVault, note: str, message: str
) -> None:
    root = vault(
        make_vault,
        {
            "asks/a.md": ASK_OUT.replace("due: 2026-03-05", "status: declined\nclosed: 2026-02-03"),
            "interactions/coffee.md": COFFEE.replace("next:", "done: true\nnext:"),
            "interactions/first.md": "---\ndate: 2026-02-01\nwith: bob-stone\nfollow_up: 1w\n---\n",
            "interactions/second.md": "---\ndate: 2026-02-25\nwith: bob-stone\n---\n",
        },
    )
    before = snapshot(root)
    outcome = close(root, note)
    assert (outcome.exit_code, outcome.changed, [c.message for c in outcome.changes]) == (0, (), [message])
    assert snapshot(root) == before


def test_one_bad_target_and_no_note_changes(make_vault: MakeVault) -> None:
    root = vault(make_vault, {"interactions/coffee.md": COFFEE, "asks/a.md": ASK_OUT})
    before = snapshot(root)
    outcome = close(root, "interactions/coffee.md", "asks/missing.md", "asks/a.md")
    assert outcome.changes == ()
    assert outcome.refusals == (
        Refusal(
            "asks/missing.md", "asks/missing.md is not a note of the vault (netnotes due --long shows each item's path)"
        ),
    )
    assert snapshot(root) == before


@pytest.mark.parametrize(
    ("note", "message"),
    [
        (
            "---\ndate: 2026-02-01\nwith: [jane-doe\n---\n",
            "asks/bad.md:4:1: YAML syntax error: did not find expected ',' or ']'; fix the note first (netnotes check)",
        ),
        (
            "---\n{date: 2026-02-01, with: jane-doe, direction: out}\n---\n",
            "asks/bad.md: netnotes changes only front matter written as block-style 'key: value' lines;"
            " it is a flow mapping ({...}). Change the note by hand",
        ),
        ("---\ndate: 2026-02-01\nwith: jane-doe\n---\n", "asks/bad.md:1:1: required field 'direction' is missing"),
    ],
    ids=["broken-yaml", "flow-mapping", "missing-direction"],
)
def test_a_note_that_cannot_be_changed_is_refused_with_its_path_and_nothing_changes(
    make_vault: MakeVault, note: str, message: str
) -> None:
    root = vault(make_vault, {"asks/a.md": ASK_OUT, "asks/bad.md": note})
    before = snapshot(root)
    outcome = close(root, "asks/a.md", "asks/bad.md")
    assert [r.target for r in outcome.refusals] == ["asks/bad.md"]
    assert outcome.refusals[0].message.startswith(message)
    assert snapshot(root) == before


def test_a_read_only_note_is_refused_and_nothing_changes(make_vault: MakeVault) -> None:
    root = vault(make_vault, {"asks/a.md": ASK_OUT, "interactions/coffee.md": COFFEE})
    (root / "asks/a.md").chmod(0o444)
    before = snapshot(root)
    outcome = close(root, "interactions/coffee.md", "asks/a.md")
    assert [r.message for r in outcome.refusals] == [
        "asks/a.md is read-only; nothing was written. Make it writable to change it"
    ]
    assert snapshot(root) == before


def test_a_note_edited_after_the_vault_was_loaded_is_refused(make_vault: MakeVault) -> None:
    root = vault(make_vault, {"asks/a.md": ASK_OUT})
    loaded = load_vault(root, today=T)
    edited = ASK_OUT.replace("due: 2026-03-05", "status: dropped")  # closed by hand meanwhile
    (root / "asks/a.md").write_text(edited)
    outcome = done(root, loaded, ["asks/a.md"], today=T)
    assert [r.message for r in outcome.refusals] == [
        "asks/a.md changed since netnotes read it; nothing was written. Run the command again"
    ]
    assert text(root, "asks/a.md") == edited


def _slow_done(root: str, holding: Any, go_on: Any) -> None:
    """``done`` that, once it holds the note's lock and has read it, waits to be told to go on."""
    real = amend_module.amended_text

    def wait_then_amend(*args: Any) -> str:
        holding.set()
        go_on.wait(30)
        return real(*args)

    amend_module.amended_text = wait_then_amend  # type: ignore[assignment]  # in the child process only
    assert close(Path(root), "asks/a.md").exit_code == 0


def test_of_two_done_on_one_note_at_once_the_later_fails_and_the_note_holds_one_change(
    make_vault: MakeVault,
) -> None:
    root = vault(make_vault, {"asks/a.md": ASK_OUT})
    mp: ForkContext | SpawnContext = (
        multiprocessing.get_context("fork")
        if "fork" in multiprocessing.get_all_start_methods()
        else multiprocessing.get_context("spawn")
    )
    holding, go_on = mp.Event(), mp.Event()
    first = mp.Process(target=_slow_done, args=(str(root), holding, go_on))
    first.start()
    try:
        assert holding.wait(30)
        later = close(root, "asks/a.md", status="dropped")
    finally:
        go_on.set()
        first.join(30)
    assert first.exitcode == 0
    assert [r.message for r in later.refusals] == [
        "asks/a.md is being changed by another netnotes command; nothing was written. Try again when it has finished"
    ]
    assert text(root, "asks/a.md") == CLOSED_OUT


def test_targets_outside_the_vault_are_refused(make_vault: MakeVault, tmp_path: Path) -> None:
    root = vault(make_vault)
    (tmp_path / "elsewhere.md").write_text(ASK_OUT)
    outcome = close(root, str(tmp_path / "elsewhere.md"), "../elsewhere.md")
    assert [r.message for r in outcome.refusals] == [
        f"{tmp_path / 'elsewhere.md'} is outside the vault {root}",
        f"../elsewhere.md is outside the vault {root}",
    ]


def test_what_done_writes_passes_check(make_vault: MakeVault) -> None:
    root = vault(make_vault, {"interactions/coffee.md": COFFEE, "asks/a.md": ASK_OUT, "asks/in.md": ASK_IN})
    assert close(root, "interactions/coffee.md", "asks/a.md", "asks/in.md").exit_code == 0
    assert load_vault(root).problems == []


def test_open_items_are_what_done_can_close_by_due_date(make_vault: MakeVault) -> None:
    thanks = "---\ndate: 2026-01-01\nwith: bob-stone\ndirection: out\nstatus: done\nclosed: 2026-03-09\n---\n"
    root = vault(make_vault, {"interactions/coffee.md": COFFEE, "asks/a.md": ASK_OUT, "asks/t.md": thanks})
    items = open_items(load_vault(root, today=T), T)
    assert [(i.path, i.kind, i.contacts, i.due.isoformat()) for i in items] == [
        ("interactions/coffee.md", "follow-up", ("jane-doe",), "2026-03-01"),
        ("asks/a.md", "ask", ("jane-doe",), "2026-03-05"),
        ("asks/t.md", "thank-you", ("bob-stone",), "2026-03-12"),
    ]


# ---------------------------------------------------------------------------------------------
# snooze


@pytest.mark.parametrize(
    ("until", "day"),
    [("2026-04-01", dt.date(2026, 4, 1)), ("2w", dt.date(2026, 3, 24)), ("monthly", dt.date(2026, 4, 10))],
)
def test_snooze_takes_a_date_or_a_duration_from_today(until: str, day: dt.date) -> None:
    assert snooze_date(until, T) == day


@pytest.mark.parametrize("until", ["never", "soon", "2026-02-30"])
def test_snooze_refuses_what_is_no_date(until: str) -> None:
    with pytest.raises(DateError):
        snooze_date(until, T)


def test_snooze_sets_snooze_until_and_puts_off_keep_in_touch(make_vault: MakeVault) -> None:
    root = vault(make_vault)
    outcome = snooze(root, load_vault(root), "jane", dt.date(2026, 4, 1), today=T)
    assert outcome.changes == (
        Change(
            "jane",
            "contacts/jane-doe.md",
            "jane-doe",
            "snooze",
            "contacts/jane-doe.md: Jane Doe snoozed until 2026-04-01",
            set=(("snooze_until", dt.date(2026, 4, 1)),),
        ),
    )
    assert text(root, "contacts/jane-doe.md") == JANE.replace("inner\n---", "inner\nsnooze_until: 2026-04-01\n---")
    (item,) = due_items(load_vault(root).vault, T, include_later=True)
    assert (item.reason, item.due) == ("keep-in-touch", dt.date(2026, 4, 1))


def test_snooze_replaces_a_snooze_and_clear_removes_its_line(make_vault: MakeVault) -> None:
    root = vault(make_vault, {"contacts/jane-doe.md": JANE.replace("inner\n", "inner\nsnooze_until: 2026-03-20\n")})
    assert snooze(root, load_vault(root), "jane-doe", dt.date(2026, 5, 1), today=T).changed == ("contacts/jane-doe.md",)
    assert "snooze_until: 2026-05-01\n" in text(root, "contacts/jane-doe.md")
    (change,) = snooze(root, load_vault(root), "jane-doe", None, today=T).changes
    assert change.message == "contacts/jane-doe.md: Jane Doe no longer snoozed"
    assert text(root, "contacts/jane-doe.md") == JANE


def test_snooze_says_when_nothing_changes(make_vault: MakeVault) -> None:
    root = vault(make_vault, {"contacts/jane-doe.md": JANE.replace("inner\n", "inner\nsnooze_until: 2026-03-20\n")})
    before = snapshot(root)
    same = snooze(root, load_vault(root), "jane-doe", dt.date(2026, 3, 20), today=T)
    clear = snooze(root, load_vault(root), "bob-stone", None, today=T)
    assert [c.message for c in same.changes + clear.changes] == [
        "contacts/jane-doe.md: Jane Doe is already snoozed until 2026-03-20; nothing changed",
        "contacts/bob-stone.md: Bob Stone is not snoozed; nothing changed",
    ]
    assert snapshot(root) == before


def test_snooze_refuses_a_date_before_today_and_an_unknown_contact(make_vault: MakeVault) -> None:
    root = vault(make_vault)
    before = snapshot(root)
    past = snooze(root, load_vault(root), "jane-doe", dt.date(2026, 3, 9), today=T)
    nobody = snooze(root, load_vault(root), "nobody", dt.date(2026, 4, 1), today=T)
    assert [r.message for r in past.refusals + nobody.refusals] == [
        "2026-03-09 is before today (2026-03-10): a snooze in the past puts off nothing (--clear removes one)",
        "contact ref 'nobody' matches no contact",
    ]
    assert snapshot(root) == before
    assert snooze(root, load_vault(root), "jane-doe", T, today=T).exit_code == 0  # today itself is fine


def test_snoozing_a_contact_without_keep_in_touch_says_it_puts_off_nothing(make_vault: MakeVault) -> None:
    root = vault(make_vault)
    (change,) = snooze(root, load_vault(root), "bob", dt.date(2026, 4, 1), today=T).changes
    assert (
        change.hint
        == "Bob Stone has no keep-in-touch reminder (no cadence, or archived), so the snooze puts off nothing"
    )
    assert change.changes_note


# ---------------------------------------------------------------------------------------------
# edit


def test_edit_finds_a_contact_by_ref_or_any_note_by_path(make_vault: MakeVault) -> None:
    root = vault(make_vault, {"asks/bad.md": "---\n{date: [\n---\n"})
    loaded = load_vault(root)
    assert note_to_edit(root, loaded, "Jane") == "contacts/jane-doe.md"
    assert note_to_edit(root, loaded, "asks/bad.md") == "asks/bad.md"  # a broken note is what edit is for
    assert note_to_edit(root, loaded, str(root / "asks/bad.md")) == "asks/bad.md"
    assert note_to_edit(root, loaded, "bad.md", cwd=root / "asks") == "asks/bad.md"  # from the current folder


def test_edit_refuses_what_is_not_a_note_of_the_vault(make_vault: MakeVault, tmp_path: Path) -> None:
    root = vault(make_vault, {"contacts/notes.txt": "x"})
    shutil.copy(root / "contacts/bob-stone.md", tmp_path / "bob.md")
    loaded = load_vault(root)
    refused = [note_to_edit(root, loaded, t) for t in ("netnotes.yaml", "contacts/notes.txt", str(tmp_path / "bob.md"))]
    assert [r.message for r in refused if isinstance(r, Refusal)] == [
        "netnotes.yaml is not a note of the vault (notes are *.md files in contacts/, interactions/ and asks/)",
        "contacts/notes.txt is not a note of the vault (notes are *.md files in contacts/, interactions/ and asks/)",
        f"{tmp_path / 'bob.md'} is outside the vault {root}",
    ]


def test_the_problems_after_an_edit_are_those_of_the_edited_note(make_vault: MakeVault) -> None:
    root = vault(make_vault, {"asks/a.md": ASK_OUT, "asks/b.md": "---\ndate: 2026-02-01\nwith: nobody\n---\n"})
    (root / "asks/a.md").write_text(ASK_OUT.replace("kind: reference", "kind: refrence"))  # the user's edit
    problems = problems_after_edit(root, "asks/a.md", today=T)
    assert [(p.path, p.line, p.code) for p in problems] == [("asks/a.md", 5, "NN203")]


# ---------------------------------------------------------------------------------------------
# The "done when", on a copy of the example vault


def changed_lines(before: str, after: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def test_done_and_snooze_on_the_example_vault_shorten_due_by_exactly_those_items(tmp_path: Path) -> None:
    root = tmp_path / "vault"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns("_site", ".netnotes"))
    today = dt.date(2026, 11, 25)
    before = snapshot(root)

    def due_now() -> set[tuple[str, str, str]]:
        return {(i.reason, i.contact, i.source) for i in due_items(load_vault(root, today=today).vault, today)}

    def loaded() -> LoadResult:
        return load_vault(root, today=today)

    listed = due_now()
    david = "interactions/2026/2026-08-20-lunch-david-partitioning.md"
    priya = "asks/2026-10-02-reference-priya-northwind.md"
    jordan = "interactions/2026/2026-10-15-call-jordan-market-update.md"
    outcome = done(root, loaded(), [david, priya, "Jordan Blake"], date=today, today=today)
    assert outcome.changed == (david, priya, jordan)
    assert [c.hint for c in outcome.changes] == [None, "netnotes log priya-natarajan --kind thank-you", None]
    assert snooze(root, loaded(), "omar", snooze_date("4w", today), today=today).changed == ("contacts/omar-haddad.md",)

    gone = {
        ("follow-up", "david-park", david),
        ("ask", "priya-natarajan", priya),
        ("follow-up", "jordan-blake", jordan),
        ("keep-in-touch", "omar-haddad", "contacts/omar-haddad.md"),
    }
    assert gone <= listed
    assert due_now() == (listed - gone) | {("thank-you", "priya-natarajan", priya)}

    after = snapshot(root)
    assert {p for p in after if after[p] != before.get(p)} == {david, priya, jordan, "contacts/omar-haddad.md"}
    assert changed_lines(before[david].decode(), after[david].decode()) == ["+done: true"]
    assert changed_lines(before[jordan].decode(), after[jordan].decode()) == ["+done: true"]
    assert changed_lines(before[priya].decode(), after[priya].decode()) == [
        "-status: open",
        "+status: done",
        "+closed: 2026-11-25",
    ]
    omar = "contacts/omar-haddad.md"
    assert changed_lines(before[omar].decode(), after[omar].decode()) == ["+snooze_until: 2026-12-23"]
    assert load_vault(root, today=today).problems == []


@pytest.mark.parametrize("target", ["", "/", "asks/", "a\0b.md", "\x1b[31m.md", "\udcff.md", "..", "[[]]", "[["])
def test_a_strange_target_is_a_printable_refusal_never_a_crash(make_vault: MakeVault, target: str) -> None:
    root = vault(make_vault, {"asks/a.md": ASK_OUT})
    loaded = load_vault(root, today=T)
    refusals = [
        *done(root, loaded, [target], today=T).refusals,
        *snooze(root, loaded, target, None, today=T).refusals,
    ]
    edit = note_to_edit(root, loaded, target)
    assert isinstance(edit, Refusal)
    assert len(refusals) == 2 and all(r.message.isprintable() for r in [*refusals, edit])
    assert text(root, "asks/a.md") == ASK_OUT


def test_a_note_named_with_a_control_character_is_named_on_one_printable_line(make_vault: MakeVault) -> None:
    root = vault(make_vault, {"asks/a\x1b[2J.md": ASK_OUT})
    (change,) = close(root, "asks/a\x1b[2J.md").changes
    assert change.message == "asks/a\\x1b[2J.md: ask to Jane Doe done, closed 2026-03-10"
