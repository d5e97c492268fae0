"""netnotes: a plain-text personal CRM for professional networking."""

__version__ = "0.1.0"
