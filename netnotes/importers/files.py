"""Reading an import file: its bytes decoded, or one member read straight out of a zip archive.

Exports come as UTF-8 (with or without a BOM), as UTF-16 from a spreadsheet's "Unicode text",
or as Windows-1252 from older tools; LinkedIn sends its data export as a .zip.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath

from ..fsio import WriteError, reason


class ImportFileError(WriteError):
    """The file as a whole cannot be imported (missing, unreadable, not the expected format)."""


def read_text(path: Path) -> str:
    """The file's text: see ``decode``."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise ImportFileError(f"cannot read {path}: {reason(err)}") from None
    return decode(data)


def decode(data: bytes) -> str:
    """UTF-8 (a BOM removed), UTF-16 with a BOM (Excel's "Unicode text"), else Windows-1252 for old exports."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


# Export archives
#
# LinkedIn sends its data export as a .zip; the file wanted is read straight out of it, never
# extracted to disk. The archive is untrusted: only stored or deflated members are read (other
# methods decompress without a bound), and at most ZIP_READ_LIMIT bytes, whatever the archive
# claims, so a zip bomb costs 64 MiB of memory at worst.

ZIP_READ_LIMIT = 64 * 1024 * 1024


def is_zip(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(4) in (b"PK\x03\x04", b"PK\x05\x06")
    except OSError as err:
        raise ImportFileError(f"cannot read {path}: {reason(err)}") from None


def text_from_zip(path: Path, member: str) -> str:
    """The text of ``member`` (a file name, found at any depth, case-insensitively) in the zip ``path``."""
    try:
        with zipfile.ZipFile(path) as archive:
            found = [
                info
                for info in archive.infolist()
                if not info.is_dir() and PurePosixPath(info.filename).name.casefold() == member.casefold()
            ]
            if not found:
                raise ImportFileError(f"{path.name} has no {member}")
            info = min(found, key=lambda i: (i.filename.count("/"), i.filename))  # the shallowest
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise ImportFileError(
                    f"{info.filename} in {path.name} is compressed in a way netnotes does not "
                    "read; extract it and import the file"
                )
            too_big = ImportFileError(
                f"{info.filename} in {path.name} is larger than "
                f"{ZIP_READ_LIMIT // (1024 * 1024)} MiB uncompressed; refusing to read it"
            )
            if info.file_size > ZIP_READ_LIMIT:
                raise too_big
            with archive.open(info) as fh:
                data = fh.read(ZIP_READ_LIMIT + 1)
            if len(data) > ZIP_READ_LIMIT:
                raise too_big
    except ImportFileError:
        raise
    except RuntimeError:  # zipfile's word for an encrypted member
        raise ImportFileError(f"{member} in {path.name} is encrypted; extract it and import the file") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError, OSError) as err:
        raise ImportFileError(f"{path.name} is not a readable zip file ({err})") from None
    return decode(data)


def read_export(path: Path, member: str) -> str:
    """The text of an export file, or of ``member`` inside it when it is a zip archive."""
    return text_from_zip(path, member) if is_zip(path) else read_text(path)


CSV_DELIMITERS = (",", ";", "\t")  # Excel writes ';' where ',' is the decimal comma; '\t' for "Unicode text"
HEADER_WITHIN = 50  # rows a header may come after (LinkedIn puts a short `Notes:` preamble first)


def csv_delimiter(text: str, is_header: Callable[[list[str]], bool]) -> str | None:
    """The first of ``CSV_DELIMITERS`` that gives a header row (``is_header``) near the top, if any."""
    for delimiter in CSV_DELIMITERS:
        try:
            for number, cells in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)):
                if is_header(cells):
                    return delimiter
                if number >= HEADER_WITHIN:
                    break
        except csv.Error:
            continue
    return None


def csv_rows(text: str, delimiter: str) -> Iterator[tuple[int, list[str] | csv.Error]]:
    """Each row of ``text`` with the line it starts on (a quoted cell may span lines), or the
    ``csv.Error`` that row raised; stops when the reader cannot move past a broken row."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    while True:
        first_line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            yield first_line, err
            if reader.line_num < first_line:
                return
            continue
        yield first_line, cells
