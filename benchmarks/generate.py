#!/usr/bin/env python3
"""Generate a synthetic, valid netnotes vault for benchmarks and stress tests.

    python benchmarks/generate.py OUT_DIR --contacts N --interactions M [--asks K] [--seed 1]

or, from Python::

    from benchmarks.generate import generate
    generate(Path("vault"), contacts=200, interactions=2000)

The output is fully determined by (contacts, interactions, asks, seed): it uses a seeded
``random.Random``, a fixed reference date (``TODAY`` = 2026-11-25) and never iterates over a
set, so two runs with the same arguments produce byte-identical vaults.

Everything written is valid per docs/vault-format.md: ids are unique, every
contact ref (``with``, ``met_through``, ``intro_to`` and ``[[wikilinks]]`` in bodies) resolves
to exactly one contact, names and aliases never collide between contacts, dates are real
dates, kinds/directions/statuses come from the documented lists, and no custom key is a
near-miss of a known key. A small share of notes use the other accepted spellings (quoted
dates, refs by name or as ``[[wikilinks]]``, CRLF line endings, a UTF-8 BOM) so that parsers
see the variety a real vault has.

Only the standard library is needed; front matter is written by hand (PyYAML's emitter is
far too slow for 100,000 notes) with a conservative quoting rule.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import sys
import time
import unicodedata
from datetime import date
from pathlib import Path

TODAY = date(2026, 11, 25)
TODAY_ORD = TODAY.toordinal()
# "within the 3 years before TODAY": 2023-11-26 .. 2026-11-25 inclusive (1096 days).
HISTORY_DAYS = TODAY_ORD - date(2023, 11, 25).toordinal()  # 1096
PLANNED_SHARE = 0.01  # share of interactions dated after TODAY (planned)

CIRCLES = {"inner": "3w", "active": "2m", "wider": "6m"}

INTERACTION_KINDS = [
    "coffee",
    "lunch",
    "call",
    "email",
    "text",
    "meeting",
    "event",
    "linkedin",
    "thank-you",
    "invitation",
    "intro",
    "other",
]
INTERACTION_KIND_WEIGHTS = [14, 8, 14, 18, 10, 10, 6, 8, 4, 3, 3, 2]
ASK_KINDS = ["reference", "introduction", "linkedin-intro", "job-lead", "info", "advice", "other"]
ASK_KIND_WEIGHTS = [10, 20, 12, 14, 18, 20, 6]
ASK_STATUSES = ["open", "done", "declined", "dropped"]
ASK_STATUS_WEIGHTS = [55, 30, 5, 10]  # asks from the last 120 days
ASK_STATUS_WEIGHTS_OLD = [6, 64, 12, 18]  # older asks

FIRST_NAMES = """
Aaron Abigail Adam Adrian Aisha Alan Alejandro Alex Alexandra Ali Alice Alicia Amanda Amara
Amir Amy Ana Andrea Andrew Angela Anil Anna Anthony Antonio Arjun Ava Ayesha Barbara Ben
Benjamin Beth Bianca Brandon Brian Bruno Caleb Camila Carlos Carmen Caroline Catherine Chen
Chloe Chris Christina Christopher Claire Daniel Daniela David Deepa Diana Diego Dmitri
Dominic Elena Eli Elizabeth Ellen Emily Emma Eric Erin Ethan Eva Fatima Felix Fernando Fiona
Francesca Gabriel Grace Hana Hannah Harper Hassan Hector Helen Henry Hiro Ian Imani Ingrid
Isaac Isabel Ivan Jack Jacob James Jamal Jane Jasmine Jason Javier Jenna Jennifer Jessica
Joanna John Jonathan Jordan Jorge Joseph Joshua Julia Julian Justin Kai Karen Karim Kate
Katherine Keisha Kenji Kevin Kim Kofi Laila Lars Laura Lauren Leah Leila Leo Liam Lily Linda
Lucas Lucia Luis Luke Maya Mariam Maria Mark Marta Martin Mateo Matthew Mei Michael Michelle
Miguel Mina Mohammed Monica Nadia Naomi Natalie Nathan Neha Nicholas Nicole Nina Noah Olga
Oliver Olivia Omar Oscar Pablo Patricia Patrick Paul Pedro Peter Priya Rachel Rafael Rahul
Raj Rebecca Ricardo Robert Rosa Ruth Ryan Samantha Samuel Sandra Sara Sean Sebastian Sergei
Shreya Simon Sofia Sophie Stephen Steven Sunil Susan Tariq Thomas Tim Tomas Tyler Valentina
Victor Vikram Wei William Xavier Yara Yuki Yusuf Zainab Zara
José Zoë Björn Siobhán Renée François Søren Anaïs Chloé Ngozi Thabo Ximena
""".split()

LAST_NAMES = """
Abbott Adams Adeyemi Agarwal Ahmed Alexander Ali Allen Alvarez Anderson Andersson Baker
Banerjee Barnes Bell Bennett Bergstrom Bianchi Brooks Brown Bryant Butler Campbell Carter
Castillo Chan Chang Chatterjee Chen Choi Clark Cohen Coleman Collins Cook Cooper Costa Cruz
Das Davies Davis Diaz Dubois Edwards Evans Fernandez Fischer Fisher Flores Ford Foster Garcia
Gill Gomez Gonzalez Gordon Graham Gray Green Gupta Hall Hamilton Hansen Harris Hayes
Henderson Hernandez Hill Hoffmann Holmes Howard Hughes Hussain Ibrahim Iyer Jackson James
Jansen Jenkins Jensen Johnson Jones Kaur Kelly Khan Kim King Kowalski Kumar Lambert Larsen Lee
Lewis Li Lim Lin Liu Lopez Martin Martinez Mehta Mendoza Meyer Miller Mitchell Moore Morales
Moreau Morgan Morris Murphy Murray Nakamura Nguyen Nielsen Novak Nunez Obi Okafor Olsen
Ortiz Owens Park Patel Perez Perry Peters Petrov Phillips Pillai Powell Price Ramirez Ramos
Rao Reddy Reed Reyes Richardson Rivera Roberts Robinson Rodriguez Rossi Russell Sanchez
Sanders Santos Sato Schmidt Schneider Scott Shah Sharma Silva Simmons Singh Smith Sokolova
Stewart Sullivan Suzuki Tanaka Taylor Thomas Thompson Torres Tran Turner Walker Wang Ward
Watanabe Watson Weber White Williams Wilson Wong Wood Wright Wu Yamamoto Yang Young Zhang
Zhou O'Brien O'Connor Müller Núñez García-López Smith-Jones Van-Dijk Łukasik Øberg
""".split()

NICKNAMES = {
    "Abigail": "Abby",
    "Alexander": "Alex",
    "Alexandra": "Sasha",
    "Andrew": "Andy",
    "Anthony": "Tony",
    "Benjamin": "Ben",
    "Catherine": "Cathy",
    "Christopher": "Chris",
    "Christina": "Tina",
    "Daniel": "Dan",
    "Elizabeth": "Liz",
    "Jennifer": "Jen",
    "Jessica": "Jess",
    "Jonathan": "Jon",
    "Joseph": "Joe",
    "Joshua": "Josh",
    "Katherine": "Kate",
    "Matthew": "Matt",
    "Michael": "Mike",
    "Nicholas": "Nick",
    "Patricia": "Trish",
    "Patrick": "Pat",
    "Rebecca": "Becky",
    "Robert": "Bob",
    "Samantha": "Sam",
    "Samuel": "Sam",
    "Sebastian": "Seb",
    "Stephen": "Steve",
    "Steven": "Steve",
    "Thomas": "Tom",
    "William": "Bill",
    "Valentina": "Vale",
    "Francesca": "Fran",
    "Gabriel": "Gabe",
    "Isabel": "Izzy",
    "Nathan": "Nate",
    "Oliver": "Ollie",
    "Olivia": "Liv",
    "Timothy": "Tim",
    "Victor": "Vic",
    "Mohammed": "Mo",
    "Sergei": "Seryozha",
    "Dmitri": "Dima",
    "Alejandro": "Alejo",
}

COMPANIES = """
Acme Analytics|Northwind Labs|Contoso Health|Globex Systems|Initech|Umbrella Biotech|Hooli|
Stark Robotics|Wayne Capital|Cyberdyne Cloud|Soylent Foods|Vandelay Industries|Tyrell Data|
Wonka Confectionery|Aperture Science|Black Mesa Energy|Pied Piper|Massive Dynamic|Oscorp|
Blue Sun Logistics|Gringotts Bank|Monarch Mobility|Sterling Cooper|Dunder Mifflin|Prestige Worldwide|
Bluth Company|Krusty Media|Nakatomi Trading|Genco Shipping|Ollivander Tools|Octan Fuel|
Weyland Aerospace|Rekall Travel|Virtucon|Spacely Sprockets|Cogswell Cogs|Zorg Industries|
Soylent Green Energy|Gekko Partners|Buy n Large|InGen Genomics|Abstergo|Yoyodyne|Omni Consumer Products|
Delos Resorts|Lacuna Inc|Mooby Foods|Paper Street Soap|Compu-Global|Planet Express|Jupiter Mining|
Tessier-Ashpool|Brawndo|Los Pollos Hermanos|Sirius Cybernetics|Ajax Consulting|Fabrikam|
Litware|Proseware|Adventure Works|Tailspin Toys|Wide World Importers|Woodgrove Bank|Coho Vineyard|
Lucerne Publishing|Margie's Travel|Trey Research|Graphic Design Institute|Humongous Insurance|
Alpine Ski House|Blue Yonder Airlines|City Power and Light|Fourth Coffee|Relecloud|VanArsdel|
Bellows College|Southridge Video|School of Fine Art|Datum Corporation|Lamna Healthcare|
Munson's Pickles|Nod Publishers|Olympia Robotics|Quill Cloud|Riverbend Software|Saffron Labs|
Tandem Finance|Umbra Security|Vireo Health|Willow Energy|Xylo Audio|Yellowtail Analytics|Zephyr AI
""".replace("\n", "").split("|")

ROLES = [
    "Software Engineer",
    "Senior Software Engineer",
    "Staff Engineer",
    "Principal Engineer",
    "Engineering Manager",
    "Director of Engineering",
    "VP Engineering",
    "CTO",
    "CEO",
    "Founder",
    "Co-founder",
    "Product Manager",
    "Senior Product Manager",
    "Head of Product",
    "Designer",
    "UX Researcher",
    "Data Scientist",
    "Data Engineer",
    "ML Engineer",
    "Recruiter",
    "Technical Recruiter",
    "Talent Partner",
    "Sales Director",
    "Account Executive",
    "Marketing Lead",
    "Developer Advocate",
    "Consultant",
    "Partner",
    "Investor",
    "Analyst",
    "Professor",
    "PhD Student",
    "Journalist",
    "Operations Manager",
    "HR Business Partner",
    "Security Engineer",
    "SRE",
    "Solutions Architect",
    "Chief of Staff",
    "Customer Success Lead",
]

LOCATIONS = [
    "San Francisco, CA",
    "Oakland, CA",
    "New York, NY",
    "Brooklyn, NY",
    "Boston, MA",
    "Seattle, WA",
    "Austin, TX",
    "Chicago, IL",
    "Denver, CO",
    "Portland, OR",
    "Toronto",
    "Vancouver",
    "Montreal",
    "London",
    "Manchester",
    "Edinburgh",
    "Dublin",
    "Paris",
    "Lyon",
    "Berlin",
    "Munich",
    "Hamburg",
    "Amsterdam",
    "Rotterdam",
    "Copenhagen",
    "Stockholm",
    "Oslo",
    "Helsinki",
    "Zürich",
    "Geneva",
    "Vienna",
    "Prague",
    "Warsaw",
    "Kraków",
    "Lisbon",
    "Porto",
    "Madrid",
    "Barcelona",
    "Milan",
    "Rome",
    "Athens",
    "Tel Aviv",
    "Dubai",
    "Bangalore",
    "Mumbai",
    "Singapore",
    "Tokyo",
    "Seoul",
    "Sydney",
    "Melbourne",
    "Auckland",
    "São Paulo",
    "Mexico City",
    "Buenos Aires",
    "Lagos",
    "Nairobi",
    "Cape Town",
    "Remote",
]

TAGS = [
    "python",
    "rust",
    "golang",
    "javascript",
    "data",
    "ml",
    "ai",
    "devops",
    "security",
    "design",
    "product",
    "mentor",
    "mentee",
    "recruiter",
    "investor",
    "founder",
    "alumni",
    "former-colleague",
    "conference",
    "meetup",
    "open-source",
    "hiring",
    "job-search",
    "speaker",
    "writer",
    "podcast",
    "climate",
    "fintech",
    "healthtech",
    "edtech",
    "board",
    "friend",
    "neighbor",
    "client",
    "vendor",
    "community",
    "remote-work",
    "leadership",
]

TOPICS = [
    "platform migrations",
    "hiring senior engineers",
    "data pipelines",
    "LLM evaluation",
    "pricing strategy",
    "the Series B",
    "remote team rituals",
    "career ladders",
    "on-call load",
    "Postgres performance",
    "design systems",
    "developer experience",
    "a staff-engineer role",
    "fundraising",
    "the reorg",
    "a conference talk",
    "open-source funding",
    "climate tech",
    "security reviews",
    "moving to Berlin",
    "product discovery",
    "burnout",
    "mentoring juniors",
    "their new startup",
    "API design",
    "observability",
    "a book idea",
    "board dynamics",
    "GDPR questions",
    "the job market",
    "negotiating an offer",
]

CONFERENCES = [
    "PyCon US",
    "EuroPython",
    "KubeCon",
    "Strange Loop",
    "NeurIPS",
    "QCon London",
    "Web Summit",
    "SXSW",
    "RustConf",
    "GopherCon",
    "DjangoCon Europe",
    "re:Invent",
    "LeadDev",
    "Monktoberfest",
    "JSConf",
    "FOSDEM",
    "PyData Berlin",
    "SRECon",
    "the local meetup",
]

CAFES = [
    "Blue Bottle",
    "Sightglass",
    "the corner cafe",
    "Ritual",
    "Monmouth",
    "Intelligentsia",
    "Stumptown",
    "the office kitchen",
    "Tim Hortons",
    "Bonanza",
    "The Barn",
    "Fuglen",
]

HOBBIES = [
    "climbing",
    "sourdough",
    "trail running",
    "chess",
    "jazz piano",
    "cycling",
    "birdwatching",
    "board games",
    "sailing",
    "woodworking",
    "photography",
    "marathons",
    "gardening",
    "surfing",
]

CHANNELS = ["email", "texts", "a quick call", "LinkedIn messages", "coffee in person"]

MET_AT = [
    "PyCon US 2019",
    "a hackathon",
    "university",
    "previous job",
    "a friend's wedding",
    "the local meetup",
    "Twitter",
    "LinkedIn",
    "a conference dinner",
    "an offsite",
    "the climbing gym",
    "a podcast recording",
    "grad school",
    "a customer visit",
]

FOLLOW_UP_DURATIONS = ["3d", "1w", "10d", "2w", "3w", "1m", "6w", "2m", "3m"]
CADENCE_OVERRIDES = ["weekly", "biweekly", "monthly", "quarterly", "6w", "4m", "1y", "never", "yearly"]

NEXT_STEPS = [
    "send the article we discussed",
    "share my notes on {topic}",
    "intro to [[{other}]]",
    "follow up about {topic}",
    "send a thank-you note",
    "ask how the interview went",
    "check in after their launch",
    "send the job description",
    "book the next coffee",
    "share the conference CFP",
    "review their resume",
    "send the deck",
    "reply with dates",
    "congratulate them on the new role",
    "ask for feedback on the draft",
]

YAML_SPECIAL = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "none", "~"}
_PLAIN_OK = re.compile(r"[A-Za-z][A-Za-z0-9 .,&()/'+!?-]*[A-Za-z0-9.)!?]")
_OPEN_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
_SLUG_MAP = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ß": "ss", "æ": "ae", "đ": "d"})


def q(text: str) -> str:
    """A YAML scalar for text: plain when unambiguous, else a JSON (= YAML) double-quoted one."""
    if _PLAIN_OK.fullmatch(text) and text.lower() not in YAML_SPECIAL and ": " not in text and " #" not in text:
        return text
    return json.dumps(text, ensure_ascii=False)


def slugify(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.translate(_SLUG_MAP))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower().replace("'", "")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def _iso(ordinal: int) -> str:
    return date.fromordinal(ordinal).isoformat()


class _Contact:
    __slots__ = ("cid", "name", "first", "last", "since", "weight")

    def __init__(self, cid: str, name: str, first: str, last: str) -> None:
        self.cid = cid
        self.name = name
        self.first = first
        self.last = last
        self.since = 0
        self.weight = 1.0


class _Writer:
    """Writes notes; creates each folder once; a few notes get CRLF endings or a BOM."""

    def __init__(self, root: Path, rng: random.Random) -> None:
        self.root = root
        self.rng = rng
        self.made: dict[str, None] = {}
        self.count = 0

    def write(self, rel: str, front: list[str], body: str) -> None:
        folder = rel.rsplit("/", 1)[0]
        if folder not in self.made:
            (self.root / folder).mkdir(parents=True, exist_ok=True)
            self.made[folder] = None
        text = "---\n" + "\n".join(front) + "\n---\n" + body
        roll = self.rng.random()
        if roll < 0.01:
            text = text.replace("\n", "\r\n")
        elif roll < 0.015:
            text = "\ufeff" + text
        # os.open is noticeably cheaper than open() for 100k tiny files; O_EXCL makes a
        # duplicate file name (or a leftover file) an error instead of a silent overwrite.
        fd = os.open(os.path.join(self.root, rel), _OPEN_FLAGS, 0o644)
        try:
            os.write(fd, text.encode("utf-8"))
        finally:
            os.close(fd)
        self.count += 1


def _unique_names(rng: random.Random, n: int) -> list[tuple[str, str, str]]:
    """n unique (first, last, display name); ~3% are middle-initial variants of a taken name."""
    used: dict[str, None] = {}  # casefolded display names
    out: list[tuple[str, str, str]] = []
    initials = "ABCDEFGHJKLMNPRSTW"
    while len(out) < n:
        first = rng.choice(FIRST_NAMES)
        last = rng.choice(LAST_NAMES)
        name = f"{first} {last}"
        if name.casefold() in used or (out and rng.random() < 0.03):
            if name.casefold() not in used:
                # a second person with the same first + last name as someone already taken
                first, last, _ = out[rng.randrange(len(out))]
            for _ in range(40):
                name = f"{first} {rng.choice(initials)}. {last}"
                if name.casefold() not in used:
                    break
            else:
                continue
        used[name.casefold()] = None
        out.append((first, last, name))
    return out


def _sentence_pool(c: _Contact, company: str, role: str, location: str, rng: random.Random) -> list[str]:
    topic = rng.choice(TOPICS)
    return [
        f"{c.first} is a {role} at {company}, based in {location}.",
        f"We first met at {rng.choice(MET_AT)} and kept in touch since.",
        f"Knows a lot about {topic}; good person to ask before making a call on it.",
        f"Outside work: {rng.choice(HOBBIES)} and {rng.choice(HOBBIES)}.",
        f"Prefers {rng.choice(CHANNELS)} over anything else.",
        f"Was thinking about leaving {company} last time we spoke; worth checking in.",
        f"Very generous with time. Helped me think through {rng.choice(TOPICS)}.",
        f"Has a newsletter about {rng.choice(TOPICS)} that is worth reading.",
        f"Speaks at {rng.choice(CONFERENCES)} most years.",
        f"Hiring for their team now and then, mostly {rng.choice(ROLES).lower()} roles.",
    ]


SHAPES = ("default", "issue12")


def _bullets(rng: random.Random) -> str:
    items = rng.sample(
        (
            f"Working on {rng.choice(TOPICS)}",
            f"Team is {rng.choice(('growing', 'shrinking', 'stable', 'reorganising'))}",
            f"Recommended reading on {rng.choice(TOPICS)}",
            f"Might move to {rng.choice(LOCATIONS)}",
            f"Asked about {rng.choice(TOPICS)}",
            f"Their kid started {rng.choice(('school', 'university', 'a band'))}",
            f"Looking at {rng.choice(COMPANIES)}",
        ),
        rng.randint(2, 4),
    )
    return "\n".join(f"- {it}" for it in items)


def _heavy_body(rng: random.Random, prose: list[str]) -> list[str]:
    """1-3 paragraphs of 2-4 sentences, plus a bullet list half the time (the issue 12 shape)."""
    blocks = []
    for _ in range(rng.randint(1, 3)):
        sentences = rng.sample(prose, min(len(prose), rng.randint(2, 4)))
        blocks.append(" ".join(sentences))
    if rng.random() < 0.5:
        blocks.insert(rng.randint(0, len(blocks)), _bullets(rng))
    return blocks


def generate(
    out_dir: Path, contacts: int, interactions: int, asks: int | None = None, seed: int = 1, shape: str = "default"
) -> None:
    """Write a synthetic vault with the given numbers of contacts, interactions and asks.

    ``shape="issue12"`` is the heavier vault that issue 12's tables were measured on: every
    interaction has 1-3 people (a third each) and a body of 1-3 paragraphs plus a bullet list
    half the time; everything else is as in the default shape.
    """
    if shape not in SHAPES:
        raise ValueError(f"shape must be one of {', '.join(SHAPES)}")
    heavy = shape == "issue12"
    out_dir = Path(out_dir)
    if contacts < 1:
        raise ValueError("contacts must be >= 1")
    if interactions < 0:
        raise ValueError("interactions must be >= 0")
    if asks is None:
        asks = interactions // 20
    if asks < 0:
        raise ValueError("asks must be >= 0")
    rng = random.Random(seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    writer = _Writer(out_dir, random.Random(seed * 1_000_003 + 7))

    (out_dir / "netnotes.yaml").write_text(
        "# Synthetic vault written by benchmarks/generate.py\n"
        f"# contacts={contacts} interactions={interactions} asks={asks} seed={seed}\n"
        f"title: Synthetic network ({contacts} contacts)\n"
        "owner: Sam Example\n"
        "horizon: 14d\n"
        "default_cadence: never\n"
        "circles:\n" + "".join(f"  {k}: {v}\n" for k, v in CIRCLES.items()) + "output: _site\n",
        encoding="utf-8",
    )

    # ---- people: ids, names, aliases (all checked against one folded-key table) ----------
    names = _unique_names(rng, contacts)
    taken: dict[str, None] = {name.casefold(): None for _, _, name in names}
    people: list[_Contact] = []
    ids: dict[str, None] = {}
    for first, last, name in names:
        base = slugify(f"{first} {last}") or "contact"
        cid, k = base, 1
        while cid in ids:
            k += 1
            cid = f"{base}-{k}"
        ids[cid] = None
        people.append(_Contact(cid, name, first, last))
    for cid in ids:
        taken[cid] = None  # ids never contain spaces, names always do; belt and braces

    def ref(c: _Contact) -> str:
        """A YAML scalar referring to c: mostly its id, sometimes its name or a wikilink."""
        r = rng.random()
        if r < 0.82:
            return c.cid
        if r < 0.92:
            return q(c.name)
        if r < 0.96:
            return json.dumps(f"[[{c.cid}]]", ensure_ascii=False)
        return json.dumps(f"[[{c.name}|{c.first}]]", ensure_ascii=False)

    def body_link(c: _Contact) -> str:
        r = rng.random()
        if r < 0.6:
            return f"[[{c.cid}]]"
        if r < 0.85:
            return f"[[{c.cid}|{c.first}]]"
        return f"[[{c.name}]]"

    def other_than(*exclude: _Contact) -> _Contact | None:
        if contacts <= len(exclude):
            return None
        while True:
            o = people[rng.randrange(contacts)]
            if all(o is not e for e in exclude):
                return o

    company_domains = {co: slugify(co).replace("-", "") + ".example" for co in COMPANIES}
    circle_names = list(CIRCLES)
    circle_weight = {"inner": 10.0, "active": 4.0, "wider": 1.5, None: 0.6}
    start_since = date(2012, 1, 1).toordinal()
    end_since = date(2026, 11, 1).toordinal()
    archived_flags: list[bool] = []

    # ---- contacts -----------------------------------------------------------------------------
    for i, c in enumerate(people):
        company = rng.choice(COMPANIES)
        role = rng.choice(ROLES)
        location = rng.choice(LOCATIONS)
        fm = [f"name: {q(c.name)}"]

        if rng.random() < 0.3:
            aliases = []
            cands = []
            nick = NICKNAMES.get(c.first)
            if nick:
                cands.append(f"{nick} {c.last}")
            cands.append(f"{c.first[0]}. {c.last}")
            cands.append(f"{c.first} {rng.choice(LAST_NAMES)}")  # maiden / former name
            for cand in cands:
                key = cand.casefold()
                if key not in taken and rng.random() < 0.7:
                    taken[key] = None
                    aliases.append(cand)
            if aliases:
                fm.append("aliases:")
                fm.extend(f"  - {q(a)}" for a in aliases)

        fm.append(f"company: {q(company)}")
        fm.append(f"role: {q(role)}")
        fm.append(f"location: {q(location)}")
        local = slugify(f"{c.first}.{c.last}").replace("-", ".")
        work_mail = f"{local}@{company_domains[company]}"
        if rng.random() < 0.15:
            fm.append("email:")
            fm.append(f"  - {work_mail}")
            fm.append(f"  - {local}{rng.randrange(10, 99)}@mail.example")
        else:
            fm.append(f"email: {work_mail}")
        if rng.random() < 0.3:
            fm.append(f'phone: "+1 555 01{rng.randrange(10, 100):02d} {rng.randrange(1000, 10000)}"')
        if rng.random() < 0.5:
            fm.append(f"linkedin: https://www.linkedin.com/in/{c.cid}-{rng.randrange(1000, 99999)}")
        if rng.random() < 0.08:
            fm.append(f"website: https://{c.cid}.example.org/")
        ntags = rng.choice((0, 1, 1, 2, 2, 3))
        if ntags:
            fm.append("tags:")
            fm.extend(f"  - {t}" for t in rng.sample(TAGS, ntags))

        r = rng.random()
        circle = None
        if r < 0.85:
            circle = rng.choices(circle_names, weights=(1, 3, 6))[0]
            fm.append(f"circle: {circle}")
        if rng.random() < 0.12:
            fm.append(f"cadence: {rng.choice(CADENCE_OVERRIDES)}")

        c.since = rng.randint(start_since, end_since)
        if rng.random() < 0.03:
            fm.append(f'since: "{_iso(c.since)}"')
        else:
            fm.append(f"since: {_iso(c.since)}")
        if i > 0 and rng.random() < 0.25:
            fm.append(f"met_through: {ref(people[rng.randrange(i)])}")
        if rng.random() < 0.2:
            fm.append(f"met_at: {q(rng.choice(MET_AT))}")
        if rng.random() < 0.35:
            month = rng.randint(1, 12)
            day = rng.randint(1, (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)[month - 1])
            if rng.random() < 0.4:
                fm.append(f'birthday: "--{month:02d}-{day:02d}"')
            else:
                year = rng.randint(1955, 2002)
                if month == 2 and day == 29:
                    year -= year % 4  # 1956..2000: all leap years
                fm.append(f"birthday: {year}-{month:02d}-{day:02d}")
        if rng.random() < 0.03:
            fm.append(f"snooze_until: {_iso(TODAY_ORD + rng.randint(-30, 120))}")
        archived = rng.random() < 0.03
        if archived:
            fm.append("archived: true")
        archived_flags.append(archived)
        # custom fields (none is within edit distance 2 of a known key)
        if rng.random() < 0.05:
            fm.append(f"pronouns: {rng.choice(['she/her', 'he/him', 'they/them'])}")
        if rng.random() < 0.05:
            fm.append(f"github: https://github.example/{c.cid}")
        if rng.random() < 0.02:
            fm.append(f"favourite_coffee: {rng.choice(['flat white', 'espresso', 'oat latte', 'filter'])}")

        c.weight = circle_weight[circle] * (0.2 if archived else 1.0) * rng.uniform(0.5, 1.5)

        pool = _sentence_pool(c, company, role, location, rng)
        rng.shuffle(pool)
        paragraphs = []
        for _ in range(rng.choice((1, 1, 2, 2, 3))):
            take = rng.randint(1, 3)
            paragraphs.append(" ".join(pool[:take]))
            del pool[:take]
        if rng.random() < 0.3:
            o = other_than(c)
            if o is not None:
                paragraphs.append(
                    rng.choice(
                        (
                            f"Introduced me to {body_link(o)}.",
                            f"Works closely with {body_link(o)}; worth mentioning when we talk.",
                            f"Went to school with {body_link(o)}.",
                            f"See also {body_link(o)}, who knows them well.",
                        )
                    )
                )
        writer.write(f"contacts/{c.cid}.md", fm, "\n" + "\n\n".join(paragraphs) + "\n")

    # ---- interactions ---------------------------------------------------------------------
    cum: list[float] = []
    total = 0.0
    for c in people:
        total += c.weight
        cum.append(total)
    seen: dict[tuple[str, str, str], int] = {}
    history_start = TODAY_ORD - HISTORY_DAYS + 1

    def pick() -> _Contact:
        return rng.choices(people, cum_weights=cum)[0]

    for _ in range(interactions):
        lead = pick()
        group = [lead]
        if heavy:
            for _ in range(rng.randrange(3)):  # 1, 2 or 3 people
                o = other_than(*group)
                if o is not None:
                    group.append(o)
        elif contacts > 1 and rng.random() < 0.1:
            for _ in range(rng.choice((1, 1, 2))):
                o = other_than(*group)
                if o is not None:
                    group.append(o)
        kind = rng.choices(INTERACTION_KINDS, weights=INTERACTION_KIND_WEIGHTS)[0]
        if rng.random() < PLANNED_SHARE:
            day = TODAY_ORD + rng.randint(1, 60)
        else:
            lo = max(history_start, max(g.since for g in group))
            day = rng.randint(min(lo, TODAY_ORD), TODAY_ORD)
        iso = _iso(day)
        slot = (iso, kind, lead.cid)
        n = seen.get(slot, 0) + 1
        seen[slot] = n
        rel = f"interactions/{iso[:4]}/{iso}-{kind}-{lead.cid}-{n}.md"

        fm = [f'date: "{iso}"' if rng.random() < 0.03 else f"date: {iso}"]
        if len(group) == 1 and rng.random() < 0.7:
            fm.append(f"with: {ref(lead)}")
        else:
            fm.append("with:")
            fm.extend(f"  - {ref(g)}" for g in group)
        fm.append(f"kind: {kind}")
        first = lead.first if len(group) == 1 else f"{lead.first} and {group[1].first}"
        topic = rng.choice(TOPICS)
        title = {
            "coffee": f"Coffee with {first} at {rng.choice(CAFES)}",
            "lunch": f"Lunch with {first}",
            "call": f"Call with {first} about {topic}",
            "email": f"Emailed {first} about {topic}",
            "text": f"Texted {first}",
            "meeting": f"Meeting with {first}: {topic}",
            "event": f"Saw {first} at {rng.choice(CONFERENCES)}",
            "linkedin": rng.choice(
                (f"Commented on {first}'s post about {topic}", f"Congratulated {first} on the new role")
            ),
            "thank-you": f"Thank-you note to {first}",
            "invitation": f"Accepted {first}'s invitation",
            "intro": f"Intro for {first}",
            "other": f"Caught up with {first}",
        }[kind]
        fm.append(f"title: {q(title)}")
        next_text = None
        if rng.random() < 0.25:
            if rng.random() < 0.5:
                fm.append(f"follow_up: {rng.choice(FOLLOW_UP_DURATIONS)}")
            else:
                fm.append(f"follow_up: {_iso(day + rng.randint(1, 60))}")
            o = other_than(*group)
            next_text = rng.choice(NEXT_STEPS).format(topic=topic, other=o.cid if o else lead.cid)
            if rng.random() < 0.9:
                fm.append(f"next: {q(next_text)}")
            r = rng.random()
            if day < TODAY_ORD - 30 and r < 0.5:
                fm.append("done: true")
            elif r < 0.55:
                fm.append("done: false")

        prose = [
            f"Talked mostly about {topic}.",
            f"{lead.first} is doing well and enjoying {rng.choice(HOBBIES)}.",
            f"They are thinking about {rng.choice(TOPICS)}.",
            "Good energy, should do this more often.",
            f"Shared what I learned about {rng.choice(TOPICS)}.",
            "Short one; they were between meetings.",
            f"Heard that {rng.choice(COMPANIES)} is hiring.",
            f"Recommended {rng.choice(CONFERENCES)} to them.",
            f"Still at {rng.choice(COMPANIES)}, but open to a change.",
        ]
        rng.shuffle(prose)
        listed = False
        blocks = []
        if heavy:
            blocks = _heavy_body(rng, prose)
        for _ in range(0 if heavy else rng.choice((1, 1, 2, 2, 3, 4))):
            r = rng.random()
            if r < 0.3 and not listed:
                listed = True
                items = rng.sample(
                    (
                        f"Working on {rng.choice(TOPICS)}",
                        f"Team is {rng.choice(('growing', 'shrinking', 'stable', 'reorganising'))}",
                        f"Recommended reading on {rng.choice(TOPICS)}",
                        f"Might move to {rng.choice(LOCATIONS)}",
                        f"Asked about {rng.choice(TOPICS)}",
                        f"Their kid started {rng.choice(('school', 'university', 'a band'))}",
                        f"Looking at {rng.choice(COMPANIES)}",
                    ),
                    rng.randint(2, 4),
                )
                blocks.append("\n".join(f"- {it}" for it in items))
            elif r < 0.4 and contacts > 1:
                o = other_than(*group)
                if o is not None:
                    blocks.append(f"Mentioned {body_link(o)} could help with {rng.choice(TOPICS)}.")
            elif prose:
                take = rng.randint(1, 3)
                blocks.append(" ".join(prose[:take]))
                del prose[:take]
        if not blocks:
            blocks.append(prose[0] if prose else f"Caught up with {lead.first}.")
        if next_text and rng.random() < 0.5:
            blocks.append(f"**Next:** {next_text}")
        writer.write(rel, fm, "\n" + "\n\n".join(blocks) + "\n")

    # ---- asks -----------------------------------------------------------------------------
    seen_asks: dict[tuple[str, str, str], int] = {}
    for _ in range(asks):
        who = pick()
        kind = rng.choices(ASK_KINDS, weights=ASK_KIND_WEIGHTS)[0]
        direction = "out" if rng.random() < 0.55 else "in"
        lo = max(history_start, who.since)
        day = rng.randint(min(lo, TODAY_ORD), TODAY_ORD)
        # recent asks are often still open, old ones mostly resolved
        weights = ASK_STATUS_WEIGHTS if TODAY_ORD - day < 120 else ASK_STATUS_WEIGHTS_OLD
        status = rng.choices(ASK_STATUSES, weights=weights)[0]
        iso = _iso(day)
        slot = (iso, kind, who.cid)
        n = seen_asks.get(slot, 0) + 1
        seen_asks[slot] = n
        rel = f"asks/{iso[:4]}/{iso}-{kind}-{who.cid}-{n}.md"
        fm = [f"date: {iso}", f"with: {ref(who)}", f"direction: {direction}", f"kind: {kind}"]
        if status != "open" or rng.random() < 0.5:
            fm.append(f"status: {status}")
        if rng.random() < 0.4:
            fm.append(f"due: {_iso(day + rng.randint(3, 45))}")
        if status != "open" and rng.random() < 0.85:
            fm.append(f"closed: {_iso(min(TODAY_ORD, day + rng.randint(0, 60)))}")
        target = None
        if kind in ("introduction", "linkedin-intro"):
            if rng.random() < 0.7:
                target = other_than(who)
                if target is not None:
                    fm.append(f"intro_to: {ref(target)}")
            else:
                fm.append(f"intro_to: {q(rng.choice(COMPANIES))}")
        thing = {
            "reference": "a reference for the application",
            "introduction": "an introduction",
            "linkedin-intro": "an introduction on LinkedIn",
            "job-lead": "leads on unadvertised openings",
            "info": f"inside information on {rng.choice(COMPANIES)}",
            "advice": f"advice on {rng.choice(TOPICS)}",
            "other": "a small favour",
        }[kind]
        if direction == "out":
            text = f"Asked {who.first} for {thing}."
        else:
            text = f"{who.first} asked me for {thing}."
        if target is not None and rng.random() < 0.5:
            text += f" Target: {body_link(target)}."
        blocks = [text]
        if rng.random() < 0.5:
            blocks.append(
                rng.choice(
                    (
                        "Sent the details by email the same day.",
                        "They said it might take a couple of weeks.",
                        f"Context: {rng.choice(TOPICS)}.",
                        "- CV attached\n- deadline is flexible",
                        "Will need to remind them gently.",
                    )
                )
            )
        writer.write(rel, fm, "\n" + "\n\n".join(blocks) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a synthetic, valid netnotes vault.")
    parser.add_argument("out_dir", type=Path, metavar="OUT_DIR")
    parser.add_argument("--contacts", type=int, required=True, metavar="N")
    parser.add_argument("--interactions", type=int, required=True, metavar="M")
    parser.add_argument("--asks", type=int, default=None, metavar="K", help="default: M // 20")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--shape",
        choices=SHAPES,
        default="default",
        help="issue12: interactions with 1-3 people, bodies of 1-3 paragraphs plus a list half the time",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace netnotes.yaml, contacts/, interactions/ and asks/ if OUT_DIR has them",
    )
    args = parser.parse_args(argv)
    out: Path = args.out_dir
    parts = [out / "netnotes.yaml", out / "contacts", out / "interactions", out / "asks"]
    existing = [p for p in parts if p.exists()]
    if existing:
        if not args.force:
            parser.error(f"{out} already holds a vault ({existing[0].name}); use --force to replace it")
        for p in existing:
            shutil.rmtree(p) if p.is_dir() else p.unlink()
    t0 = time.perf_counter()
    try:
        generate(out, args.contacts, args.interactions, args.asks, args.seed, args.shape)
    except ValueError as exc:
        parser.error(str(exc))
    asks = args.interactions // 20 if args.asks is None else args.asks
    print(
        f"wrote {out}: {args.contacts} contacts, {args.interactions} interactions, "
        f"{asks} asks in {time.perf_counter() - t0:.1f}s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
