"""Workbooks (XLSX, legacy XLS, ODS) to rows of text, one table per sheet, via calamine.

Cells become the text a person would type: whole numbers without ".0", other numbers in their shortest
exact form (so float noise such as 558.82000000000005 reaches the money rule intact), dates and datetimes in
ISO form. Every sheet row is kept, empty ones included, so row numbers match what Excel shows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from python_calamine import CalamineWorkbook


class WorkbookError(ValueError):
    """A workbook that cannot be opened, with the reason."""


@dataclass
class SheetRows:
    name: str
    rows: list[list[str]]
    first_row: int  # the sheet row number of rows[0] (1 = Excel's row 1)
    hidden: bool = False


def cell_text(value: object) -> str:
    """One cell as text."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def read_sheets(path: Path, name: str | None = None) -> list[SheetRows]:
    """Every sheet of the workbook at `path`, in workbook order; `name` is how to call it in messages."""
    label = name or path.name
    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types for damaged or encrypted files
        raise WorkbookError(f"{label}: the workbook cannot be opened ({exc}).") from exc
    hidden = {}
    try:
        hidden = {s.name: str(s.visible).lower().endswith("hidden") for s in workbook.sheets_metadata}
    except AttributeError:  # older calamine without sheet metadata
        pass
    sheets: list[SheetRows] = []
    for sheet_name in workbook.sheet_names:
        try:
            sheet = workbook.get_sheet_by_name(sheet_name)
            values = sheet.to_python(skip_empty_area=False)
        except Exception as exc:
            raise WorkbookError(f"{label}: sheet '{sheet_name}' cannot be read ({exc}).") from exc
        rows = [[cell_text(v) for v in row] for row in values]
        while rows and not any(c.strip() for c in rows[-1]):
            rows.pop()  # Excel's used range often runs past the last row with content
        sheets.append(SheetRows(name=sheet_name, rows=rows, first_row=1, hidden=hidden.get(sheet_name, False)))
    return sheets
