"""Contacts from other tools: LinkedIn's Connections.csv and vCard files (2.1, 3.0, 4.0).

``files`` reads an export (decoding, zip archives), ``linkedin`` and ``vcard`` turn it into
people, and ``people`` matches them against the vault and writes the new ones. Nothing raises
for a bad row or card: it is counted as invalid with the reason, and the rest are imported.
"""

from __future__ import annotations

from .files import ImportFileError
from .linkedin import import_linkedin
from .people import ImportSummary
from .vcard import import_vcard

__all__ = ["ImportFileError", "ImportSummary", "import_linkedin", "import_vcard"]
