#!/usr/bin/env python3
"""Time what section 8 adds to a build: company keys, strength, fading and introduction paths.

    python benchmarks/relationships.py [--sizes 10000x100000] [--keep DIR] [--repeat R] [--seed 1]

The vault of each size comes from bench.py's cache (generated with generate.py on first use,
reused while its stamp matches). It is loaded once, in this process, and then each step is
timed on the loaded model, best of R runs (time.perf_counter):

- strength + fading: ``strength.relationships(vault, 2026-11-25)``, one pass over interactions
  and asks;
- company index: ``companies.company_index`` (keys, names, now and formerly);
- paths, every page: ``paths.PathIndex`` (one pass over contacts, interactions and asks) and
  the top 5 paths of every company page and of every contact page under strength 30, as
  ``build`` shows them;
- one ``path``: the index and every path to the company with the most people, unlimited, as
  ``netnotes path`` computes it beyond loading (strength included);
- site model: the whole ``SiteModel`` (indexes, follow-ups, all of the above), for scale.

The first three are what the relationship features add to ``build``; the site model is shown
to compare them with.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # the working tree's netnotes, not an installed one
sys.path.insert(0, str(HERE))

import bench  # noqa: E402

from netnotes.companies import company_index, company_key  # noqa: E402
from netnotes.loader import load_vault  # noqa: E402
from netnotes.paths import KNOWN, PathIndex  # noqa: E402
from netnotes.site.pages import SiteModel  # noqa: E402
from netnotes.strength import relationships  # noqa: E402

TODAY = dt.date(2026, 11, 25)


def best_of(repeat: int, step: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        company_key.cache_clear()  # every run starts cold
        started = time.perf_counter()
        step()
        times.append(time.perf_counter() - started)
    return min(times)


def measure(label: str, vault_dir: Path, repeat: int) -> str:
    started = time.perf_counter()
    vault = load_vault(vault_dir, today=TODAY).vault
    loaded = time.perf_counter() - started
    fading = len(relationships(vault, TODAY).fading)
    strength = best_of(repeat, lambda: relationships(vault, TODAY))
    companies = best_of(repeat, lambda: company_index(vault.contacts, vault.config))
    rel = relationships(vault, TODAY)
    index = company_index(vault.contacts, vault.config)
    biggest = max(index.companies.values(), key=lambda c: (len(c.now) + len(c.formerly), c.key))

    def every_page() -> int:
        paths = PathIndex(vault, TODAY, (), rel, index)
        shown = sum(len(paths.company(k, 5).top(5)) for k in index.companies)
        weak = [c.id for c in vault.contacts if rel.of(c.id).score < KNOWN]
        return shown + sum(len(paths.person(cid, 5).top(5)) for cid in weak)

    def one_path() -> int:
        r = relationships(vault, TODAY)
        return PathIndex(vault, TODAY, (), r).company(biggest.key).introduced_total

    pages = best_of(repeat, every_page)
    one = best_of(repeat, one_path)
    model = best_of(repeat, lambda: SiteModel(vault, TODAY, []))
    return (
        f"| {label} | {loaded:.1f} s | {strength:.3f} s | {companies:.3f} s | {pages:.3f} s | {one:.3f} s "
        f"({one_path()} paths) | {model:.2f} s | {fading} of {len(vault.contacts)} |"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", default="10000x100000")
    parser.add_argument("--keep", type=Path, default=HERE / ".vaults")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    print(
        "| size | load | strength + fading | company index | paths, every page | one `path` "
        "| site model (all of it) | fading |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for size in bench.parse_sizes(args.sizes):
        vault_dir = bench.ensure_vault(args.keep, size, args.seed, sys.executable)
        print(measure(size.label, vault_dir, args.repeat), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
