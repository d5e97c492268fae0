#!/usr/bin/env python3
"""Time the imports of history: LinkedIn's messages.csv and a calendar (.ics), first and again.

    python benchmarks/history.py [--contacts 2000] [--messages 50000] [--conversations 2000]
                                 [--events 20000] [--keep DIR] [--seed 1] [--timeout S]

A vault of N contacts comes from bench.py's cache (generate.py, reused while its stamp
matches). A child process then writes, from those contacts and a seeded random.Random:

- ``messages.csv`` as LinkedIn exports it: M messages in C conversations (one in ten a group
  chat, one participant in ten a stranger), spread over three years; multi-line messages, some
  in HTML; contacts known by their LinkedIn URL when they have one, else by name;
- ``calendar.ics``: E events over ten years, most of them single meetings in New York, Berlin
  or UTC time, and weekly series (10 occurrences each) making up a twentieth of them; one in
  twenty an all-hands of 30, some cancelled, some declined.

Each import runs in a fresh copy of the vault as ``python -m netnotes --vault COPY import ...``
in a child process (wall time and peak RSS as bench.py measures them), then runs again on the
same copy: the second run must write nothing (no path on stdout).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench  # noqa: E402

ME_URL = "https://www.linkedin.com/in/sam-bench"
ME_EMAIL = "sam@bench.example"
TODAY = "2026-11-25"
WORDS = (
    "thanks for the intro great to meet you at the conference let us grab coffee next week "
    "I read your post on hiring and loved the part about onboarding are you free on Tuesday"
).split()


def _sentence(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randrange(4, 18))).capitalize() + "."


def _contacts(vault: Path) -> list[tuple[str, str | None, str | None]]:
    """(name, linkedin, first email) of every contact: read with netnotes in this child process."""
    sys.path.insert(0, str(HERE.parent))
    from netnotes.loader import load_vault

    contacts = load_vault(vault).vault.contacts
    return [(c.name, c.linkedin, c.emails[0] if c.emails else None) for c in contacts]


def write_messages(vault: Path, out: Path, messages: int, conversations: int, seed: int) -> None:
    rng = random.Random(seed)
    people = _contacts(vault)
    start = dt.datetime(2023, 11, 25)
    with open(out, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(
            "CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,RECIPIENT PROFILE URLS,DATE,SUBJECT,"
            "CONTENT,FOLDER".split(",")
        )
        per = messages // conversations
        for n in range(conversations):
            others: list[tuple[str, str]] = []
            for _ in range(rng.choice((2, 3, 4)) if rng.random() < 0.1 else 1):
                if rng.random() < 0.1:
                    k = rng.randrange(10**6)
                    others.append((f"Stranger {k}", f"https://www.linkedin.com/in/stranger-{k}"))
                else:
                    name, url, _ = rng.choice(people)
                    others.append((name, url or f"https://www.linkedin.com/in/ACoAA{rng.randrange(10**9)}"))
            everyone = [("Sam Bench", ME_URL), *others]
            conversation = f"2-{n:08d}{rng.getrandbits(64):016x}=="
            title = "Group chat" if len(others) > 1 else ""
            when = start + dt.timedelta(seconds=rng.randrange(3 * 365 * 86400))
            count = per + (1 if n < messages % conversations else 0)
            for _ in range(count):
                when += dt.timedelta(seconds=rng.choice((40, 300, 3600, 86400, 3 * 86400)))
                sender = rng.choice(everyone)
                to = [p for p in everyone if p is not sender]
                text = _sentence(rng)
                if rng.random() < 0.2:
                    text += "\n\n" + _sentence(rng)
                if rng.random() < 0.1:
                    text = f"<p>{text}</p><p>See <a href='https://example.org/{n}'>this</a> &amp; more</p>"
                writer.writerow(
                    [
                        conversation,
                        title,
                        sender[0],
                        sender[1],
                        ",".join(p[0] for p in to),
                        ",".join(p[1] for p in to),
                        when.strftime("%Y-%m-%d %H:%M:%S UTC"),
                        "",
                        text,
                        "SENT" if sender[1] == ME_URL else "INBOX",
                    ]
                )


def write_calendar(vault: Path, out: Path, events: int, seed: int) -> None:
    rng = random.Random(seed)
    emails = [e for _, _, e in _contacts(vault) if e]
    zones = ("America/New_York", "Europe/Berlin", None)
    first = dt.datetime(2016, 11, 25, 9, 0)
    series = events // 20 // 10  # weekly series of 10: a twentieth of the occurrences
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//netnotes//benchmark//EN"]
    for n in range(events - series * 9):
        start = first + dt.timedelta(days=rng.randrange(3650), hours=rng.randrange(10))
        zone = rng.choice(zones)
        stamp = start.strftime("%Y%m%dT%H%M%S")
        attendees = [ME_EMAIL, *rng.sample(emails, 30 if rng.random() < 0.05 else rng.choice((1, 1, 2, 3)))]
        lines += [
            "BEGIN:VEVENT",
            f"UID:bench-{n}@netnotes.example",
            "DTSTAMP:20160101T000000Z",
            f"DTSTART;TZID={zone}:{stamp}" if zone else f"DTSTART:{stamp}Z",
            f"SUMMARY:Meeting {n}: {_sentence(rng)[:40]}",
            f"ORGANIZER:mailto:{ME_EMAIL}",
        ]
        if n < series:
            lines.append("RRULE:FREQ=WEEKLY;COUNT=10")
        if rng.random() < 0.03:
            lines.append("STATUS:CANCELLED")
        for email in attendees:
            declined = email == ME_EMAIL and rng.random() < 0.02
            lines.append(f"ATTENDEE;PARTSTAT={'DECLINED' if declined else 'ACCEPTED'}:mailto:{email}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    out.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")


def timed(python: str, vault: Path, words: list[str], timeout: float) -> tuple[float, float, float, int, str, str]:
    """One child run, as bench.py runs it: (wall seconds, CPU seconds, peak MiB, exit, stdout, stderr).

    The CPU time (user + system, of the child and of its worker processes) says what the run costs on a machine
    that other work shares; the wall time is what the user waits."""
    with tempfile.TemporaryDirectory(prefix="netnotes-history-run-") as tmpname:
        work = Path(tmpname)
        argv = [python, "-m", "netnotes", "--vault", str(vault), *words]
        with open(work / "stdout", "wb") as out, open(work / "stderr", "wb") as err:
            started = time.perf_counter()
            proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err, cwd=work, env=bench_env())
            try:
                _, status, usage = os.wait4(proc.pid, 0)
            except BaseException:
                proc.kill()
                raise
            seconds = time.perf_counter() - started
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        stdout = (work / "stdout").read_text(encoding="utf-8", errors="replace")
        stderr = (work / "stderr").read_text(encoding="utf-8", errors="replace")
    if seconds > timeout:
        print(f"{' '.join(words[:2])}: took {seconds:.0f} s, more than --timeout", file=sys.stderr)
    cpu = usage.ru_utime + usage.ru_stime  # wait4 counts the worker processes it reaped too
    return seconds, cpu, usage.ru_maxrss / 1024, code, stdout, stderr


def bench_env() -> dict[str, str]:
    """As bench.py runs netnotes: the working tree's package first on PYTHONPATH."""
    env = os.environ.copy()
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(HERE.parent), env.get("PYTHONPATH")]))
    return env


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--contacts", type=int, default=2000)
    parser.add_argument("--messages", type=int, default=50_000)
    parser.add_argument("--conversations", type=int, default=2000)
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--keep", type=Path, default=HERE / ".vaults")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument("--write", nargs=2, metavar=("WHAT", "OUT"), help=argparse.SUPPRESS)  # the child's job
    parser.add_argument("--vault", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.write:
        what, out = args.write
        if what == "messages":
            write_messages(args.vault, Path(out), args.messages, args.conversations, args.seed)
        else:
            write_calendar(args.vault, Path(out), args.events, args.seed)
        return 0

    python = sys.executable
    size = bench.Size(args.contacts, args.contacts, args.contacts // 20, f"{args.contacts}x{args.contacts}")
    source = bench.ensure_vault(args.keep, size, args.seed, python)
    failed = False
    print("| import | run | seconds | CPU seconds | peak MiB | written | summary |")
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="netnotes-history-") as tmpname:
        tmp = Path(tmpname)
        files = {"messages": tmp / "messages.csv", "ics": tmp / "calendar.ics"}
        for what, out in files.items():
            # In a child process: this one stays small, so its children's peak RSS is their own.
            subprocess.run(
                [python, __file__, "--write", what, str(out), "--vault", str(source), *_sizes(args)],
                check=True,
                stdin=subprocess.DEVNULL,
            )
        commands = {
            "linkedin-messages": ["import", "linkedin-messages", str(files["messages"]), "--me", ME_URL],
            "ics": ["import", "ics", str(files["ics"]), "--me", ME_EMAIL, "--today", TODAY],
        }
        for name, words in commands.items():
            vault = tmp / f"vault-{name}"
            shutil.copytree(source, vault)
            for run in ("first", "again"):
                seconds, cpu, peak, code, stdout, stderr = timed(python, vault, words, args.timeout)
                written = len(stdout.splitlines())
                tally = stderr.strip().splitlines()[-1] if stderr.strip() else ""
                print(f"| {name} | {run} | {seconds:.1f} | {cpu:.1f} | {peak:.0f} | {written} | {tally} |", flush=True)
                if code != 0 or "Traceback" in stderr or (run == "again" and written):
                    print(bench.tail(stderr, 20), file=sys.stderr)
                    failed = True
    return 1 if failed else 0


def _sizes(args: argparse.Namespace) -> list[str]:
    return [
        "--messages",
        str(args.messages),
        "--conversations",
        str(args.conversations),
        "--events",
        str(args.events),
        "--seed",
        str(args.seed),
    ]


if __name__ == "__main__":
    sys.exit(main())
