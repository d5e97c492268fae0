"""Time a `build` after one edit, for one or two netnotes trees side by side (issue 12).

Each tree gets its own copy of VAULT (a generated vault; it is never written to), its own site
folder and its own per-user cache folder. Untimed first: a cold build, then a build after one
edit (which proves the site's files, so later builds can take them by their stamps). Then each
round, tree after tree: wait until the last edit has settled (3.5 s, past the caches' 3 s racy
window), append a line to one interaction, and time `python -m netnotes --vault V build --today
2026-11-25 --out OUT` in a fresh process (wall time, and CPU time of it and its workers).
Alternating the trees round by round puts both under the same load of the moment.

    python benchmarks/one_edit.py VAULT [--before DIR] [--repeat 3] [--keep DIR] [--python EXE]

``--before DIR``: a second tree (a folder holding a ``netnotes/`` package, such as an export of
another commit), put first on ``PYTHONPATH`` for its runs; this repository's tree is "after".
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TODAY = "2026-11-25"
SETTLE = 3.5  # seconds: past the caches' racy window (notecache.RACY_NS, 3 s)


def run(python: str, tree: Path, vault: Path, out: Path, cache: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one `build`; exits when the build fails."""
    env = {**os.environ, "PYTHONPATH": str(tree), "XDG_CACHE_HOME": str(cache)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # else every run compiles netnotes again
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [python, "-m", "netnotes", "--vault", str(vault), "build", "--today", TODAY, "--out", str(out)],
        cwd=tempfile.gettempdir(),
        env=env,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode > 1:
        sys.exit(f"build failed ({tree}):\n{done.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def edit(vault: Path) -> None:
    """Append a line to the first interaction (by path): a new body, the same people."""
    first = min((vault / "interactions").rglob("*.md"))
    with first.open("a", encoding="utf-8") as note:
        note.write(f"\nEdited at {time.time_ns()}.\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("vault", type=Path, help="a generated vault (copied, never written)")
    parser.add_argument("--before", type=Path, help="another tree to time beside this one")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="where the copies go (default: a temporary folder)")
    parser.add_argument("--python", default=sys.executable)
    args = parser.parse_args()
    keep = args.keep or Path(tempfile.mkdtemp(prefix="one-edit-"))
    trees = {"after": HERE.parent}
    if args.before:
        trees = {"before": args.before.resolve(), **trees}
    places = {}
    for label, tree in trees.items():
        place = keep / label
        shutil.rmtree(place, ignore_errors=True)
        place.mkdir(parents=True)
        shutil.copytree(args.vault, place / "vault", symlinks=True, ignore=shutil.ignore_patterns(".netnotes"))
        places[label] = (tree, place / "vault", place / "site", place / "cache")
        print(f"{label}: cold build and one untimed edit ({tree})", file=sys.stderr)
        run(args.python, *places[label])
        time.sleep(SETTLE)
        edit(place / "vault")
        run(args.python, *places[label])
    times: dict[str, list[tuple[float, float]]] = {label: [] for label in trees}
    for round_ in range(1, args.repeat + 1):
        for label, (tree, vault, out, cache) in places.items():
            time.sleep(SETTLE)
            edit(vault)
            wall, cpu = run(args.python, tree, vault, out, cache)
            times[label].append((wall, cpu))
            print(f"round {round_} {label}: {wall:.2f} s wall, {cpu:.2f} s CPU", flush=True)
    for label, found in times.items():
        walls, cpus = [w for w, _ in found], [c for _, c in found]
        print(
            f"{label}: median {statistics.median(walls):.2f} s wall (runs {', '.join(f'{w:.2f}' for w in walls)}),"
            f" {statistics.median(cpus):.2f} s CPU"
        )


if __name__ == "__main__":
    main()
