"""National finance sources: which published workbook is this, what unit is its money in, and what reading it
gave.

Two kinds are recognised by their content, never by the file's name:
  outturn  MHCLG's Revenue Outturn Summary (RS) "data by LA" workbooks: a title naming the Revenue Outturn
           Summary (RS) above a header with 'E-code' and 'Local authority' (sources/outturn.py reads them);
  cra      HM Treasury's Country and Regional Analysis (CRA) databases: a header with 'CRA Segment…',
           'COFOG Level 0' and 'NUTS Region' (sources/cra.py reads them).
Anything else is left to the payments reader. The detector looks only at the first rows of each sheet.

Money is given in thousands (or millions) of pounds and stored as integer pence, exactly: the published value
(a float, as the workbook holds it, written in its shortest exact form) is a Decimal, multiplied by the pence
in one unit and rounded half to even. There is no float arithmetic.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from pathlib import Path
from typing import Any, Iterable

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..read.excel import SheetRows, cell_text

OUTTURN = "outturn"
CRA = "cra"
DATASETS = (OUTTURN, CRA)
PEEK_ROWS = 15  # the rows of each sheet the detector looks at


def norm(text: str) -> str:
    """A header or label for comparison: lower case, spaces collapsed."""
    return " ".join(str(text).lower().split())


# --- what kind of workbook ---------------------------------------------------------------------------------


def _is_rs(rows: list[list[str]]) -> bool:
    texts = [c for r in rows for c in r if c.strip()]
    titled = any(re.search(r"revenue outturn summary|\(RS\)", t, re.I) for t in texts)
    header = any({"e-code", "local authority"} <= {norm(c) for c in r} for r in rows)
    return titled and header


def _is_cra(rows: list[list[str]]) -> bool:
    for r in rows:
        cells = {norm(c) for c in r}
        if "nuts region" in cells and "cofog level 0" in cells and any(c.startswith("cra segment") for c in cells):
            return True
    return False


def detect_national(sheets: list[SheetRows]) -> str | None:
    """'outturn' for an RS return, 'cra' for a CRA database, None for anything else (payments, say)."""
    for sheet in sheets:
        head = sheet.rows[:PEEK_ROWS]
        if _is_cra(head):
            return CRA
        if _is_rs(head):
            return OUTTURN
    return None


def detect_national_file(path: Path) -> str | None:
    """The same decision for a workbook on disk, reading only the first rows of each sheet (python-calamine)."""
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception:  # not a workbook calamine can open: not one of these
        return None
    sheets = []
    for name in workbook.sheet_names:
        try:
            values = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False, nrows=PEEK_ROWS)
        except Exception:
            continue
        sheets.append(SheetRows(name, [[cell_text(v) for v in row] for row in values], 1))
    return detect_national(sheets)


# --- units and money ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    name: str  # '£ thousand'
    pence: int  # pence in one unit: 100_000
    statement: str  # the words that said so, as published


_UNITS = (
    (re.compile(r"£\s*'?\s*000|£\s*thousands?\b|thousands of pounds|£\s*k\b", re.I), "£ thousand", 100_000),
    (re.compile(r"£\s*millions?\b|£\s*m\b|millions of pounds", re.I), "£ million", 100_000_000),
    (re.compile(r"£\s*billions?\b|£\s*bn\b|billions of pounds", re.I), "£ billion", 100_000_000_000),
)


def detect_unit(texts: Iterable[str]) -> Unit | None:
    """The unit of money the first text stating one states ("£'000s", "£ thousand", "£ million", "£m")."""
    for text in texts:
        for pattern, name, pence in _UNITS:
            if pattern.search(text):
                return Unit(name, pence, " ".join(text.split())[:200])
    return None


_NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")


def is_number(text: str) -> bool:
    return bool(_NUMBER.fullmatch(text.strip()))


def to_pence(text: str, unit: Unit) -> int:
    """A published figure (its shortest exact decimal form) in `unit` as integer pence, rounded half to even."""
    with localcontext(prec=60):
        value = Decimal(text.strip()) * unit.pence
        return int(value.quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def column_letter(index: int) -> str:
    """0 → 'A', 26 → 'AA': how a person finds a column in a spreadsheet."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def year_in(text: str) -> str | None:
    """A financial year written in `text` ('RS LA Data 2017-18' → '2017-18')."""
    found = re.search(r"\b(20\d\d|19\d\d)\s*[-/–]\s*(\d\d)\b", text)
    return f"{found.group(1)}-{found.group(2)}" if found else None


# --- what reading gave ------------------------------------------------------------------------------------


@dataclass
class NationalFacts:
    """What reading a national source produced, before it is committed: its table of records and its
    accounting. Rows are sheet rows (every row of every sheet is read, then loaded, skipped or rejected, with a
    reason); records are the table's rows (one per figure)."""

    dataset: str
    format: str
    table: pa.Table | None = None
    description: str = ""
    unit: Unit | None = None
    sheets_read: list[str] = field(default_factory=list)
    sheets_skipped: dict[str, str] = field(default_factory=dict)
    rows_read: int = 0
    rows_loaded: int = 0
    rows_skipped: int = 0
    rows_rejected: int = 0
    skipped_reasons: Counter = field(default_factory=Counter)
    rejected_reasons: Counter = field(default_factory=Counter)
    cells_skipped: Counter = field(default_factory=Counter)
    cells_rejected: Counter = field(default_factory=Counter)
    declared_total_pence: int | None = None
    declared_covers_pence: int | None = None
    declared_total_what: str | None = None
    years: list[str] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)
    bodies: list[dict[str, Any]] = field(default_factory=list)
    publication: str | None = None
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def skip(self, reason: str, n: int = 1) -> None:
        self.rows_read += n
        self.rows_skipped += n
        self.skipped_reasons[reason] += n

    def reject(self, reason: str) -> None:
        self.rows_read += 1
        self.rows_rejected += 1
        self.rejected_reasons[reason] += 1

    def load(self) -> None:
        self.rows_read += 1
        self.rows_loaded += 1

    def skip_sheet(self, sheet: SheetRows, reason: str, why: str) -> None:
        """A sheet not read: each of its rows is skipped with `reason`; `why` says what the sheet is."""
        hidden = " (a hidden sheet)" if sheet.hidden else ""
        self.sheets_skipped[sheet.name] = why + hidden
        if sheet.rows:
            self.skip(reason, len(sheet.rows))

    @property
    def records(self) -> int:
        return self.table.num_rows if self.table is not None else 0

    @property
    def loaded_pence(self) -> int:
        if self.table is None or not self.table.num_rows:
            return 0
        return int(pc.sum(self.table.column("pence")).as_py() or 0)

    def write(self, folder: Path) -> str:
        """Write the table as `<dataset>.parquet` in `folder`; returns the file's name."""
        name = f"{self.dataset}.parquet"
        pq.write_table(self.table, folder / name, compression="zstd")
        return name

    def accounting(self) -> dict[str, Any]:
        """The manifest's accounting keys, as payments have them, and this kind's own."""
        difference = (self.declared_total_pence - (self.declared_covers_pence or 0)
                      if self.declared_total_pence is not None else None)
        return {
            "sheets": list(self.sheets_read),
            "rows_read": self.rows_read,
            "rows_loaded": self.rows_loaded,
            "rows_rejected": self.rows_rejected,
            "rows_skipped": self.rows_skipped,
            "skipped_reasons": dict(sorted(self.skipped_reasons.items())),
            "rejected_reasons": dict(sorted(self.rejected_reasons.items())),
            "loaded_pence": self.loaded_pence,
            "rejected_pence": 0,
            "declared_total_pence": self.declared_total_pence,
            "declared_total_covers_pence": self.declared_covers_pence,
            "declared_total_what": self.declared_total_what,
            "difference_pence": difference,
            "date_min": None,
            "date_max": None,
            "years": list(self.years),
            "records": self.records,
            "cells_skipped": dict(sorted(self.cells_skipped.items())),
            "cells_rejected": dict(sorted(self.cells_rejected.items())),
            "unit": self.unit.name if self.unit else None,
            "unit_statement": self.unit.statement if self.unit else None,
            "skipped_sheets": dict(self.sheets_skipped),
            "columns": dict(self.columns),
            "publication": self.publication,
            "notes": list(self.notes),
        }
