"""What is this file? Decided from its bytes, never from its name (a CSV called .xls is a CSV)."""

from __future__ import annotations

import zipfile
from enum import Enum
from pathlib import Path


class FileKind(str, Enum):
    TEXT = "csv"
    XLSX = "xlsx"
    XLS = "xls"
    ODS = "ods"
    ZIP = "zip"


class UnsupportedFile(ValueError):
    """A file totalplace cannot read, with a message saying what it seems to be and what to do."""


_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")


def detect_kind(path: Path, name: str | None = None) -> FileKind:
    """The kind of file at `path`, from its content; `name` is how to call it in messages."""
    with path.open("rb") as f:
        head = f.read(4096)
    label = name or path.name
    if not head:
        raise UnsupportedFile(f"{label}: the file is empty (0 bytes).")
    if head.startswith(_OLE2):
        return FileKind.XLS
    if head.startswith(_ZIP):
        return _zip_kind(path, label)
    if head.startswith(b"%PDF"):
        raise UnsupportedFile(
            f"{label}: this is a PDF. totalplace reads tables (CSV, XLSX, XLS, ODS); "
            "export the table from the PDF to CSV first."
        )
    if head.startswith(b"\x1f\x8b"):
        raise UnsupportedFile(f"{label}: this is gzip-compressed; unpack it (gunzip) and ingest the result.")
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<table")):
        raise UnsupportedFile(
            f"{label}: this is a web page (HTML), though it may be named like a spreadsheet. "
            "Open it in a spreadsheet program and save it as CSV or XLSX, then ingest that."
        )
    if lowered.startswith(b"<?xml") and b"urn:schemas-microsoft-com:office:spreadsheet" in head:
        raise UnsupportedFile(
            f"{label}: this is an Excel 2003 XML spreadsheet. Save it as XLSX or CSV, then ingest that."
        )
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnsupportedFile(f"{label}: this is a binary file of a kind totalplace does not read.")
    return FileKind.TEXT


def _zip_kind(path: Path, label: str) -> FileKind:
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
                return FileKind.XLSX
            if "mimetype" in names:
                mimetype = z.read("mimetype")[:80]
                if b"opendocument.spreadsheet" in mimetype:
                    return FileKind.ODS
                raise UnsupportedFile(
                    f"{label}: an OpenDocument file that is not a spreadsheet ({mimetype.decode(errors='replace')})."
                )
            if "[Content_Types].xml" in names:
                raise UnsupportedFile(f"{label}: an Office document that is not a workbook (Word or PowerPoint?).")
    except zipfile.BadZipFile as exc:
        raise UnsupportedFile(f"{label}: looks like a ZIP archive but cannot be opened ({exc}).") from exc
    return FileKind.ZIP
