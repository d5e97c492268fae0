#!/usr/bin/env python3
"""A generated git history of a vault's contacts/, and how long netnotes takes to read it.

    python benchmarks/bench_history.py [DIR] [--contacts 10000] [--commits 5000] [--seed 1]
                                     [--repeat 3] [--dulwich] [--json FILE]

The repository is written with ``git fast-import`` (a few seconds) into ``DIR`` (default:
benchmarks/.vaults/history-<contacts>x<commits>/) and reused while its stamp (sizes, seed, a
hash of this script) matches. The first commit adds a fifth of the contacts; each later commit
adds about 1.6 more, edits 2–4 (a new company, a new role, or another field), now and then
moves one into a subfolder (in the same commit as a change), and half of the commits touch only
interactions/. Dates run from 2023-01-01 to 2026-11-25, one commit every 6.8 hours.

Each timing runs in a fresh child process (``read_history``, then ``find_moves``; the
interpreter's start-up is not counted):

- **cold**: no cache, the whole history read (``git log`` + ``git cat-file --batch``);
- **warm**: the cache of the same HEAD (only ``git rev-parse`` runs);
- **+10 commits**: ten new commits on top of the cached HEAD (only they are read);
- **dulwich cold** (``--dulwich``): the same reading done with dulwich, pure Python, for the
  comparison that chose the ``git`` command.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
STAMP = ".bench-stamp.json"
START = 1672563600  # 2023-01-01T09:00:00Z
END = 1795608000  # 2026-11-25T12:00:00Z
GIT_ENV = {
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
    **{
        f"GIT_{who}_{what}": value
        for who in ("AUTHOR", "COMMITTER")
        for what, value in (("NAME", "Sam"), ("EMAIL", "sam@example.org"))
    },
}

FIRST = ["ana", "bo", "chen", "dara", "eli", "fatima", "gus", "hana", "ivan", "jo", "kemal", "lea", "mo", "nia"]
LAST = ["lima", "chen", "okafor", "silva", "novak", "ito", "berg", "costa", "haddad", "kim", "roy", "weber"]
COMPANIES = [
    f"{a} {b}" for a in ("Helix", "Orbit", "Quill", "Nova", "Argo", "Tessel") for b in ("Robotics", "Labs", "AI")
]
ROLES = ["Engineer", "Senior engineer", "Staff engineer", "Engineering manager", "Designer", "Product manager", "CTO"]
CITIES = ["Berlin", "Lisbon", "Toronto", "Osaka", "Austin", "Nairobi"]


def note(name: str, company: str, role: str, city: str, rng: random.Random) -> bytes:
    tags = rng.sample(["python", "mentor", "recruiter", "design", "ml", "climate"], 2)
    text = (
        f"---\nname: {name}\ncompany: {company}\nrole: {role}\nlocation: {city}\ntags: [{', '.join(tags)}]\n"
        f"circle: active\nsince: 2022-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}\n---\n"
        f"Met {name.split()[0]} at a meetup; talked about {tags[0]} and {tags[1]}.\n"
    )
    return text.encode("utf-8")


def stream(contacts: int, commits: int, seed: int) -> bytes:
    """A ``git fast-import`` stream of the whole history."""
    rng = random.Random(seed)
    out: list[bytes] = []
    people: dict[str, list[str]] = {}  # id -> [path, name, company, role, city]
    made = 0

    def add_person() -> tuple[str, bytes]:
        nonlocal made
        made += 1
        cid = f"{rng.choice(FIRST)}-{rng.choice(LAST)}-{made}"
        name = " ".join(w.capitalize() for w in cid.split("-")[:2])
        person = [f"contacts/{cid}.md", name, rng.choice(COMPANIES), rng.choice(ROLES), rng.choice(CITIES)]
        people[cid] = person
        return person[0], note(person[1], person[2], person[3], person[4], rng)

    ids: list[str] = []
    first = contacts // 5
    step = (END - START) // commits
    adding = (commits - 1) // 2 or 1  # the commits that add and edit contacts: the odd ones after the first
    for n in range(1, commits + 1):
        when = START + (n - 1) * step
        lines: list[bytes] = []
        if n == 1:
            for _ in range(first):
                path, data = add_person()
                lines.append(b"M 100644 inline %s\ndata %d\n%s\n" % (path.encode(), len(data), data))
        elif n % 2 == 0:  # this commit logs an interaction only
            data = f"---\ndate: 2026-01-01\nwith: {rng.choice(ids)}\nkind: coffee\n---\n".encode()
            lines.append(b"M 100644 inline interactions/i-%d.md\ndata %d\n%s\n" % (n, len(data), data))
        else:
            k = n // 2 - 1  # this commit's place among the adding ones: together they add the rest exactly
            for _ in range((k + 1) * (contacts - first) // adding - k * (contacts - first) // adding):
                path, data = add_person()
                lines.append(b"M 100644 inline %s\ndata %d\n%s\n" % (path.encode(), len(data), data))
            for cid in rng.sample(ids, min(len(ids), rng.randint(2, 4))):
                person = people[cid]
                change = rng.random()
                if change < 0.4:
                    person[2] = rng.choice(COMPANIES)
                elif change < 0.6:
                    person[3] = rng.choice(ROLES)
                else:
                    person[4] = rng.choice(CITIES)
                if rng.random() < 0.02:  # moved to a subfolder in the same commit
                    lines.append(b"D %s\n" % person[0].encode())
                    person[0] = f"contacts/{rng.choice(['friends', 'work', 'old'])}/{cid}.md"
                data = note(person[1], person[2], person[3], person[4], rng)
                lines.append(b"M 100644 inline %s\ndata %d\n%s\n" % (person[0].encode(), len(data), data))
        ids = list(people)
        message = b"notes %d" % n
        out.append(
            b"commit refs/heads/main\nmark :%d\nauthor Sam <sam@example.org> %d +0000\n"
            b"committer Sam <sam@example.org> %d +0000\ndata %d\n%s\n" % (n, when, when, len(message), message)
        )
        if n > 1:
            out.append(b"from :%d\n" % (n - 1))
        out.extend(lines)
        out.append(b"\n")
    return b"".join(out)


def git(folder: Path, *args: str, data: bytes | None = None) -> str:
    done = subprocess.run(
        ["git", *args], cwd=folder, input=data, capture_output=True, check=True, env={**os.environ, **GIT_ENV}
    )
    return done.stdout.decode().strip()


def ensure_repo(folder: Path, contacts: int, commits: int, seed: int) -> Path:
    want = {
        "contacts": contacts,
        "commits": commits,
        "seed": seed,
        "script_sha256": hashlib.sha256(Path(__file__).read_bytes()).hexdigest(),
    }
    try:
        if json.loads((folder / ".git" / STAMP).read_text()) == want:
            return folder
    except (OSError, ValueError):
        pass
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    started = time.perf_counter()
    git(folder, "init", "-q", "-b", "main")
    git(folder, "fast-import", "--quiet", data=stream(contacts, commits, seed))
    git(folder, "reset", "-q", "--hard", "main")
    (folder / ".gitignore").write_text(".netnotes/\n")
    (folder / ".git" / STAMP).write_text(json.dumps(want))
    print(f"generated {folder} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return folder


CHILD = """
import sys, time
from netnotes.history import read_history
from netnotes.moves import find_moves
t = time.perf_counter()
history = read_history(sys.argv[1], lambda m: print(m, file=sys.stderr), cache=sys.argv[2] == "cache")
moves = find_moves(history)
print(time.perf_counter() - t, sum(len(v) for v in history.versions.values()), len(moves))
"""

DULWICH_CHILD = """
import sys, time
from dulwich.diff_tree import tree_changes
from dulwich.repo import Repo
from netnotes.history import contact_id, job_of
t = time.perf_counter()
repo = Repo(sys.argv[1])
chain = []
commit = repo[repo.head()]
while True:
    chain.append(commit)
    if not commit.parents:
        break
    commit = repo[commit.parents[0]]
versions = 0
old_tree = None
for commit in reversed(chain):
    tree = repo[commit.tree]
    try:
        new_tree = tree[b"contacts"][1]
    except KeyError:
        new_tree = None
    if new_tree != old_tree:
        for change in tree_changes(repo.object_store, old_tree, new_tree):
            new = change.new
            if new is not None and new.sha is not None and contact_id("contacts/" + new.path.decode()):
                job_of(repo.object_store[new.sha].data, "contacts/x.md")
                versions += 1
    old_tree = new_tree
print(time.perf_counter() - t, versions, 0)
repo.close()
"""


def child(code: str, *args: str) -> tuple[float, int, int]:
    env = {**os.environ, "PYTHONPATH": f"{REPO}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, check=True)
    seconds, versions, moves = done.stdout.split()
    return float(seconds), int(versions), int(moves)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dir", nargs="?", type=Path)
    parser.add_argument("--contacts", type=int, default=10_000)
    parser.add_argument("--commits", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dulwich", action="store_true", help="also time the same reading done with dulwich")
    parser.add_argument("--json", type=Path, help="also write the results as JSON")
    args = parser.parse_args()
    folder = args.dir or HERE / ".vaults" / f"history-{args.contacts}x{args.commits}"
    ensure_repo(folder, args.contacts, args.commits, args.seed)
    cache = folder / ".netnotes"
    results: dict[str, list[float]] = {"cold": [], "warm": [], "+10 commits": []}
    counts = (0, 0)
    for _ in range(args.repeat):
        shutil.rmtree(cache, ignore_errors=True)
        seconds, *found = child(CHILD, str(folder), "cache")
        results["cold"].append(seconds)
        counts = (found[0], found[1])
        results["warm"].append(child(CHILD, str(folder), "cache")[0])
    # ten new commits on a copy of the cached HEAD, read on top of the cache, then undone
    head = git(folder, "rev-parse", "HEAD")
    for n in range(10):
        path = folder / "contacts" / f"bench-extra-{n}.md"
        path.write_text(f"---\nname: Extra {n}\ncompany: Helix AI\n---\n")
        git(folder, "add", str(path))
        git(folder, "commit", "-qm", f"extra {n}")
    try:
        results["+10 commits"].append(child(CHILD, str(folder), "cache")[0])
    finally:
        git(folder, "reset", "-q", "--hard", head)
        shutil.rmtree(cache, ignore_errors=True)
    if args.dulwich:
        results["dulwich cold"] = [child(DULWICH_CHILD, str(folder))[0] for _ in range(args.repeat)]
    print(f"{args.contacts} contacts over {args.commits} commits: {counts[0]} versions read, {counts[1]} moves")
    for name, times in results.items():
        print(f"  {name:>12}: best {min(times):.3f} s of {len(times)}")
    if args.json:
        args.json.write_text(json.dumps({"versions": counts[0], "moves": counts[1], **results}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
