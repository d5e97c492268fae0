"""Changing an existing note in place (issue 10): the foundation of `done`, `snooze` and `merge`.

A change touches only what it must — a key's value, a new key just before the closing `---`, a
key's lines, a ref — and keeps every other byte. It is verified by re-reading before anything is
written, refused (file untouched) when the note cannot be changed safely, and made under a
per-note lock, replacing the file only if it still holds what was read.
"""

from __future__ import annotations

import datetime as dt
import errno
import multiprocessing
import os
import re
import stat
from pathlib import Path
from typing import Any

import pytest
from conftest import MakeVault
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import netnotes.amend as amend_module
from netnotes.amend import (
    AmendError,
    Changes,
    NoteBusy,
    NoteChange,
    NoteChanged,
    NotVerified,
    amend,
    amend_notes,
    amended_text,
    note_lock,
    render_value,
)
from netnotes.fsio import WriteError, WriteFailed
from netnotes.model import AskStatus, Direction
from netnotes.notes import parse_note


def fields_of(text: str) -> dict[str, Any]:
    note = parse_note(text.encode("utf-8"), "note.md")
    assert note.fields is not None and not note.problems, note.problems
    return {k: f.value for k, f in note.fields.items()}


def changed(text: str, **changes: Any) -> str:
    return amended_text(text, Changes(**changes), "asks/a.md")


# ---------------------------------------------------------------------------------------------
# Setting a key keeps every other byte


def test_a_value_is_replaced_in_place_keeping_bom_crlf_comments_and_the_rest() -> None:
    before = (
        "\ufeff---\r\n"
        "# an ask\r\n"
        "date: 2026-03-01\r\n"
        "with: 'jane-doe'     # quoted on purpose\r\n"
        "status: open   # waiting\r\n"
        'kind: "reference"\r\n'
        "---\r\n"
        "She said yes.\n"
        "Mixed endings stay.\r\n"
        "No final newline"
    )
    after = changed(before, set={"status": "done"})
    assert after == before.replace("status: open   # waiting", "status: done   # waiting")


def test_a_missing_key_goes_just_before_the_closing_fence_with_the_files_line_ending() -> None:
    before = "---\r\ndate: 2026-03-01\r\nstatus: open\r\n---"  # no body, no final newline
    after = changed(before, set={"closed": dt.date(2026, 3, 9), "thanked": True})
    assert after == "---\r\ndate: 2026-03-01\r\nstatus: open\r\nclosed: 2026-03-09\r\nthanked: true\r\n---"


def test_a_new_key_follows_the_indentation_of_the_others() -> None:
    assert changed("---\n  name: Jane\n---\n", set={"archived": True}) == "---\n  name: Jane\n  archived: true\n---\n"


def test_a_new_key_after_a_block_scalar_at_the_end_does_not_join_it() -> None:
    before = "---\nname: Jane\nnotes: |\n  met at PyCon\n---\nbody\n"
    assert changed(before, set={"snooze_until": dt.date(2026, 5, 1)}) == (
        "---\nname: Jane\nnotes: |\n  met at PyCon\nsnooze_until: 2026-05-01\n---\nbody\n"
    )


@pytest.mark.parametrize(
    "old_value",
    [
        "\n  - a\n  - b   # b is for bob\n",
        "\n- a\n- b\n",
        " [a,\n  b]\n",
        " |\n  line one\n  line two\n\n",
        " >-\n  folded\n  text\n",
        " a long plain\n  text over lines\n",
        ' "a quoted\n  text"\n',
    ],
    ids=[
        "block-list",
        "block-list-unindented",
        "flow-list-over-lines",
        "literal",
        "folded",
        "plain-over-lines",
        "quoted-over-lines",
    ],
)
def test_a_value_over_several_lines_is_replaced_whole(old_value: str) -> None:
    before = f"---\nname: Jane\n# topics\ntags:{old_value}# after\ncircle: inner\n---\nbody\n"
    after = changed(before, set={"tags": ["python", "mentor"]})
    assert after == "---\nname: Jane\n# topics\ntags: [python, mentor]\n# after\ncircle: inner\n---\nbody\n"


def test_a_comment_on_the_key_line_of_a_block_list_stays() -> None:
    before = "---\ntags:   # topics\n  - a\n  - b\nname: Jane\n---\n"
    assert changed(before, set={"tags": ["c"]}) == "---\ntags: [c]   # topics\nname: Jane\n---\n"


def test_an_empty_value_is_filled_in_keeping_its_comment() -> None:
    before = "---\nname: Jane\nsnooze_until:   # until the move\n---\n"
    assert changed(before, set={"snooze_until": dt.date(2026, 6, 1)}) == (
        "---\nname: Jane\nsnooze_until: 2026-06-01   # until the move\n---\n"
    )


def test_a_key_that_already_holds_the_value_is_left_as_written() -> None:
    before = "---\ndate: 2026-03-01\nwith: jane\nfollow_up: 2w\ndone: yes   # YAML 1.1 says true\n---\n"
    assert changed(before, set={"done": True}) is before


@pytest.mark.parametrize(
    "value, written",
    [
        (True, "true"),
        (dt.date(2026, 3, 1), "2026-03-01"),
        ("plain text", "plain text"),
        ("yes", "'yes'"),
        ("2026-03-01", "'2026-03-01'"),
        ("a: b # c", "'a: b # c'"),
        ("two\nlines", '"two\\nlines"'),
        ("line\u2028separator", '"line\\Lseparator"'),
        (["jane-doe", "no"], "[jane-doe, 'no']"),
        (7, "7"),
    ],
    ids=["bool", "date", "text", "yes-as-text", "date-as-text", "colon", "newline", "line-separator", "list", "int"],
)
def test_values_are_written_on_one_line_and_read_back_as_given(value: Any, written: str) -> None:
    assert render_value(value) == written
    assert changed("---\nname: Jane\nx: old\n---\n", set={"x": value}) == f"---\nname: Jane\nx: {written}\n---\n"
    assert fields_of(f"---\nx: {written}\n---\n")["x"] == value


def test_a_word_of_a_closed_set_is_written_as_its_text() -> None:
    before = "---\ndate: 2026-03-01\nstatus: open\n---\n"
    assert changed(before, set={"status": AskStatus.DONE}) == "---\ndate: 2026-03-01\nstatus: done\n---\n"
    assert render_value([Direction.IN, Direction.OUT]) == "[in, out]"


def test_a_value_netnotes_does_not_write_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        render_value({"a": 1})  # type: ignore[arg-type]  # the wrong type, on purpose


# ---------------------------------------------------------------------------------------------
# Removing keys


def test_a_removed_key_takes_its_lines_and_nothing_else() -> None:
    before = (
        "---\nname: Jane\r\n# when to call\r\nsnooze_until: 2026-05-01  # after the move\r\n"
        "aliases:\n  - JD\n  - Janie\n# end\n---\nbody\n"
    )
    assert (
        changed(before, remove=("snooze_until", "aliases")) == "---\nname: Jane\r\n# when to call\r\n# end\n---\nbody\n"
    )


def test_removing_a_key_that_is_not_there_changes_nothing() -> None:
    before = "---\nname: Jane\n---\n"
    assert changed(before, remove=("snooze_until",)) is before


# ---------------------------------------------------------------------------------------------
# Rewriting contact refs


@pytest.mark.parametrize(
    "before, after",
    [
        ("with: [jane-doe, bob]", "with: [jane-d, bob]"),
        ("with:\n  - bob\n  - Jane Doe   # by name\n", "with:\n  - bob\n  - jane-d   # by name\n"),
        ("with: jane-doe", "with: jane-d"),
        ('with: "[[Jane Doe|Jane]]"', 'with: "[[jane-d|Jane]]"'),
        ("with: [[Jane Doe|Jane]]", "with: [[jane-d|Jane]]"),
        ("with:\n  - [[jane-doe#Work]]\n", "with:\n  - [[jane-d#Work]]\n"),
        ("with: ['JANE-DOE', \"bob\"]", "with: ['jane-d', \"bob\"]"),
        ("met_through: 'Jane  Doe'", "met_through: 'jane-d'"),
        ("intro_to: Acme", "intro_to: Acme"),
        ("with: [bob]\ncustom: jane-doe", "with: [bob]\ncustom: jane-doe"),
    ],
    ids=[
        "flow-list",
        "block-list",
        "scalar",
        "quoted-wikilink-keeps-label",
        "unquoted-wikilink",
        "wikilink-heading",
        "quoted-items",
        "name-with-spaces",
        "not-a-ref",
        "custom-field-untouched",
    ],
)
def test_a_ref_is_rewritten_where_it_stands(before: str, after: str) -> None:
    refs = {"jane-doe": "jane-d", "Jane Doe": "jane-d"}
    note = f"---\ndate: 2026-03-01\n{before.rstrip(chr(10))}\n---\nbody\n"
    assert changed(note, refs=refs) == f"---\ndate: 2026-03-01\n{after.rstrip(chr(10))}\n---\nbody\n"


def test_wikilinks_in_the_body_are_rewritten_keeping_labels_and_headings() -> None:
    before = (
        "---\ndate: 2026-03-01\nwith: bob\n---\n"
        "Met [[jane-doe]] and [[Jane Doe|her boss]], see [[jane-doe#Work]].\n"
        "Not an embed: ![[jane-doe]]; not her: [[bob]], `[[jane-doe-2]]`.\n"
    )
    assert changed(before, refs={"jane-doe": "jane-d", "jane doe": "jane-d"}) == (
        "---\ndate: 2026-03-01\nwith: bob\n---\n"
        "Met [[jane-d]] and [[jane-d|her boss]], see [[jane-d#Work]].\n"
        "Not an embed: ![[jane-doe]]; not her: [[bob]], `[[jane-doe-2]]`.\n"
    )


# ---------------------------------------------------------------------------------------------
# Refusals: the file stays as it was


REFUSED = {
    "yaml-error": ("---\nname: [Jane\n---\n", {"set": {"archived": True}}, "YAML syntax error"),
    "no-front-matter": ("name: Jane\n", {"set": {"archived": True}}, "no front matter"),
    "not-utf8": (b"---\nname: Jos\xe9\n---\n", {"set": {"archived": True}}, "not valid UTF-8"),
    "duplicate-key": ("---\nname: Jane\ncircle: a\ncircle: b\n---\n", {"set": {"circle": "c"}}, "duplicate key"),
    "flow-mapping": ("---\n{name: Jane, circle: inner}\n---\n", {"set": {"circle": "c"}}, r"flow mapping"),
    "explicit-key": ("---\n? name\n: Jane\n---\n", {"set": {"circle": "c"}}, "not at the start of its line"),
    "document-end": ("---\nname: Jane\n...\n---\n", {"set": {"circle": "c"}}, "document markers"),
    "lone-cr": ("---\nname: Jane\rcircle: a\n---\n", {"set": {"circle": "c"}}, "lone CR"),
    "anchor-on-value": ("---\nname: Jane\ncircle: &c inner\n---\n", {"set": {"circle": "c"}}, "anchor"),
    "alias-in-value": ("---\nname: &n Jane\naliases: [*n, JD]\n---\n", {"remove": ("aliases",)}, "alias"),
    "anchor-on-key": ("---\nname: Jane\n&k circle: inner\n---\n", {"set": {"circle": "c"}}, "anchor"),
    "alias-in-ref": (
        "---\ndate: 2026-03-01\nx: &j jane-doe\nwith: [*j]\n---\n",
        {"refs": {"jane-doe": "jane-d"}},
        "alias",
    ),
    "block-scalar-ref": ("---\nmet_through: |\n  jane-doe\n---\n", {"refs": {"jane-doe": "jane-d"}}, "block scalar"),
}


@pytest.mark.parametrize("note, change, message", REFUSED.values(), ids=REFUSED.keys())
def test_a_note_that_cannot_be_changed_safely_is_refused_and_left_untouched(
    make_vault: MakeVault, note: str | bytes, change: dict[str, Any], message: str
) -> None:
    root = make_vault({"contacts/jane.md": note})
    path = root / "contacts/jane.md"
    before = path.read_bytes()
    with pytest.raises(AmendError, match=message) as refused:
        amend(path, root, **change)
    assert isinstance(refused.value, WriteError)  # what the CLI turns into an Error: line, exit 2
    assert path.read_bytes() == before


def test_an_anchor_elsewhere_does_not_stop_a_change_to_another_key() -> None:
    before = "---\nname: &n Jane\naliases: [*n]\n---\n"
    assert changed(before, set={"circle": "inner"}) == "---\nname: &n Jane\naliases: [*n]\ncircle: inner\n---\n"


def test_a_change_that_would_not_read_back_as_intended_is_refused(
    make_vault: MakeVault, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_vault({"asks/a.md": "---\nstatus: open\n---\n"})
    monkeypatch.setattr(amend_module, "render_value", lambda value: "'true'")  # text, not a bool
    with pytest.raises(NotVerified, match=re.escape("('done' would read as 'true', not True); nothing was written")):
        amend(root / "asks/a.md", root, set={"done": True})
    assert (root / "asks/a.md").read_text() == "---\nstatus: open\n---\n"


def test_a_change_that_would_break_the_front_matter_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(amend_module, "render_value", lambda value: "[oops")
    with pytest.raises(NotVerified, match="YAML syntax error"):
        changed("---\nstatus: open\n---\n", set={"status": "done"})


def test_a_note_outside_the_vault_is_refused(make_vault: MakeVault, tmp_path: Path) -> None:
    root = make_vault({"contacts/jane.md": "---\nname: Jane\n---\n"})
    outside = tmp_path / "elsewhere.md"
    outside.write_text("---\nname: X\n---\n")
    with pytest.raises(AmendError, match="not a note inside the vault"):
        amend(outside, root, set={"archived": True})
    assert outside.read_text() == "---\nname: X\n---\n"


# ---------------------------------------------------------------------------------------------
# The file: replaced in one step, under a lock, only if unchanged


def test_amend_replaces_the_note_keeping_its_permission_bits(make_vault: MakeVault) -> None:
    root = make_vault({"asks/a.md": "---\nstatus: open\n---\nbody\n"})
    path = root / "asks/a.md"
    path.chmod(0o640)
    assert amend(path, root, set={"status": "done", "closed": dt.date(2026, 3, 9)}) == path
    assert path.read_text() == "---\nstatus: done\nclosed: 2026-03-09\n---\nbody\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert sorted(p.name for p in path.parent.iterdir()) == ["a.md"]  # no temporary file left


def test_a_symlinked_note_is_changed_where_it_lives(make_vault: MakeVault) -> None:
    root = make_vault({"notes/jane.md": "---\nname: Jane\n---\n", "contacts/.keep": ""})
    (root / "contacts/jane.md").symlink_to(root / "notes/jane.md")
    amend(root / "contacts/jane.md", root, set={"archived": True})
    assert (root / "contacts/jane.md").is_symlink()
    assert (root / "notes/jane.md").read_text() == "---\nname: Jane\narchived: true\n---\n"


def test_a_note_changed_meanwhile_is_not_overwritten(make_vault: MakeVault, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_vault({"asks/a.md": "---\nstatus: open\n---\n"})
    path = root / "asks/a.md"
    real = amend_module.amended_text

    def an_editor_saves_meanwhile(*args: Any) -> str:
        new = real(*args)
        path.write_text("---\nstatus: open\ndue: 2026-04-01\n---\n")
        return new

    monkeypatch.setattr(amend_module, "amended_text", an_editor_saves_meanwhile)
    with pytest.raises(NoteChanged, match="asks/a.md changed while netnotes was changing it; nothing was written"):
        amend(path, root, set={"status": "done"})
    assert path.read_text() == "---\nstatus: open\ndue: 2026-04-01\n---\n"


def test_a_write_the_file_system_refuses_names_the_note_and_its_cause(
    make_vault: MakeVault, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_vault({"asks/a.md": "---\nstatus: open\n---\n"})
    path = root / "asks/a.md"

    def read_only(*args: Any) -> None:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr(os, "replace", read_only)
    with pytest.raises(WriteFailed) as failed:
        amend(path, root, set={"status": "done"})
    assert str(failed.value) == f"cannot write {path}: Read-only file system"
    assert path.read_text() == "---\nstatus: open\n---\n"
    assert sorted(p.name for p in path.parent.iterdir()) == ["a.md"]


def test_a_second_locker_of_the_same_note_fails_at_once(make_vault: MakeVault) -> None:
    root = make_vault({"asks/a.md": "---\nstatus: open\n---\n", "asks/b.md": "---\nstatus: open\n---\n"})
    with note_lock(root / "asks/a.md", root):
        with pytest.raises(NoteBusy, match="asks/a.md is being changed by another netnotes command"):
            amend(root / "asks/a.md", root, set={"status": "done"})
        amend(root / "asks/b.md", root, set={"status": "done"})  # another note is not locked
    assert (root / "asks/a.md").read_text() == "---\nstatus: open\n---\n"
    amend(root / "asks/a.md", root, set={"status": "done"})  # released
    assert (root / "asks/a.md").read_text() == "---\nstatus: done\n---\n"


def _slow_amend(root: str, holding: Any, go_on: Any) -> None:
    """``amend`` that, once it has read the note and holds its lock, waits to be told to go on."""
    real = amend_module.amended_text

    def wait_then_amend(*args: Any) -> str:
        holding.set()
        go_on.wait(30)
        return real(*args)

    amend_module.amended_text = wait_then_amend  # type: ignore[assignment]  # in the child process only
    amend(Path(root) / "asks/a.md", Path(root), set={"status": "done", "closed": dt.date(2026, 3, 9)})


def test_of_two_commands_changing_one_note_at_once_the_later_fails_and_one_change_lands(make_vault: MakeVault) -> None:
    root = make_vault({"asks/a.md": "---\nstatus: open\n---\n"})
    forks = "fork" in multiprocessing.get_all_start_methods()
    mp = multiprocessing.get_context("fork") if forks else multiprocessing.get_context("spawn")
    holding, go_on = mp.Event(), mp.Event()
    first = mp.Process(target=_slow_amend, args=(str(root), holding, go_on))
    first.start()
    try:
        assert holding.wait(30)
        with pytest.raises(NoteBusy):
            amend(root / "asks/a.md", root, set={"status": "dropped"})
    finally:
        go_on.set()
        first.join(30)
    assert first.exitcode == 0
    assert (root / "asks/a.md").read_text() == "---\nstatus: done\nclosed: 2026-03-09\n---\n"


# ---------------------------------------------------------------------------------------------
# Properties over generated notes

KEYS = ["name", "status", "with", "tags", "notes", "circle", "x_custom", "done", "date", "aliases"]
EOL = st.sampled_from(["\n", "\r\n"])
WORD = st.sampled_from(["jane-doe", "Jane-Doe", "bob"]) | st.text(
    alphabet="abcdefghijklmnopqrstuvwxyz-", min_size=1, max_size=8
).filter(lambda w: w not in {"y", "n"} and not w.startswith("-"))


@st.composite
def entry_lines(draw: st.DrawFn, key: str) -> list[str]:
    """One ``key: value`` written one of the ways people write YAML, as lines without endings."""
    form = draw(
        st.sampled_from(
            [
                "plain",
                "single",
                "double",
                "flow",
                "flow-lines",
                "block",
                "literal",
                "folded",
                "comment",
                "empty",
                "int",
                "quoted-key",
                "mapping",
                "tagged",
                "flow-comment",
                "plain-lines",
            ]
        )
    )
    a, b = draw(WORD), draw(WORD)
    return {
        "quoted-key": [f'"{key}": {a}'],
        "mapping": [f"{key}:", f"  {a}x: 1", f"  {b}y: [{a}]"],
        "tagged": [f"{key}: !!str {len(b)}"],
        "flow-comment": [f"{key}: [{a},   # {b}", f"  {b}]"],
        "plain-lines": [f"{key}: {a}", f"  {b}"],
        "plain": [f"{key}: {a} {b}"],
        "single": [f"{key}: '{a}: {b}'"],
        "double": [f'{key}: "{a}\\t{b}"'],
        "flow": [f"{key}: [{a}, '{b}']"],
        "flow-lines": [f"{key}: [{a},", f"  {b}]"],
        "block": [f"{key}:", f"  - {a}", f"  - {b}  # {a}"],
        "literal": [f"{key}: |", f"  {a}", f"  {b}", ""],
        "folded": [f"{key}: >-", f"  {a}", f"  {b}"],
        "comment": [f"{key}: {a}   # {b}"],
        "empty": [f"{key}:"],
        "int": [f"{key}: {len(a)}"],
    }[form]


@st.composite
def notes(draw: st.DrawFn) -> tuple[str, list[tuple[str | None, int, int]]]:
    """A note and, for each top-level key, the range of its lines (comment lines have no key)."""
    keys = draw(st.lists(st.sampled_from(KEYS), min_size=1, max_size=6, unique=True))
    lines: list[str] = ["---"]
    spans: list[tuple[str | None, int, int]] = []
    for k in keys:
        if draw(st.booleans()):
            lines.append(f"# about {k}")
        entry = draw(entry_lines(k))
        spans.append((k, len(lines), len(lines) + len(entry)))
        lines += entry
    lines.append("---")
    body = draw(st.sampled_from(["", "Met at [[jane-doe]].", "One\r\ntwo\n\nthree"]))
    eols = [draw(EOL) for _ in lines]
    text = "".join(line + eol for line, eol in zip(lines, eols, strict=True))
    if body:
        text += body
    elif draw(st.booleans()):
        text = text[: -len(eols[-1])]  # the closing fence without its line ending
    if draw(st.booleans()):
        text = "\ufeff" + text
    return text, spans


VALUES = st.one_of(
    st.booleans(),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)),
    st.integers(-(10**6), 10**6),
    st.text(max_size=20),
    st.lists(st.text(max_size=8), max_size=3),
)


def _lines(text: str) -> list[str]:
    return text.split("\n")


PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(notes(), st.sampled_from(KEYS + ["snooze_until"]), VALUES)
def test_set_reads_back_as_the_old_fields_plus_the_change_and_keeps_every_other_line(
    note: tuple[str, list[tuple[str | None, int, int]]], key: str, value: Any
) -> None:
    text, spans = note
    old = fields_of(text)
    new_text = amended_text(text, Changes(set={key: value}))
    new = fields_of(new_text)
    assert new == {**old, key: value}
    assert list(new) == list(old) + ([] if key in old else [key])
    old_lines, new_lines = _lines(text), _lines(new_text)
    span = next(((start, end) for k, start, end in spans if k == key), None)
    if span is None:  # added just before the closing fence
        fence = max(end for _, _, end in spans)
        assert new_lines[:fence] == old_lines[:fence]
        assert new_lines[fence + 1 :] == old_lines[fence:]
        eol = "\r" if old_lines[fence - 1].endswith("\r") else ""
        assert new_lines[fence] == f"{key}: {render_value(value)}{eol}"
    elif new_text != text:  # the key's lines became one line; all others are as they were
        start, end = span
        assert new_lines[:start] == old_lines[:start]
        assert new_lines[start + 1 :] == old_lines[end:]
        assert new_lines[start].split(":", 1)[1].startswith(f" {render_value(value)}")


@PROPERTY
@given(notes(), st.data())
def test_remove_then_set_the_same_value_round_trips_the_fields(
    note: tuple[str, list[tuple[str | None, int, int]]], data: st.DataObject
) -> None:
    text, spans = note
    old = fields_of(text)
    key = data.draw(st.sampled_from(sorted(old)))
    value = old[key]
    assume(
        isinstance(value, (bool, int, str, dt.date))
        or (isinstance(value, list) and all(isinstance(v, str) for v in value))
    )
    assume(len(old) > 1)  # a note needs at least one key
    removed = amended_text(text, Changes(remove=(key,)))
    assert fields_of(removed) == {k: v for k, v in old.items() if k != key}
    start, end = next((start, end) for k, start, end in spans if k == key)
    assert _lines(removed) == _lines(text)[:start] + _lines(text)[end:]
    assert fields_of(amended_text(removed, Changes(set={key: value}))) == old


@PROPERTY
@given(notes())
def test_rewriting_refs_changes_only_the_refs(note: tuple[str, list[tuple[str | None, int, int]]]) -> None:
    text, spans = note
    old = fields_of(text)
    new_text = amended_text(text, Changes(refs={"jane-doe": "jane-d"}))

    def rewritten(value: Any) -> Any:
        if isinstance(value, list):
            return [rewritten(v) for v in value]
        return "jane-d" if isinstance(value, str) and value.strip().casefold() == "jane-doe" else value

    assert fields_of(new_text) == {**old, **({"with": rewritten(old["with"])} if "with" in old else {})}
    assert "[[jane-doe]]" not in new_text
    old_lines, new_lines = _lines(text), _lines(new_text)
    fence = max(end for _, _, end in spans)
    kept = [i for i in range(fence + 1) if not any(k == "with" and start <= i < end for k, start, end in spans)]
    assert [new_lines[i] for i in kept] == [old_lines[i] for i in kept]


def test_a_lock_folder_leading_outside_the_vault_is_refused(make_vault: MakeVault, tmp_path: Path) -> None:
    root = make_vault({"asks/a.md": "---\nstatus: open\n---\n"})
    (tmp_path / "elsewhere").mkdir()
    (root / ".netnotes").symlink_to(tmp_path / "elsewhere")  # as a cloned vault might carry it
    with pytest.raises(AmendError, match="leads outside the vault"):
        amend(root / "asks/a.md", root, set={"status": "done"})
    assert list((tmp_path / "elsewhere").iterdir()) == []
    assert (root / "asks/a.md").read_text() == "---\nstatus: open\n---\n"


# ---------------------------------------------------------------------------------------------
# Several notes at once, all or none (`done` with several TARGETs)

OPEN = "---\nstatus: open\n---\n"


def test_several_notes_change_together(make_vault: MakeVault) -> None:
    root = make_vault({"asks/a.md": OPEN, "asks/b.md": OPEN, "asks/c.md": "---\nstatus: done\n---\n"})
    done = Changes({"status": "done"})
    changed = amend_notes(root, [NoteChange(root / f"asks/{n}.md", done) for n in "abc"])
    assert changed == [root / "asks/a.md", root / "asks/b.md"]  # c already said so
    assert [(root / f"asks/{n}.md").read_text() for n in "abc"] == ["---\nstatus: done\n---\n"] * 3


def test_a_refused_note_leaves_every_note_untouched(make_vault: MakeVault) -> None:
    root = make_vault({"asks/a.md": OPEN, "asks/b.md": "---\n{status: open}\n---\n"})
    done = Changes({"status": "done"})
    with pytest.raises(AmendError, match="asks/b.md: .*flow mapping"):
        amend_notes(root, [NoteChange(root / "asks/a.md", done), NoteChange(root / "asks/b.md", done)])
    assert (root / "asks/a.md").read_text() == OPEN


def test_a_failed_replace_puts_back_the_notes_already_replaced(
    make_vault: MakeVault, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_vault({"asks/a.md": OPEN, "asks/b.md": OPEN})
    real_replace = os.replace

    def full_disk_for_b(src: Any, dst: Any) -> None:
        if str(dst).endswith("b.md"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", full_disk_for_b)
    with pytest.raises(WriteFailed, match="No space left on device"):
        amend_notes(root, [NoteChange(root / f"asks/{n}.md", Changes({"status": "done"})) for n in "ab"])
    assert [(root / f"asks/{n}.md").read_text() for n in "ab"] == [OPEN, OPEN]
    assert sorted(p.name for p in (root / "asks").iterdir()) == ["a.md", "b.md"]


def test_a_read_only_note_is_refused_even_where_its_folder_is_writable(make_vault: MakeVault) -> None:
    root = make_vault({"asks/a.md": OPEN})
    (root / "asks/a.md").chmod(0o444)
    with pytest.raises(AmendError, match="asks/a.md is read-only; nothing was written"):
        amend(root / "asks/a.md", root, set={"status": "done"})
    assert (root / "asks/a.md").read_text() == OPEN


def test_a_note_that_reads_otherwise_than_the_caller_read_it_is_refused(make_vault: MakeVault) -> None:
    root = make_vault({"asks/a.md": OPEN})
    as_read = parse_note(OPEN.encode(), "asks/a.md")
    (root / "asks/a.md").write_text("---\nstatus: open\ndue: 2026-04-01\n---\n")  # an editor saved meanwhile
    with pytest.raises(NoteChanged, match="asks/a.md changed since netnotes read it; nothing was written"):
        amend_notes(root, [NoteChange(root / "asks/a.md", Changes({"status": "done"}), as_read)])
    assert (root / "asks/a.md").read_text() == "---\nstatus: open\ndue: 2026-04-01\n---\n"
    # The same bytes with another layout (a comment) read the same: that is no change.
    (root / "asks/a.md").write_text("---\nstatus: open  # still\n---\n")
    amend_notes(root, [NoteChange(root / "asks/a.md", Changes({"status": "done"}), as_read)])
    assert (root / "asks/a.md").read_text() == "---\nstatus: done  # still\n---\n"


# ---------------------------------------------------------------------------------------------
# Text appended to the body (imports adding a known day's new messages, issue 13)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("---\nkind: linkedin\n---\nold\n", "---\nkind: linkedin\n---\nold\nnew\nlines\n"),
        ("---\nkind: linkedin\n---\nold", "---\nkind: linkedin\n---\nold\nnew\nlines\n"),  # no final newline
        ("---\nkind: linkedin\n---\n", "---\nkind: linkedin\n---\nnew\nlines\n"),  # an empty body
        ("---\nkind: linkedin\n---", "---\nkind: linkedin\n---\nnew\nlines\n"),  # not even after '---'
        (
            "\ufeff---\r\nkind: linkedin\r\n---\r\nold\r\n",
            "\ufeff---\r\nkind: linkedin\r\n---\r\nold\r\nnew\r\nlines\r\n",
        ),
    ],
    ids=["lf", "no-final-newline", "empty-body", "fence-without-newline", "bom-crlf"],
)
def test_appended_text_goes_on_lines_of_its_own_with_the_notes_line_ending(before: str, after: str) -> None:
    assert changed(before, append="new\nlines\n") == after
    assert fields_of(after) == fields_of(before)


def test_appending_keeps_every_byte_before_the_end(make_vault: MakeVault) -> None:
    before = "---\r\n# imported\r\ndate: 2024-03-15\r\nwith: [jane]\r\n---\r\n**14:03:22 UTC** Jane\r\n\r\n> Hi\r\n"
    root = make_vault({"interactions/a.md": before.encode()})
    amend(root / "interactions/a.md", root, append="\n**15:00:00 UTC** Sam\n\n> Hello\n")
    after = (root / "interactions/a.md").read_bytes().decode()
    assert after == before + "\r\n**15:00:00 UTC** Sam\r\n\r\n> Hello\r\n"


def test_appending_what_would_make_a_problem_is_refused() -> None:
    conflict = "<<<<<<< ours\nmine\n=======\ntheirs\n>>>>>>> theirs\n"
    with pytest.raises(NotVerified, match="git merge conflict"):
        changed("---\nkind: linkedin\n---\n", append=conflict)
