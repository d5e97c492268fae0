"""Completion candidates (netnotes/completion.py), for the shell completion of REF, TARGET,
--kind, --circle and --status."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import MakeVault

from netnotes.completion import (
    Candidate,
    ask_statuses,
    circles,
    contact_refs,
    interaction_kinds,
    open_item_paths,
)
from netnotes.loader import load_vault
from netnotes.model import Config, Contact

T = dt.date(2026, 3, 10)
DONE_OUT = "---\ndate: 2025-02-01\nwith: jane\ndirection: out\nstatus: done\nclosed: {closed}\n---\n"
CONTACTS = [
    Contact("zoe-angstrom", "contacts/zoe-angstrom.md", "Zoë Ångström", aliases=("Zo",), company="Acme"),
    Contact("david-park", "contacts/david-park.md", "David Park", aliases=("Dave Park", "Dave")),
    Contact("anna-davis", "contacts/anna-davis.md", "Anna Davis"),
]


@pytest.mark.parametrize(
    ("prefix", "values"),
    [
        ("", ["anna-davis", "david-park", "zoe-angstrom"]),
        ("zoe", ["zoe-angstrom"]),  # the id matches: offered by id
        ("ZOË Å", ["Zoë Ångström"]),  # a name matches, case and accents ignored
        ("zoe  ang", ["Zoë Ångström"]),
        ("dave", ["Dave", "Dave Park"]),  # aliases
        ("da", ["david-park"]),  # one candidate per contact when its id matches
        ("an", ["anna-davis"]),
        ("park", []),  # a prefix, not a word anywhere in the name
    ],
)
def test_contacts_complete_by_id_name_or_alias(prefix: str, values: list[str]) -> None:
    assert [c.value for c in contact_refs(CONTACTS, prefix)] == values


def test_a_contact_candidate_says_who_it_is() -> None:
    assert contact_refs(CONTACTS, "zo") == [Candidate("zoe-angstrom", "Zoë Ångström, Acme")]
    assert contact_refs(CONTACTS, "Zoë Å") == [Candidate("Zoë Ångström", "zoe-angstrom")]


def test_done_targets_complete_to_open_items_paths(make_vault: MakeVault) -> None:
    root = make_vault(
        {
            "contacts/jane.md": "---\nname: Jane\n---\n",
            "interactions/open.md": "---\ndate: 2026-02-01\nwith: jane\nfollow_up: 2026-02-15\nnext: deck\n---\n",
            "interactions/done.md": "---\ndate: 2026-01-01\nwith: jane\nfollow_up: 2026-01-15\ndone: true\n---\n",
            "asks/open.md": "---\ndate: 2026-02-01\nwith: jane\ndirection: in\n---\n",
            "asks/thank.md": DONE_OUT.format(closed="2026-03-09"),
            "asks/old.md": DONE_OUT.format(closed="2025-03-09"),  # its thank-you has lapsed
        }
    )
    loaded = load_vault(root, today=T)
    assert open_item_paths(loaded, T, "") == [
        Candidate("asks/open.md", "ask due 2026-02-01: I owe them: ask"),
        Candidate("interactions/open.md", "follow-up due 2026-02-15: deck"),
        Candidate("asks/thank.md", "thank-you due 2026-03-12: thank them: favour"),
    ]
    assert [c.value for c in open_item_paths(loaded, T, "./asks/")] == ["asks/open.md", "asks/thank.md"]
    assert open_item_paths(loaded, T, "contacts/") == []


def test_kinds_circles_and_statuses_complete_from_the_settings() -> None:
    config = Config(kinds=("podcast", "Pairing"), circles=(("inner", Config().horizon), ("active", Config().horizon)))
    assert [c.value for c in interaction_kinds(config, "p")] == ["podcast", "Pairing"]
    assert [c.value for c in interaction_kinds(config, "th")] == ["thank-you"]
    assert circles(config, "IN") == [Candidate("inner", "every 14d")]
    assert [c.value for c in circles(config, "")] == ["inner", "active"]
    assert [c.value for c in ask_statuses("d")] == ["done", "declined", "dropped"]
    assert [c.value for c in ask_statuses("dr")] == ["dropped"]
