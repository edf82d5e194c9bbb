"""Delimited text: encoding, line endings and delimiter, decided in Python from a sample of the bytes.

The engine then tokenises the whole file. When the engine cannot read the bytes as they are (an encoding it
does not know, such as cp1252, or mixed line endings), `normalised_copy` writes a UTF-8, LF-only copy.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from charset_normalizer import from_bytes

SAMPLE_BYTES = 1 << 20
MAX_SAMPLE_BYTES = 1 << 26
SAMPLE_RECORDS = 3000
DELIMITERS = (",", "\t", ";", "|")

BOM_UTF8 = b"\xef\xbb\xbf"
BOM_UTF8_DOUBLE = b"\xc3\xaf\xc2\xbb\xc2\xbf"  # a UTF-8 BOM read as cp1252 and saved again as UTF-8
BOM_TEXT_PREFIXES = ("\ufeff", "\u00ef\u00bb\u00bf")


def _latin1_fallback(error: UnicodeDecodeError) -> tuple[str, int]:
    """Bytes cp1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) are kept as their latin-1 characters."""
    bad = error.object[error.start : error.end]
    return bad.decode("latin-1"), error.end


codecs.register_error("totalplace-latin1", _latin1_fallback)


@dataclass
class TextLayout:
    """What the sample says about a delimited text file."""

    encoding: str  # Python codec for the bytes after any BOM: utf-8, utf-16, cp1252, ...
    encoding_label: str  # for people: "utf-8 (BOM)", "cp1252", ...
    bom_length: int
    delimiter: str
    newline: str  # "\n", "\r\n", "\r" or "mixed"
    records: list[list[str]] = field(default_factory=list)  # the sample, parsed, blank lines as []
    complete: bool = False  # the sample is the whole file
    c1_bytes: bool = False  # the sample holds bytes 0x80-0x9F, where cp1252 and latin-1 differ
    longest_line: int = 0  # characters in the sample's longest line

    @property
    def engine_encoding(self) -> str | None:
        """The engine's name for this encoding, or None when it needs a normalised copy.

        cp1252 is latin-1 except for bytes 0x80-0x9F (curly quotes, dashes, €), which the engine's latin-1
        reader refuses; so a cp1252 file without them is read directly, and one with them is copied.
        """
        if self.encoding == "cp1252" and not self.c1_bytes:
            return "latin-1"
        return {"utf-8": "utf-8", "utf-16": "utf-16"}.get(self.encoding)


def sniff_text(path: Path) -> TextLayout:
    """Decide encoding, line endings and delimiter from the start of the file."""
    size = path.stat().st_size
    with path.open("rb") as f:
        raw = f.read(SAMPLE_BYTES)
        # a sample needs at least a couple of whole lines: read on past a first line longer than the sample
        while len(raw) < size and raw.count(b"\n") + raw.count(b"\r") < 2 and len(raw) < MAX_SAMPLE_BYTES:
            raw += f.read(len(raw))
    complete = len(raw) >= size
    encoding, label, bom_length = _detect_encoding(raw, complete)
    text = _decode_sample(raw[bom_length:], encoding, complete)
    for prefix in BOM_TEXT_PREFIXES:
        if text.startswith(prefix):
            text = text[len(prefix) :]
    newline = _detect_newline(text)
    if not complete:
        cut = max(text.rfind("\n"), text.rfind("\r"))
        text = text[: cut + 1] if cut > 0 else text
    delimiter = _detect_delimiter(text)
    records = _parse(text, delimiter, SAMPLE_RECORDS)
    if not complete and len(records) > 1 and len(records) < SAMPLE_RECORDS:
        records = records[:-1]  # the last record may be cut short by the sample boundary
    c1 = encoding == "cp1252" and re.search(rb"[\x80-\x9f]", raw) is not None
    longest = max((len(line) for line in text.splitlines()), default=0)
    return TextLayout(encoding, label, bom_length, delimiter, newline, records, complete, c1, longest)


def _detect_encoding(raw: bytes, complete: bool) -> tuple[str, str, int]:
    if raw.startswith(BOM_UTF8_DOUBLE):
        return "utf-8", "utf-8 (doubly-encoded BOM)", len(BOM_UTF8_DOUBLE)
    if raw.startswith(BOM_UTF8):
        return "utf-8", "utf-8 (BOM)", len(BOM_UTF8)
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16", "utf-16 (BOM)", 0
    try:
        codecs.getincrementaldecoder("utf-8")().decode(raw, final=complete)
        return "utf-8", "utf-8", 0
    except UnicodeDecodeError:
        pass
    try:
        raw.decode("cp1252")
        return "cp1252", "cp1252", 0
    except UnicodeDecodeError:
        pass
    guess = from_bytes(raw[:200_000]).best()
    if guess is not None and guess.encoding not in ("utf_8", "ascii"):
        name = codecs.lookup(guess.encoding).name
        return name, name, 0
    return "cp1252", "cp1252 (undefined bytes kept as latin-1)", 0


def _decode_sample(raw: bytes, encoding: str, complete: bool) -> str:
    if encoding == "cp1252":
        return raw.decode("cp1252", errors="totalplace-latin1")
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    return decoder.decode(raw, final=complete)


def _detect_newline(text: str) -> str:
    crlf = text.count("\r\n")
    cr = text.count("\r") - crlf
    lf = text.count("\n") - crlf
    kinds = [k for k, n in (("\r\n", crlf), ("\r", cr), ("\n", lf)) if n]
    if len(kinds) > 1:
        # a lone CR or LF inside quoted fields of a CRLF file is common and harmless
        if kinds[0] == "\r\n" and crlf >= 10 * (cr + lf):
            return "\r\n"
        return "mixed"
    return kinds[0] if kinds else "\n"


def _parse(text: str, delimiter: str, limit: int) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', doublequote=True, strict=False)
    records: list[list[str]] = []
    try:
        for record in reader:
            records.append(record)
            if len(records) >= limit:
                break
    except csv.Error:
        pass
    return records


def _detect_delimiter(text: str) -> str:
    best, best_score = ",", (-1.0, 0)
    for delimiter in DELIMITERS:
        if delimiter not in text:  # every record would be one field wide, which never wins
            continue
        records = [r for r in _parse(text, delimiter, 400) if any(c.strip() for c in r)]
        if not records:
            continue
        counts: dict[int, int] = {}
        for r in records:
            counts[len(r)] = counts.get(len(r), 0) + 1
        width, hits = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
        if width < 2:
            continue
        score = (hits / len(records), width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def normalised_copy(source: Path, layout: TextLayout, dest: Path, chunk_size: int = 1 << 24) -> None:
    """Write `source` as UTF-8 with LF line endings (BOM dropped), for the engine to read."""
    errors = "totalplace-latin1" if layout.encoding == "cp1252" else "strict"
    decoder = codecs.getincrementaldecoder(layout.encoding)(errors=errors)
    pending_cr = False
    first = True
    with source.open("rb") as src, dest.open("w", encoding="utf-8", newline="") as out:
        src.seek(layout.bom_length)
        while True:
            chunk = src.read(chunk_size)
            final = not chunk
            text = decoder.decode(chunk, final=final)
            if first:
                for prefix in BOM_TEXT_PREFIXES:
                    if text.startswith(prefix):
                        text = text[len(prefix) :]
                first = False
            if pending_cr:
                text = "\r" + text
            pending_cr = text.endswith("\r") and not final
            if pending_cr:
                text = text[:-1]
            out.write(text.replace("\r\n", "\n").replace("\r", "\n"))
            if final:
                break
