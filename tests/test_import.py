"""`netnotes import linkedin` and `netnotes import vcard` against files in the real formats (issue 5).

Fixtures in tests/data/import/: LinkedIn's Connections.csv (with its Notes: preamble, quoted
commas, empty emails, a row with no name and duplicates) and vCards 2.1, 3.0 and 4.0.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import LoadClean, MakeVault, RunCli

from netnotes.dates import Birthday
from netnotes.importers import ImportFileError, import_linkedin, import_vcard
from netnotes.importers.linkedin import parse_linkedin_date
from netnotes.importers.vcard import parse_vcard_birthday
from netnotes.loader import load_vault
from netnotes.model import Contact, Vault
from netnotes.refs import normalize_linkedin

DATA = Path(__file__).parent / "data" / "import"
LINKEDIN = DATA / "Connections.csv"
CONFIG = "title: test\n"


def by_name(vault: Vault) -> dict[str, Contact]:
    return {c.name: c for c in vault.contacts}


def md_files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*.md"))


MARCUS = "---\nname: marcus  CHEN\ncompany: Brightline\n---\nAlready here.\n"


# ---------------------------------------------------------------------------------------------
# LinkedIn


def test_linkedin_export_creates_one_contact_per_new_person(make_vault: MakeVault, load_clean: LoadClean) -> None:
    root = make_vault({"contacts/marcus.md": MARCUS}, CONFIG)
    summary = import_linkedin(root, load_vault(root).vault, LINKEDIN)
    names = by_name(load_clean(root))
    assert sorted(names) == sorted(
        [
            "marcus  CHEN",
            "Priya Natarajan",
            "Ana Müller-Świątek",
            "李 小龍",
            "Sam O'Neil",
            "Grace Liu",
            "Felix Bauer",
        ]
    )
    assert len(summary.created) == 6
    priya = names["Priya Natarajan"]
    assert (priya.company, priya.role) == ("Quillmark", "Director of Engineering, Developer Tools")
    assert priya.emails == ("priya@quillmark.example",)
    assert priya.linkedin == "https://www.linkedin.com/in/priya-natarajan-example"
    assert (priya.since, priya.tags) == (dt.date(2024, 3, 15), ("linkedin",))
    ana = names["Ana Müller-Świątek"]
    assert (ana.company, ana.role, ana.emails) == ("Acme, Inc.", 'VP, Sales & "Growth"', ())
    assert ana.path == "contacts/ana-muller-swiatek.md"
    assert names["李 小龍"].path == "contacts/li-xiaolong.md"  # transliterated, not hashed
    assert names["Grace Liu"].role == "Founder CEO"  # a line break inside a quoted cell
    assert names["Felix Bauer"].since is None
    assert (root / "contacts/marcus.md").read_text(encoding="utf-8") == MARCUS


def test_linkedin_summary_counts_skipped_and_invalid_rows_with_reasons(make_vault: MakeVault) -> None:
    root = make_vault({"contacts/marcus.md": MARCUS}, CONFIG)
    summary = import_linkedin(root, load_vault(root).vault, LINKEDIN)
    skipped = {(r.where, r.name): r.reason for r in summary.skipped}
    assert skipped == {
        ("line 6", "Marcus Chen"): "already in the vault as contacts/marcus.md (same name marcus chen)",
        (
            "line 9",
            "Priya Natarajan",
        ): "same person as line 5 (same LinkedIn URL linkedin.com/in/priya-natarajan-example)",
        ("line 12", "Samuel ONeil"): "same person as line 11 (same email sam@example.com)",
    }
    assert [(r.where, r.reason) for r in summary.invalid] == [("line 8", "no first or last name")]
    assert [(r.name, r.reason) for r in summary.warnings] == [
        ("Felix Bauer", "'Connected On' date 'sometime in 2020' not understood; imported without 'since'")
    ]


def test_linkedin_dry_run_writes_nothing_and_names_the_same_files(make_vault: MakeVault) -> None:
    root = make_vault({}, CONFIG)
    dry = import_linkedin(root, load_vault(root).vault, LINKEDIN, dry_run=True)
    assert md_files(root) == []
    real = import_linkedin(root, load_vault(root).vault, LINKEDIN)
    assert dry.created == real.created and len(real.created) == 7
    assert [r.where for r in dry.skipped] == [r.where for r in real.skipped] == ["line 9", "line 12"]


def test_importing_the_same_export_twice_adds_nobody(make_vault: MakeVault) -> None:
    root = make_vault({}, CONFIG)
    import_linkedin(root, load_vault(root).vault, LINKEDIN)
    before = md_files(root)
    again = import_linkedin(root, load_vault(root).vault, LINKEDIN)
    assert again.created == [] and len(again.skipped) == 9
    assert md_files(root) == before


@pytest.mark.parametrize(
    ("existing", "reason"),
    [
        ("---\nname: P. Natarajan\nemail: PRIYA@Quillmark.example\n---\n", "same email priya@quillmark.example"),
        (
            "---\nname: P. N.\nlinkedin: http://linkedin.com/in/Priya-Natarajan-Example/?trk=x\n---\n",
            "same LinkedIn URL linkedin.com/in/priya-natarajan-example",
        ),
        ("---\nname: Priya N.\naliases: [Priya Natarajan]\n---\n", "same name priya natarajan"),
    ],
    ids=["email", "linkedin-url", "alias"],
)
def test_linkedin_skips_people_already_in_the_vault(
    make_vault: MakeVault, load_clean: LoadClean, existing: str, reason: str
) -> None:
    root = make_vault({"contacts/priya.md": existing}, CONFIG)
    summary = import_linkedin(root, load_vault(root).vault, LINKEDIN)
    first = next(r for r in summary.skipped if r.name == "Priya Natarajan")
    assert first.reason == f"already in the vault as contacts/priya.md ({reason})"
    # line 9 is Priya again (same URL, no email): that is the vault's contact too, not a new one
    assert [r.where for r in summary.skipped if r.name == "Priya Natarajan"] == ["line 5", "line 9"]
    assert [c.path for c in by_name(load_clean(root)).values() if "Priya" in c.name or "P." in c.name] == [
        "contacts/priya.md"
    ]


def test_a_namesake_already_in_a_file_gets_a_suffix_not_the_same_file(make_vault: MakeVault) -> None:
    # a file named like the new person, but for someone else (an unreadable note, say)
    root = make_vault({"contacts/grace-liu.md": "just text, not a note\n"}, CONFIG)
    import_linkedin(root, load_vault(root).vault, LINKEDIN)
    assert (root / "contacts/grace-liu.md").read_text(encoding="utf-8") == "just text, not a note\n"
    assert "name: Grace Liu" in (root / "contacts/grace-liu-2.md").read_text(encoding="utf-8")


def test_a_csv_that_is_not_a_linkedin_export_is_refused(make_vault: MakeVault, run_cli: RunCli, tmp_path: Path) -> None:
    root = make_vault({}, CONFIG)
    other = tmp_path / "other.csv"
    other.write_text("name,phone\nJane,123\n", encoding="utf-8")
    with pytest.raises(ImportFileError, match="no header row with 'First Name' and 'Last Name'"):
        import_linkedin(root, load_vault(root).vault, other)
    result = run_cli("--vault", root, "import", "linkedin", other)
    assert result.exit_code == 2 and "not a LinkedIn Connections.csv" in result.stderr
    assert md_files(root) == []


def test_a_linkedin_export_with_a_bom_and_no_preamble(
    make_vault: MakeVault, load_clean: LoadClean, tmp_path: Path
) -> None:
    root = make_vault({}, CONFIG)
    csv_file = tmp_path / "c.csv"
    csv_file.write_bytes(
        "\ufeffFirst Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        "Omar,Haddad,,,Northwind,CTO,01 Dec 2025\n".encode("utf-8")
    )
    import_linkedin(root, load_vault(root).vault, csv_file)
    omar = by_name(load_clean(root))["Omar Haddad"]
    assert (omar.company, omar.role, omar.since, omar.linkedin) == ("Northwind", "CTO", dt.date(2025, 12, 1), None)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("15 Mar 2024", dt.date(2024, 3, 15)),
        ("7 Nov 2025", dt.date(2025, 11, 7)),
        ("02 Jan 2023", dt.date(2023, 1, 2)),
        ("2024-03-15", dt.date(2024, 3, 15)),
        ("03/15/24", dt.date(2024, 3, 15)),
    ],
)
def test_linkedin_connected_on_dates(text: str, day: dt.date) -> None:
    assert parse_linkedin_date(text) == day


@pytest.mark.parametrize("text", ["31 Feb 2024", "15 Foo 2024", "yesterday"])
def test_bad_connected_on_dates_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_linkedin_date(text)


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("https://www.linkedin.com/in/jane-doe/", "linkedin.com/in/jane-doe"),
        ("http://de.linkedin.com/in/Jane-Doe?trk=abc#x", "linkedin.com/in/jane-doe"),
        ("linkedin.com/in/jane-doe", "linkedin.com/in/jane-doe"),
        ("https://www.linkedin.com/in/j%C3%BCrgen", "linkedin.com/in/jürgen"),
    ],
)
def test_linkedin_urls_are_compared_normalised(url: str, key: str) -> None:
    assert normalize_linkedin(url) == key


def test_import_linkedin_command_prints_paths_and_a_summary(
    make_vault: MakeVault, run_cli: RunCli, load_clean: LoadClean, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_vault({}, CONFIG)
    monkeypatch.chdir(root)
    result = run_cli("--vault", root, "import", "linkedin", LINKEDIN, "--dry-run")
    assert result.exit_code == 0
    assert "contacts/priya-natarajan.md" in result.stdout.splitlines()
    assert "would create 7, skipped 2, invalid 1; dry run, nothing written" in result.stderr
    assert "invalid: line 8: no first or last name" in result.stderr
    assert md_files(root) == []
    result = run_cli("--vault", root, "import", "linkedin", LINKEDIN)
    assert len(result.stdout.splitlines()) == 7 and "created 7, skipped 2, invalid 1" in result.stderr
    assert len(by_name(load_clean(root))) == 7


# ---------------------------------------------------------------------------------------------
# vCard


def test_vcard_21_with_quoted_printable_and_soft_line_breaks(make_vault: MakeVault, load_clean: LoadClean) -> None:
    root = make_vault({}, CONFIG)
    summary = import_vcard(root, load_vault(root).vault, DATA / "contacts-2.1.vcf")
    assert len(summary.created) == 2 and summary.invalid == [] and summary.skipped == []
    people = by_name(load_clean(root))
    j = people["Jürgen Müller"]
    assert (j.company, j.role) == ("Acme GmbH", "Head of Platform")
    assert j.emails == ("juergen@example.de", "jm@acme.example")  # the PREF one first
    assert j.phones == ("+49 170 1234567", "+49 30 1234 5678")
    assert j.birthday == Birthday(7, 4, 1980)
    assert j.linkedin == "https://www.linkedin.com/in/juergen-mueller-example" and j.website is None
    # 2.1 does not escape commas; QP decodes =0D=0A and joins the soft line break
    assert j.body == "Met at PyCon DE, Berlin.\nLäuft gern; talks about Rust, Go and Postgres.\n"
    a = people["Aisha Okafor"]
    assert (a.birthday, a.website, a.phones) == (
        Birthday(2, 29),
        "https://helix.example/team/aisha",
        ("+1 415 555 0101",),
    )


def test_vcard_30_with_escapes_folding_several_emails_and_a_yearless_birthday(
    make_vault: MakeVault, load_clean: LoadClean
) -> None:
    root = make_vault({}, CONFIG)
    summary = import_vcard(root, load_vault(root).vault, DATA / "contacts-3.0.vcf")
    jane = by_name(load_clean(root))["Dr. Jane Q. Doe, PhD"]
    assert jane.aliases == ("JD", "Janie")
    assert (jane.company, jane.role) == ("Example, Inc.", "Principal Scientist, ML")
    assert jane.emails == ("Jane.Doe@Work.example", "jane@home.example")
    assert jane.phones == ("+1 (555) 010-2030", "+1 555 010 4000")
    assert (jane.website, jane.tags, jane.birthday) == ("https://jane.example/blog", ("mentor", "ml"), Birthday(3, 15))
    assert jane.body == (
        "Mentor since 2019.\nPrefers email over calls; reply within a week.\nLikes long walks, "
        "coffee and a very long note line that an address book folds at seventy-five octets.\n"
    )
    assert [(r.where, r.reason) for r in summary.invalid] == [("card 2 (line 20)", "no name (FN or N)")]
    assert [(r.name, r.reason) for r in summary.skipped] == [
        ("Jane Doe (work phone)", "same person as card 1 (line 1) (same email jane.doe@work.example)")
    ]


def test_vcard_40_with_tel_uris_two_urls_and_a_basic_format_birthday(
    make_vault: MakeVault, load_clean: LoadClean
) -> None:
    root = make_vault({}, CONFIG)
    import_vcard(root, load_vault(root).vault, DATA / "contacts-4.0.vcf")
    people = by_name(load_clean(root))
    k = people["Kenji Watanabe"]
    assert k.phones == ("+81-90-1234-5678", "+81-3-1234-5678")
    assert k.emails == ("kenji@banter.example", "kenji.w@mail.example")
    assert (k.linkedin, k.website) == ("https://jp.linkedin.com/in/kenji-watanabe-example", "https://banter.example")
    assert (k.birthday, k.company, k.role) == (Birthday(4, 12, 1985), "Backend Banter", "Podcast host")
    assert k.body == "Runs the Backend Banter podcast.\nEpisode 112 with me.\n"
    z = people["Zoë Ångström 🚀"]
    assert (z.path, z.company, z.birthday) == ("contacts/zoe-angstrom.md", "Ørsted A/S", Birthday(1, 1))


def test_vcard_skips_people_already_in_the_vault_and_dry_run_writes_nothing(make_vault: MakeVault) -> None:
    root = make_vault({"contacts/kenji.md": "---\nname: K. W.\nemail: KENJI@banter.example\n---\n"}, CONFIG)
    summary = import_vcard(root, load_vault(root).vault, DATA / "contacts-4.0.vcf", dry_run=True)
    assert [r.reason for r in summary.skipped] == [
        "already in the vault as contacts/kenji.md (same email kenji@banter.example)"
    ]
    assert [p.name for p in summary.created] == ["zoe-angstrom.md"]
    assert md_files(root) == ["contacts/kenji.md"]


def test_a_broken_card_is_invalid_and_the_others_are_imported(make_vault: MakeVault, tmp_path: Path) -> None:
    root = make_vault({}, CONFIG)
    vcf = tmp_path / "mixed.vcf"
    vcf.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nthis line has no colon\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Nina Schulz\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Cut Off\r\n",
        encoding="utf-8",
    )
    summary = import_vcard(root, load_vault(root).vault, vcf)
    assert [p.name for p in summary.created] == ["nina-schulz.md", "cut-off.md"]
    assert len(summary.invalid) == 1 and summary.invalid[0].reason.startswith("unreadable")


def test_an_old_windows_1252_vcard_still_reads(make_vault: MakeVault, load_clean: LoadClean, tmp_path: Path) -> None:
    root = make_vault({}, CONFIG)
    vcf = tmp_path / "old.vcf"
    vcf.write_bytes("BEGIN:VCARD\r\nVERSION:2.1\r\nFN:José Núñez\r\nEND:VCARD\r\n".encode("cp1252"))
    import_vcard(root, load_vault(root).vault, vcf)
    assert list(by_name(load_clean(root))) == ["José Núñez"]


@pytest.mark.parametrize(
    ("text", "birthday"),
    [
        ("1985-04-12", Birthday(4, 12, 1985)),
        ("19850412", Birthday(4, 12, 1985)),
        ("1985-04-12T00:00:00Z", Birthday(4, 12, 1985)),
        ("--0412", Birthday(4, 12)),
        ("--04-12", Birthday(4, 12)),
        ("1604-04-12", Birthday(4, 12)),  # Apple's year for "no year"
        ("--0230", None),
        ("0000-02-29", None),  # no year 0 in the calendar; 2000 is not a stand-in for it
        ("someday", None),
    ],
)
def test_vcard_birthdays(text: str, birthday: Birthday | None) -> None:
    assert parse_vcard_birthday(text) == birthday


def test_a_bad_birthday_is_a_warning_and_the_person_is_imported(
    make_vault: MakeVault, load_clean: LoadClean, tmp_path: Path
) -> None:
    root = make_vault({}, CONFIG)
    vcf = tmp_path / "b.vcf"
    vcf.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Tom\r\nBDAY:sometime\r\nEND:VCARD\r\n", encoding="utf-8")
    summary = import_vcard(root, load_vault(root).vault, vcf)
    assert [w.reason for w in summary.warnings] == ["BDAY 'sometime' is not a date; imported without 'birthday'"]
    assert by_name(load_clean(root))["Tom"].birthday is None


def test_import_vcard_command_refuses_a_file_without_cards(
    make_vault: MakeVault, run_cli: RunCli, tmp_path: Path
) -> None:
    root = make_vault({}, CONFIG)
    empty = tmp_path / "empty.vcf"
    empty.write_text("hello\n", encoding="utf-8")
    result = run_cli("--vault", root, "import", "vcard", empty)
    assert result.exit_code == 2 and "no vCard found" in result.stderr
    missing = run_cli("--vault", root, "import", "vcard", tmp_path / "missing.vcf")
    assert missing.exit_code == 2 and "does not exist" in missing.stderr


def test_import_vcard_command_reports_every_card(make_vault: MakeVault, run_cli: RunCli) -> None:
    root = make_vault({}, CONFIG)
    result = run_cli("--vault", root, "import", "vcard", DATA / "contacts-3.0.vcf")
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == 1
    assert "created 1, skipped 1, invalid 1" in result.stderr
    assert "invalid: card 2 (line 20): no name (FN or N)" in result.stderr
