"""Who is who when importing: namesakes and credentials in names (issue 8, items 9 and 10).

A row is skipped only when it is the same person as a contact (or an earlier row): the same
LinkedIn URL or email, or the same name with nothing to tell them apart. A different John
Smith becomes `john-smith-2.md`. Credentials around a LinkedIn name go to `credentials`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import LoadClean, MakeVault, RunCli

from netnotes.importers import import_linkedin, import_vcard
from netnotes.importers.linkedin import split_credentials
from netnotes.loader import load_vault
from netnotes.model import Contact, Vault

HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
CONFIG = "title: test\n"


def connections(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "Connections.csv"
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def by_path(vault: Vault) -> list[Contact]:
    return sorted(vault.contacts, key=lambda c: c.path)


JOHN = "---\nname: John Smith\nlinkedin: https://www.linkedin.com/in/john-smith-acme\ncompany: Acme\n---\n"


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("John,Smith,https://linkedin.com/in/john-smith-globex,,Acme,,", "other LinkedIn URL"),
        ("John,Smith,,,Globex,,", "other company"),
    ],
    ids=["other-url", "other-company"],
)
def test_a_different_john_smith_becomes_a_second_contact(
    load_clean: LoadClean, make_vault: MakeVault, tmp_path: Path, row: str, reason: str
) -> None:
    root = make_vault({"contacts/john-smith.md": JOHN}, config=CONFIG)
    summary = import_linkedin(root, load_vault(root).vault, connections(tmp_path, row))
    assert [p.relative_to(root).as_posix() for p in summary.created] == ["contacts/john-smith-2.md"]
    assert summary.skipped == []
    assert [(r.where, r.name, r.reason) for r in summary.namesakes] == [
        (
            "line 2",
            "John Smith",
            f"contacts/john-smith-2.md is a new contact, not the same person as contacts/john-smith.md ({reason})",
        )
    ]
    assert [c.name for c in by_path(load_clean(root))] == ["John Smith", "John Smith"]


def test_a_different_email_tells_namesakes_apart(make_vault: MakeVault, tmp_path: Path) -> None:
    root = make_vault({"contacts/john-smith.md": "---\nname: John Smith\nemail: js@acme.example\n---\n"}, config=CONFIG)
    summary = import_linkedin(root, load_vault(root).vault, connections(tmp_path, "John,Smith,,john@globex.example,,,"))
    assert [p.name for p in summary.created] == ["john-smith-2.md"]
    assert "(other email)" in summary.namesakes[0].reason


@pytest.mark.parametrize(
    "row",
    [
        "John,Smith,https://www.linkedin.com/in/john-smith-acme/,,,,",  # same URL, whatever else
        'John,Smith,,,"ACME, Inc.",,',  # same name, same company (by company key), no URL to compare
        "john,SMITH,,,,,",  # same name, nothing to tell them apart
    ],
    ids=["same-url", "same-company", "nothing-differs"],
)
def test_the_same_john_smith_is_skipped(make_vault: MakeVault, tmp_path: Path, row: str) -> None:
    root = make_vault({"contacts/john-smith.md": JOHN}, config=CONFIG)
    summary = import_linkedin(root, load_vault(root).vault, connections(tmp_path, row))
    assert summary.created == [] and summary.namesakes == []
    assert [r.reason.split(" (")[0] for r in summary.skipped] == ["already in the vault as contacts/john-smith.md"]


def test_two_john_smiths_in_one_file_are_two_notes(
    load_clean: LoadClean, make_vault: MakeVault, tmp_path: Path
) -> None:
    root = make_vault({}, config=CONFIG)
    summary = import_linkedin(
        root,
        load_vault(root).vault,
        connections(
            tmp_path,
            "John,Smith,https://linkedin.com/in/js-one,,Acme,,",
            "John,Smith,https://linkedin.com/in/js-two,,Globex,,",
            "John,Smith,https://linkedin.com/in/js-one/,,Acme,,",  # the first one again
        ),
    )
    assert [p.name for p in summary.created] == ["john-smith.md", "john-smith-2.md"]
    assert [(r.where, r.reason) for r in summary.skipped] == [
        ("line 4", "same person as line 2 (same LinkedIn URL linkedin.com/in/js-one)")
    ]
    assert [r.reason for r in summary.namesakes] == [
        "contacts/john-smith-2.md is a new contact, not the same person as line 2 (other LinkedIn URL)"
    ]
    assert {c.id: (c.company, c.linkedin) for c in by_path(load_clean(root))} == {
        "john-smith": ("Acme", "https://linkedin.com/in/js-one"),
        "john-smith-2": ("Globex", "https://linkedin.com/in/js-two"),
    }


def test_a_row_matched_to_a_contact_tells_later_namesakes_apart(make_vault: MakeVault, tmp_path: Path) -> None:
    # the vault's John Smith has no URL: the first row is him; then his URL is known, and a
    # John Smith with another URL is somebody else
    root = make_vault({"contacts/john-smith.md": "---\nname: John Smith\n---\n"}, config=CONFIG)
    summary = import_linkedin(
        root,
        load_vault(root).vault,
        connections(
            tmp_path, "John,Smith,https://linkedin.com/in/js-one,,,,", "John,Smith,https://linkedin.com/in/js-two,,,,"
        ),
    )
    assert [r.where for r in summary.skipped] == ["line 2"]
    assert [p.name for p in summary.created] == ["john-smith-2.md"]


def test_vcard_namesakes_with_different_emails_are_two_notes(
    load_clean: LoadClean, make_vault: MakeVault, tmp_path: Path
) -> None:
    root = make_vault({}, config=CONFIG)
    vcf = tmp_path / "c.vcf"
    vcf.write_text(
        "".join(
            f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:John Smith\r\nEMAIL:{e}\r\nEND:VCARD\r\n"
            for e in ("js@acme.example", "john@globex.example", "JS@acme.example")
        ),
        encoding="utf-8",
    )
    summary = import_vcard(root, load_vault(root).vault, vcf)
    assert [p.name for p in summary.created] == ["john-smith.md", "john-smith-2.md"]
    assert [r.reason for r in summary.skipped] == ["same person as card 1 (line 1) (same email js@acme.example)"]
    assert {c.id: c.emails for c in by_path(load_clean(root))} == {
        "john-smith": ("js@acme.example",),
        "john-smith-2": ("john@globex.example",),
    }


def test_the_import_command_lists_the_namesakes_it_created(
    make_vault: MakeVault, run_cli: RunCli, tmp_path: Path
) -> None:
    root = make_vault({"contacts/john-smith.md": JOHN}, config=CONFIG)
    csv_file = connections(
        tmp_path,
        "John,Smith,https://linkedin.com/in/john-smith-globex,,Globex,,",
        "Ana,Ruiz,,,,,",
        "John,Smith,https://linkedin.com/in/john-smith-acme,,Acme,,",
    )
    result = run_cli("--vault", root, "import", "linkedin", csv_file)
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == [
        "skipped: line 4 (John Smith): already in the vault as contacts/john-smith.md "
        "(same LinkedIn URL linkedin.com/in/john-smith-acme)",
        "namesake: line 2 (John Smith): contacts/john-smith-2.md is a new contact, not the same person as "
        "contacts/john-smith.md (other LinkedIn URL)",
        "created 2 (1 namesake), skipped 1, invalid 0",
    ]


# ---------------------------------------------------------------------------------------------
# Credentials


def test_credentials_come_off_linkedin_names_into_a_custom_field(
    load_clean: LoadClean, make_vault: MakeVault, tmp_path: Path
) -> None:
    root = make_vault({}, config=CONFIG)
    csv_file = connections(
        tmp_path,
        '"Priya","Natarajan, PhD",,,,,',
        "Sam,Lee MBA,,,,,",
        "Dr. Ana,Ruiz,,,,,",
        '"Jo","Park, CFA, CPA",,,,,',
        "Wei,MA,,,,,",
    )
    import_linkedin(root, load_vault(root).vault, csv_file)
    assert [(c.name, dict(c.custom).get("credentials")) for c in by_path(load_clean(root))] == [
        ("Ana Ruiz", ["Dr."]),
        ("Jo Park", ["CFA", "CPA"]),
        ("Priya Natarajan", ["PhD"]),
        ("Sam Lee", ["MBA"]),
        ("Wei MA", None),
    ]
    assert "name: Priya Natarajan\n" in (root / "contacts/priya-natarajan.md").read_text(encoding="utf-8")
    assert "credentials: [PhD]\n" in (root / "contacts/priya-natarajan.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("first", "last", "name", "credentials"),
    [
        ("Priya", "Natarajan, PhD", "Priya Natarajan", ["PhD"]),
        ("Jane", "Doe, Ph.D.", "Jane Doe", ["Ph.D."]),
        ("Lee", "Chan MBA PMP", "Lee Chan", ["MBA", "PMP"]),
        ("Prof. Dr. Hans", "Meyer", "Hans Meyer", ["Prof.", "Dr."]),
        ("Sam Lee MBA", "", "Sam Lee", ["MBA"]),
        ("Wei", "MA", "Wei MA", []),  # a whole surname never goes
        ("Ana", "Ma", "Ana Ma", []),  # 'Ma' is a surname; the degree is written MA
        ("Kim", "Do", "Kim Do", []),
        ("Dr.", "Ruiz", "Dr. Ruiz", []),  # a whole first name never goes either
        ("John", "Smith Jr.", "John Smith Jr.", []),  # generational suffixes are part of the name
        ("Ama", "Ng, Jr, PhD", "Ama Ng, Jr", ["PhD"]),
    ],
)
def test_which_words_are_credentials(first: str, last: str, name: str, credentials: list[str]) -> None:
    assert split_credentials(first, last) == (name, credentials)


def test_a_known_person_is_recognised_by_the_name_without_credentials(make_vault: MakeVault, tmp_path: Path) -> None:
    root = make_vault({"contacts/priya.md": "---\nname: Priya Natarajan\n---\n"}, config=CONFIG)
    summary = import_linkedin(root, load_vault(root).vault, connections(tmp_path, '"Priya","Natarajan, PhD",,,,,'))
    assert summary.created == []
    assert [r.reason for r in summary.skipped] == [
        "already in the vault as contacts/priya.md (same name priya natarajan)"
    ]
