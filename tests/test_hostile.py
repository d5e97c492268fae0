"""Hostile vaults: whatever is in the notes, every command answers with problem lines, never a
traceback, a hang, a write outside its output, or author-controlled markup in the dashboard."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from conftest import MakeVault, RunCli, write_vault
from site_html import Page, html_pages, parse


@pytest.mark.parametrize(
    "args",
    [
        ("export", "ics", "--today", "2026-11-25"),
        ("build", "--today", "2026-11-25"),
    ],
    ids=["export-ics", "build"],
)
def test_a_follow_up_on_the_last_day_of_the_calendar_is_an_event(
    make_vault: MakeVault, run_cli: RunCli, args: tuple[str, ...]
) -> None:
    root = make_vault(
        {
            "contacts/ann.md": "---\nname: Ann\nbirthday: 9999-12-31\n---\n",
            "interactions/far.md": "---\ndate: 2026-01-01\nwith: ann\nfollow_up: 9999-12-31\n---\n",
        }
    )
    result = run_cli("--vault", root, *args)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("today", ["0001-01-01", "9999-12-31"])
def test_build_on_the_first_and_last_day_of_the_calendar(make_vault: MakeVault, run_cli: RunCli, today: str) -> None:
    root = make_vault(
        {
            "contacts/ann.md": "---\nname: Ann\ncadence: 1w\nbirthday: 2000-02-29\n---\n",
            "interactions/old.md": "---\ndate: 0001-01-01\nwith: ann\nfollow_up: 9999y\n---\n",
            "interactions/new.md": "---\ndate: 9999-12-31\nwith: ann\n---\n",
        }
    )
    for args in (("build",), ("due", "--all"), ("export", "ics"), ("export", "json")):
        result = run_cli("--vault", root, *args, "--today", today)
        assert result.exit_code == 0, (args, result.output)


def test_a_file_name_that_is_not_utf8_is_a_problem_and_the_site_still_builds(
    make_vault: MakeVault, run_cli: RunCli
) -> None:
    root = make_vault({"contacts/ok.md": "---\nname: Okay\n---\n"})
    try:
        (root / "contacts" / os.fsdecode(b"caf\xe9.md")).write_text("---\nname: Cafe\n---\n")
        (root / "contacts" / os.fsdecode(b"old-\xff")).mkdir()
    except (OSError, UnicodeError):
        pytest.skip("the file system refuses names that are not UTF-8")
    result = run_cli("--vault", root, "check")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "contacts/caf\ufffd.md:1:1: error NN100 file name is not valid UTF-8; rename it",
        "contacts/old-\ufffd:1:1: error NN100 folder name is not valid UTF-8; rename it",
    ]
    built = run_cli("--vault", root, "build", "--today", "2026-11-25")
    assert built.exit_code == 1
    assert built.stderr.startswith("2 problems (2 errors) in the vault: run netnotes check\n"), built.stderr


def test_a_problem_is_one_line_whatever_its_file_is_called(make_vault: MakeVault, run_cli: RunCli) -> None:
    root = make_vault({"contacts/a\nb\x1b[31m.md": "---\nname: [x]\n---\n"})
    result = run_cli("--vault", root, "check")
    assert result.stdout == "contacts/a\\nb\\x1b[31m.md:2:7: error NN109 'name' should be text, got a list\n"
    problems = json.loads(run_cli("--vault", root, "check", "--format", "json").stdout)
    assert [p["path"] for p in problems] == ["contacts/a\nb\x1b[31m.md"]  # JSON escapes them itself


# -- one vault holding everything at once, through every command

ALIAS_BOMB = (
    "---\nname: Bomb\n"
    + "".join(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9) if i else 'x'}]\n" for i in range(8))
    + "---\n"
)
HOSTILE_NOTES: dict[str, str | bytes] = {
    "netnotes.yaml": "title: <script>t()</script>\ncircles:\n  inner: 3w\nkinds: ['<b>k</b>']\n",
    "contacts/self.md": "---\nname: Self Made\nmet_through: self\ncadence: 9999y\nsince: 0001-01-01\n"
    "birthday: 2000-02-29\n---\n",
    "contacts/loop-a.md": "---\nname: Loop A\nmet_through: loop-b\ncircle: inner\n---\n",
    "contacts/loop-b.md": "---\nname: Loop B\nmet_through: loop-a\nsnooze_until: 9999-12-31\n---\n",
    "contacts/xss.md": (
        "---\nname: '<script>alert(1)</script>'\ncompany: ../../etc\ntags: ['../x', '..', '<img src=x onerror=a()>']\n"
        "website: javascript:alert(1)\nlinkedin: ' javascript:alert(2)'\nemail: '\"><svg onload=a()>'\n"
        "custom: {deep: [javascript:alert(3), '<iframe src=//evil.example>']}\n---\n"
        "<script>alert(4)</script> [x](javascript:alert(5)) [y](data:text/html,x) [z](vbscript:x)\n"
        '![i](https://evil.example/p.png) <a href="javascript:alert(6)">a</a> [[self]] [[<b>nobody</b>]]\n'
    ),
    "contacts/dup-keys.md": "---\nname: One\nname: Two\n---\n",
    "contacts/bad-dates.md": "---\nname: Dates\nsince: 2026-02-30\nbirthday: 2001-02-29\ncadence: 10000y\n---\n",
    "contacts/broken-yaml.md": "---\nname: [unclosed\n---\n",
    "contacts/python-tag.md": (
        "---\nname: !!python/object/apply:os.system ['touch pwned']\nx: !!python/name:os.system\n---\n"
    ),
    "contacts/non-string-keys.md": "---\nname: Keys\n1: one\n? [a, b]\n: c\n2026-01-01: day\n---\n",
    "contacts/bomb.md": ALIAS_BOMB,
    "contacts/deep.md": "---\nname: Deep\nx: " + "[" * 500 + "]" * 500 + "\n---\n",
    "contacts/utf16.md": "---\nname: Wide\n---\n".encode("utf-16"),
    "contacts/latin1.md": "---\nname: Zoë\n---\n".encode("latin-1"),
    "contacts/surrogate.md": b"---\nname: \xed\xa0\x80\n---\n",
    "contacts/escaped-surrogate.md": '---\nname: "\\ud800"\n---\n',
    "contacts/huge.md": "---\nname: Huge\n---\n" + "x" * (4 * 1024 * 1024),
    "contacts/CON.md": "---\nname: Con\n---\n",
    "contacts/--help.md": "---\nname: Help\n---\n",
    "contacts/sp ace ü.md": "---\nname: Space\n---\n",
    "contacts/.md": "---\nname: Hidden\n---\n",
    "interactions/old.md": "---\ndate: 0001-01-01\nwith: [self, loop-a]\nfollow_up: 9999y\n---\n",
    "interactions/last.md": "---\ndate: 9999-12-31\nwith: '[[Loop B]]'\nfollow_up: 2w\n---\n",
    "interactions/self-ref.md": "---\ndate: 2026-11-01\nwith: self\nfollow_up: 9999-12-31\nkind: '<script>'\n"
    'next: "<img src=x onerror=a()>"\n---\n<style>body{}</style>\n',
    "asks/ask.md": "---\ndate: 0001-01-01\nwith: xss\ndirection: in\ndue: 9999-12-31\n"
    "intro_to: '<script>i()</script>'\n---\n",
}
AUTHOR_CONTROLLED_TAGS = {"script", "style", "iframe", "object", "embed", "frame", "img", "svg", "base", "meta"}


def _active_content(page: Page) -> list[str]:
    """Elements and attributes in a page that a note's author could have put there."""
    found = []
    for e in page.elements:
        where = f"{page.path.name}:{e.line} <{e.tag}>"
        if e.tag == "script" and not (e.attrs.get("src") or "").startswith(("static/", "../static/")):
            found.append(where)
        elif e.tag == "meta" and (e.attrs.get("http-equiv") or "").lower() == "refresh":
            found.append(where)
        elif e.tag in AUTHOR_CONTROLLED_TAGS - {"script", "meta", "svg"}:
            found.append(where)
        for name, value in e.attrs.items():
            url = re.sub(r"[\x00-\x20]", "", value or "").lower()
            if name.startswith("on") or name in ("style", "srcdoc", "formaction"):
                found.append(f"{where} {name}")
            if name in ("href", "src", "action") and url.startswith(("javascript:", "vbscript:", "//")):
                found.append(f"{where} {name}={value}")
            if name in ("href", "src") and url.startswith("data:") and not (e.tag == "link" and url == "data:,"):
                found.append(f"{where} {name}={value}")
    return found


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes() if p.is_file() and not p.is_symlink() else b"<other>")
        for p in sorted(folder.rglob("*"))
    }


def test_a_hostile_vault_goes_through_every_command(tmp_path: Path, run_cli: RunCli) -> None:
    root = write_vault(tmp_path / "vault", HOSTILE_NOTES)
    outside = tmp_path / "outside"
    (outside / "notes").mkdir(parents=True)
    (outside / "secret.md").write_text("---\nname: Secret Outside\n---\n")
    (outside / "notes" / "other.md").write_text("---\nname: Other Outside\n---\n")
    (root / "contacts" / "link.md").symlink_to(outside / "secret.md")
    (root / "contacts" / "linked-folder").symlink_to(outside / "notes")
    (root / "asks" / "passwd.md").symlink_to("/etc/passwd")
    os.mkfifo(root / "contacts" / "fifo.md")
    (root / "contacts" / "folder.md").mkdir()
    try:
        (root / "contacts" / os.fsdecode(b"bad-\xff.md")).write_text("---\nname: Bad Name\n---\n")
    except (OSError, UnicodeError):
        pass  # a file system that only takes UTF-8 names
    before = _files(tmp_path)
    out, exports = tmp_path / "site", tmp_path / "exports"
    exports.mkdir()

    commands = [
        ("check",),
        ("check", "--format", "json"),
        ("due", "--all", "--format", "json"),
        ("due", "--all"),
        ("build", "--out", out),
    ]
    commands += [("export", fmt, "-o", exports / f"x.{fmt}") for fmt in ("ics", "vcard", "json")]
    results = {}
    for today in ("2026-11-25", "0001-01-01", "9999-12-31"):
        for args in commands:
            dated = args if args[0] in ("check",) or args[1] == "vcard" else (*args, "--today", today)
            result = run_cli("--vault", root, *dated)
            assert result.exit_code in (0, 1), (dated, result.output)
            assert "Traceback" not in result.output
            results[dated] = result

        problems = json.loads(results[("check", "--format", "json")].stdout)
        assert {p["path"] for p in problems} >= {
            "contacts/bomb.md",
            "contacts/deep.md",
            "contacts/utf16.md",
            "contacts/latin1.md",
            "contacts/surrogate.md",
            "contacts/escaped-surrogate.md",
            "contacts/huge.md",
            "contacts/broken-yaml.md",
            "contacts/dup-keys.md",
            "contacts/bad-dates.md",
            "contacts/link.md",
            "contacts/linked-folder",
            "asks/passwd.md",
        }
        for line in results[("check",)].stdout.splitlines():
            assert re.match(r"^[^\n]+:\d+:\d+: (error|warning) NN\d{3} ", line), line

        pages = html_pages(out)
        assert pages
        for path in pages:
            page = parse(path)
            assert _active_content(page) == [], path
            assert "Secret Outside" not in page.text and "Other Outside" not in page.text
            assert "root:" not in page.text
    after = _files(tmp_path)
    written = {p for p in after if p not in before or after[p] != before[p]}
    assert all(
        p.startswith(("site/", "exports/", "vault/.netnotes/")) or p in ("site", "exports", "vault/.netnotes")
        for p in written
    ), sorted(written)
    assert not (tmp_path / "pwned").exists() and not Path("pwned").exists()


def test_a_hostile_vault_gives_the_same_bytes_every_time(tmp_path: Path, run_cli: RunCli) -> None:
    root = write_vault(tmp_path / "vault", {k: v for k, v in HOSTILE_NOTES.items() if k != "contacts/huge.md"})
    outputs = []
    for n in (1, 2):
        run_cli("--vault", root, "build", "--out", tmp_path / f"site{n}", "--today", "2026-11-25")
        outputs.append(
            (
                _files(tmp_path / f"site{n}"),
                *(
                    run_cli("--vault", root, *args, "--today", "2026-11-25").stdout_bytes
                    for args in (("due", "--all", "--format", "json"), ("export", "ics"), ("export", "json"))
                ),
                run_cli("--vault", root, "export", "vcard").stdout_bytes,
            )
        )
    assert outputs[0] == outputs[1]
