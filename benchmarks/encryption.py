#!/usr/bin/env python3
"""What ``build --encrypt`` costs over the plain ``build``: the median ratio of their wall times.

    python benchmarks/encryption.py [--sizes 2000x20000] [--repeat 5] [--keep DIR] [--warm-cache]

The vault of each size comes from bench.py's cache (generated with generate.py on first use).
Each round runs ``python -m netnotes build`` twice in fresh subprocesses (bench.run_once), once
plain and once with ``--encrypt`` (the passphrase from NETNOTES_PASSPHRASE), alternating which
goes first so that a machine getting busier or quieter weighs on both alike. By default the
vault's ``.netnotes/`` cache is removed before every run, as bench.py does. The table shows
each kind's median wall time and CPU time (user + system of the build and its workers, from
``os.wait4``: steadier than wall time on a machine that others share) and the median of the
rounds' ratios (encrypted / plain); the issue's budget is 1.5. Exits 1 when the wall-time ratio
is over it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench  # noqa: E402

PASSPHRASE = "benchmark walrus quartz lantern"
BUDGET = 1.5


@dataclass(frozen=True)
class Run:
    wall: float  # seconds from spawn to reap
    cpu: float  # user + system seconds of the build and the workers it waited for


def timed_build(python: str, vault: Path, encrypted: bool, warm: bool, env: dict[str, str]) -> Run:
    """One ``build`` in a fresh subprocess (as bench.py runs it), into a new folder."""
    if not warm:
        shutil.rmtree(vault / ".netnotes", ignore_errors=True)
    words = ["build", "--encrypt"] if encrypted else ["build"]
    with tempfile.TemporaryDirectory(prefix="netnotes-bench-") as tmpname:
        work = Path(tmpname)
        argv = [python, "-m", "netnotes", "--vault", str(vault), *bench.command_args(words, work)]
        with open(work / "stderr", "wb") as err:
            started = time.perf_counter()
            proc = subprocess.Popen(
                argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err, cwd=work, env=env
            )
            _, status, usage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - started
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        stderr = (work / "stderr").read_text(encoding="utf-8", errors="replace")
    if code not in (0, 1) or "Traceback" in stderr:
        sys.exit(f"{' '.join(words)} failed (exit {code}):\n{bench.tail(stderr, 20)}")
    return Run(wall, usage.ru_utime + usage.ru_stime)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="2000x20000")
    parser.add_argument("--repeat", type=int, default=5, help="rounds of one plain and one encrypted build")
    parser.add_argument("--keep", type=Path, default=HERE / ".vaults")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--warm-cache", action="store_true", help="keep the vault's .netnotes/ cache between runs")
    args = parser.parse_args(argv)

    env = os.environ.copy()
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(bench.REPO), env.get("PYTHONPATH")]))
    env["NETNOTES_PASSPHRASE"] = PASSPHRASE
    over = False
    print("| size | plain wall / CPU (median) | encrypted wall / CPU (median) | ratio: wall, CPU (median of rounds) |")
    print("|---|---|---|---|")
    for size in bench.parse_sizes(args.sizes):
        vault = bench.ensure_vault(args.keep, size, args.seed, args.python)
        plain: list[Run] = []
        sealed: list[Run] = []
        for round_ in range(args.repeat):
            order = (False, True) if round_ % 2 == 0 else (True, False)
            for encrypted in order:
                run = timed_build(args.python, vault, encrypted, args.warm_cache, env)
                (sealed if encrypted else plain).append(run)
                kind = "encrypted" if encrypted else "plain"
                print(
                    f"[{size.label}] round {round_ + 1}: {kind} {run.wall:.2f}s wall, {run.cpu:.2f}s CPU",
                    file=sys.stderr,
                    flush=True,
                )
        wall = statistics.median(s.wall / p.wall for p, s in zip(plain, sealed, strict=True))
        cpu = statistics.median(s.cpu / p.cpu for p, s in zip(plain, sealed, strict=True))
        over = over or wall > BUDGET
        print(
            f"| {size.label} | {statistics.median(r.wall for r in plain):.2f} s / "
            f"{statistics.median(r.cpu for r in plain):.2f} s | {statistics.median(r.wall for r in sealed):.2f} s / "
            f"{statistics.median(r.cpu for r in sealed):.2f} s | {wall:.2f}, {cpu:.2f} |"
        )
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
