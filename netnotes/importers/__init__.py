"""Contacts and history from other tools: LinkedIn's Connections.csv and vCard files (2.1, 3.0,
4.0) give people; LinkedIn's messages.csv and calendars (.ics) give interactions.

``files`` reads an export (decoding, zip archives), ``linkedin`` and ``vcard`` turn it into
people, and ``people`` matches them against the vault and writes the new ones. ``messages`` and
``ics`` turn history into interactions, which ``history`` writes or appends to. Nothing raises
for a bad row or card: it is counted as invalid with the reason, and the rest are imported.
"""

from __future__ import annotations

from .files import ImportFileError
from .history import HistorySummary
from .ics import import_ics
from .linkedin import import_linkedin
from .messages import import_linkedin_messages
from .people import ImportSummary
from .vcard import import_vcard

__all__ = [
    "HistorySummary",
    "ImportFileError",
    "ImportSummary",
    "import_ics",
    "import_linkedin",
    "import_linkedin_messages",
    "import_vcard",
]
