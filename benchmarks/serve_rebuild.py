"""Time ``serve``'s rebuild after one edit in-process: as ``serve.serve_vault`` does it (one
``NoteCache`` and one ``build.Kept`` for every rebuild, ``serve``'s ``BuildOptions``), each
round appending a line to one interaction, then loading and building.

    python benchmarks/serve_rebuild.py VAULT [--rounds 7] [--profile]

VAULT is edited: give a copy. Prints each round's seconds to the generation bump (what
``serve``'s rebuild function returns after) and to the end of the work done after it, their
medians, and with ``--profile`` the cumulative seconds of the output side's parts under
cProfile (one more set of rounds).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import pstats
import statistics
import sys
import time
from pathlib import Path

TODAY = dt.date(2026, 11, 25)
PARTS = (
    "render_bodies",
    "search_entries",
    "index_script",
    "adopt",  # Manifest.adopt and Staging.adopt
    "save",
    "open",
    "staged_output",
    "_swap_in",
    "finish",
    "_build_site",
    "load_vault",
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("vault", type=Path)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--dump", type=Path, help="with --profile: write the profile's stats here")
    args = parser.parse_args(argv)

    from netnotes.loader import load_vault
    from netnotes.notecache import NoteCache
    from netnotes.serve import RELOAD_SCRIPT, RELOAD_SCRIPT_PATH
    from netnotes.site.build import BuildOptions, Kept, build_site
    from netnotes.site.theme import served_only_file

    root = args.vault.resolve()
    out = root / ".netnotes" / "serve"
    options = BuildOptions(
        extra_scripts=(RELOAD_SCRIPT_PATH,),
        extra_files=((RELOAD_SCRIPT_PATH, served_only_file(RELOAD_SCRIPT)),),
        connect_src=("'self'",),
    )
    notes = NoteCache(root)
    try:
        kept = Kept(defer=True)  # as serve keeps it
    except TypeError:  # code from before serve deferred anything
        kept = Kept()
    interactions = sorted((root / "interactions").rglob("*.md"))

    def rebuild() -> tuple[float, float, float]:
        started, cpu = time.perf_counter(), time.process_time()
        result = load_vault(root, today=TODAY, cache=notes)
        build_site(root, result, out, TODAY, options, kept)
        bumped, bumped_cpu = time.perf_counter(), time.process_time()
        finish = getattr(kept, "finish", None)  # what serve does after the bump, if anything
        if finish is not None:
            finish()
        return bumped - started, time.perf_counter() - started, bumped_cpu - cpu

    def edit(n: int) -> None:
        with open(interactions[(n * 7919) % len(interactions)], "a", encoding="utf-8") as file:
            file.write(f"\nServe benchmark edit {n}.\n")

    rebuild()
    rebuild()  # a second build proves the bytes of the files the first wrote
    bumps, totals, cpus = [], [], []
    for n in range(args.rounds):
        edit(n)
        bump, total, cpu = rebuild()
        bumps.append(bump)
        totals.append(total)
        cpus.append(cpu)
        print(f"round {n + 1}: {bump:.3f} s to the bump ({cpu:.3f} s CPU), {total:.3f} s in all", flush=True)
    bump, total, cpu = statistics.median(bumps), statistics.median(totals), statistics.median(cpus)
    print(f"median of {args.rounds}: {bump:.3f} s to the bump ({cpu:.3f} s CPU), {total:.3f} s in all")
    if args.profile:
        profile = cProfile.Profile()
        for n in range(args.rounds):
            edit(args.rounds + n)
            profile.enable()
            rebuild()
            profile.disable()
        if args.dump:
            profile.dump_stats(args.dump)
        stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]  # pstats keeps it untyped
        print(f"under cProfile, cumulative seconds per rebuild (mean of {args.rounds}):")
        for (filename, _, name), (_, _, _, cumulative, _) in sorted(stats.items(), key=lambda kv: -kv[1][3]):
            if name in PARTS and "netnotes" in filename:
                where = Path(filename).name
                print(f"  {where}:{name} {cumulative / args.rounds:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
