#!/usr/bin/env python3
"""Time ``netnotes merge KEEP DROP`` for a contact named in many notes, and ``netnotes dupes``.

    python benchmarks/merge.py [--contacts 2000] [--interactions 20000] [--named 1000] [--repeat 3] [--dir DIR]

Each run writes a fresh vault into a temporary folder: generate.py's synthetic vault, plus a
KEEP contact (Jane Doe) and her duplicate DROP (J. Doe) named in ``--named`` notes: interactions
with DROP alone, with DROP and KEEP both (``with`` keeps one), with DROP and another contact,
asks with DROP or introducing her, contacts she introduced, and body wikilinks. It then runs
``python -m netnotes --vault V merge jane-doe j-doe`` in a fresh process (start-up, loading the
vault, planning, replacing every file and removing DROP's note) and reports its wall time, the
best of ``--repeat`` runs (each on a new copy of the vault), with ``dupes`` on the same vault.
The merge is also timed in this process, step by step: loading the vault, planning (every new
text computed and verified) and applying (locks, texts written aside and flushed, replaced).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

sys.path.insert(0, str(ROOT))  # the working tree's netnotes, not an installed one
from netnotes.loader import load_vault  # noqa: E402
from netnotes.merge import apply_merge, plan_merge  # noqa: E402


def add_duplicates(vault: Path, named: int) -> None:
    """KEEP, DROP and ``named`` notes naming DROP in every way a note can."""
    (vault / "contacts/jane-doe.md").write_text("---\nname: Jane Doe\nemail: jane@acme.example\n---\n")
    (vault / "contacts/j-doe.md").write_text(
        "---\nname: J. Doe\naliases: [Janie]\nemail: jane@acme.example\nphone: '+1 555 0100'\n---\nImported.\n"
    )
    folder = vault / "interactions/dupes"
    folder.mkdir(parents=True)
    asks = vault / "asks/dupes"
    asks.mkdir(parents=True)
    people = vault / "contacts/dupes"
    people.mkdir(parents=True)
    for n in range(named):
        day = f"2025-{n % 12 + 1:02}-{n % 28 + 1:02}"
        kind = n % 10
        if kind < 5:
            with_ = ["j-doe", "[j-doe, jane-doe]", '["[[J. Doe|Jane]]"]'][kind % 3]
            body = "Talked with [[j-doe]] and [[Janie|her]] team.\n" if kind % 2 else "Notes.\n"
            text = f"---\ndate: {day}\nwith: {with_}\nkind: coffee\n---\n{body}"
            (folder / f"{day}-coffee-{n}.md").write_text(text)
        elif kind < 8:
            line = "with: j-doe" if kind != 7 else "with: jane-doe\nintro_to: J. Doe"
            text = f"---\ndate: {day}\n{line}\ndirection: out\nkind: introduction\n---\n"
            (asks / f"{day}-intro-{n}.md").write_text(text)
        else:
            text = f"---\nname: Person {n}\nmet_through: j-doe\n---\nMet through [[J. Doe]].\n"
            (people / f"person-{n}.md").write_text(text)


def timed(vault: Path, *args: str) -> float:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "netnotes", "--vault", str(vault), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0 or "Traceback" in done.stderr:
        raise SystemExit(f"netnotes {' '.join(args)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return seconds


def in_process(vault: Path) -> tuple[float, float, float]:
    """(load, plan, apply) seconds of the merge, called as the command calls them."""
    started = time.perf_counter()
    loaded = load_vault(vault)
    loading = time.perf_counter()
    plan = plan_merge(vault, loaded, "jane-doe", "j-doe")
    planned = time.perf_counter()
    apply_merge(plan)
    return loading - started, planned - loading, time.perf_counter() - planned


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--contacts", type=int, default=2000)
    parser.add_argument("--interactions", type=int, default=20000)
    parser.add_argument("--named", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dir", type=Path, default=None, help="where the vaults go (default: the temp folder)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="netnotes-merge-", dir=args.dir) as tmp:
        base = Path(tmp) / "base"
        generate(base, contacts=args.contacts, interactions=args.interactions, seed=args.seed)
        add_duplicates(base, args.named)
        merges, dupes, steps = [], [], []
        for run in range(args.repeat):
            vault = Path(tmp) / f"run-{run}"
            shutil.copytree(base, vault)
            dupes.append(timed(vault, "dupes"))
            merges.append(timed(vault, "merge", "jane-doe", "j-doe"))
            if (vault / "contacts/j-doe.md").exists():
                raise SystemExit("merge left DROP's note in place")
            shutil.rmtree(vault)
            shutil.copytree(base, vault)
            steps.append(in_process(vault))
            shutil.rmtree(vault)
    size = f"{args.contacts + 2 + args.named // 5:,} contacts, {args.interactions:,} interactions"
    load, plan, apply = (min(s[i] for s in steps) for i in range(3))
    print("| vault | notes naming DROP | `merge` | of which: load, plan, apply | `dupes` |")
    print("|---|---|---|---|---|")
    print(
        f"| {size} | {args.named:,} | {min(merges):.2f} s | {load:.2f} s, {plan:.2f} s, {apply:.2f} s "
        f"| {min(dupes):.2f} s |"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
