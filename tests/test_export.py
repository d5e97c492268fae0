"""`netnotes export ics|vcard|json` (issue 5): vCards that read back, JSON of the whole model, ICS."""

from __future__ import annotations

import datetime as dt
import json
import re
import tempfile
from pathlib import Path
from typing import Any

import pytest
import vobject
from conftest import LoadClean, MakeVault, RunCli, write_vault
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netnotes.calendar import build_calendar
from netnotes.dates import Birthday
from netnotes.exporters import export_json, export_vcard
from netnotes.importers import import_vcard
from netnotes.loader import load_vault
from netnotes.model import Contact, Vault
from netnotes.writer import new_contact

EXAMPLE = Path(__file__).parent.parent / "example-vault"
DOCS = Path(__file__).parent.parent / "docs"
TODAY = dt.date(2026, 11, 20)
CONFIG = "title: test\ncircles:\n  inner: 3w\n"


def card_facts(c: Contact) -> tuple[object, ...]:
    """What a vCard carries: the fields that must survive export -> import."""
    return (
        c.name,
        c.aliases,
        c.emails,
        c.phones,
        c.company,
        c.role,
        c.birthday,
        c.linkedin,
        c.website,
        c.tags,
        c.body.strip("\n"),
    )


def reimport(vault: Vault, tmp: Path, load_clean: LoadClean) -> dict[str, Contact]:
    """Export ``vault`` as vCard, import it into an empty vault, return the new contacts by name."""
    vcf = tmp / "export.vcf"
    vcf.write_text(export_vcard(vault), encoding="utf-8", newline="")
    fresh = write_vault(tmp / "fresh", {}, CONFIG)
    summary = import_vcard(fresh, load_clean(fresh), vcf)
    assert summary.invalid == [] and summary.warnings == []
    return {c.name: c for c in load_clean(fresh).contacts}


# ---------------------------------------------------------------------------------------------
# vCard


def test_example_vault_exports_to_vcards_that_import_back_to_the_same_contacts(
    load_clean: LoadClean, tmp_path: Path
) -> None:
    vault = load_vault(EXAMPLE).vault
    back = reimport(vault, tmp_path, load_clean)
    assert sorted(back) == sorted(c.name for c in vault.contacts)
    for c in vault.contacts:
        assert card_facts(back[c.name]) == card_facts(c), c.name


HOSTILE_CONTACT: dict[str, Any] = dict(
    aliases=["Doe, J.", "J;D", "back\\slash"],
    company="Acme; Inc., Ltd",
    role='CTO: "boss", founder',
    email=["j@x.example", "J.Doe@Work.example"],
    phone=["+1 (555) 010-2030", "tel;ext=5"],
    linkedin="https://www.linkedin.com/in/jane?x=1,2",
    website="https://jane.example/a;b,c",
    tags=["a,b", "ml"],
    birthday="--02-29",
    body="Line one, with a comma; and a semicolon.\n\\n is not a newline\n---\n# heading\n\nEmoji 🚀 and 李小龍\n",
)


def test_hostile_values_survive_vcard_export_and_import(
    make_vault: MakeVault, load_clean: LoadClean, tmp_path: Path
) -> None:
    root = make_vault({}, CONFIG)
    new_contact(root, 'Jane "JD" Doe, PhD; 🚀', **HOSTILE_CONTACT)
    new_contact(root, "Ørjan Ødegård", birthday="1979-12-31", company="---")
    vault = load_clean(root)
    back = reimport(vault, tmp_path, load_clean)
    for c in vault.contacts:
        assert card_facts(back[c.name]) == card_facts(c)
    assert back["Ørjan Ødegård"].birthday == Birthday(12, 31, 1979)


def test_vcard_output_is_version_4_with_crlf_folded_lines_and_stable_uids() -> None:
    vault = load_vault(EXAMPLE).vault
    text = export_vcard(vault)
    cards = text.split("BEGIN:VCARD\r\n")[1:]
    assert len(cards) == len(vault.contacts)
    assert all(card.startswith("VERSION:4.0\r\n") for card in cards)  # VERSION right after BEGIN
    assert "\n" not in text.replace("\r\n", "")
    assert all(len(line.encode("utf-8")) <= 75 for line in text.split("\r\n"))
    assert export_vcard(vault) == text
    uids = re.findall(r"^UID:(.*)\r$", text, flags=re.M)
    assert len(set(uids)) == len(vault.contacts) and all(u.startswith("urn:uuid:") for u in uids)
    assert "BDAY:19851202\r\n" in text  # David Park, basic date format


def test_vcard_output_is_read_by_an_independent_parser() -> None:
    vault = load_vault(EXAMPLE).vault
    cards = list(vobject.readComponents(export_vcard(vault)))
    assert [card.fn.value for card in cards] == [c.name for c in vault.contacts]
    david = next(card for card in cards if card.fn.value == "David Park")
    assert [e.value for e in david.email_list] == ["david.park@lumenhealth.example"]
    assert david.org.value == ["Lumen Health"]


def test_a_yearless_birthday_exports_as_dash_dash_month_day(make_vault: MakeVault, load_clean: LoadClean) -> None:
    root = make_vault({}, CONFIG)
    new_contact(root, "Nina", birthday="--03-05")
    assert "BDAY:--0305\r\n" in export_vcard(load_clean(root))


NAMES = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=30).filter(
    lambda s: s.strip() != ""
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=NAMES, company=NAMES, role=NAMES)
def test_any_name_company_and_role_survive_vcard_round_trip(
    load_clean: LoadClean, name: str, company: str, role: str
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = write_vault(Path(tmp) / "v", {}, CONFIG)
        new_contact(root, name, company=company, role=role)
        vault = load_clean(root)
        back = reimport(vault, Path(tmp), load_clean)
        (c,) = vault.contacts
        assert card_facts(back[c.name]) == card_facts(c)


# ---------------------------------------------------------------------------------------------
# JSON


def test_json_has_the_whole_model_with_a_version_and_iso_dates() -> None:
    vault = load_vault(EXAMPLE).vault
    doc = json.loads(export_json(vault, TODAY))
    assert list(doc) == ["version", "generated_for", "config", "contacts", "interactions", "asks", "due"]
    assert (doc["version"], doc["generated_for"]) == (1, "2026-11-20")
    assert doc["config"]["circles"] == {"inner": "3w", "active": "2m", "wider": "6m"}
    assert [c["id"] for c in doc["contacts"]] == [c.id for c in vault.contacts]
    assert len(doc["interactions"]) == len(vault.interactions) and len(doc["asks"]) == len(vault.asks)
    david = next(c for c in doc["contacts"] if c["id"] == "david-park")
    assert (david["birthday"], david["since"], david["custom"]) == (
        "1985-12-02",
        "2016-09-01",
        {"children": "Maya and Leo"},
    )
    lunch = next(i for i in doc["interactions"] if i["id"] == "2026-08-20-lunch-david-partitioning")
    assert lunch["with"] == ["david-park"] and re.fullmatch(r"\d{4}-\d{2}-\d{2}", lunch["follow_up"])
    assert doc["due"][0]["status"] == "overdue"


def test_json_is_deterministic_and_depends_on_today_only_through_due_and_strength(tmp_path: Path) -> None:
    vault = load_vault(EXAMPLE).vault
    first, second = export_json(vault, TODAY), export_json(load_vault(EXAMPLE).vault, TODAY)
    assert first == second
    later = json.loads(export_json(vault, TODAY + dt.timedelta(days=30)))
    now = json.loads(first)

    def without_today(doc: dict[str, Any]) -> dict[str, Any]:
        contacts = [{k: v for k, v in c.items() if k != "strength"} for c in doc["contacts"]]
        return {**{k: v for k, v in doc.items() if k not in ("generated_for", "due")}, "contacts": contacts}

    assert without_today(now) == without_today(later)
    # strength (section 8) is measured at --today: a month later, everyone's notes are older
    assert [c["strength"] for c in now["contacts"]] != [c["strength"] for c in later["contacts"]]


def test_json_turns_custom_values_into_json(make_vault: MakeVault) -> None:
    root = make_vault(
        {
            "contacts/x.md": (
                "---\nname: X\nmet_on: 2024-01-02\nscore: .nan\n"
                "nested: {when: 2024-05-06, list: [1, 2.5, true, null]}\n---\n"
            )
        },
        CONFIG,
    )
    (x,) = json.loads(export_json(load_vault(root).vault, TODAY))["contacts"]
    assert x["custom"] == {
        "met_on": "2024-01-02",
        "score": "nan",
        "nested": {"when": "2024-05-06", "list": [1, 2.5, True, None]},
    }


def test_every_exported_key_is_documented() -> None:
    doc = json.loads(export_json(load_vault(EXAMPLE).vault, TODAY))
    documented = set(re.findall(r"`([a-z_]+)`", (DOCS / "json-export.md").read_text(encoding="utf-8")))
    keys = (
        set(doc)
        | set(doc["config"])
        | set(doc["contacts"][0])
        | set(doc["interactions"][0])
        | set(doc["asks"][0])
        | set(doc["due"][0])
    )
    assert keys - documented == set()


# ---------------------------------------------------------------------------------------------
# The command


def test_export_ics_is_the_calendar_of_follow_ups(run_cli: RunCli) -> None:
    result = run_cli("--vault", EXAMPLE, "export", "ics", "--today", "2026-11-20")
    assert result.exit_code == 0
    assert result.stdout_bytes == build_calendar(load_vault(EXAMPLE).vault, TODAY)
    assert result.stdout_bytes.startswith(b"BEGIN:VCALENDAR\r\n")


def test_a_title_with_a_line_break_or_a_comma_is_escaped_in_the_calendar(
    make_vault: MakeVault, run_cli: RunCli
) -> None:
    """The vault's title is the calendar's name (TEXT): icalendar refuses a bare line break."""
    import icalendar

    root = make_vault(
        {"contacts/ok.md": "---\nname: Okay\nbirthday: 1990-02-03\n---\n"}, config='title: "My\\nNet; a, b"\n'
    )
    result = run_cli("--vault", root, "export", "ics", "--today", "2026-11-20")
    assert result.exit_code == 0, result.output
    assert b"X-WR-CALNAME:My\\nNet\\; a\\, b: follow-ups\r\n" in result.stdout_bytes
    name = str(icalendar.Calendar.from_ical(result.stdout_bytes)["x-wr-calname"])  # parsed, as written
    unescaped = re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), name)  # RFC 5545 TEXT
    assert unescaped == "My\nNet; a, b: follow-ups"
    built = run_cli("--vault", root, "build", "--today", "2026-11-20")
    assert built.exit_code == 0 and (root / "_site/followups.ics").read_bytes() == result.stdout_bytes


@pytest.mark.parametrize("fmt", ["ics", "vcard", "json"])
def test_export_to_a_file_replaces_it_whole_and_prints_its_path(run_cli: RunCli, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"out.{fmt}"
    out.write_text("old contents that are longer than nothing\n" * 1000, encoding="utf-8")
    result = run_cli("--vault", EXAMPLE, "export", fmt, "-o", out, "--today", "2026-11-20")
    assert result.exit_code == 0
    assert result.stdout.strip().endswith(f"out.{fmt}")
    stdout = run_cli("--vault", EXAMPLE, "export", fmt, "--today", "2026-11-20").stdout_bytes
    assert out.read_bytes() == stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"out.{fmt}"]  # no temporary file left


@pytest.mark.parametrize("target", ["contacts/ok.md", "contacts/sub/NEW.MD", "netnotes.yaml"])
def test_export_never_writes_over_the_vaults_own_files(make_vault: MakeVault, run_cli: RunCli, target: str) -> None:
    root = make_vault({"contacts/ok.md": "---\nname: Okay\n---\n"}, config="title: Mine\n")
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    result = run_cli("--vault", root, "export", "json", "-o", root / target)
    assert result.exit_code == 2
    assert "the vault reads" in result.stderr
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before


def test_export_json_from_the_command_parses(run_cli: RunCli) -> None:
    result = run_cli("--vault", EXAMPLE, "export", "json", "--today", "2026-11-20")
    assert json.loads(result.stdout)["generated_for"] == "2026-11-20"


def test_export_still_writes_when_the_vault_has_errors_and_exits_1(make_vault: MakeVault, run_cli: RunCli) -> None:
    root = make_vault(
        {
            "contacts/ok.md": "---\nname: Okay\n---\n",
            "contacts/bad.md": "---\nname: Bad\ncircle: nope\n---\n",
        },
        CONFIG,
    )
    result = run_cli("--vault", root, "export", "vcard")
    assert result.exit_code == 1
    assert "FN:Okay" in result.stdout and "FN:Bad" in result.stdout
    # Commands other than check sum the vault's problems up in one line (contract section 6).
    assert result.stderr == "1 problem (1 error) in the vault: run netnotes check\n"


def test_export_refuses_an_unknown_format(run_cli: RunCli) -> None:
    result = run_cli("--vault", EXAMPLE, "export", "csv")
    assert result.exit_code == 2 and "'csv' is not one of" in result.stderr
