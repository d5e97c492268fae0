"""The digests that tell a build which pages changed: equal render contexts digest alike in any
process, whatever their values share; any difference a template could show changes the digest;
a value the digest cannot describe is refused, so its page is always rendered."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from markupsafe import Markup

from netnotes.followup import Reason
from netnotes.model import Contact, Interaction
from netnotes.site.digest import Digester, Undigestible
from netnotes.site.pages import Shown

JANE = Contact(id="jane-doe", path="contacts/jane-doe.md", name="Jane Doe", tags=("python",))
LUNCH = Interaction(id="lunch", path="interactions/lunch.md", date=dt.date(2026, 3, 1), with_=("jane-doe",))


def test_equal_values_digest_alike_whether_or_not_they_share_their_strings() -> None:
    shared = "".join(["jane", "-doe"])
    one = Contact(id=shared, path="contacts/jane-doe.md", name="Jane Doe", aliases=(shared, shared))
    other = Contact(id="jane-doe", path="contacts/jane-doe.md", name="Jane Doe", aliases=("jane-doe", "jane-doe"))
    assert Digester().digest({"contact": one}) == Digester().digest({"contact": other})


@pytest.mark.parametrize(
    ("value", "changed"),
    [
        ("Talked shop.", Markup("Talked shop.")),  # escaped text and HTML are never the same value
        (JANE, Contact(id="jane-doe", path="contacts/jane-doe.md", name="Jane Doe", tags=("python", "go"))),
        (LUNCH, Interaction(id="lunch", path="interactions/lunch.md", date=dt.date(2026, 3, 2), with_=("jane-doe",))),
        ((JANE, LUNCH), [JANE, LUNCH]),
        ({"a": 1, "b": 2}, {"b": 2, "a": 1}),  # templates iterate a dict in its order
        (1, 1.0),
        (None, ""),
        (Reason.FOLLOW_UP, "follow-up"),  # a member is its word to a template, but not the same value
        (Reason.FOLLOW_UP, Reason.ASK),
        (Markup("<b>x</b>"), Markup("<b>y</b>")),
        (Shown("text", Markup("a")), Shown("text", "a")),  # inside a dataclass too
    ],
)
def test_any_difference_a_template_could_show_changes_the_digest(value: object, changed: object) -> None:
    assert Digester().digest(value) != Digester().digest(changed)


def test_a_value_of_an_unknown_type_is_undigestible() -> None:
    with pytest.raises(Undigestible):
        Digester().digest({"contact": JANE, "helper": len})
    with pytest.raises(Undigestible):
        Digester().digest([Path("contacts")])


def test_a_digest_is_the_same_in_another_process() -> None:
    script = (
        "import datetime as dt\n"
        "from netnotes.model import Contact, Interaction\n"
        "from netnotes.site.digest import Digester\n"
        "jane = Contact(id='jane-doe', path='contacts/jane-doe.md', name='Jane Doe', tags=('python',))\n"
        "lunch = Interaction(id='lunch', path='interactions/lunch.md', date=dt.date(2026, 3, 1), with_=('jane-doe',))\n"
        "print(Digester().digest({'contacts': (jane,), 'entries': [lunch]}))\n"
    )
    seeds = [
        subprocess.run(
            [sys.executable, "-c", script], env={**os.environ, "PYTHONHASHSEED": seed}, capture_output=True, text=True
        ).stdout
        for seed in ("1", "2")
    ]
    assert seeds[0] == seeds[1] == Digester().digest({"contacts": (JANE,), "entries": [LUNCH]}) + "\n"


def test_a_digester_that_refused_a_value_digests_the_next_ones_as_a_fresh_one_does() -> None:
    # its picklers are reused from one value to the next (issue 12): nothing of a pickle that
    # failed halfway, deep inside a dataclass, may leak into the next digest
    digester = Digester()
    digester.digest(JANE)
    with pytest.raises(Undigestible):
        digester.digest([Shown("list", (Shown("text", "a"), Shown("text", len)))])
    values = ({"page": [LUNCH, Shown("text", Markup("<i>x</i>"))]}, Reason.ASK, JANE)
    assert [digester.digest(v) for v in values] == [Digester().digest(v) for v in values]


def test_a_digester_that_forgets_lets_go_of_what_it_digested_and_digests_alike() -> None:
    """The memo pins every value it digested (so an id is never reused); ``forget`` lets them
    go, which a build does before rendering its pages (its peak of memory at 10,000 contacts)."""
    import gc
    import weakref

    digester = Digester()
    entry = Entry("Lunch", dt.date(2026, 1, 5))
    first = digester.digest([entry])
    gone = weakref.ref(entry)
    del entry
    gc.collect()
    assert gone() is not None  # pinned by the memo
    digester.forget()
    gc.collect()
    assert gone() is None
    assert digester.digest([Entry("Lunch", dt.date(2026, 1, 5))]) == first


@dataclass(frozen=True)
class Entry:
    """A page context's value (weakref-able, unlike the model's slotted classes)."""

    title: str
    day: dt.date
