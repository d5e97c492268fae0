"""netnotes: a plain-text personal CRM for professional networking."""

__version__ = "0.1.0"


def versions(*packages: str) -> list[str]:
    """``"name version"`` of netnotes and of each of ``packages`` (``"name ?"`` for one that is
    not installed): what a cache names as having made what it keeps."""
    from importlib.metadata import PackageNotFoundError, version

    made = [f"netnotes {__version__}"]
    for package in packages:
        try:
            made.append(f"{package} {version(package)}")
        except PackageNotFoundError:
            made.append(f"{package} ?")
    return made
