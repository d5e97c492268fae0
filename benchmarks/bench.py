#!/usr/bin/env python3
"""Time netnotes commands on synthetic vaults: wall time and the child's peak RSS.

    python benchmarks/bench.py [--sizes 2000x20000,10000x100000] [--commands check,due,build]
                               [--keep DIR] [--repeat R] [--json FILE]

For each size ``NxM`` (N contacts, M interactions, optionally ``xK`` asks; default K = M // 20)
the vault is generated once with benchmarks/generate.py into ``DIR/NxM/`` (default DIR:
benchmarks/.vaults) and reused on later runs while its stamp file (``.bench-stamp.json``:
sizes, seed and a hash of generate.py) still matches. Each command then runs as

    python -m netnotes --vault VAULT COMMAND [args]

in a fresh subprocess whose wall time (time.perf_counter around spawn + reap) and peak
resident set size (``ru_maxrss`` from ``os.wait4``, KiB on Linux, reported in MiB) are
recorded. ``due`` and ``build`` get ``--today 2026-11-25``; ``build`` also gets
``--out <tmpdir>/site`` (a folder that does not exist yet). The working tree's package is
used (the repository root is put first on PYTHONPATH), so nothing needs installing.

Exit code 1 from a command (the vault has problems) is reported, not a failure. An exit code
of 2 or more, death by a signal, a timeout or a traceback on stderr is a failure: its stderr
tail is printed and bench.py itself exits 1 at the end (after printing the whole table).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import NamedTuple

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
TODAY = "2026-11-25"
STAMP = ".bench-stamp.json"
DEFAULT_SIZES = "2000x20000,10000x100000"
DEFAULT_COMMANDS = "check,due,build"
NO_MODULE = ("No module named netnotes", "cannot be directly executed", "Error while finding module specification")


@dataclass
class Size:
    contacts: int
    interactions: int
    asks: int
    label: str


@dataclass
class Result:
    size: str
    command: str
    seconds: float | None = None  # best wall time over the repeats
    median_seconds: float | None = None
    peak_mib: float | None = None  # highest peak RSS over the repeats
    exit_code: int | None = None
    failed: bool = False
    note: str = ""
    all_seconds: list[float] = field(default_factory=list)


def parse_sizes(text: str) -> list[Size]:
    sizes = []
    for item in filter(None, (s.strip() for s in text.split(","))):
        parts = item.lower().split("x")
        try:
            nums = [int(p) for p in parts]
        except ValueError:
            raise argparse.ArgumentTypeError(f"bad size {item!r}: expected NxM or NxMxK") from None
        if len(nums) not in (2, 3) or nums[0] < 1 or min(nums) < 0:
            raise argparse.ArgumentTypeError(f"bad size {item!r}: expected NxM or NxMxK")
        asks = nums[2] if len(nums) == 3 else nums[1] // 20
        label = f"{nums[0]}x{nums[1]}" + (f"x{asks}" if len(nums) == 3 else "")
        sizes.append(Size(nums[0], nums[1], asks, label))
    if not sizes:
        raise argparse.ArgumentTypeError("no sizes given")
    return sizes


def generator_hash() -> str:
    return hashlib.sha256((HERE / "generate.py").read_bytes()).hexdigest()


def ensure_vault(cache: Path, size: Size, seed: int, python: str) -> Path:
    """The vault for size, generated unless a matching stamp says it is already there."""
    vault = cache / size.label
    want = {
        "contacts": size.contacts,
        "interactions": size.interactions,
        "asks": size.asks,
        "seed": seed,
        "generator_sha256": generator_hash(),
    }
    try:
        have = json.loads((vault / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        have = None
    if have == want:
        print(f"[{size.label}] reusing {vault}", file=sys.stderr)
        return vault
    cache.mkdir(parents=True, exist_ok=True)
    tmp = cache / f".{size.label}.tmp-{os.getpid()}"
    if tmp.exists():
        shutil.rmtree(tmp)
    print(
        f"[{size.label}] generating {size.contacts} contacts, {size.interactions} interactions, "
        f"{size.asks} asks into {vault} ...",
        file=sys.stderr,
        flush=True,
    )
    t0 = time.perf_counter()
    try:
        # In a child process, not in this one: on Linux a child's ru_maxrss starts from the
        # RSS of the parent it was forked from, so this process must stay small.
        subprocess.run(
            [
                python,
                str(HERE / "generate.py"),
                str(tmp),
                "--contacts",
                str(size.contacts),
                "--interactions",
                str(size.interactions),
                "--asks",
                str(size.asks),
                "--seed",
                str(seed),
            ],
            check=True,
            stdin=subprocess.DEVNULL,
        )
        (tmp / STAMP).write_text(json.dumps(want, indent=2) + "\n", encoding="utf-8")
        if vault.exists():
            shutil.rmtree(vault)
        tmp.rename(vault)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"[{size.label}] generated in {time.perf_counter() - t0:.1f}s", file=sys.stderr)
    return vault


def command_args(words: list[str], workdir: Path) -> list[str]:
    """Extra arguments for a command so that it is deterministic and writes only into workdir."""
    cmd, given = words[0], words[1:]
    extra: list[str] = []
    if cmd in ("due", "build") and "--today" not in given:
        extra += ["--today", TODAY]
    if cmd == "build" and "--out" not in given:
        extra += ["--out", str(workdir / "site")]
    if cmd == "export" and "-o" not in given and "--output" not in given:
        extra += ["-o", str(workdir / "export.out")]
    return words + extra


def tail(text: str, lines: int) -> str:
    return "\n".join(text.rstrip("\n").splitlines()[-lines:])


class ChildRun(NamedTuple):
    seconds: float
    peak_mib: float
    exit_code: int
    stdout: str
    stderr: str
    timed_out: bool
    site_info: str  # how many files the command wrote into the site folder, and their size


def run_once(python: str, vault: Path, words: list[str], timeout: float, env: dict[str, str]) -> ChildRun:
    """One run of netnotes in a child process, with its time and peak memory."""
    with tempfile.TemporaryDirectory(prefix="netnotes-bench-") as tmpname:
        work = Path(tmpname)
        argv = [python, "-m", "netnotes", "--vault", str(vault), *command_args(words, work)]
        with open(work / "stdout", "wb") as out, open(work / "stderr", "wb") as err:
            lock = threading.Lock()
            state = {"reaped": False, "timed_out": False}
            t0 = time.perf_counter()
            proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err, cwd=work, env=env)

            def kill() -> None:
                with lock:
                    if not state["reaped"]:
                        state["timed_out"] = True
                        os.kill(proc.pid, signal.SIGKILL)

            timer = threading.Timer(timeout, kill)
            timer.daemon = True
            timer.start()
            try:
                _, status, usage = os.wait4(proc.pid, 0)
            finally:
                with lock:
                    state["reaped"] = True
                timer.cancel()
            seconds = time.perf_counter() - t0
        code = os.waitstatus_to_exitcode(status)
        proc.returncode = code  # already reaped by wait4; keep Popen from waiting again
        stdout = (work / "stdout").read_text(encoding="utf-8", errors="replace")
        stderr = (work / "stderr").read_text(encoding="utf-8", errors="replace")
        site = work / "site"
        info = ""
        if site.is_dir():
            files = [p for p in site.rglob("*") if p.is_file()]
            info = f"site: {len(files)} files, {sum(p.stat().st_size for p in files) / 2**20:.1f} MiB"
        peak_mib = usage.ru_maxrss / 1024  # ru_maxrss is KiB on Linux
        return ChildRun(seconds, peak_mib, code, stdout, stderr, state["timed_out"], info)


def bench_command(
    python: str, size: Size, vault: Path, command: str, repeat: int, timeout: float, warm: bool, env: dict[str, str]
) -> Result:
    words = shlex.split(command)
    res = Result(size=size.label, command=command)
    peaks = []
    for i in range(repeat):
        if not warm:
            shutil.rmtree(vault / ".netnotes", ignore_errors=True)
            shutil.rmtree(env["XDG_CACHE_HOME"], ignore_errors=True)  # the parsed notes kept per user
        seconds, peak, code, stdout, stderr, timed_out, info = run_once(python, vault, words, timeout, env)
        res.all_seconds.append(seconds)
        peaks.append(peak)
        res.exit_code = code
        traceback = "Traceback (most recent call last)" in stderr
        # `python -m netnotes` itself failing (no package / no __main__) also exits 1
        no_module = any(m in stderr for m in NO_MODULE)
        if timed_out or code >= 2 or code < 0 or traceback or no_module:
            res.failed = True
            why = (
                "timed out"
                if timed_out
                else f"killed by signal {-code}"
                if code < 0
                else "traceback"
                if traceback
                else "cannot run -m netnotes"
                if no_module
                else f"exit {code}"
            )
            last = tail(stderr, 1) or tail(stdout, 1)
            res.note = (f"FAIL ({why}): {last}" if last else f"FAIL ({why})")[:120]
            print(f"\n[{size.label}] {command}: FAILED ({why}) after {seconds:.2f}s; stderr tail:", file=sys.stderr)
            print(tail(stderr, 20) or "(stderr empty)", file=sys.stderr)
            print(file=sys.stderr, flush=True)
            break
        problems = stdout if words[0] == "check" else stderr
        nproblems = sum(1 for line in problems.splitlines() if " error NN" in line or " warning NN" in line)
        if code == 1:
            res.note = f"vault problems reported ({nproblems} lines)"
            if i == 0:
                print(f"[{size.label}] {command}: exit 1 (vault has problems); first lines:", file=sys.stderr)
                print(tail("\n".join((problems or stdout).splitlines()[:5]), 5) or "(no output)", file=sys.stderr)
        else:
            res.note = info or (f"{nproblems} warnings" if nproblems else "ok")
        print(f"[{size.label}] {command}: {seconds:.2f}s, {peak:.0f} MiB, exit {code}", file=sys.stderr, flush=True)
    res.seconds = min(res.all_seconds)
    res.median_seconds = statistics.median(res.all_seconds)
    res.peak_mib = max(peaks)
    return res


def print_table(results: list[Result], repeat: int) -> None:
    head = ["size", "command", "seconds"] + (["median"] if repeat > 1 else []) + ["peak MiB", "exit", "note"]
    rows = []
    for r in results:
        row = [r.size, r.command, f"{r.seconds:.2f}"]
        if repeat > 1:
            row.append(f"{r.median_seconds:.2f}")
        row += [f"{r.peak_mib:.1f}", str(r.exit_code), r.note]
        rows.append(row)
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(head)]
    right = {"seconds", "median", "peak MiB", "exit"}

    def fmt(cells: list[str]) -> str:
        aligned = (c.rjust(w) if h in right else c.ljust(w) for c, w, h in zip(cells, widths, head, strict=True))
        return "  ".join(aligned).rstrip()

    print(fmt(head))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(fmt(row))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Benchmark netnotes commands on generated vaults (wall time, peak RSS)."
    )
    parser.add_argument(
        "--sizes",
        type=parse_sizes,
        default=parse_sizes(DEFAULT_SIZES),
        help=f"comma-separated NxM[xK] (contacts x interactions [x asks]); default {DEFAULT_SIZES}",
    )
    parser.add_argument(
        "--commands",
        default=DEFAULT_COMMANDS,
        help=f"comma-separated commands, each may carry its own args (e.g. 'due --all'); default {DEFAULT_COMMANDS}",
    )
    parser.add_argument(
        "--keep",
        type=Path,
        default=HERE / ".vaults",
        metavar="DIR",
        help="folder that keeps the generated vaults between runs (default benchmarks/.vaults)",
    )
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        metavar="R",
        help="runs per command; the table shows the best time and the highest peak RSS",
    )
    parser.add_argument(
        "--timeout", type=float, default=900, metavar="SECONDS", help="kill a command after this long (default 900)"
    )
    parser.add_argument(
        "--warm-cache",
        action="store_true",
        help="keep VAULT/.netnotes/ and the note cache between runs (default: delete them before each run)",
    )
    parser.add_argument("--python", default=sys.executable, help="interpreter for the child (default: this one)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the results as JSON")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be >= 1")
    commands = [c.strip() for c in args.commands.split(",") if c.strip()]
    if not commands:
        parser.error("no commands given")

    env = os.environ.copy()
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env["XDG_CACHE_HOME"] = str(args.keep.resolve() / "user-cache")  # not the real user's note cache
    print(
        f"python {platform.python_version()} ({args.python}), {platform.system()} {platform.machine()}, "
        f"{os.cpu_count()} CPUs; package from {REPO}",
        file=sys.stderr,
    )

    results: list[Result] = []
    for size in args.sizes:
        vault = ensure_vault(args.keep.resolve(), size, args.seed, args.python)
        for command in commands:
            results.append(
                bench_command(args.python, size, vault, command, args.repeat, args.timeout, args.warm_cache, env)
            )
    print()
    print_table(results, args.repeat)
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in results], indent=2) + "\n", encoding="utf-8")
    failures = sum(r.failed for r in results)
    if failures:
        print(f"\n{failures} of {len(results)} runs failed (exit >= 2, signal, timeout or traceback).")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
