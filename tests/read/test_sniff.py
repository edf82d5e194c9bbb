"""Recognising files by their bytes, and reading the text layout from a sample."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from totalplace.demo.layouts import DemoBody, write_icb_xlsx, write_ods
from totalplace.demo.payments import payments
from totalplace.read.sniff import FileKind, UnsupportedFile, detect_kind
from totalplace.read.text import normalised_copy, sniff_text

BODY = DemoBody("X", "Test Council", "99XX", "test", "county-council")


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_kinds_come_from_content_not_names(tmp_path):
    import datetime as dt

    assert detect_kind(write(tmp_path / "named.xls", b"Body Name,Amount\r\nX,1\r\n")) is FileKind.TEXT
    xlsx = write_icb_xlsx(tmp_path / "book.csv", BODY, payments(1, 3, dt.date(2024, 1, 1))).path
    assert detect_kind(xlsx) is FileKind.XLSX
    ods = write_ods(tmp_path / "sheet.dat", BODY, payments(1, 3, dt.date(2024, 1, 1))).path
    assert detect_kind(ods) is FileKind.ODS
    archive = tmp_path / "a.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("inner.csv", "a,b\n1,2\n")
    assert detect_kind(archive) is FileKind.ZIP
    assert detect_kind(write(tmp_path / "ole.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)) is FileKind.XLS


@pytest.mark.parametrize("data,words", [
    (b"", "empty"),
    (b"%PDF-1.4 ...", "PDF"),
    (b"<html><table><tr><td>1</td></tr></table></html>", "web page"),
    (b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">', "Excel 2003 XML"),
    (b"\x1f\x8b\x08\x00", "gzip"),
])
def test_unreadable_kinds_say_what_they_are(tmp_path, data, words):
    with pytest.raises(UnsupportedFile, match=words):
        detect_kind(write(tmp_path / "file.xls", data))


@pytest.mark.parametrize("data,encoding,label", [
    ("Amount,Name\n1,café\n".encode("utf-8"), "utf-8", "utf-8"),
    (b"\xef\xbb\xbfAmount,Name\n1,x\n", "utf-8", "utf-8 (BOM)"),
    (b"\xc3\xaf\xc2\xbb\xc2\xbfAmount,Name\n1,x\n", "utf-8", "utf-8 (doubly-encoded BOM)"),
    ("Net Amount(£),Name\n1,x\n".encode("cp1252"), "cp1252", "cp1252"),
    ("Amount,Name\n1,‘quoted’\n".encode("cp1252"), "cp1252", "cp1252"),
])
def test_encodings(tmp_path, data, encoding, label):
    layout = sniff_text(write(tmp_path / "f.csv", data))
    assert (layout.encoding, layout.encoding_label) == (encoding, label)
    assert layout.records[0][0] in ("Amount", "Net Amount(£)")


@pytest.mark.parametrize("newline,expected", [(b"\r\n", "\r\n"), (b"\n", "\n"), (b"\r", "\r")])
def test_line_endings(tmp_path, newline, expected):
    data = newline.join([b"a,b", b"1,2", b"3,4", b""])
    assert sniff_text(write(tmp_path / "f.csv", data)).newline == expected


def test_mixed_line_endings_are_noticed(tmp_path):
    assert sniff_text(write(tmp_path / "f.csv", b"a,b\r\n1,2\n3,4\r5,6\n")).newline == "mixed"


@pytest.mark.parametrize("delimiter", [",", "\t", ";", "|"])
def test_delimiters(tmp_path, delimiter):
    rows = [["Supplier", "Date", "Amount"], ["A, B & Co", "01/02/2024", "1,234.56"], ["C", "02/02/2024", "5"]]
    text = "\n".join(delimiter.join(f'"{c}"' if delimiter in c or "," in c else c for c in r) for r in rows)
    layout = sniff_text(write(tmp_path / "f.txt", text.encode()))
    assert layout.delimiter == delimiter
    assert layout.records[1] == rows[1]


def test_normalised_copy_is_utf8_with_lf(tmp_path):
    source = write(tmp_path / "f.csv", "a,b\r\n£1,\"x\ry\"\r".encode("cp1252"))
    layout = sniff_text(source)
    normalised_copy(source, layout, tmp_path / "out.csv", chunk_size=3)  # tiny chunks: CR LF split across reads
    assert (tmp_path / "out.csv").read_bytes() == "a,b\n£1,\"x\ny\"\n".encode("utf-8")
