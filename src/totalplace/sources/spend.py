"""Payment files ("spending over £500", purchase cards, £25k central government files) into the ledger.

One published file becomes one or more tables (a CSV, or each sheet of a workbook). For each table: find the
header and the columns' roles (layout), then one SQL pass writes every data row with its outcome to a
Parquet part; the rows above the header are accounted for in Python. The file's accounting (rows read,
loaded, rejected, skipped, pence, the declared total and the difference) goes into its manifest.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pyarrow as pa

from ..dates import parse_date
from ..engine import CsvScan, Engine, EngineError
from ..read.excel import SheetRows, read_sheets
from ..read.sniff import FileKind
from ..read.text import TextLayout, normalised_copy, sniff_text
from ..reference.register import Register
from .accounting import HeadRow, Part, PartWriter, head_rows
from .bodies import require_body
from .errors import IngestError
from .headers import Synonyms
from .layout import LayoutError, TableLayout, detect_layout, display_headers
from .normalise import TableSpec, normalise_sql
from .overrides import Override, Overrides

Progress = Callable[[str], None]

@dataclass
class SpendContext:
    engine: Engine
    register: Register
    synonyms: Synonyms
    overrides: Overrides
    progress: Progress = lambda message: None


@dataclass
class FileFacts:
    """What reading a payment file produced, before it is committed."""

    format: str
    parts: list[Part]
    encoding: str | None = None
    delimiter: str | None = None
    line_endings: str | None = None
    override: Override | None = None
    warnings: list[str] = field(default_factory=list)


# --- tables ------------------------------------------------------------------------------------------------


def period_from_name(name: str) -> dt.date | None:
    """A month named in a file name ('2011-01', 'September-24', 'Sep 2014'), for files with no date column."""
    stem = Path(name).stem
    tokens = [t for t in re.split(r"[_\s]+", stem) if t]
    candidates = tokens + [f"{a} {b}" for a, b in zip(tokens, tokens[1:])]
    for token in candidates:
        parsed = parse_date(token)
        if parsed and (parsed[1] == "month" or re.fullmatch(r"\d{4}-\d{2}-\d{2}", token)):
            return parsed[0].replace(day=1)
    return None


def _apply_header_row(records: list[list[str]], header_row: int, count_blank: bool) -> int:
    """The index in `records` of the override's header row (numbered as totalplace numbers rows)."""
    number = 0
    for i, record in enumerate(records):
        if not count_blank and not record:
            continue
        number += 1
        if number == header_row:
            return i
    raise LayoutError(f"the override sets header_row = {header_row}, but the table has only {number} rows")


def _layout_for(
    ctx: SpendContext, records: list[list[str]], override: Override | None, count_blank: bool
) -> tuple[TableLayout, Override | None]:
    """Detect a table's layout, applying a file override or one that matches the table's headers."""
    header_index = None
    if override and override.layout.header_row:
        try:
            header_index = _apply_header_row(records, override.layout.header_row, count_blank)
        except LayoutError as exc:
            raise LayoutError(f"{override.path}: {exc}") from exc
    layout = detect_layout(records, ctx.synonyms, header_index=header_index)
    if override is None and layout.header_index is not None:
        override = ctx.overrides.for_headers(layout.header_cells)
    if override is not None and (override.layout.columns or override.layout.date_order):
        try:
            layout = detect_layout(
                records,
                ctx.synonyms,
                header_index=layout.header_index,
                forced_roles=override.layout.columns or None,
                date_order=override.layout.date_order,
            )
        except LayoutError as exc:
            raise LayoutError(f"{override.path}: {exc}") from exc
    return layout, override


def _part_from_layout(sheet: str | None, layout: TableLayout, row_base: int, header_row: int | None) -> Part:
    return Part(
        sheet=sheet,
        header_row=header_row,
        row_base=row_base,
        columns=layout.columns_by_role(),
        extra_columns=[layout.headers[i] for i in layout.extra_columns()],
        date_order=layout.date_order,
        notes=list(layout.notes),
    )


def _no_amount_message(name: str, layout: TableLayout) -> str:
    columns = ", ".join(f"'{h}'" for h in layout.headers) or "none"
    return (
        f"{name}: no column of amounts found. totalplace looks for headers such as 'Amount', 'Net Amount', "
        f"'Amount Paid', 'Value' and for a column whose values are money; the columns are: {columns}. "
        "If the amount column has another name, add it to an override file ([layout] columns = { amount = \"...\" })."
    )


def _period(ctx_name: str, layout: TableLayout, override: Override | None, part: Part) -> dt.date | None:
    if "payment_date" in layout.roles:
        return None
    if override and override.layout.period:
        parsed = parse_date(override.layout.period)
        if parsed is None:
            raise IngestError(f"{override.path}: period = '{override.layout.period}' is not a month (write it as 2011-01).")
        part.notes.append(f"no date column: every row dated to {parsed[0]:%B %Y}, as the override file says")
        return parsed[0].replace(day=1)
    found = period_from_name(ctx_name)
    if found is not None:
        part.notes.append(f"no date column: every row dated to {found:%B %Y}, the month in the file name")
    return found


def read_text_table(ctx: SpendContext, path: Path, name: str, source_id: str, staged: Path,
                    override: Override | None, workdir: Path, body_given: bool) -> FileFacts:
    """A delimited text file as one table."""
    sniffed: TextLayout = sniff_text(path)
    records = sniffed.records
    layout, override = _layout_for(ctx, records, override, count_blank=False)
    if "amount" not in layout.roles:
        raise IngestError(_no_amount_message(name, layout))
    require_body(name, layout, override, body_given)
    head = head_rows(records, layout.header_index, 1, count_blank=False)
    header_row = head[-1].row if head else None
    part = _part_from_layout(None, layout, row_base=len(head) + 1, header_row=header_row)
    period = _period(name, layout, override, part)
    skip = (layout.header_index + 1) if layout.header_index is not None else 0
    data_records = [r for r in records[skip:] if any(c.strip() for c in r)]
    ragged = any(len(r) != layout.width for r in data_records)
    facts = FileFacts("csv", [part], sniffed.encoding_label, sniffed.delimiter,
                      {"\n": "LF", "\r\n": "CRLF", "\r": "CR", "mixed": "mixed"}[sniffed.newline], override)
    scanner = PartWriter(ctx.engine, source_id, staged)
    part.file = "part-0.parquet"

    scan_path, encoding, newline = path, sniffed.engine_encoding, sniffed.newline
    if encoding is None or newline == "mixed":
        ctx.progress(f"{name}: re-encoding to UTF-8")
        scan_path, encoding, newline = _copy_for_engine(path, sniffed, facts, workdir), "utf-8", "\n"
    width = layout.width
    for attempt in range(6):
        ctx.engine.clear_csv_rejects()
        scan = CsvScan(scan_path, width, sniffed.delimiter, newline=newline, encoding=encoding, ragged=ragged, skip=skip)
        spec = TableSpec(f"SELECT * FROM {scan.sql(reject_log=True)}", layout, source_id, None, part.row_base,
                         period=period, ragged=ragged)
        try:
            ctx.engine.copy_parquet(normalise_sql(spec), staged / part.file)
        except EngineError as exc:
            message = str(exc)
            if scan_path == path and re.search(r"unicode|encod|state machine", message, re.I):
                ctx.progress(f"{name}: re-encoding to UTF-8")
                scan_path, encoding, newline = _copy_for_engine(path, sniffed, facts, workdir), "utf-8", "\n"
                continue
            raise IngestError(f"{name}: the file cannot be read as delimited text: {_first_line(message)}") from exc
        rejects = ctx.engine.csv_rejects()
        if not rejects:
            break
        if scan_path == path and any("ENCODING" in str(r["error_type"]).upper() for r in rejects):
            ctx.progress(f"{name}: re-encoding to UTF-8")
            scan_path, encoding, newline = _copy_for_engine(path, sniffed, facts, workdir), "utf-8", "\n"
            continue
        needed = max(_field_count(r["csv_line"], sniffed.delimiter) for r in rejects)
        if ragged and needed <= width:
            first = rejects[0]
            raise IngestError(
                f"{name}: line {first['line']} cannot be split into fields ({first['error_type'].lower()}): "
                f"{str(first['csv_line'])[:120]!r}. Check for an unclosed quote on or before that line."
            )
        if needed > width:
            width = needed
            layout.headers = display_headers(layout.header_cells, width)
            part.extra_columns = [layout.headers[i] for i in layout.extra_columns()]
        ragged = True
    else:
        raise IngestError(f"{name}: the rows are too irregular to read (tried {attempt + 1} times).")
    if ragged:
        part.notes.append("rows have differing numbers of fields; short rows are padded")
    scanner.write_head(part, 0, head)
    scanner.summarise(part)
    return facts


def _copy_for_engine(path: Path, sniffed: TextLayout, facts: "FileFacts", workdir: Path) -> Path:
    """A UTF-8, LF-only copy of the file for the engine; a file that is not UTF-8 after all is read as cp1252."""
    target = workdir / "normalised.csv"
    try:
        normalised_copy(path, sniffed, target)
    except UnicodeDecodeError as exc:
        if sniffed.encoding != "utf-8":
            raise IngestError(f"{path.name}: the bytes are not {sniffed.encoding} text ({exc}).") from exc
        sniffed.encoding = "cp1252"
        facts.encoding = f"cp1252 (the first {exc.start:,} bytes are also valid UTF-8)"
        normalised_copy(path, sniffed, target)
    return target


def _field_count(line: str | None, delimiter: str) -> int:
    import csv
    import io

    if not line:
        return 0
    return max((len(r) for r in csv.reader(io.StringIO(line), delimiter=delimiter)), default=0)


def _first_line(message: str) -> str:
    return message.strip().splitlines()[0] if message.strip() else message


def read_workbook(ctx: SpendContext, path: Path, name: str, kind: FileKind, source_id: str, staged: Path,
                  override: Override | None, body_given: bool) -> FileFacts:
    """Every sheet of a workbook as its own table; sheets with no payments are skipped whole, with a reason."""
    sheets: list[SheetRows] = read_sheets(path)
    facts = FileFacts(kind.value, [], override=override)
    scanner = PartWriter(ctx.engine, source_id, staged)
    any_table = False
    for index, sheet in enumerate(sheets):
        ctx.progress(f"{name}: sheet '{sheet.name}'")
        records = sheet.rows
        if override and override.layout.sheets is not None and sheet.name not in override.layout.sheets:
            part = Part(sheet=sheet.name)
            skipped = [HeadRow(sheet.first_row + i, "sheet not read", "the override file names other sheets", r)
                       for i, r in enumerate(records)]
            scanner.write_head(part, index, skipped)
            facts.parts.append(part)
            continue
        layout, sheet_override = _layout_for(ctx, records, override, count_blank=True)
        if sheet_override is not None:
            facts.override = sheet_override
        if "amount" not in layout.roles or not records:
            part = Part(sheet=sheet.name, notes=[f"sheet '{sheet.name}' has no table of payments (no amount column)"])
            skipped = [HeadRow(sheet.first_row + i, "sheet has no payment table", None, r) for i, r in enumerate(records)]
            scanner.write_head(part, index, skipped)
            facts.parts.append(part)
            continue
        require_body(name, layout, sheet_override, body_given)
        any_table = True
        start = (layout.header_index + 1) if layout.header_index is not None else 0
        head = head_rows(records, layout.header_index, sheet.first_row, count_blank=True)
        part = _part_from_layout(sheet.name, layout, row_base=sheet.first_row + start,
                                 header_row=head[-1].row if head else None)
        period = _period(name, layout, sheet_override, part)
        width = layout.width
        data = records[start:]
        table = pa.table({f"c{i}": pa.array([r[i] if i < len(r) else "" for r in data], pa.string()) for i in range(width)})
        ctx.engine.register("sheet_rows", table)
        part.file = f"part-{index}.parquet"
        spec = TableSpec("SELECT * FROM sheet_rows", layout, source_id, sheet.name, part.row_base, period=period)
        try:
            ctx.engine.copy_parquet(normalise_sql(spec), staged / part.file)
        finally:
            ctx.engine.unregister("sheet_rows")
        scanner.write_head(part, index, head)
        scanner.summarise(part)
        facts.parts.append(part)
    if not any_table:
        described = "; ".join(f"'{s.name}'" for s in sheets) or "none"
        raise IngestError(
            f"{name}: no sheet holds a table of payments (no column of amounts found). Sheets: {described}."
        )
    return facts


