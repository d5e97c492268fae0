"""Time `serve`'s load after one edit, walking the vault and told the edited path (issue 12).

In one process, as `netnotes serve` loads: two `NoteCache`s kept from load to load, one loaded
as before (walking the vault, `hint=None`), one told what its file watcher would have seen
(`hint=Changes({path})`). Each round appends a line to one interaction and loads through both,
in alternating order, checking that the two results are the same (model, problems) and
timing each; the walk alone (`discover.walk`) is timed beside them.

    python benchmarks/serve_load.py VAULT [--rounds 7]

VAULT is edited: copy a generated vault first (`cp -a`), and give netnotes a cache folder of
its own (`XDG_CACHE_HOME`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import statistics
import time
from pathlib import Path

from netnotes.discover import walk
from netnotes.loader import Changes, LoadResult, load_vault
from netnotes.notecache import NoteCache

TODAY = dt.date(2026, 11, 25)


def same(a: LoadResult, b: LoadResult, path: str) -> None:
    """The same model and problems, and the edit among the changed paths of both. (Which other
    notes count as changed, being too new to trust, depends on when each chain of loads began;
    tests/test_snapshot.py proves them equal where the clock is the same.)"""
    assert a.vault == b.vault, "the models differ"
    assert a.problems == b.problems, "the problems differ"
    assert path in a.changed.paths and path in b.changed.paths, "the edit was missed"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("vault", type=Path)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    root = args.vault.resolve()
    walking, told = NoteCache(root), NoteCache(root)
    load_vault(root, today=TODAY, cache=walking)  # the first load walks, as serve's does
    told.kept, told.listing = walking.kept, walking.listing  # both go on from the same snapshot
    notes = sorted(p.relative_to(root).as_posix() for p in (root / "interactions").rglob("*.md"))
    times: dict[str, list[float]] = {"walk": [], "load, walking": [], "load, told": []}
    for n in range(args.rounds):
        path = notes[(n * 7919 + 5) % len(notes)]
        with open(root / path, "a", encoding="utf-8") as f:
            f.write(f"\nServe edit {n}.\n")
        results = {}
        for name, cache, hint in sorted(
            [("load, walking", walking, None), ("load, told", told, Changes(frozenset({path})))],
            reverse=n % 2 == 1,
        ):
            started = time.perf_counter()
            results[name] = load_vault(root, today=TODAY, cache=cache, hint=hint)
            times[name].append(time.perf_counter() - started)
        same(results["load, walking"], results["load, told"], path)
        gc.disable()  # as the load walks
        started = time.perf_counter()
        walk(root)
        times["walk"].append(time.perf_counter() - started)
        gc.enable()
    print(f"{root.name}: median of {args.rounds} rounds (seconds)")
    for name, values in times.items():
        print(f"  {name:14} {statistics.median(values):.3f}   ({', '.join(f'{v:.3f}' for v in values)})")


if __name__ == "__main__":
    main()
