"""Writing notes: `new contact`, `log`, `ask` (issue 5).

Every note written must pass `check`, read back to the values typed, never overwrite a file,
and survive two writers racing for the same name.
"""

from __future__ import annotations

import datetime as dt
import errno
import multiprocessing
import multiprocessing.synchronize
import os
import sys
import tempfile
import threading
from pathlib import Path

import pytest
import yaml
from conftest import LoadClean, MakeVault, RunCli, write_vault
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import netnotes.drafts as drafts_module
from netnotes.dates import Birthday, Duration
from netnotes.discover import NoteKind
from netnotes.drafts import Draft, render_note
from netnotes.fsio import WriteError
from netnotes.loader import load_vault
from netnotes.model import AskStatus, Direction
from netnotes.slugs import safe_slug, short_hash, slugify
from netnotes.writer import log_interaction, new_contact, record_ask, write_draft

CONFIG = "circles:\n  inner: 3w\n  active: 2m\nkinds: [podcast]\n"


def md_files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*.md"))


JANE = "---\nname: Jane Doe\naliases: [JD]\n---\n"
JANE_VAULT = {"contacts/jane-doe.md": JANE, "contacts/omar.md": "---\nname: Omar Haddad\n---\n"}


# ---------------------------------------------------------------------------------------------
# File names


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Jane Doe", "jane-doe"),
        ("  Jane   Q.  Doe, PhD ", "jane-q-doe-phd"),
        ("Jürgen Müller", "jurgen-muller"),
        ("Straße", "strasse"),
        ("Søren Kierkegaard", "soren-kierkegaard"),
        ("Łukasz Żółć", "lukasz-zolc"),
        ("Æsa Đorđević", "aesa-dordevic"),
        ("ﬁnance", "finance"),
        ("O'Brien", "obrien"),
        ("Zoë 🚀 Ångström", "zoe-angstrom"),
        ("李 Wei", "li-wei"),
        ("2026-01-01", "2026-01-01"),
    ],
    ids=lambda v: v if isinstance(v, str) and v.isascii() else None,
)
def test_slug_is_ascii_from_any_latin_script(name: str, slug: str) -> None:
    assert slugify(name) == slug


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Иван Петров", "ivan-petrov"),
        ("Ελένη", "eleni"),
        ("王小明", "wangxiaoming"),
        ("李小龍", "lixiaolong"),
        ("Дарья", "darya"),
        ("محمد", "mhmd"),
    ],
    ids=["cyrillic", "greek", "chinese", "traditional-chinese", "soft-sign", "arabic"],
)
def test_names_in_other_scripts_are_transliterated_not_hashed(name: str, slug: str) -> None:
    assert safe_slug(name, "contact") == slug


@pytest.mark.parametrize("name", ["🚀🚀", "---", "!!!", "\ue000"])
def test_names_with_nothing_to_transliterate_get_a_short_stable_hash(name: str) -> None:
    slug = safe_slug(name, "contact")
    assert slug == f"contact-{short_hash(name)}" and len(slug) == len("contact-") + 6
    assert slug == safe_slug(name, "contact")  # stable


def test_different_names_get_different_hashes_and_reserved_names_are_avoided() -> None:
    assert safe_slug("🚀", "contact") != safe_slug("🎉", "contact")
    assert safe_slug("Con", "contact") == "con-contact"  # CON.md cannot exist on Windows
    assert len(slugify("a-very-long-name " * 20)) <= 60


def test_new_contact_in_cyrillic_gets_a_readable_file_name(make_vault: MakeVault, run_cli: RunCli) -> None:
    root = make_vault({}, CONFIG)
    result = run_cli("--vault", root, "new", "contact", "Иван Петров")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(root / "contacts" / "ivan-petrov.md")
    ivan = load_vault(root).vault.contact("ivan-petrov")
    assert ivan is not None and ivan.name == "Иван Петров"


# ---------------------------------------------------------------------------------------------
# new contact


def test_new_contact_reads_back_with_the_typed_values(make_vault: MakeVault, load_clean: LoadClean) -> None:
    root = make_vault({}, CONFIG)
    path = new_contact(
        root,
        "Priya Natarajan",
        aliases=["Priya N."],
        company="Quillmark",
        role="Director, Dev Tools",
        location="Oakland, CA",
        email=["priya@quillmark.example", "p@home.example"],
        phone=["+1 555 0100"],
        linkedin="https://www.linkedin.com/in/priya",
        website="https://priya.example",
        tags=["mentor", "python"],
        circle="inner",
        cadence="monthly",
        since=dt.date(2024, 3, 15),
        met_at="PyCon US",
        birthday="--07-04",
        body="# Priya\n\nMet at PyCon.\n",
    )
    assert path == root / "contacts" / "priya-natarajan.md"
    (c,) = load_clean(root).contacts
    assert (c.id, c.name, c.aliases, c.company, c.role, c.location) == (
        "priya-natarajan",
        "Priya Natarajan",
        ("Priya N.",),
        "Quillmark",
        "Director, Dev Tools",
        "Oakland, CA",
    )
    assert c.emails == ("priya@quillmark.example", "p@home.example")
    assert c.phones == ("+1 555 0100",)
    assert (c.linkedin, c.website) == ("https://www.linkedin.com/in/priya", "https://priya.example")
    assert (c.tags, c.circle, c.cadence) == (("mentor", "python"), "inner", Duration(1, "m"))
    assert (c.since, c.met_at, c.birthday) == (dt.date(2024, 3, 15), "PyCon US", Birthday(7, 4))
    assert c.body == "# Priya\n\nMet at PyCon.\n"


def test_front_matter_is_in_the_documented_order_and_body_verbatim() -> None:
    body = "---\nnot front matter\r\n  indented\n\n"
    text = render_note(
        {"name": "x", "aliases": [], "company": None, "tags": ["a, b", "c"], "since": dt.date(2026, 1, 2)}, body
    )
    assert text == "---\nname: x\ntags: ['a, b', c]\nsince: 2026-01-02\n---\n" + body


def test_a_word_of_a_closed_set_is_written_as_its_text(make_vault: MakeVault, load_clean: LoadClean) -> None:
    assert (
        render_note({"direction": Direction.IN, "status": AskStatus.OPEN}) == "---\ndirection: in\nstatus: open\n---\n"
    )
    root = make_vault(JANE_VAULT, CONFIG)
    path = record_ask(root, load_vault(root).vault, "jane-doe", Direction.OUT, "reference", date=dt.date(2026, 3, 20))
    assert "\ndirection: out\n" in path.read_text(encoding="utf-8")
    (a,) = load_clean(root).asks
    assert (a.direction, a.status) == (Direction.OUT, AskStatus.OPEN)


def test_same_name_twice_gives_two_files_never_one(make_vault: MakeVault, load_clean: LoadClean) -> None:
    root = make_vault({}, CONFIG)
    first = new_contact(root, "Jane Doe", company="Acme")
    second = new_contact(root, "Jane Doe", company="Globex")
    assert (first.name, second.name) == ("jane-doe.md", "jane-doe-2.md")
    companies = {c.id: c.company for c in load_clean(root).contacts}
    assert companies == {"jane-doe": "Acme", "jane-doe-2": "Globex"}


def test_an_id_taken_in_a_subfolder_is_not_reused(make_vault: MakeVault, load_clean: LoadClean) -> None:
    root = make_vault({"contacts/recruiters/jordan-blake.md": "---\nname: Jordan Blake\n---\n"}, CONFIG)
    path = new_contact(root, "Jordan Blake")
    assert path.name == "jordan-blake-2.md"
    assert len(load_clean(root).contacts) == 2  # no duplicate-id error


def test_an_existing_file_is_never_overwritten_even_when_the_writer_did_not_know(make_vault: MakeVault) -> None:
    root = make_vault({}, CONFIG)
    target = root / "contacts" / "jane-doe.md"
    target.parent.mkdir()
    target.write_text("---\nname: Jane Doe\n---\nprecious\n", encoding="utf-8")
    draft = Draft(NoteKind.CONTACTS, "contacts", "jane-doe", "---\nname: Jane Doe\n---\nnew\n")
    written = write_draft(root, draft, taken=set())  # as if the file appeared after the vault was scanned
    assert written.name == "jane-doe-2.md"
    assert target.read_text(encoding="utf-8") == "---\nname: Jane Doe\n---\nprecious\n"
    assert written.read_text(encoding="utf-8").endswith("new\n")


def test_no_temporary_file_is_left_behind(make_vault: MakeVault) -> None:
    root = make_vault({}, CONFIG)
    new_contact(root, "Jane Doe")
    new_contact(root, "Jane Doe")
    assert sorted(p.name for p in (root / "contacts").iterdir()) == ["jane-doe-2.md", "jane-doe.md"]


def test_without_hard_links_exclusive_create_still_never_overwrites(
    make_vault: MakeVault, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_links(src: object, dst: object) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    root = make_vault({"contacts/jane-doe.md": "---\nname: Jane Doe\n---\nprecious\n"}, CONFIG)
    path = write_draft(
        root, Draft(NoteKind.CONTACTS, "contacts", "jane-doe", "---\nname: Jane Doe\n---\n"), taken=set()
    )
    assert path.name == "jane-doe-2.md"
    assert (root / "contacts/jane-doe.md").read_text(encoding="utf-8").endswith("precious\n")
    assert md_files(root) == ["contacts/jane-doe-2.md", "contacts/jane-doe.md"]


def test_a_contacts_folder_linking_outside_the_vault_is_refused(make_vault: MakeVault, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    root = make_vault({}, CONFIG)
    (root / "contacts").symlink_to(outside, target_is_directory=True)
    with pytest.raises(WriteError, match="outside the vault"):
        new_contact(root, "Jane Doe")
    assert list(outside.iterdir()) == []


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"circle": "innr"}, "unknown circle 'innr'"),
        ({"cadence": "every now and then"}, "cadence"),
        ({"birthday": "1990-02-30"}, "birthday"),
        ({"company": "Acme\nEvil: yes"}, "'company' must be one line"),
        ({"tags": ["ok", "bad\r\ntag"]}, "'tags' must be one line"),
        ({"role": "CTO\u2028"}, "'role' must be one line"),
        ({"role": "a\x00b"}, "control character"),
    ],
    ids=["circle", "cadence", "birthday", "newline", "crlf-in-list", "line-separator", "nul"],
)
def test_bad_contact_values_are_refused_and_nothing_is_written(
    make_vault: MakeVault, fields: dict, message: str
) -> None:
    root = make_vault({}, CONFIG)
    with pytest.raises(WriteError, match=message):
        new_contact(root, "Jane Doe", **fields)
    assert md_files(root) == []


def test_empty_name_is_refused(make_vault: MakeVault) -> None:
    root = make_vault({}, CONFIG)
    with pytest.raises(WriteError, match="needs a name"):
        new_contact(root, "   ")


# ---------------------------------------------------------------------------------------------
# log and ask


def test_log_writes_a_dated_interaction_that_reads_back(make_vault: MakeVault, load_clean: LoadClean) -> None:
    root = make_vault(JANE_VAULT, CONFIG)
    vault = load_vault(root).vault
    path = log_interaction(
        root,
        vault,
        ["[[Jane Doe|Jane]]", "omar", "JD"],
        kind="coffee",
        date=dt.date(2026, 3, 2),
        follow_up="2w",
        next="send the deck",
        message="Talked about the *staff* track.\n",
        title="Coffee: staff track",
    )
    assert path == root / "interactions/2026/2026-03-02-coffee-jane-doe.md"
    (i,) = load_clean(root).interactions
    assert i.with_ == ("jane-doe", "omar")  # JD is Jane's alias: one contact, once
    assert (i.date, i.kind, i.title, i.next) == (dt.date(2026, 3, 2), "coffee", "Coffee: staff track", "send the deck")
    assert i.follow_up == dt.date(2026, 3, 16)
    assert i.body == "Talked about the *staff* track.\n"
    assert "follow_up: 2w\n" in path.read_text(encoding="utf-8")  # the duration as typed, not a date


def test_log_defaults_to_today_and_kind_other_and_accepts_a_follow_up_date(
    make_vault: MakeVault, load_clean: LoadClean
) -> None:
    root = make_vault(JANE_VAULT, CONFIG)
    path = log_interaction(root, load_vault(root).vault, ["jane-doe"], follow_up="2031-01-05")
    today = dt.date.today()
    assert path.relative_to(root).as_posix() == f"interactions/{today.year}/{today.isoformat()}-other-jane-doe.md"
    (i,) = load_clean(root).interactions
    assert (i.date, i.kind, i.follow_up) == (today, "other", dt.date(2031, 1, 5))


def test_two_emails_the_same_day_are_two_notes(make_vault: MakeVault, load_clean: LoadClean) -> None:
    root = make_vault(JANE_VAULT, CONFIG)
    vault = load_vault(root).vault
    day = dt.date(2026, 5, 1)
    a = log_interaction(root, vault, ["Jane Doe"], kind="email", date=day, title="first")
    b = log_interaction(root, vault, ["Jane Doe"], kind="email", date=day, title="second")
    assert (a.name, b.name) == ("2026-05-01-email-jane-doe.md", "2026-05-01-email-jane-doe-2.md")
    titles = {i.id: i.title for i in load_clean(root).interactions}
    assert titles == {"2026-05-01-email-jane-doe": "first", "2026-05-01-email-jane-doe-2": "second"}


def test_log_accepts_a_kind_from_netnotes_yaml(make_vault: MakeVault, load_clean: LoadClean) -> None:
    root = make_vault(JANE_VAULT, CONFIG)
    log_interaction(root, load_vault(root).vault, ["jane-doe"], kind="podcast", date=dt.date(2026, 1, 1))
    assert load_clean(root).interactions[0].kind == "podcast"


@pytest.mark.parametrize(
    ("refs", "kind", "follow_up", "message"),
    [
        (["jane-do"], "coffee", None, r"matches no contact \(did you mean 'jane-doe'"),
        ([], "coffee", None, "at least one contact"),
        (["jane-doe"], "brunch", None, "unknown interaction kind 'brunch'"),
        (["jane-doe"], "coffee", "soonish", "follow-up"),
        (["jane-doe"], "coffee", "never", "follow-up"),
        (["jane-doe"], "coffee", "2026-02-30", "February 2026 has 28 days"),
    ],
    ids=["unknown-ref", "no-ref", "unknown-kind", "bad-follow-up", "never-follow-up", "impossible-date"],
)
def test_log_refuses_bad_input(
    make_vault: MakeVault, refs: list[str], kind: str, follow_up: str | None, message: str
) -> None:
    root = make_vault(JANE_VAULT, CONFIG)
    with pytest.raises(WriteError, match=message):
        log_interaction(root, load_vault(root).vault, refs, kind=kind, follow_up=follow_up)
    assert not (root / "interactions").exists()


def test_an_ambiguous_name_lists_both_contacts(make_vault: MakeVault) -> None:
    root = make_vault({"contacts/jane-doe.md": JANE, "contacts/jane-doe-2.md": JANE}, CONFIG)
    with pytest.raises(
        WriteError, match=r"'Jane Doe' matches 2 contacts: jane-doe \(Jane Doe\), jane-doe-2 \(Jane Doe\); use the id"
    ):
        log_interaction(root, load_vault(root).vault, ["Jane Doe"])


def test_ask_writes_an_open_ask_that_reads_back(make_vault: MakeVault, load_clean: LoadClean) -> None:
    root = make_vault(JANE_VAULT, CONFIG)
    path = record_ask(
        root,
        load_vault(root).vault,
        "Jane Doe",
        "out",
        "introduction",
        due=dt.date(2026, 4, 1),
        message="Intro to their VP.\n",
        intro_to="[[omar]]",
        date=dt.date(2026, 3, 20),
    )
    assert path == root / "asks/2026-03-20-introduction-jane-doe.md"
    (a,) = load_clean(root).asks
    assert (a.with_, a.direction, a.kind, a.status, a.due) == (
        "jane-doe",
        "out",
        "introduction",
        "open",
        dt.date(2026, 4, 1),
    )
    assert (a.intro_to, a.intro_to_contact, a.body) == ("[[omar]]", "omar", "Intro to their VP.\n")


def test_ask_intro_to_may_be_a_company(make_vault: MakeVault, load_clean: LoadClean) -> None:
    root = make_vault(JANE_VAULT, CONFIG)
    record_ask(root, load_vault(root).vault, "jane-doe", "in", "introduction", intro_to="Acme #1 (platform team)")
    (a,) = load_clean(root).asks
    assert (a.intro_to, a.intro_to_contact, a.direction) == ("Acme #1 (platform team)", None, "in")


@pytest.mark.parametrize(
    ("ref", "direction", "kind", "intro_to", "message"),
    [
        ("nobody", "out", "reference", None, "matches no contact"),
        ("jane-doe", "sideways", "reference", None, "direction must be 'out'"),
        ("jane-doe", "out", "favour", None, "unknown ask kind 'favour'"),
        ("jane-doe", "out", "introduction", "[[nobody]]", "'nobody' matches no contact"),
        ("jane-doe", "out", "introduction", "Acme\nInc", "'intro_to' must be one line"),
    ],
    ids=["ref", "direction", "kind", "intro-wikilink", "intro-newline"],
)
def test_ask_refuses_bad_input(
    make_vault: MakeVault, ref: str, direction: str, kind: str, intro_to: str | None, message: str
) -> None:
    root = make_vault(JANE_VAULT, CONFIG)
    with pytest.raises(WriteError, match=message):
        record_ask(root, load_vault(root).vault, ref, direction, kind, intro_to=intro_to)
    assert not (root / "asks").exists()


# ---------------------------------------------------------------------------------------------
# Two writers at once


def _race_contact(root: str, barrier: multiprocessing.synchronize.Barrier, name: str) -> None:
    barrier.wait()
    new_contact(Path(root), name, company=f"pid {os.getpid()}")


def test_processes_racing_for_the_same_contact_each_get_their_own_file(
    make_vault: MakeVault, load_clean: LoadClean
) -> None:
    root = make_vault({}, CONFIG)
    fork = "fork" in multiprocessing.get_all_start_methods()
    mp = multiprocessing.get_context("fork") if fork else multiprocessing.get_context("spawn")
    writers = 6
    barrier = mp.Barrier(writers)
    procs = [mp.Process(target=_race_contact, args=(str(root), barrier, "Jane Doe")) for _ in range(writers)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0] * writers
    contacts = load_clean(root).contacts
    assert sorted(c.id for c in contacts) == sorted(["jane-doe"] + [f"jane-doe-{n}" for n in range(2, writers + 1)])
    assert len({c.company for c in contacts}) == writers  # every writer's note survived, whole


def test_threads_racing_for_the_same_interaction_lose_nothing(make_vault: MakeVault, load_clean: LoadClean) -> None:
    root = make_vault(JANE_VAULT, CONFIG)
    vault = load_vault(root).vault
    writers = 12
    barrier = threading.Barrier(writers)
    errors: list[BaseException] = []

    def write(n: int) -> None:
        barrier.wait()
        try:
            log_interaction(root, vault, ["jane-doe"], kind="email", date=dt.date(2026, 5, 1), title=f"email {n}")
        except BaseException as err:  # pragma: no cover - reported below
            errors.append(err)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    titles = sorted(i.title or "" for i in load_clean(root).interactions)
    assert titles == sorted(f"email {n}" for n in range(writers))


# ---------------------------------------------------------------------------------------------
# Hostile values through the command line


HOSTILE = [
    'He said "hi"',
    "it's",
    "key: value",
    "---",
    "# not a comment",
    "[bracket",
    "{brace",
    "*star",
    "&anchor",
    "!tag",
    "%percent",
    "@at",
    "`tick",
    "| pipe",
    "> folded",
    "- dash",
    "? question",
    "yes",
    "no",
    "null",
    "~",
    "true",
    "2026-01-01",
    "12:30",
    "0x1F",
    "1e3",
    ".inf",
    "a, b",
    "tab\there",
    "back\\slash",
    "Zoë Ångström",
    "李小龍",
    "محمد",
    "🚀 launch 🎉",
    "ends with colon:",
    "[[Jane Doe]] said: ok",
]
HOSTILE_IDS = [f"h{i}" for i in range(len(HOSTILE))]


CONTACT_OPTIONS = {
    "--company": lambda c: c.company,
    "--role": lambda c: c.role,
    "--location": lambda c: c.location,
    "--email": lambda c: c.emails[0],
    "--phone": lambda c: c.phones[0],
    "--alias": lambda c: c.aliases[0],
    "--linkedin": lambda c: c.linkedin,
    "--website": lambda c: c.website,
    "--tag": lambda c: c.tags[0],
    "--met-at": lambda c: c.met_at,
    "-m": lambda c: c.body.removesuffix("\n"),
}


@pytest.mark.parametrize("value", HOSTILE, ids=HOSTILE_IDS)
def test_hostile_names_survive_new_contact_and_work_as_refs(
    make_vault: MakeVault, run_cli: RunCli, load_clean: LoadClean, value: str
) -> None:
    root = make_vault({}, CONFIG)
    made = run_cli("--vault", root, "new", "contact", "--", value)  # `--`: a name like `---` is not an option
    assert made.exit_code == 0, made.output
    (c,) = load_clean(root).contacts
    assert c.name == value
    logged = run_cli("--vault", root, "log", "--kind", "call", "--date", "2026-01-02", "--", value)
    assert logged.exit_code == 0, logged.output
    assert load_clean(root).interactions[0].with_ == (c.id,)


@pytest.mark.parametrize("option", list(CONTACT_OPTIONS))
@pytest.mark.parametrize("value", HOSTILE, ids=HOSTILE_IDS)
def test_hostile_values_survive_every_contact_option(
    make_vault: MakeVault, run_cli: RunCli, load_clean: LoadClean, option: str, value: str
) -> None:
    root = make_vault({}, CONFIG)
    made = run_cli("--vault", root, "new", "contact", "Jane Doe", option, value)
    assert made.exit_code == 0, made.output
    assert CONTACT_OPTIONS[option](load_clean(root).contacts[0]) == value


LOG_OPTIONS = {
    "--title": lambda i: i.title,
    "--next": lambda i: i.next,
    "-m": lambda i: i.body.removesuffix("\n"),
}


@pytest.mark.parametrize("option", list(LOG_OPTIONS))
@pytest.mark.parametrize("value", HOSTILE, ids=HOSTILE_IDS)
def test_hostile_values_survive_every_log_option(
    make_vault: MakeVault, run_cli: RunCli, load_clean: LoadClean, option: str, value: str
) -> None:
    root = make_vault(JANE_VAULT, CONFIG)
    follow_up = ("--follow-up", "2w") if option == "--next" else ()  # a next step needs a date (NN211)
    made = run_cli("--vault", root, "log", "jane-doe", "--date", "2026-01-02", *follow_up, option, value)
    assert made.exit_code == 0, made.output
    assert LOG_OPTIONS[option](load_clean(root).interactions[0]) == value


ASK_OPTIONS = {
    "--intro-to": lambda a: a.intro_to,
    "-m": lambda a: a.body.removesuffix("\n"),
}


@pytest.mark.parametrize("option", list(ASK_OPTIONS))
@pytest.mark.parametrize("value", HOSTILE, ids=HOSTILE_IDS)
def test_hostile_values_survive_every_ask_option(
    make_vault: MakeVault, run_cli: RunCli, load_clean: LoadClean, option: str, value: str
) -> None:
    root = make_vault(JANE_VAULT, CONFIG)
    made = run_cli("--vault", root, "ask", "jane-doe", "--direction", "out", "--kind", "introduction", option, value)
    assert made.exit_code == 0, made.output
    assert ASK_OPTIONS[option](load_clean(root).asks[0]) == value


ONE_LINE_OPTIONS = [
    ("new", "contact", "Jane\nDoe"),
    *[("new", "contact", "Jane Doe", o, "line one\nline two") for o in CONTACT_OPTIONS if o != "-m"],
    ("new", "contact", "Jane Doe", "--circle", "inner\n"),
    ("new", "contact", "Jane Doe", "--cadence", "2w\nx"),
    ("log", "jane-doe", "--title", "a\nb"),
    ("log", "jane-doe", "--next", "a\r\nb"),
    ("log", "jane-doe", "--kind", "coffee\n"),
    ("log", "jane-doe", "--follow-up", "2w\n2w"),
    ("log", "jane\ndoe"),
    ("ask", "jane-doe", "--direction", "out", "--kind", "introduction", "--intro-to", "Acme\nInc"),
]


@pytest.mark.parametrize("args", ONE_LINE_OPTIONS, ids=lambda a: " ".join(a[:4]).replace("\n", "\\n"))
def test_a_newline_in_a_one_line_option_is_refused_with_exit_2(
    make_vault: MakeVault, run_cli: RunCli, args: tuple[str, ...]
) -> None:
    root = make_vault(JANE_VAULT, CONFIG)
    before = md_files(root)
    result = run_cli("--vault", root, *args)
    assert result.exit_code == 2
    assert "one line" in result.stderr or "line break" in result.stderr
    assert md_files(root) == before


def test_a_body_keeps_its_newlines_and_paragraphs(
    make_vault: MakeVault, run_cli: RunCli, load_clean: LoadClean
) -> None:
    root = make_vault(JANE_VAULT, CONFIG)
    run_cli("--vault", root, "log", "jane-doe", "-m", "first\n---\nstill body", "-m", "second paragraph")
    assert load_clean(root).interactions[0].body == "first\n---\nstill body\n\nsecond paragraph\n"


# ---------------------------------------------------------------------------------------------
# Commands


def test_commands_print_the_path_they_wrote(
    make_vault: MakeVault, run_cli: RunCli, load_clean: LoadClean, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_vault(JANE_VAULT, CONFIG)
    monkeypatch.chdir(root)
    made = run_cli(
        "--vault",
        root,
        "new",
        "contact",
        "Grace Liu",
        "--circle",
        "active",
        "--since",
        "2026-06-10",
        "--email",
        "grace@lumen.example",
        "--email",
        "g@home.example",
        "--tag",
        "founder",
    )
    assert made.exit_code == 0 and made.stdout == "contacts/grace-liu.md\n"
    logged = run_cli(
        "--vault",
        root,
        "log",
        "Grace Liu",
        "omar",
        "--kind",
        "meeting",
        "--date",
        "2026-06-11",
        "--follow-up",
        "1w",
        "--next",
        "send notes",
    )
    assert logged.stdout == "interactions/2026/2026-06-11-meeting-grace-liu.md\n"
    asked = run_cli(
        "--vault",
        root,
        "ask",
        "grace-liu",
        "--direction",
        "in",
        "--kind",
        "advice",
        "--date",
        "2026-06-12",
        "--due",
        "2026-07-01",
    )
    assert asked.stdout == "asks/2026-06-12-advice-grace-liu.md\n"
    vault = load_clean(root)
    grace = vault.contact("grace-liu")
    assert grace is not None and grace.emails == ("grace@lumen.example", "g@home.example")
    assert grace.circle == "active" and grace.since == dt.date(2026, 6, 10) and grace.tags == ("founder",)
    assert vault.interactions[0].follow_up == dt.date(2026, 6, 18)
    assert vault.asks[0].due == dt.date(2026, 7, 1)


def test_a_namesake_is_written_with_a_warning(make_vault: MakeVault, run_cli: RunCli) -> None:
    root = make_vault(JANE_VAULT, CONFIG)
    made = run_cli("--vault", root, "new", "contact", "Jane Doe")
    assert made.exit_code == 0
    assert made.stdout.strip().endswith("jane-doe-2.md")
    assert "contacts/jane-doe.md has the same name" in made.stderr


def test_a_third_namesake_is_told_both_others_by_path_and_its_own_id(make_vault: MakeVault, run_cli: RunCli) -> None:
    root = make_vault(JANE_VAULT)
    assert run_cli("--vault", root, "new", "contact", "Jane Doe").exit_code == 0
    made = run_cli("--vault", root, "new", "contact", "jane doe")
    assert made.exit_code == 0
    assert made.stderr.endswith(
        "note: contacts/jane-doe.md, contacts/jane-doe-2.md have the same name; refer to these people by id "
        "('jane-doe-3'), a name that matches all of them is ambiguous\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("log", "jane-do"), "did you mean 'jane-doe'"),
        (("log", "jane-doe", "--kind", "brunch"), "unknown interaction kind 'brunch'"),
        (("new", "contact", "X", "--circle", "innr"), "unknown circle 'innr'"),
        (("ask", "jane-doe", "--direction", "out", "--kind", "favour"), "'favour' is not one of"),
        (("ask", "jane-doe", "--kind", "info"), "Missing option '--direction'"),
        (("log", "jane-doe", "--date", "2026-02-30"), "is not a date"),
    ],
    ids=["ref", "kind", "circle", "ask-kind", "direction", "date"],
)
def test_errors_exit_2_with_a_clear_message(
    make_vault: MakeVault, run_cli: RunCli, args: tuple[str, ...], message: str
) -> None:
    root = make_vault(JANE_VAULT, CONFIG)
    result = run_cli("--vault", root, *args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_edit_opens_the_new_note_in_the_editor(
    make_vault: MakeVault, run_cli: RunCli, load_clean: LoadClean, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_vault(JANE_VAULT, CONFIG)
    script = tmp_path / "editor.py"
    script.write_text("import sys\nopen(sys.argv[1], 'a', encoding='utf-8').write('Edited in the editor.\\n')\n")
    monkeypatch.setenv("EDITOR", f'"{sys.executable}" "{script}"')
    monkeypatch.delenv("VISUAL", raising=False)
    result = run_cli("--vault", root, "log", "jane-doe", "--kind", "call", "--date", "2026-01-05", "--edit")
    assert result.exit_code == 0, result.output
    assert load_clean(root).interactions[0].body == "Edited in the editor.\n"


def test_edit_reports_what_the_editing_broke(
    make_vault: MakeVault, run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_vault(JANE_VAULT, CONFIG)
    script = tmp_path / "editor.py"
    script.write_text(
        "import sys\nopen(sys.argv[1], 'w', encoding='utf-8').write('---\\nname: Grace\\ncircle: innr\\n---\\n')\n"
    )
    monkeypatch.setenv("VISUAL", f'"{sys.executable}" "{script}"')
    result = run_cli("--vault", root, "new", "contact", "Grace", "--edit")
    assert result.exit_code == 0
    assert "contacts/grace.md:3:9: error NN104 unknown circle 'innr'" in result.stderr


# ---------------------------------------------------------------------------------------------
# Property: any one-line name or title reads back exactly


ONE_LINE_TEXT = st.text(
    st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")),
    min_size=1,
    max_size=40,
).filter(lambda s: s.strip() != "")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=ONE_LINE_TEXT, title=ONE_LINE_TEXT)
def test_any_name_and_title_round_trip(load_clean: LoadClean, name: str, title: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = write_vault(Path(tmp) / "v", {}, CONFIG)
        path = new_contact(root, name)
        assert path.name.isascii()
        vault = load_clean(root)
        (c,) = vault.contacts
        assert c.name == name.strip()
        log_interaction(root, vault, [c.id], kind="call", date=dt.date(2026, 1, 1), title=title)
        (i,) = load_clean(root).interactions
        assert (i.title, i.with_) == (title.strip(), (c.id,))


def test_log_resolves_a_name_holding_hash_and_bar(
    make_vault: MakeVault, run_cli: RunCli, load_clean: LoadClean
) -> None:
    root = make_vault({"contacts/csharp-guild.md": "---\nname: C# Guild\naliases: [A|B team]\n---\n"}, CONFIG)
    for ref in ("C# Guild", "A|B team"):
        result = run_cli("--vault", root, "log", ref, "--kind", "event", "--date", "2026-03-02")
        assert result.exit_code == 0, result.output
    assert [i.with_ for i in load_clean(root).interactions] == [("csharp-guild",), ("csharp-guild",)]


# ---------------------------------------------------------------------------------------------
# The fast emitter writes what the pure-Python one writes (imports render thousands of notes)


one_line_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters="\x85"), max_size=20
)


@given(
    st.dictionaries(st.sampled_from(["name", "title", "company", "source"]), one_line_text),
    st.lists(one_line_text, max_size=3),
)
def test_notes_are_rendered_as_the_pure_python_emitter_renders_them(fields: dict[str, str], tags: list[str]) -> None:
    data = {**fields, "since": dt.date(2024, 2, 29), **({"tags": tags} if tags else {})}
    slow = yaml.dump(
        data, Dumper=drafts_module._Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=10**6
    )
    assert render_note(data) == f"---\n{slow}---\n"
