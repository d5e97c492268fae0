"""`build --encrypt` (issue 14, contract section 10): nothing of the vault in any file or file name,
the same bytes for the same vault, passphrase and salt, the salt kept by every rebuild, and the
passphrase policy (strength, the environment variable, the prompt asked twice, no child process
ever sees it). The browser side is in test_site_encrypted_browser.py."""

from __future__ import annotations

import datetime as dt
import html
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import MakeVault, RunCli
from sealed import PASSPHRASE, unseal
from site_html import build, tree

from netnotes import loader, parallel
from netnotes.loader import load_vault
from netnotes.model import Vault
from netnotes.site import bodies
from netnotes.site import build as build_module
from netnotes.site.build import BuildOptions
from netnotes.site.encrypt import PASSPHRASE_VARIABLE, SALT_FILE, Encryption

EXAMPLE = Path(__file__).resolve().parent.parent / "example-vault"
ENCRYPTED = BuildOptions(jobs=1, encryption=Encryption(PASSPHRASE))
TODAY = "2026-11-25"

VAULT = {
    "contacts/priya-natarajan.md": """
        ---
        name: Priya Natarajan
        aliases: [Priya N.]
        company: Quillmark Analytics
        role: Chief Technology Officer
        tags: [mentor, former-colleague]
        since: 2019-04-02
        birthday: 1984-12-03
        ---
        My manager at Tidewater from 2019 to 2022. The person I trust most with career questions.
        """,
    "contacts/omar-haddad.md": """
        ---
        name: Omar Haddad
        company: Northwind Logistics
        tags: [hiring-manager]
        ---
        Met him at the Lisbon platform meetup. He is rebuilding the dispatch team.
        """,
    "interactions/2026-11-04-call.md": """
        ---
        date: 2026-11-04
        with: [priya-natarajan, omar-haddad]
        kind: call
        title: Northwind interview loop debrief
        follow_up: 2026-12-04
        next: Send Priya the revised resume
        ---
        She thinks the staff role fits better than the principal one. Omar agreed to an early chat.
        """,
    "asks/2026-10-02-reference.md": """
        ---
        date: 2026-10-02
        with: priya-natarajan
        direction: out
        kind: reference
        due: 2026-12-01
        ---
        Asked Priya to be a reference for the Northwind application.
        """,
}


def secrets_of(vault: Vault) -> dict[str, set[str]]:
    """What the encrypted site must never show: every contact's names, company, tag, every date
    and every sentence of every note (as written and HTML-escaped)."""
    found: dict[str, set[str]] = {"name": set(), "company": set(), "tag": set(), "date": set(), "sentence": set()}
    dates: set[dt.date] = set()
    texts: list[str] = []
    for c in vault.contacts:
        found["name"].update((c.name, *c.aliases))
        found["company"].update(filter(None, (c.company, *c.past_companies)))
        found["tag"].update(c.tags)
        dates.update(d for d in (c.since, c.snooze_until) if d)
        texts.append(c.body)
    for i in vault.interactions:
        dates.add(i.date)
        texts += [i.body, i.title or "", i.next or ""]
    for a in vault.asks:
        dates.update(d for d in (a.date, a.due, a.closed) if d)
        texts.append(a.body)
    for d in dates:
        found["date"].update((d.isoformat(), f"{d.day} {d.strftime('%b')} {d.year}"))
    for text in texts:
        for sentence in re.split(r"(?<=[.!?])\s+|\n", text):
            words = re.sub(r"[*_`#>\[\]]", "", sentence).strip()
            if len(words) >= 20:  # a short fragment ("Notes") is no secret of the vault
                found["sentence"].add(words)
    return {kind: values | {html.escape(v) for v in values} for kind, values in found.items()}


RANDOM_TEXT = re.compile(rb"[A-Za-z0-9+/=]{40,}")  # base64 ciphertext (and hex names): any short word occurs in it
OPAQUE_NAME = re.compile(r"[0-9a-f]{32}")


def by_chance(value: str) -> bool:
    """Whether ``value`` could be found in random base64 by chance: a short word ("Ken", "Ada")
    is bound to occur somewhere in half a megabyte of ciphertext."""
    return len(value) < 8 and re.fullmatch(r"[A-Za-z0-9+/=]+", value) is not None


def leaks(out: Path, secrets: dict[str, set[str]]) -> list[str]:
    """Every secret found in a file's bytes (as written) or in a file's name (any case). A word
    short enough to occur by chance in ciphertext is looked for only outside it."""
    found = []
    for relpath, data in tree(out).items():
        outside = RANDOM_TEXT.sub(b" ", data)
        name_outside = OPAQUE_NAME.sub(" ", relpath)
        for kind, values in secrets.items():
            for value in values:
                short = by_chance(value)
                if value.encode("utf-8") in (outside if short else data):
                    found.append(f"{kind} {value!r} in {relpath}")
                if value.casefold() in (name_outside if short else relpath).casefold():
                    found.append(f"{kind} {value!r} in the name {relpath}")
    return found


def example(tmp_path: Path) -> Path:
    vault = tmp_path / "example"
    shutil.copytree(EXAMPLE, vault, ignore=shutil.ignore_patterns("_site", ".netnotes"))
    return vault


@pytest.mark.parametrize("which", ["inline", "example"])
def test_no_name_company_tag_date_or_sentence_in_any_file_or_file_name(
    which: str, make_vault: MakeVault, tmp_path: Path
) -> None:
    vault = make_vault(VAULT) if which == "inline" else example(tmp_path)
    secrets = secrets_of(load_vault(vault).vault)
    plain, _ = build(vault, tmp_path / "plain")
    # the search works: the plain site shows every kind of secret
    shown = {
        kind
        for kind, values in secrets.items()
        if any(v.encode() in data for v in values for data in tree(plain).values())
    }
    assert shown == set(secrets)
    assert "contacts" in {p.split("/")[0] for p in tree(plain)}
    out, report = build(vault, tmp_path / "sealed", options=ENCRYPTED)
    assert report.pages > 10
    assert leaks(out, secrets) == []
    # every page is in the root, under an opaque name; no calendar
    names = sorted(tree(out))
    assert not any(n.endswith(".ics") for n in names)
    assert all(
        re.fullmatch(r"[0-9a-f]{32}\.(html|js)|index\.html|netnotes-salt\.json|\.netnotes-site|static/.*", n)
        for n in names
    ), names


def test_a_page_opens_with_the_passphrase_and_its_links_point_at_the_opaque_names(
    make_vault: MakeVault, tmp_path: Path
) -> None:
    out, _ = build(make_vault(VAULT), tmp_path / "site", options=ENCRYPTED)
    dashboard = unseal(out, "index.html")
    assert "Priya Natarajan" in dashboard and "Follow-ups calendar" not in dashboard
    targets = set(re.findall(r'(?:href|src|data-target)="([^"#?:]+)', dashboard))
    assert "static/style.css" in targets and "static/netnotes.js" in targets
    pages = {t for t in targets if t.endswith(".html")}
    assert len(pages) >= 8  # contacts, tags, companies, the sections of the header
    assert all(re.fullmatch(r"[0-9a-f]{32}\.html|index\.html", t) and (out / t).is_file() for t in pages), pages
    contact = next(t for t in sorted(pages) if "<h1>Priya Natarajan" in unseal(out, t))
    search = next(t for t in sorted(pages) if 'id="search-input"' in unseal(out, t))
    index_script = re.search(r'<script src="([0-9a-f]{32}\.js)"></script>', unseal(out, search))
    assert index_script, "the search page loads the sealed search index"
    index = unseal(out, index_script.group(1))
    assert index.startswith("window.NETNOTES_SEARCH = [") and f'"{contact}","Priya Natarajan"' in index


def test_a_wrong_passphrase_or_a_flipped_byte_opens_nothing(make_vault: MakeVault, tmp_path: Path) -> None:
    from cryptography.exceptions import InvalidTag

    out, _ = build(make_vault(VAULT), tmp_path / "site", options=ENCRYPTED)
    with pytest.raises(InvalidTag):
        unseal(out, "index.html", passphrase="tangerine orbit cello ledgers")
    shell = (out / "index.html").read_text(encoding="utf-8")
    start = shell.index('data-check="')  # the payload follows the lock's attributes
    at = shell.index(">", start) + 200
    flipped = "A" if shell[at] != "A" else "B"
    (out / "index.html").write_text(shell[:at] + flipped + shell[at + 1 :], encoding="utf-8")
    with pytest.raises(InvalidTag):
        unseal(out, "index.html")


def test_same_vault_today_passphrase_and_salt_give_the_same_bytes(
    make_vault: MakeVault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault = make_vault(VAULT)
    out, _ = build(vault, tmp_path / "site", options=ENCRYPTED)
    first = tree(out)
    # again into the same folder (its salt is reused), this time in forked worker processes
    monkeypatch.setattr(bodies, "PARALLEL_THRESHOLD", 1)
    monkeypatch.setattr(build_module, "PARALLEL_PAGES", 1)
    build(vault, out, options=BuildOptions(jobs=2, cache=False, encryption=Encryption(PASSPHRASE)))
    assert tree(out) == first
    # a note that changed changes the files that show it; the others keep their bytes
    make_vault({"contacts/omar-haddad.md": VAULT["contacts/omar-haddad.md"].replace("dispatch", "routing")})
    build(vault, out, options=ENCRYPTED)
    changed = {name for name, data in tree(out).items() if first.get(name) != data}
    assert changed and len(changed) < len(first) // 2, changed


def test_a_new_salt_changes_every_sealed_file(make_vault: MakeVault, tmp_path: Path) -> None:
    vault = make_vault(VAULT)
    out, _ = build(vault, tmp_path / "site", options=ENCRYPTED)
    first = tree(out)
    build(vault, out, options=BuildOptions(jobs=1, encryption=Encryption(PASSPHRASE, new_salt=True)))
    second = tree(out)
    assert second[SALT_FILE] != first[SALT_FILE]
    sealed = {n for n in first if not n.startswith("static/") and n not in (SALT_FILE, ".netnotes-site")}
    assert sealed and not any(first[n] == second.get(n) for n in sealed)
    assert len(set(first) & set(second) & sealed) == 1  # index.html keeps its name, not its bytes


def test_the_salt_survives_rebuilds_and_clean(make_vault: MakeVault, run_cli: RunCli) -> None:
    vault = make_vault(VAULT)
    env = {PASSPHRASE_VARIABLE: PASSPHRASE}
    result = run_cli("--vault", vault, "build", "--encrypt", "--today", TODAY, env=env)
    assert result.exit_code == 0 and result.stderr.startswith("built 14 encrypted pages (")
    salt = (vault / "_site" / SALT_FILE).read_bytes()
    assert b'"iterations": 600000' in salt and b'"kdf": "PBKDF2-HMAC-SHA256"' in salt
    first = tree(vault / "_site")
    assert run_cli("--vault", vault, "build", "--encrypt", "--clean", "--today", TODAY, env=env).exit_code == 0
    assert tree(vault / "_site") == first
    result = run_cli("--vault", vault, "build", "--encrypt", "--new-salt", "--today", TODAY, env=env)
    assert result.exit_code == 0
    assert (vault / "_site" / SALT_FILE).read_bytes() != salt


def test_a_broken_salt_file_is_refused(make_vault: MakeVault, run_cli: RunCli) -> None:
    vault = make_vault(VAULT)
    env = {PASSPHRASE_VARIABLE: PASSPHRASE}
    assert run_cli("--vault", vault, "build", "--encrypt", "--today", TODAY, env=env).exit_code == 0
    (vault / "_site" / SALT_FILE).write_text('{"kdf": "PBKDF2-HMAC-SHA256", "iterations": 1000, "salt": "AA=="}')
    before = tree(vault / "_site")
    result = run_cli("--vault", vault, "build", "--encrypt", "--today", TODAY, env=env)
    assert result.exit_code == 2
    assert "is not a salt file netnotes wrote; rebuild with --new-salt" in result.stderr
    assert tree(vault / "_site") == before
    assert run_cli("--vault", vault, "build", "--encrypt", "--new-salt", "--today", TODAY, env=env).exit_code == 0


# -- the passphrase ------------------------------------------------------------------------------


@pytest.mark.parametrize("weak", ["password1", "Summer2024!", "priya123"])
def test_a_weak_passphrase_is_refused_unless_allowed(make_vault: MakeVault, run_cli: RunCli, weak: str) -> None:
    vault = make_vault(VAULT)
    result = run_cli("--vault", vault, "build", "--encrypt", "--today", TODAY, env={PASSPHRASE_VARIABLE: weak})
    assert result.exit_code == 2
    assert "Error: the passphrase is too weak" in result.stderr and "--allow-weak-passphrase" in result.stderr
    assert weak not in result.output
    assert not (vault / "_site").exists()
    allowed = ("--vault", vault, "build", "--encrypt", "--allow-weak-passphrase", "--today", TODAY)
    assert run_cli(*allowed, env={PASSPHRASE_VARIABLE: weak}).exit_code == 0
    assert "Priya Natarajan" in unseal(vault / "_site", "index.html", passphrase=weak)


def test_an_empty_passphrase_is_refused_even_when_weak_ones_are_allowed(make_vault: MakeVault, run_cli: RunCli) -> None:
    vault = make_vault(VAULT)
    args = ("--vault", vault, "build", "--encrypt", "--allow-weak-passphrase", "--today", TODAY)
    result = run_cli(*args, env={PASSPHRASE_VARIABLE: ""})
    assert result.exit_code == 2 and "the passphrase is empty" in result.stderr


def test_the_passphrase_is_asked_twice_when_the_environment_has_none(make_vault: MakeVault) -> None:
    from click.testing import CliRunner

    from netnotes.cli import main

    vault = make_vault(VAULT)
    args = ["--vault", str(vault), "build", "--encrypt", "--today", TODAY]
    typed = f"{PASSPHRASE}\n{PASSPHRASE} \n{PASSPHRASE}\n{PASSPHRASE}\n"  # a mismatch, then a match
    result = CliRunner().invoke(main, args, input=typed, env={PASSPHRASE_VARIABLE: None})
    assert result.exit_code == 0, result.output
    assert result.stderr.count("Passphrase: ") == 2 and result.stderr.count("Repeat for confirmation: ") == 2
    assert "do not match" in result.stderr
    assert PASSPHRASE not in result.output  # hidden input is not echoed
    assert "Priya Natarajan" in unseal(vault / "_site", "index.html")


def test_no_passphrase_at_the_prompt_is_a_usage_error(make_vault: MakeVault) -> None:
    from click.testing import CliRunner

    from netnotes.cli import main

    vault = make_vault(VAULT)
    args = ["--vault", str(vault), "build", "--encrypt", "--today", TODAY]
    result = CliRunner().invoke(main, args, input="", env={PASSPHRASE_VARIABLE: None})
    assert result.exit_code == 2
    assert "Error: no passphrase was typed; type it at the prompt, or set NETNOTES_PASSPHRASE" in result.stderr
    assert not (vault / "_site").exists()


def test_the_salt_and_weak_options_need_encrypt(make_vault: MakeVault, run_cli: RunCli) -> None:
    vault = make_vault(VAULT)
    for option in ("--new-salt", "--allow-weak-passphrase"):
        result = run_cli("--vault", vault, "build", option, "--today", TODAY)
        assert result.exit_code == 2 and "go with --encrypt" in result.stderr


WORKER_LOG: Path | None = None  # set by the test below; forked workers inherit it


def _spy_worker(shared: object) -> None:
    """Runs first in every worker process: note what its environment holds."""
    assert WORKER_LOG is not None
    with WORKER_LOG.open("a", encoding="utf-8") as log:
        log.write(f"{os.getpid()} {os.environ.get(PASSPHRASE_VARIABLE, '-')}\n")
    _start_worker(shared)


_start_worker = parallel._start_worker


@pytest.fixture
def worker_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    global WORKER_LOG
    WORKER_LOG = tmp_path / "workers.log"
    monkeypatch.setattr(parallel, "_start_worker", _spy_worker)
    # every stage that can fan out does, even for this small vault
    monkeypatch.setattr(loader, "PARALLEL_THRESHOLD", 1)
    monkeypatch.setattr(bodies, "PARALLEL_THRESHOLD", 1)
    monkeypatch.setattr(build_module, "PARALLEL_PAGES", 1)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    yield WORKER_LOG
    WORKER_LOG = None


def test_no_worker_process_gets_the_passphrase(make_vault: MakeVault, run_cli: RunCli, worker_log: Path) -> None:
    vault = make_vault(VAULT)
    result = run_cli("--vault", vault, "build", "--encrypt", "--today", TODAY, env={PASSPHRASE_VARIABLE: PASSPHRASE})
    assert result.exit_code == 0, result.output
    workers = worker_log.read_text(encoding="utf-8").splitlines()
    assert len({line.split()[0] for line in workers}) >= 2  # the build did start workers
    assert all(line.endswith(" -") for line in workers), workers
    assert "Priya Natarajan" in unseal(vault / "_site", "index.html")
