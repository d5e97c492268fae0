"""The dashboard themes shipped with netnotes (installed as the ``netnotes.themes`` package)."""
