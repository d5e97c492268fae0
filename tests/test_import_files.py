"""The files `import linkedin` reads: any spreadsheet's CSV, and LinkedIn's export .zip (issue 8, item 11).

A CSV saved by Excel in many locales is separated by ';' (or by tabs, as UTF-16 "Unicode text");
LinkedIn sends its export as a .zip, read straight, never extracted. A zip bomb is refused.
"""

from __future__ import annotations

import datetime as dt
import struct
import zipfile
from pathlib import Path
from typing import Protocol

import pytest
from conftest import LoadClean, MakeVault, RunCli, write_vault

import netnotes.importers.files
from netnotes.loader import load_vault

CONFIG = "title: test\n"
DATA = Path(__file__).parent / "data" / "import"
LINKEDIN = (DATA / "Connections.csv").read_text(encoding="utf-8")


class Imported(Protocol):
    def __call__(self, vault: Path, export: Path) -> list[str]: ...


@pytest.fixture
def imported(run_cli: RunCli, load_clean: LoadClean) -> Imported:
    """``imported(vault, export)``: `import linkedin` into ``vault``, which must succeed; then every
    contact's name, sorted, once `check` finds nothing wrong in the vault."""

    def run(vault: Path, export: Path) -> list[str]:
        result = run_cli("--vault", vault, "import", "linkedin", export)
        assert result.exit_code == 0, result.stderr
        return sorted(c.name for c in load_clean(vault).contacts)

    return run


@pytest.fixture
def comma_names(imported: Imported, tmp_path: Path) -> list[str]:
    """The people in the test export, imported from LinkedIn's own comma-separated file."""
    return imported(write_vault(tmp_path / "comma", {}, CONFIG), DATA / "Connections.csv")


def test_a_semicolon_separated_csv_reads_like_linkedins_own(
    imported: Imported, make_vault: MakeVault, tmp_path: Path
) -> None:
    export = tmp_path / "Connections-excel.csv"
    export.write_text(
        'Notes:\n"When exporting; you may notice"\n\n'
        "First Name;Last Name;URL;Email Address;Company;Position;Connected On\n"
        'Priya;Natarajan;https://www.linkedin.com/in/priya-natarajan-example;;Quillmark;"Director; Tools";15 Mar 2024\n'
        "Ana;Müller-Świątek;;;Acme, Inc.;VP, Sales;7 Nov 2025\n",
        encoding="utf-8-sig",
    )
    root = make_vault({}, config=CONFIG)
    assert imported(root, export) == ["Ana Müller-Świątek", "Priya Natarajan"]
    people = {c.name: c for c in load_vault(root).vault.contacts}
    assert (people["Priya Natarajan"].role, people["Ana Müller-Świątek"].company) == ("Director; Tools", "Acme, Inc.")
    assert people["Priya Natarajan"].since == dt.date(2024, 3, 15)


def test_a_semicolon_separated_windows_1252_csv(imported: Imported, make_vault: MakeVault, tmp_path: Path) -> None:
    export = tmp_path / "Connections.csv"
    export.write_bytes("sep=;\r\nFirst Name;Last Name;Company\r\nJosé;Núñez;Café, Ltd\r\n".encode("cp1252"))
    root = make_vault({}, config=CONFIG)
    assert imported(root, export) == ["José Núñez"]
    assert load_vault(root).vault.contacts[0].company == "Café, Ltd"


def test_a_tab_separated_utf16_file_reads_too(imported: Imported, make_vault: MakeVault, tmp_path: Path) -> None:
    export = tmp_path / "Connections.txt"
    rows = [
        line.split(",")
        for line in (
            "First Name,Last Name,URL,Email Address,Company,Position,Connected On",
            "Zoë,Ångström,,zoe@orsted.example,Ørsted,Engineer,01 Dec 2025",
        )
    ]
    export.write_bytes("\r\n".join("\t".join(r) for r in rows).encode("utf-16"))
    assert imported(make_vault({}, config=CONFIG), export) == ["Zoë Ångström"]


def zip_of(path: Path, members: dict[str, str | bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_linkedins_export_zip_is_read_straight(
    imported: Imported, make_vault: MakeVault, tmp_path: Path, comma_names: list[str]
) -> None:
    export = zip_of(
        tmp_path / "Basic_LinkedInDataExport_11-20-2026.zip",
        {
            "Basic_LinkedInDataExport_11-20-2026/Profile.csv": "First Name,Last Name\nSam,Example\n",
            "Basic_LinkedInDataExport_11-20-2026/messages.csv": "CONVERSATION ID,FROM\n1,x\n",
            "Basic_LinkedInDataExport_11-20-2026/CONNECTIONS.CSV": LINKEDIN,
        },
    )
    root = make_vault({}, config=CONFIG)
    before = sorted(p.name for p in tmp_path.iterdir())
    assert imported(root, export) == comma_names
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing extracted beside the zip
    assert sorted(p.relative_to(root).parts[0] for p in root.rglob("*") if p.is_file()) == ["contacts"] * 7 + [
        "netnotes.yaml"
    ]


def test_a_zip_without_connections_csv_exits_2(make_vault: MakeVault, run_cli: RunCli, tmp_path: Path) -> None:
    root = make_vault({}, config=CONFIG)
    export = zip_of(tmp_path / "Complete_LinkedInDataExport.zip", {"Profile.csv": "First Name,Last Name\n"})
    result = run_cli("--vault", root, "import", "linkedin", export)
    assert (result.exit_code, result.stderr) == (2, "Error: Complete_LinkedInDataExport.zip has no Connections.csv\n")
    assert not (root / "contacts").exists()


def test_a_broken_zip_exits_2_without_a_traceback(make_vault: MakeVault, run_cli: RunCli, tmp_path: Path) -> None:
    root = make_vault({}, config=CONFIG)
    whole = zip_of(tmp_path / "whole.zip", {"Connections.csv": LINKEDIN}).read_bytes()
    export = tmp_path / "cut.zip"
    export.write_bytes(whole[: len(whole) // 2])
    result = run_cli("--vault", root, "import", "linkedin", export)
    assert result.exit_code == 2 and result.stderr.startswith("Error: cut.zip is not a readable zip file")


def test_a_zip_bomb_is_refused(
    make_vault: MakeVault, run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(netnotes.importers.files, "ZIP_READ_LIMIT", 1024 * 1024)
    root = make_vault({}, config=CONFIG)
    bomb = zip_of(tmp_path / "bomb.zip", {"Connections.csv": LINKEDIN + "\n" * (2 * 1024 * 1024)})
    assert bomb.stat().st_size < 20_000
    result = run_cli("--vault", root, "import", "linkedin", bomb)
    assert (result.exit_code, result.stderr) == (
        2,
        "Error: Connections.csv in bomb.zip is larger than 1 MiB uncompressed; refusing to read it\n",
    )


def test_a_zip_that_lies_about_its_size_is_not_read_past_what_it_claims(
    make_vault: MakeVault, run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(netnotes.importers.files, "ZIP_READ_LIMIT", 1024 * 1024)
    root = make_vault({}, config=CONFIG)
    liar = zip_of(tmp_path / "liar.zip", {"Connections.csv": LINKEDIN + "\n" * (2 * 1024 * 1024)})
    data = bytearray(liar.read_bytes())
    # claim 100 bytes in the local header (offset 22) and in the central directory (offset 24)
    struct.pack_into("<I", data, 22, 100)
    central = data.rfind(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 24, 100)
    liar.write_bytes(bytes(data))
    result = run_cli("--vault", root, "import", "linkedin", liar)
    assert result.exit_code == 2 and result.stderr.startswith("Error: liar.zip is not a readable zip file")


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Name;Phone;E-mail\nJane;123;j@x.example\n", "found 'Name', 'Phone', 'E-mail'"),
        ("Vorname\tNachname\tFirma\n", "found 'Vorname', 'Nachname', 'Firma'"),
        ("", "found no columns (the file is empty)"),
    ],
    ids=["semicolons", "tabs", "empty"],
)
def test_a_csv_without_linkedins_header_says_what_was_expected_and_found(
    make_vault: MakeVault, run_cli: RunCli, tmp_path: Path, text: str, found: str
) -> None:
    root = make_vault({}, config=CONFIG)
    export = tmp_path / "export.csv"
    export.write_text(text, encoding="utf-8")
    result = run_cli("--vault", root, "import", "linkedin", export)
    assert (result.exit_code, result.stderr) == (
        2,
        (
            "Error: not a LinkedIn Connections.csv: no header row with 'First Name' and 'Last Name' (expected the "
            "columns First Name, Last Name, URL, Email Address, Company, Position, Connected On, separated by ',' "
            f"';' or a tab; {found})\n"
        ),
    )
