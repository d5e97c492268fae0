"""`netnotes import linkedin-messages` (issue 13 item 1): LinkedIn's messages.csv as history.

Each file here is written the way LinkedIn's data export writes it: every cell quoted only when it
must be, `CONTENT` spanning lines, HTML in some messages, group chats, names whose accents were
decoded twice on the way (`JosÃ©`), spam and sponsored messages, empty `SUBJECT`s.
"""

from __future__ import annotations

import csv
import difflib
import io
import os
import textwrap
import zipfile
from pathlib import Path

import pytest
from conftest import LoadClean, MakeVault, RunCli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netnotes.importers import ImportFileError, history, import_linkedin_messages
from netnotes.importers.messages import parse_message_date, plain_text, repaired_name
from netnotes.loader import load_vault
from netnotes.model import Interaction, Vault

HEADER = (
    "CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,RECIPIENT PROFILE URLS,DATE,SUBJECT,CONTENT,FOLDER"
)
ME = "https://www.linkedin.com/in/sam-example"
JANE = "https://www.linkedin.com/in/jane-doe-42"
PRIYA = "https://www.linkedin.com/in/priya"
JOSE, OLA = "https://www.linkedin.com/in/jgarcia", "https://www.linkedin.com/in/ola-nordmann"
JANE_CONV = "2-YzQ5ZTk1NGQtNmJkOS00NDk0LWI0ZDYtZTc0OGY0MGYxZjU2XzAxMA=="  # as long as LinkedIn's
GROUP_CONV = "2-NDI4MTg5ZjMtM2JkYy00ZTg3LTg0NjgtNDQ2MGE1ZDdiMzNhXzAxMw=="

CONTACTS = {
    "netnotes.yaml": "title: test\n",
    "contacts/jane-doe.md": """
        ---
        name: Jane Doe
        linkedin: https://linkedin.com/in/Jane-Doe-42/?trk=people
        ---
        """,
    "contacts/jose-garcia.md": """
        ---
        name: José García
        company: Quillmark
        ---
        """,
    "contacts/priya.md": """
        ---
        name: Priya Natarajan
        ---
        """,
}

# The first export: a 1:1 over two days (one message with HTML, one spanning lines), a group
# chat with a mis-decoded name and a stranger, a sponsored message and a spam message.
EXPORT = f"""\
{HEADER}
{JANE_CONV},,Jane Doe,{JANE},Sam Example,{ME},2024-03-15 14:03:22 UTC,,"Hi Sam,

great to meet you at PyCon. Coffee next week?",INBOX
{JANE_CONV},,Sam Example,{ME},Jane Doe,{JANE},2024-03-15 15:10:05 UTC,,"<p>Sure &amp; thanks!</p><p>Here is \
the <a href=""https://example.org/talk"">talk</a></p>",SENT
{JANE_CONV},,Jane Doe,{JANE},Sam Example,{ME},2024-03-15 23:59:59 UTC,,Tuesday works.,INBOX
{JANE_CONV},,Jane Doe,{JANE},Sam Example,{ME},2024-03-16 00:00:01 UTC,,See you then!,INBOX
{GROUP_CONV},PyCon speakers,JosÃ© GarcÃ­a,{JOSE},"Sam Example,Ola Nordmann","{ME},{OLA}",\
2024-03-16 09:00:00 UTC,,Hola a todos,ARCHIVE
{GROUP_CONV},PyCon speakers,Ola Nordmann,{OLA},"Sam Example,JosÃ© GarcÃ­a","{ME},{JOSE}",\
2024-03-16 09:05:00 UTC,,Hei!,ARCHIVE
2-c3BvbnNvcmVk,,Acme Cloud,https://www.linkedin.com/company/acme-cloud,Sam Example,{ME},\
2024-03-17 08:00:00 UTC,Try Acme,Sponsored content,SPONSORED_INBOX
2-c3BhbQ==,,Crypto Guru,https://www.linkedin.com/in/crypto-guru,Sam Example,{ME},\
2024-03-17 09:00:00 UTC,,Invest now,SPAM
"""

JANE_15 = "interactions/2024/2024-03-15-linkedin-jane-doe-4158d401.md"
JANE_16 = "interactions/2024/2024-03-16-linkedin-jane-doe-4158d401.md"
GROUP_16 = "interactions/2024/2024-03-16-linkedin-jose-garcia-672d4931.md"


def md_files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*.md"))


def interactions(vault: Vault) -> dict[str, Interaction]:
    return {i.path: i for i in vault.interactions}


def exported(tmp_path: Path, text: str, name: str = "messages.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", newline="")
    return path


def rows(*cells: tuple[str, ...]) -> str:
    """A messages.csv holding these rows, quoted the way LinkedIn quotes."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER.split(","))
    writer.writerows(cells)
    return out.getvalue()


def one(conversation: str, sender: str, url: str, to: str, to_url: str, date: str, content: str) -> tuple[str, ...]:
    return (conversation, "", sender, url, to, to_url, date, "", content, "INBOX")


# ---------------------------------------------------------------------------------------------
# One interaction per conversation per UTC day


def test_each_conversation_day_becomes_one_linkedin_interaction_with_its_messages(
    make_vault: MakeVault, load_clean: LoadClean, tmp_path: Path
) -> None:
    root = make_vault(CONTACTS)
    summary = import_linkedin_messages(root, load_vault(root).vault, exported(tmp_path, EXPORT))
    assert [p.relative_to(root).as_posix() for p in summary.written] == [JANE_15, GROUP_16, JANE_16]
    notes = interactions(load_clean(root))
    assert (root / JANE_15).read_text(encoding="utf-8") == textwrap.dedent(
        f"""\
        ---
        date: 2024-03-15
        with: jane-doe
        kind: linkedin
        title: LinkedIn messages with Jane Doe
        source: linkedin 2024-03-15 {JANE_CONV}
        ---
        **14:03:22 UTC** Jane Doe

        > Hi Sam,
        >
        > great to meet you at PyCon. Coffee next week?

        **15:10:05 UTC** Sam Example

        > Sure & thanks!
        >
        > Here is the talk (https://example.org/talk)

        **23:59:59 UTC** Jane Doe

        > Tuesday works.
        """
    )
    # A second after midnight UTC is the next day, wherever the import runs.
    assert notes[JANE_16].body == "**00:00:01 UTC** Jane Doe\n\n> See you then!\n"
    group = notes[GROUP_16]
    assert (group.with_, group.title) == (("jose-garcia",), "PyCon speakers")  # Ola is no contact
    assert group.body.startswith("**09:00:00 UTC** José García\n\n> Hola a todos\n")


def test_the_summary_counts_people_matched_and_lists_the_unmatched_with_their_messages(
    make_vault: MakeVault, tmp_path: Path
) -> None:
    root = make_vault(CONTACTS)
    summary = import_linkedin_messages(root, load_vault(root).vault, exported(tmp_path, EXPORT))
    assert summary.row_lines() == ["unmatched: Ola Nordmann (linkedin.com/in/ola-nordmann): 2 messages"]
    assert summary.tally() == (
        "wrote 3 interactions, 0 already imported; 2 people matched, 1 unmatched (2 messages); "
        "skipped 1 sponsored message, 1 message in the SPAM folder"
    )


def test_people_are_matched_by_linkedin_url_then_by_name_ignoring_accents_and_credentials(
    make_vault: MakeVault, load_clean: LoadClean, tmp_path: Path
) -> None:
    root = make_vault(CONTACTS)
    text = rows(
        # the URL matches Jane's (no scheme, www, trailing slash or query), whatever the name says
        one("c1", "J. Doe", "linkedin.com/in/jane-doe-42", "Sam Example", ME, "2024-05-01 10:00:00 UTC", "a"),
        one(
            "c2", "Jose Garcia", "https://www.linkedin.com/in/ACoAAB", "Sam Example", ME, "2024-05-01 10:00:00 UTC", "b"
        ),
        one("c3", "Priya Natarajan, PhD", "", "Sam Example", ME, "2024-05-01 10:00:00 UTC", "c"),
    )
    summary = import_linkedin_messages(root, load_vault(root).vault, exported(tmp_path, text))
    notes = load_clean(root).interactions
    assert sorted(i.with_ for i in notes) == [("jane-doe",), ("jose-garcia",), ("priya",)]
    assert (summary.matched, summary.unmatched) == (3, [])


def test_the_user_is_who_is_in_every_conversation_or_names_themself(make_vault: MakeVault, tmp_path: Path) -> None:
    root = make_vault(CONTACTS)
    jane, priya = "https://www.linkedin.com/in/jane-doe-42", "https://www.linkedin.com/in/priya"
    # Only one conversation: Jane and Sam are both in every one, and neither sent from SENT.
    text = rows(one("c1", "Jane Doe", jane, "Sam Example", ME, "2024-05-01 10:00:00 UTC", "Hi"))
    with pytest.raises(ImportFileError, match="cannot tell which participant is you.*pass --me"):
        import_linkedin_messages(root, load_vault(root).vault, exported(tmp_path, text))
    summary = import_linkedin_messages(root, load_vault(root).vault, exported(tmp_path, text), me=ME + "/")
    assert len(summary.written) == 1
    # Two conversations: Sam is the one in both.
    text += rows(one("c2", "Priya Natarajan", priya, "Sam Example", ME, "2024-05-02 10:00:00 UTC", "Yo"))[
        len(HEADER) + 1 :
    ]
    summary = import_linkedin_messages(root, load_vault(root).vault, exported(tmp_path, text), dry_run=True)
    assert [p.name[:24] for p in summary.written] == ["2024-05-02-linkedin-priy"]
    with pytest.raises(ImportFileError, match="--me https://linkedin.com/in/nobody: no participant"):
        import_linkedin_messages(
            root, load_vault(root).vault, exported(tmp_path, text), me="https://linkedin.com/in/nobody"
        )


def test_create_makes_contacts_for_the_unmatched_and_their_interactions(
    make_vault: MakeVault, load_clean: LoadClean, tmp_path: Path
) -> None:
    root = make_vault(CONTACTS)
    summary = import_linkedin_messages(root, load_vault(root).vault, exported(tmp_path, EXPORT), create=True)
    vault = load_clean(root)
    ola = vault.contacts_by_id["ola-nordmann"]
    assert (ola.name, ola.linkedin, ola.tags) == (
        "Ola Nordmann",
        "https://www.linkedin.com/in/ola-nordmann",
        ("linkedin",),
    )
    assert [p.relative_to(root).as_posix() for p in summary.contacts] == ["contacts/ola-nordmann.md"]
    assert interactions(vault)[GROUP_16].with_ == ("jose-garcia", "ola-nordmann")
    assert (summary.matched, summary.unmatched) == (3, [])
    # Nobody is created twice, and the spammer (skipped) never was.
    again = import_linkedin_messages(root, load_vault(root).vault, exported(tmp_path, EXPORT), create=True)
    assert (again.contacts, again.written, again.unchanged) == ([], [], 3)
    assert "crypto-guru.md" not in str(md_files(root))


def test_no_content_keeps_who_and_when_only(make_vault: MakeVault, load_clean: LoadClean, tmp_path: Path) -> None:
    root = make_vault(CONTACTS)
    import_linkedin_messages(root, load_vault(root).vault, exported(tmp_path, EXPORT), content=False)
    notes = interactions(load_clean(root))
    assert [n.body for n in notes.values()] == ["", "", ""]
    assert notes[JANE_15].title == "LinkedIn messages with Jane Doe"
    assert "Coffee" not in "".join((root / p).read_text(encoding="utf-8") for p in notes)


# ---------------------------------------------------------------------------------------------
# Importing again: nothing twice; a later export adds days and appends messages


def test_importing_the_same_export_again_writes_nothing(make_vault: MakeVault, tmp_path: Path) -> None:
    root = make_vault(CONTACTS)
    import_linkedin_messages(root, load_vault(root).vault, exported(tmp_path, EXPORT))
    before = {p: (root / p).read_bytes() for p in md_files(root)}
    summary = import_linkedin_messages(root, load_vault(root).vault, exported(tmp_path, EXPORT))
    assert (summary.written, summary.appended, summary.unchanged) == ([], [], 3)
    assert {p: (root / p).read_bytes() for p in md_files(root)} == before


def test_a_later_export_adds_new_days_and_appends_a_known_days_new_message(
    make_vault: MakeVault, load_clean: LoadClean, tmp_path: Path
) -> None:
    root = make_vault(CONTACTS)
    import_linkedin_messages(root, load_vault(root).vault, exported(tmp_path, EXPORT))
    before = (root / JANE_16).read_text(encoding="utf-8")
    later = EXPORT + (
        f'{JANE_CONV},,Sam Example,{ME},Jane Doe,{JANE},2024-03-16 18:30:00 UTC,,"Great.\nBring the slides?",SENT\n'
        f"{JANE_CONV},,Jane Doe,{JANE},Sam Example,{ME},2024-04-02 08:00:00 UTC,,Thanks!,INBOX\n"
    )
    summary = import_linkedin_messages(root, load_vault(root).vault, exported(tmp_path, later, "later.csv"))
    assert [p.relative_to(root).as_posix() for p in summary.written] == [
        "interactions/2024/2024-04-02-linkedin-jane-doe-4158d401.md"
    ]
    assert [p.relative_to(root).as_posix() for p in summary.appended] == [JANE_16]
    assert summary.tally().startswith("wrote 1 interaction, appended 1 message to 1, 2 already imported")
    after = (root / JANE_16).read_text(encoding="utf-8")
    diff = list(difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0))
    assert diff[3:] == ["+", "+**18:30:00 UTC** Sam Example", "+", "+> Great.", "+> Bring the slides?"]
    assert diff[2].startswith(f"@@ -{len(before.splitlines())},0 ")  # only lines added, after the last one
    load_clean(root)


def test_a_message_is_known_by_its_heading_so_edits_to_its_text_survive(make_vault: MakeVault, tmp_path: Path) -> None:
    root = make_vault(CONTACTS)
    import_linkedin_messages(root, load_vault(root).vault, exported(tmp_path, EXPORT))
    note = root / JANE_15
    edited = note.read_text(encoding="utf-8").replace("> Tuesday works.", "> Tuesday works. (We met at Blue Bottle.)")
    note.write_text(edited, encoding="utf-8")
    summary = import_linkedin_messages(root, load_vault(root).vault, exported(tmp_path, EXPORT))
    assert (summary.appended, note.read_text(encoding="utf-8")) == ([], edited)


def test_the_note_is_found_by_its_source_when_the_user_renamed_it(make_vault: MakeVault, tmp_path: Path) -> None:
    root = make_vault(CONTACTS)
    import_linkedin_messages(root, load_vault(root).vault, exported(tmp_path, EXPORT))
    (root / JANE_15).rename(root / "interactions/2024/coffee-plans-with-jane.md")
    summary = import_linkedin_messages(root, load_vault(root).vault, exported(tmp_path, EXPORT))
    assert (summary.written, summary.unchanged) == ([], 3)


def test_a_dry_run_writes_nothing_and_names_what_it_would_write_and_append(
    make_vault: MakeVault, tmp_path: Path
) -> None:
    root = make_vault(CONTACTS)
    vault = load_vault(root).vault
    planned = import_linkedin_messages(root, vault, exported(tmp_path, EXPORT), dry_run=True, create=True)
    assert md_files(root) == sorted(["contacts/jane-doe.md", "contacts/jose-garcia.md", "contacts/priya.md"])
    assert planned.tally() == (
        "would write 3 interactions, 0 already imported, would create 1 contact; 3 people matched, "
        "0 unmatched (0 messages); skipped 1 sponsored message, 1 message in the SPAM folder; "
        "dry run, nothing written"
    )
    done = import_linkedin_messages(root, vault, exported(tmp_path, EXPORT), create=True)
    assert (planned.written, planned.contacts) == (done.written, done.contacts)


# ---------------------------------------------------------------------------------------------
# What is not imported, and why


def test_a_malformed_row_and_an_unreadable_date_are_reported_with_their_lines_and_the_rest_imported(
    make_vault: MakeVault, load_clean: LoadClean, tmp_path: Path
) -> None:
    root = make_vault(CONTACTS)
    text = (
        f"{HEADER}\n"
        f"c1,,Jane Doe,{JANE},Sam Example,{ME},2024-05-01 10:00:00 UTC,,ok,INBOX\n"
        f"c1,,Jane Doe,{JANE},Sam Example,{ME},yesterday,,when?,INBOX\n"
        f"c1,,Jane Doe,{JANE},Sam Example\n"
        f'c2,,Priya Natarajan,{PRIYA},Sam Example,{ME},2024-02-30 10:00:00 UTC,,"two\nlines",INBOX\n'
        f"c2,,Priya Natarajan,{PRIYA},Sam Example,{ME},2024-05-02 10:00:00 UTC,,fine,INBOX\n"
    )
    summary = import_linkedin_messages(root, load_vault(root).vault, exported(tmp_path, text))
    assert [(r.where, r.reason) for r in summary.rows] == [
        ("line 3", "DATE 'yesterday' not understood (expected like 2024-03-15 14:03:22 UTC)"),
        ("line 4", "5 columns where the header has 10"),
        ("line 5", "DATE '2024-02-30 10:00:00 UTC' not understood (expected like 2024-03-15 14:03:22 UTC)"),
    ]
    assert "skipped 3 unreadable rows" in summary.tally()
    assert sorted(i.date.isoformat() for i in load_clean(root).interactions) == ["2024-05-01", "2024-05-02"]


def test_a_csv_that_is_not_a_messages_export_is_refused(make_vault: MakeVault, run_cli: RunCli, tmp_path: Path) -> None:
    root = make_vault(CONTACTS)
    path = exported(tmp_path, "First Name,Last Name,URL\nJane,Doe,x\n")
    result = run_cli("--vault", root, "import", "linkedin-messages", path)
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: not a LinkedIn messages.csv: no header row with 'CONVERSATION ID', 'FROM' and 'DATE' (expected the "
        "columns CONVERSATION ID, CONVERSATION TITLE, FROM, SENDER PROFILE URL, TO, RECIPIENT PROFILE URLS, DATE, "
        "SUBJECT, CONTENT, FOLDER; found 'First Name', 'Last Name', 'URL')\n"
    )
    assert md_files(root / "interactions") == []


def test_the_export_zip_is_read_without_extracting(
    make_vault: MakeVault, load_clean: LoadClean, tmp_path: Path
) -> None:
    root = make_vault(CONTACTS)
    archive = tmp_path / "Complete_LinkedInDataExport_05-01-2024.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("Connections.csv", "First Name,Last Name\n")
        z.writestr("messages/messages.csv", EXPORT)
    summary = import_linkedin_messages(root, load_vault(root).vault, archive)
    assert len(summary.written) == 3 and len(load_clean(root).interactions) == 3


@pytest.mark.parametrize(
    ("content", "text"),
    [
        ("<p>Hi Sam,</p><p>Thanks &amp; see you.</p>", "Hi Sam,\n\nThanks & see you."),
        ("Line one<br>Line two<br/>Line three", "Line one\nLine two\nLine three"),
        ('See <a href="https://example.org">https://example.org</a>', "See https://example.org"),
        ('<a href="javascript:alert(1)">click</a>', "click"),
        ("I &lt;3 Python &amp; Rust", "I <3 Python & Rust"),
        ("a < b and c > d", "a < b and c > d"),  # no markup: left as written
        ("CafÃ© tomorrow? Iâ€™m free", "Café tomorrow? I’m free"),
        ("Grüße aus München", "Grüße aus München"),  # right already: left alone
        ("  \r\nfirst\r\n\r\n\r\n\r\nsecond\x07  ", "first\n\nsecond"),
    ],
    ids=["paragraphs", "line-breaks", "link", "script-link", "entities", "no-markup", "mojibake", "accents", "spacing"],
)
def test_message_text_is_made_plain(content: str, text: str) -> None:
    assert plain_text(content) == text


@pytest.mark.parametrize(
    ("name", "repaired"),
    [
        ("JosÃ© GarcÃ­a", "José García"),
        ("Ana MÃ¼ller-ÅšwiÄ…tek", "Ana Müller-Świątek"),
        ("Zoë Ångström", "Zoë Ångström"),
    ],
)
def test_names_decoded_twice_are_repaired_when_the_bytes_say_so(name: str, repaired: str) -> None:
    assert repaired_name(name) == repaired


def test_message_dates_are_utc_times_to_the_second() -> None:
    assert parse_message_date("2024-03-15 14:03:22 UTC").isoformat() == "2024-03-15T14:03:22"
    with pytest.raises(ValueError):
        parse_message_date("15/03/2024 14:03")


def test_text_that_looks_like_markdown_or_a_wikilink_stays_text(
    make_vault: MakeVault, load_clean: LoadClean, tmp_path: Path
) -> None:
    root = make_vault(CONTACTS)
    content = "# not a heading\n[[not-a-contact]]\n<<<<<<< HEAD\n=======\n>>>>>>> other"
    text = rows(
        one(
            "c1", "Jane *Doe*", "https://www.linkedin.com/in/jane-doe-42", "Sam", ME, "2024-05-01 10:00:00 UTC", content
        )
    )
    import_linkedin_messages(root, load_vault(root).vault, exported(tmp_path, text), me=ME)
    (note,) = load_clean(root).interactions  # no unresolved wikilink, no merge conflict
    assert note.body.splitlines()[0] == r"**10:00:00 UTC** Jane \*Doe\*"


# ---------------------------------------------------------------------------------------------
# The command


def test_the_command_prints_the_notes_written_and_a_summary(
    make_vault: MakeVault, run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_vault(CONTACTS)
    monkeypatch.chdir(root)
    path = exported(tmp_path, EXPORT)
    result = run_cli("import", "linkedin-messages", path, "--dry-run")
    assert (result.exit_code, result.stdout.splitlines()) == (0, [JANE_15, GROUP_16, JANE_16])
    assert md_files(root / "interactions") == []
    result = run_cli("import", "linkedin-messages", path, "--me", ME)
    assert (result.exit_code, result.stdout.splitlines()) == (0, [JANE_15, GROUP_16, JANE_16])
    assert result.stderr == (
        "unmatched: Ola Nordmann (linkedin.com/in/ola-nordmann): 2 messages\n"
        "wrote 3 interactions, 0 already imported; 2 people matched, 1 unmatched (2 messages); "
        "skipped 1 sponsored message, 1 message in the SPAM folder\n"
    )
    result = run_cli("import", "linkedin-messages", path, "--no-content")
    assert (result.exit_code, result.stdout) == (0, "")


@pytest.mark.parametrize(
    ("sender", "url", "folder", "skipped"),
    [
        ("Crypto Guru", "https://www.linkedin.com/in/crypto-guru", "SPAM", "message in the SPAM folder"),
        ("Acme Cloud", "https://www.linkedin.com/in/acme", "SPONSORED_INBOX", "sponsored message"),
        ("Acme Cloud", "https://www.linkedin.com/company/acme-cloud/", "INBOX", "company-page message"),
    ],
    ids=["spam", "sponsored-folder", "company-page"],
)
def test_spam_sponsored_and_company_messages_are_skipped_and_counted(
    make_vault: MakeVault, tmp_path: Path, sender: str, url: str, folder: str, skipped: str
) -> None:
    root = make_vault(CONTACTS)
    text = rows(
        one("c1", "Jane Doe", JANE, "Sam Example", ME, "2024-05-01 10:00:00 UTC", "Hi"),
        ("c2", "", sender, url, "Sam Example", ME, "2024-05-01 11:00:00 UTC", "Offer", "Buy", folder),
    )
    summary = import_linkedin_messages(root, load_vault(root).vault, exported(tmp_path, text), me=ME)
    assert summary.skipped == {skipped.replace("message", "messages", 1): 1}
    assert f"skipped 1 {skipped}" in summary.tally() and summary.unmatched == []


def test_of_several_people_in_every_conversation_the_user_is_who_sent_from_the_sent_folder(
    make_vault: MakeVault, tmp_path: Path
) -> None:
    root = make_vault(CONTACTS)
    text = rows(
        one("c1", "Jane Doe", JANE, "Sam Example", ME, "2024-05-01 10:00:00 UTC", "Hi"),
        ("c1", "", "Sam Example", ME, "Jane Doe", JANE, "2024-05-01 10:05:00 UTC", "", "Hello", "SENT"),
    )
    summary = import_linkedin_messages(root, load_vault(root).vault, exported(tmp_path, text))
    assert (summary.matched, [p.name for p in summary.written]) == (1, ["2024-05-01-linkedin-jane-doe-d0f631ca.md"])


def test_the_notes_written_are_flushed_to_disk_once_not_one_by_one(
    make_vault: MakeVault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_vault(CONTACTS)
    vault = load_vault(root).vault
    flushes: list[str] = []
    real_fsync = os.fsync

    def counted_fsync(fd: int) -> None:
        flushes.append("fsync")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", counted_fsync)
    monkeypatch.setattr(history, "sync_filesystem", lambda path: flushes.append(f"sync {path}"))
    summary = import_linkedin_messages(root, vault, exported(tmp_path, EXPORT), create=True)
    assert (len(summary.written), len(summary.contacts)) == (3, 1)
    assert flushes == [f"sync {root}"]


CELLS = [
    "c1", "", "Jane Doe", JANE, ME, "Sam Example", "2024-05-01 10:00:00 UTC", "2024-13-01 10:00:00 UTC",
    "SPAM", "<p>x", '"', "\x00", "a,b", "JosÃ©",
]  # fmt: skip


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(st.sampled_from(CELLS) | st.text(max_size=12), min_size=0, max_size=12), max_size=12))
def test_any_messages_file_is_imported_or_refused_never_a_crash(
    make_vault: MakeVault, tmp_path: Path, table: list[list[str]]
) -> None:
    root = make_vault(CONTACTS)
    text = HEADER + "\n" + "\n".join(",".join(row) for row in table)
    try:
        summary = import_linkedin_messages(root, load_vault(root).vault, exported(tmp_path, text), me=ME, dry_run=True)
    except ImportFileError:
        return
    assert all(line.startswith(("skipped: ", "unmatched: ", "not changed: ")) for line in summary.row_lines())
