#!/usr/bin/env python3
"""The everyday loop, side by side with Hugo (issue 12): medians of several runs.

    python benchmarks/bench_site.py [--sizes 500x5000,2000x20000] [--repeat 3] [--keep DIR]
                                    [--hugo EXE | --no-hugo] [--json FILE]

For each size the vault is generated once in the issue's shape (``generate.py --shape
issue12``: interactions with 1-3 people, bodies of 1-3 paragraphs plus a list half the time)
into ``DIR/issue12-NxM/`` and reused while its stamp matches. Then, each a fresh process,
``--repeat`` times:

- ``--version``: process start-up, for scale;
- ``due``, ``check`` and ``show`` (the first contact): the warm commands, once every note is
  older than the caches' racy window (3 s; a vault just generated is not) and one untimed
  ``check`` has filled the note cache;
- ``build`` cold: no ``.netnotes/``, no site and no user cache yet; its peak resident set
  size (``ru_maxrss``) is recorded too;
- ``build`` warm: the same build again, nothing changed;
- ``build`` after one edit: a line appended to one interaction (a different one each run);
- ``build`` after a new note: an interaction added with the first contact, as ``netnotes log``
  adds one (removed again, untimed, before the next round);
- ``serve`` reload: ``netnotes serve`` runs; a client of its generation endpoint waits on it
  as a page's reload script does (``?after=N``) and times from the save of one interaction to
  the server's answer (the moment every open page reloads), for three saves at least, a second
  apart; the first save's time is shown too;
- Hugo: ``hugo_site.py`` lays the vault out as the equivalent Hugo site (once), and ``hugo``
  builds it into a fresh folder right after each cold build, so each pair shares the machine's
  load of the moment. ``--no-hugo`` leaves Hugo out (the ratios are then not shown).

Every run imports netnotes' modules from their compiled bytecode, as an installed package does
(compiled once, untimed, into ``netnotes/**/__pycache__/``; ``PYTHONDONTWRITEBYTECODE`` is not
passed on).

The table shows medians and each netnotes figure's ratio to Hugo's median.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
TODAY = "2026-11-25"
STAMP = ".bench-stamp.json"
GENERATION = "/__netnotes__/generation"


def ensure_vault(keep: Path, contacts: int, interactions: int, python: str) -> Path:
    vault = keep / f"issue12-{contacts}x{interactions}"
    want = {
        "contacts": contacts,
        "interactions": interactions,
        "shape": "issue12",
        "generator": __import__("hashlib").sha256((HERE / "generate.py").read_bytes()).hexdigest(),
    }
    try:
        if json.loads((vault / STAMP).read_text()) == want:
            return vault
    except (OSError, ValueError):
        pass
    shutil.rmtree(vault, ignore_errors=True)
    print(f"generating {vault} ...", file=sys.stderr, flush=True)
    subprocess.run(
        [python, str(HERE / "generate.py"), str(vault), "--contacts", str(contacts)]
        + ["--interactions", str(interactions), "--shape", "issue12"],
        check=True,
    )
    (vault / STAMP).write_text(json.dumps(want))
    return vault


def timed(argv: list[str], env: dict[str, str], cwd: Path) -> float:
    return run(argv, env, cwd)[0]


def run(argv: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """Wall seconds from spawn to reaping, and the child's peak RSS in MiB."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        child = subprocess.Popen(argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)  # reaped by wait4 already
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    if child.returncode not in (0, 1) or "Traceback" in stderr:
        raise SystemExit(f"{' '.join(argv)} failed ({child.returncode}):\n{stderr[-2000:]}")
    return seconds, usage.ru_maxrss / 1024  # KiB on Linux


SETTLED = 3.5  # seconds: a note changed more recently than 3 s before a command is read again


def settle(vault: Path) -> None:
    """Wait until every note is older than the caches' racy window (a vault just generated is
    not): a user's notes are, and the warm commands are timed as they would run for them."""
    newest = max((p.stat().st_mtime for p in vault.rglob("*.md")), default=0.0)
    time.sleep(max(0.0, newest + SETTLED - time.time()))


def touch_one(vault: Path, run: int, notes: list[Path] | None = None) -> Path:
    """Append a line to one interaction (of ``notes``, when the caller listed them)."""
    notes = notes or sorted((vault / "interactions").rglob("*.md"))
    note = notes[(run * 7919) % len(notes)]
    with open(note, "a", encoding="utf-8") as file:
        file.write(f"\nBenchmark edit {run}.\n")
    return note


SERVE_SAVES = 3


def add_one(vault: Path, run: int, contact: str) -> Path:
    """A new interaction with ``contact``, as ``netnotes log`` writes one (a different one each run)."""
    note = vault / "interactions" / "2026" / f"2026-11-24-call-benchmark-{run}.md"
    note.parent.mkdir(parents=True, exist_ok=True)
    note.write_text(f"---\ndate: 2026-11-24\nwith: [{contact}]\nkind: call\n---\nBenchmark call {run}.\n")
    return note


def serve_reloads(python: str, vault: Path, env: dict[str, str], cwd: Path, runs: int) -> list[float]:
    """Seconds from saving a note to the generation's bump, ``runs`` times in one server."""
    server = subprocess.Popen(
        [python, "-m", "netnotes", "--vault", str(vault), "serve", "--port", "0", "--today", TODAY],
        env=env,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        match = re.search(r"(http://\S+/)", line)
        if not match:
            raise SystemExit(f"serve did not start: {line!r}")
        url = match.group(1).rstrip("/") + GENERATION

        def generation(after: int | None = None) -> int:
            """The generation; with ``after``, once it is not that one, as a page's reload script waits."""
            query = "" if after is None else f"?after={after}"
            with urllib.request.urlopen(url + query, timeout=600) as answer:
                return int(answer.read())

        seconds = []
        notes = sorted((vault / "interactions").rglob("*.md"))  # listed once: not part of a save
        for run in range(runs):
            time.sleep(1.0)  # past the quiet period of the last change
            before = generation()
            started = time.perf_counter()
            touch_one(vault, 1000 + run, notes)
            while generation(before) == before:  # the server answers once the rebuild is done
                if time.perf_counter() - started > 600:
                    raise SystemExit("serve never reloaded")
            seconds.append(time.perf_counter() - started)
        return seconds
    finally:
        server.terminate()
        server.wait(timeout=30)


def measure(python: str, hugo: str | None, vault: Path, repeat: int) -> dict[str, list[float]]:
    figures: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="netnotes-bench-") as tmp:
        work = Path(tmp)
        cache = work / "user-cache"  # the per-user cache folder (parsed notes, render cache, secret)
        env = {
            **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
            "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
            "XDG_CACHE_HOME": str(cache),
        }
        # netnotes' modules compiled once, untimed, into their __pycache__ folders as an installed
        # package's are: otherwise every run compiles them again where PYTHONDONTWRITEBYTECODE is set
        subprocess.run([python, "-m", "compileall", "-q", str(REPO / "netnotes")], env=env, check=False)
        out = work / "site"
        netnotes = [python, "-m", "netnotes", "--vault", str(vault)]
        build = [*netnotes, "build", "--today", TODAY, "--out", str(out)]
        first = min(p.stem for p in (vault / "contacts").glob("*.md"))
        warm = {
            "due": [*netnotes, "due", "--today", TODAY],
            "check": [*netnotes, "check"],
            "show": [*netnotes, "show", first, "--today", TODAY],
        }
        figures["version"] = [timed([python, "-m", "netnotes", "--version"], env, work) for _ in range(repeat)]
        settle(vault)
        timed([*netnotes, "check"], env, work)  # fills the note cache; not timed
        for name, argv in warm.items():
            figures[name] = [timed(argv, env, work) for _ in range(repeat)]
        hugo_site = work / "hugo"
        if hugo:
            subprocess.run([python, str(HERE / "hugo_site.py"), str(vault), str(hugo_site)], check=True, env=env)
        for name in ("cold", "cold MiB", "hugo", "warm", "edit", "new"):
            figures[name] = []
        for attempt in range(repeat):
            shutil.rmtree(vault / ".netnotes", ignore_errors=True)
            shutil.rmtree(cache, ignore_errors=True)
            shutil.rmtree(out, ignore_errors=True)
            seconds, mib = run(build, env, work)
            figures["cold"].append(seconds)
            figures["cold MiB"].append(mib)
            if hugo:
                shutil.rmtree(work / "public", ignore_errors=True)
                shutil.rmtree(hugo_site / "resources", ignore_errors=True)
                hugo_build = [hugo, "--quiet", "--source", str(hugo_site), "--destination", str(work / "public")]
                figures["hugo"].append(timed(hugo_build, env, work))
            figures["warm"].append(timed(build, env, work))
            touch_one(vault, attempt)
            figures["edit"].append(timed(build, env, work))
            note = add_one(vault, attempt, first)
            figures["new"].append(timed(build, env, work))
            note.unlink()  # the vault stays as generated for the next round and the next run
            timed(build, env, work)  # not timed: the site without it again
        # one server, three saves at least (cheap next to the builds): the first comes a second
        # after the server's own build, whose files are still too new to be known by their stamps
        reloads = serve_reloads(python, vault, env, work, max(repeat, SERVE_SAVES))
        figures["serve"], figures["serve first"] = reloads, reloads[:1]
    return {name: values for name, values in figures.items() if values}


def ratio(seconds: float, hugo: float | None, digits: int) -> str:
    return f"{seconds / hugo:.{digits}f}" if hugo else "–"


def table(rows: list[tuple[str, dict[str, list[float]]]]) -> str:
    head = (
        "| vault | `--version` | `due` / `check` / `show` | `build` cold (peak) | Hugo | cold / Hugo "
        "| `build`, nothing changed | warm / Hugo | `build` after one edit | after a new note "
        "| `serve`: save → reload |"
    )
    lines = [head, "|" + "---|" * 11]
    for label, f in rows:
        m = {k: statistics.median(v) for k, v in f.items()}
        hugo = m.get("hugo")

        lines.append(
            f"| {label} | {m['version']:.2f} s | {m['due']:.2f} / {m['check']:.2f} / {m['show']:.2f} s "
            f"| {m['cold']:.2f} s ({max(f['cold MiB']):.0f} MiB) | {f'{hugo:.2f} s' if hugo else '–'} "
            f"| {ratio(m['cold'], hugo, 2)} | {m['warm']:.2f} s | {ratio(m['warm'], hugo, 3)} "
            f"| {m['edit']:.2f} s | {m['new']:.2f} s | {m['serve']:.2f} s (first {m['serve first']:.2f} s) |"
        )
    return "\n".join(lines)


def default_hugo(python: str) -> str:
    """The binary the ``hugo`` package ships (its ``hugo`` script starts Python first, which
    is not Hugo's time), else ``hugo`` on the PATH."""
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    shipped = Path(purelib) / "hugo" / "binaries" / "hugo"
    return str(shipped) if shipped.is_file() else (shutil.which("hugo") or "hugo")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time the everyday loop of netnotes beside Hugo.")
    parser.add_argument("--sizes", default="500x5000,2000x20000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, default=HERE / ".vaults")
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--hugo", default=None, help="the hugo binary (default: the one the hugo package ships)")
    parser.add_argument("--no-hugo", action="store_true", help="time netnotes alone (no ratios)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    hugo = None if args.no_hugo else args.hugo or default_hugo(args.python)
    rows = []
    for size in args.sizes.split(","):
        contacts, interactions = (int(n) for n in size.lower().split("x"))
        vault = ensure_vault(args.keep.resolve(), contacts, interactions, args.python)
        figures = measure(args.python, hugo, vault, args.repeat)
        print(f"{size}: " + json.dumps({k: [round(s, 3) for s in v] for k, v in figures.items()}), file=sys.stderr)
        rows.append((f"{contacts:,} / {interactions:,}", figures))
        if args.json:
            args.json.write_text(json.dumps({label: f for label, f in rows}, indent=1))
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
