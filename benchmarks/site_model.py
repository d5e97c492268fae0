"""Time the site model after one edit of an interaction, as `netnotes serve` makes it (patched
from the last model's pieces) and made whole, side by side in one process (issue 12).

VAULT (a generated vault) is copied to a temporary folder, which is what gets edited. The
copy is loaded once through one note cache, as `serve` keeps it; then each round edits one
interaction in turn (a line appended, its date moved, a person added to `with`), loads the vault
again (a patch of the last model) and times `SiteModel` twice: with the memo the last model
left (what `serve` does) and with only its contacts' pieces (the model made whole, as before
patching: `relationships`, `due_items`, the path index... over every note). The cyclic garbage
collector is off while timing, as it is during a build. Prints the medians and every round.

    python benchmarks/site_model.py VAULT [--rounds 9] [--today 2026-11-25]
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from netnotes.loader import LoadResult, load_vault  # noqa: E402 - after the path is set
from netnotes.notecache import NoteCache  # noqa: E402
from netnotes.site.pages import ModelMemo, SiteModel  # noqa: E402

EDITS = ("append a line", "move its date", "add a person")
SETTLE = 3.5  # seconds: past the caches' racy window (notecache.RACY_NS, 3 s)


def edit(note: Path, how: str, person: str) -> None:
    text = note.read_text(encoding="utf-8")
    if how == "move its date":
        text = re.sub(r"^date: (\d{4})", lambda m: f"date: {int(m.group(1)) - 1}", text, count=1, flags=re.M)
    elif how == "add a person":
        one = re.search(r"^with: *(\S.*)$", text, re.M)
        if one:  # with: jane-doe, or with: [jane-doe, sam-lee]
            text = text[: one.start()] + f"with: [{person}, {one.group(1).strip('[]')}]" + text[one.end() :]
        else:  # a YAML block list
            head = r"^with:\n(\s*)- "
            text = re.sub(head, lambda m: f"with:\n{m.group(1)}- {person}\n{m.group(1)}- ", text, count=1, flags=re.M)
    note.write_text(text + f"\nEdited at {time.time_ns()}.\n", encoding="utf-8")


def timed(result: LoadResult, today: dt.date, memo: ModelMemo, whole: bool = False) -> float:
    """Seconds to make the site model; ``whole``: from the contacts' pieces and page-name tables
    ``memo`` keeps (as before issue 12's patching), not from the last model's other pieces."""
    gc.disable()
    try:
        started = time.perf_counter()
        if whole:
            SiteModel(result.vault, today, result.problems, (), ModelMemo(memo.pieces, memo.slugs), result.contacts_key)
        else:
            SiteModel(
                result.vault,
                today,
                result.problems,
                (),
                memo,
                result.contacts_key,
                model_key=result.model_key,
                patch=result.patch,
            )
        return time.perf_counter() - started
    finally:
        gc.enable()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("vault", type=Path)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--today", type=dt.date.fromisoformat, default=dt.date(2026, 11, 25))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "vault"
        shutil.copytree(args.vault, root, symlinks=True)
        notes = sorted((root / "interactions").rglob("*.md"))
        people = sorted(p.stem for p in (root / "contacts").glob("*.md"))
        time.sleep(SETTLE)  # else the notes copied last are too new to trust, and read again
        cache, memo = NoteCache(root), ModelMemo()
        timed(load_vault(root, today=args.today, cache=cache), args.today, memo)
        rows = []
        for n in range(args.rounds):
            how = EDITS[n % len(EDITS)]
            edit(notes[(n * 7919 + 13) % len(notes)], how, people[(n * 31) % len(people)])
            result = load_vault(root, today=args.today, cache=cache)
            if result.patch is None:
                sys.exit("the load after an edit was not a patch of the last model")
            patched = timed(result, args.today, memo)
            whole = timed(result, args.today, memo, whole=True)
            rows.append((how, patched, whole))
    print(f"{args.vault.name}: SiteModel after one edit of an interaction, {args.rounds} rounds")
    print(f"  patched from the last model (serve): median {statistics.median(r[1] for r in rows):.3f} s")
    print(f"  made whole (contacts' pieces kept):  median {statistics.median(r[2] for r in rows):.3f} s")
    for how, patched, whole in rows:
        print(f"    {how:<14} patched {patched:.3f} s   whole {whole:.3f} s")


if __name__ == "__main__":
    main()
