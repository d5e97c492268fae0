"""The primitives every stage shares, each in one home (issue 9, item 2): files (fsio), one-line
text (text), fanning work out over processes (parallel) and the strict ref rule (refs)."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from netnotes.fsio import create_first_free, is_inside, replace_file
from netnotes.model import Contact
from netnotes.parallel import Aside, parallel_map
from netnotes.refs import RefIndex
from netnotes.text import escape_for_line, flatten, unfit_for_line

# -- text: three needs, three names


def test_text_shown_on_one_line_has_its_breaks_and_escapes_escaped() -> None:
    assert escape_for_line("Jane\nDoe\x1b[31m\u2028!") == "Jane\\nDoe\\x1b[31m\\u2028!"
    assert escape_for_line("Zoë\tÅngström") == "Zoë\\tÅngström"


def test_a_line_break_is_what_keeps_a_value_off_one_line_before_any_other_control_character() -> None:
    assert unfit_for_line("a\x00b\u2028c") == "\u2028"
    assert unfit_for_line("a\x00b") == "\x00"
    assert unfit_for_line("tabs\tare fine") is None


def test_a_value_from_another_tool_is_flattened_onto_one_line() -> None:
    assert flatten("  Ada \r\n  Lovelace\x07  ") == "Ada Lovelace"
    assert flatten("Keeps  its   spacing") == "Keeps  its   spacing"
    assert flatten("\n\x00\n") is None


# -- fsio: never overwrite, replace in one step


def test_the_first_free_name_is_taken_and_no_file_is_overwritten(tmp_path: Path) -> None:
    (tmp_path / "jane-doe.md").write_text("Jane's own note")
    written = create_first_free(tmp_path, ["jane-doe.md", "jane-doe-2.md"], b"new", tmp_path / "jane-doe.md")
    assert written == tmp_path / "jane-doe-2.md"
    assert (tmp_path / "jane-doe.md").read_text() == "Jane's own note"
    assert (tmp_path / "jane-doe-2.md").read_bytes() == b"new"


def test_when_every_name_is_taken_nothing_is_written_and_no_temporary_file_is_left(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("a")
    assert create_first_free(tmp_path, ["a.md"], b"new", tmp_path / "a.md") is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.md"]


def test_a_replaced_file_keeps_its_permission_bits_and_a_new_one_is_private(tmp_path: Path) -> None:
    shared = tmp_path / "shared.ics"
    shared.write_text("old")
    shared.chmod(0o644)
    replace_file(shared, b"new")
    fresh = tmp_path / "fresh.ics"
    replace_file(fresh, b"new", durable=False)
    assert shared.read_bytes() == b"new" and stat.S_IMODE(shared.stat().st_mode) == 0o644
    assert fresh.read_bytes() == b"new" and stat.S_IMODE(fresh.stat().st_mode) == 0o600


def test_a_folder_beside_the_vault_sharing_its_name_prefix_is_not_inside_it() -> None:
    assert is_inside("/home/sam/vault", "/home/sam/vault/contacts")
    assert is_inside("/home/sam/vault", "/home/sam/vault")
    assert not is_inside("/home/sam/vault", "/home/sam/vault-backup/contacts")


# -- parallel: one policy for every fan-out


def _label(prefix: str, numbers: list[int]) -> list[str]:
    return [f"{prefix}{n}:{os.getpid()}" for n in numbers]


def _fail_on_seven(_: None, numbers: list[int]) -> list[int]:
    if 7 in numbers:
        raise ValueError("seven")
    return numbers


@pytest.mark.parametrize("fork", [False, True], ids=["default-start", "forked"])
def test_many_items_go_to_workers_and_come_back_in_order(fork: bool) -> None:
    results = parallel_map(_label, range(1000), "n", threshold=10, jobs=2, fork=fork)
    assert [r.split(":")[0] for r in results] == [f"n{i}" for i in range(1000)]
    assert str(os.getpid()) not in {r.split(":")[1] for r in results}


def test_few_items_are_worked_on_here() -> None:
    results = parallel_map(_label, [1, 2, 3], "n", threshold=10, jobs=2)
    assert results == [f"n{i}:{os.getpid()}" for i in (1, 2, 3)]


@pytest.mark.parametrize("threshold", [1, 1_000_000], ids=["in-workers", "here"])
def test_an_error_in_the_work_reaches_the_caller(threshold: int) -> None:
    with pytest.raises(ValueError, match="seven"):
        parallel_map(_fail_on_seven, list(range(2000)), None, threshold=threshold, jobs=2)


def _aside(script: str, given: bytes = b"") -> Aside:
    aside = Aside.start(script, given, jobs=2)
    assert aside is not None, "two cores and an interpreter to start: the work is set aside"
    return aside


ECHO = "import os, sys; sys.stdout.buffer.write(b'%d ' % os.getpid() + sys.stdin.buffer.read())"


def test_work_set_aside_runs_in_another_interpreter_while_this_one_goes_on() -> None:
    given = bytes(range(256)) * 20_000  # 5 MB, far past what a pipe holds
    with _aside(ECHO, given) as aside:
        here = os.getpid()  # this process is free meanwhile
        found = aside.result()
    assert found is not None
    pid, _, echoed = found.partition(b" ")
    assert int(pid) != here
    assert echoed == given


def test_work_set_aside_runs_beside_other_threads() -> None:
    """Spawned, not forked: a thread holding a lock in this process is nothing to the child."""
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        with _aside(ECHO, b"x") as aside:
            assert (aside.result() or b"").endswith(b" x")
    finally:
        stop.set()
        other.join()


@pytest.mark.parametrize(
    "script",
    ["1 // 0", "import os, signal; os.kill(os.getpid(), signal.SIGKILL)", "import sys; sys.exit(3)"],
    ids=["raises", "killed", "exits-with-an-error"],
)
def test_work_set_aside_that_fails_gives_no_answer_and_says_nothing(
    script: str, capfd: pytest.CaptureFixture[str]
) -> None:
    with _aside(script, b"unread") as aside:
        assert aside.result() is None
    assert capfd.readouterr() == ("", "")  # no traceback of the child's on the user's terminal


def test_work_is_not_set_aside_on_one_core() -> None:
    assert Aside.start(ECHO, b"", jobs=1) is None


def test_work_set_aside_that_the_caller_gives_up_on_is_stopped() -> None:
    with _aside("import time; time.sleep(60)") as aside:
        pid = aside._pid
        assert pid is not None
    with pytest.raises(ChildProcessError):  # killed and reaped: no such child now
        os.waitpid(pid, os.WNOHANG)


# -- refs: one strict rule


def _contact(contact_id: str, name: str, *aliases: str) -> Contact:
    return Contact(id=contact_id, path=f"contacts/{contact_id}.md", name=name, aliases=aliases)


def test_the_wikilink_table_agrees_with_find_on_every_key() -> None:
    index = RefIndex(
        [
            _contact("jane-doe", "Jane Doe", "JD"),
            _contact("jd", "John Dee"),  # an id wins over Jane's alias
            _contact("sam-lee", "Sam Lee", "Sam"),
            _contact("sam-park", "Sam Park", "Sam"),  # 'sam' names two people: no link
        ]
    )
    targets = index.targets()
    assert targets == {
        "jane doe": "jane-doe",
        "jane-doe": "jane-doe",
        "jd": "jd",
        "john dee": "jd",
        "sam lee": "sam-lee",
        "sam-lee": "sam-lee",
        "sam park": "sam-park",
        "sam-park": "sam-park",
    }
    assert all(index.find(k) == contact_id for k, contact_id in targets.items())
    assert index.find("Sam") is None and index.resolve("Sam").code == "NN116"
