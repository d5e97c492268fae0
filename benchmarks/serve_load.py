"""Time `serve`'s rebuild after one edit: its load walking the vault, and told the edited path
by its file watcher (issue 12).

In one process, as `netnotes serve` rebuilds: per way of loading, one `NoteCache` (and, with
``--build``, one `site.build.Kept` and site folder) kept from rebuild to rebuild. Each round
appends a line to one interaction, then rebuilds each way in turn (the order alternating round
by round), checking that the two loads give the same model and problems; the walk alone
(`discover.walk`, with the garbage collector held off as the load holds it) is timed beside
them. With a netnotes tree older than the told load (``PYTHONPATH``), only the walking way runs:
that is "before".

    python benchmarks/serve_load.py VAULT [--rounds 7] [--build]

VAULT is edited: copy a generated vault first (`cp -a`), and give netnotes a cache folder of
its own (`XDG_CACHE_HOME`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from netnotes import discover, loader
from netnotes.loader import LoadResult, load_vault
from netnotes.notecache import NoteCache

TODAY = dt.date(2026, 11, 25)
Changes: Any = getattr(loader, "Changes", None)  # None: a tree older than the told load


def same(a: LoadResult, b: LoadResult, path: str) -> None:
    """The same model and problems, and the edit among the changed paths of both. (Which other
    notes count as changed, being too new to trust, depends on when each chain of loads began;
    tests/test_load_told.py proves them equal where the loads' clock is the same.)"""
    assert a.vault == b.vault, "the models differ"
    assert a.problems == b.problems, "the problems differ"
    assert path in a.changed.paths and path in b.changed.paths, "the edit was missed"


def rebuilder(root: Path, build: bool, out: Path) -> Callable[[Any], tuple[LoadResult, float]]:
    """One way of rebuilding: load (told ``hint``, or walking) and, with ``build``, build the
    served site; the load's result and its seconds."""
    from netnotes.serve import RELOAD_SCRIPT, RELOAD_SCRIPT_PATH
    from netnotes.site.build import BuildOptions, Kept, build_site
    from netnotes.site.theme import served_only_file

    cache, kept = NoteCache(root), Kept()
    options = BuildOptions(
        extra_scripts=(RELOAD_SCRIPT_PATH,),
        extra_files=((RELOAD_SCRIPT_PATH, served_only_file(RELOAD_SCRIPT)),),
        connect_src=("'self'",),
    )

    def rebuild(hint: Any) -> tuple[LoadResult, float]:  # noqa: ANN401 - a Changes, or None
        started = time.perf_counter()
        result = load_vault(root, today=TODAY, cache=cache, **({} if hint is None else {"hint": hint}))
        loaded = time.perf_counter() - started
        if build:
            build_site(root, result, out, TODAY, options, kept)
        return result, loaded

    return rebuild


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("vault", type=Path)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--build", action="store_true", help="build the served site after each load")
    args = parser.parse_args()
    root = args.vault.resolve()
    sites = Path(tempfile.mkdtemp(prefix="netnotes-serve-load-"))
    ways = {"walking": rebuilder(root, args.build, sites / "walking")}
    if Changes is not None:
        ways["told"] = rebuilder(root, args.build, sites / "told")
    for rebuild in ways.values():  # the first two rebuilds walk, as serve's do
        rebuild(None)
        rebuild(None if Changes is None else Changes(frozenset()))
    notes = sorted(p.relative_to(root).as_posix() for p in (root / "interactions").rglob("*.md"))
    times: dict[str, list[float]] = {"walk alone": []}
    for n in range(args.rounds):
        path = notes[(n * 7919 + 5) % len(notes)]
        with open(root / path, "a", encoding="utf-8") as f:
            f.write(f"\nServe edit {n}.\n")
        results = {}
        for name in sorted(ways, reverse=n % 2 == 1):
            hint = Changes(frozenset({path})) if name == "told" else None
            started = time.perf_counter()
            results[name], loaded = ways[name](hint)
            times.setdefault(f"{name}: load", []).append(loaded)
            if args.build:
                times.setdefault(f"{name}: rebuild", []).append(time.perf_counter() - started)
        if "told" in results:
            same(results["walking"], results["told"], path)
        gc.disable()  # as the load walks
        started = time.perf_counter()
        discover.walk(root) if hasattr(discover, "walk") else discover.discover(root)
        times["walk alone"].append(time.perf_counter() - started)
        gc.enable()
    print(f"{root.name}: median of {args.rounds} rounds, seconds")
    for name, values in sorted(times.items()):
        print(f"  {name:18} {statistics.median(values):.3f}   ({', '.join(f'{v:.3f}' for v in values)})")


if __name__ == "__main__":
    main()
