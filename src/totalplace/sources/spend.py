"""Payment files ("spending over £500", purchase cards, £25k central government files) into the ledger.

One published file becomes one or more tables (a CSV, or each sheet of a workbook). For each table: find the
header and the columns' roles (layout), then one SQL pass writes every data row with its outcome to a
Parquet part; the rows above the header are accounted for in Python. The file's accounting (rows read,
loaded, rejected, skipped, pence, the declared total and the difference) goes into its manifest.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
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
    name: str = ""  # the file as people know it (archive.zip/inner.csv for a file inside an archive)
    encoding: str | None = None
    delimiter: str | None = None
    line_endings: str | None = None
    override: Override | None = None


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


def _not_payments_message(name: str, layout: TableLayout, problem: str) -> str:
    columns = ", ".join(f"'{h}'" for h in layout.headers) or "none"
    notes = "".join(f" Note: {n}." for n in layout.notes if "not used" in n)
    return (
        f"{name}: this does not look like a table of payments: {problem}.{notes} The columns are: {columns}. "
        "totalplace looks for an amount (headers such as 'Amount', 'Net Amount', 'Amount Paid', 'Value', or a "
        "column of money) with a supplier or a payment date. If the file is payments under other names, say "
        "which column is which in an override file ([layout] columns = { amount = \"...\" }, see docs/overrides.md)."
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
                    override: Override | None, workdir: Path, body_given: bool,
                    sniffed: TextLayout | None = None) -> FileFacts:
    """A delimited text file as one table (`sniffed`: sniff_text's findings, when the caller has them)."""
    sniffed = sniffed or sniff_text(path)
    records = sniffed.records
    layout, override = _layout_for(ctx, records, override, count_blank=False)
    problem = layout.payment_table_problem()
    if problem:
        raise IngestError(_not_payments_message(name, layout, problem))
    require_body(name, layout, override, body_given)
    head = head_rows(records, layout.header_index, 1, count_blank=False)
    header_row = head[-1].row if head else None
    part = _part_from_layout(None, layout, row_base=len(head) + 1, header_row=header_row)
    period = _period(name, layout, override, part)
    skip = (layout.header_index + 1) if layout.header_index is not None else 0
    facts = FileFacts("csv", [part], name, sniffed.encoding_label, sniffed.delimiter,
                      {"\n": "LF", "\r\n": "CRLF", "\r": "CR", "mixed": "mixed"}[sniffed.newline], override)
    scanner = PartWriter(ctx.engine, source_id, staged)
    part.file = "part-0.parquet"

    scan_path, encoding, newline = path, sniffed.engine_encoding, sniffed.newline
    if encoding is None or newline == "mixed":
        ctx.progress(f"{name}: re-encoding to UTF-8")
        scan_path, encoding, newline = _copy_for_engine(path, sniffed, facts, workdir), "utf-8", "\n"
    width = layout.width
    ragged = False  # begin strict: its log of the lines it could not split finds unclosed quotes and odd rows
    for attempt in range(6):
        ctx.engine.clear_csv_rejects()
        long_lines = 4 * sniffed.longest_line if sniffed.longest_line > (1 << 19) else None
        scan = CsvScan(scan_path, width, sniffed.delimiter, newline=newline, encoding=encoding, ragged=ragged, skip=skip,
                       max_line_size=long_lines)
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
        _refuse_unclosed_quotes(name, rejects)
        needed = max(_field_count(r["csv_line"], sniffed.delimiter) for r in rejects)
        if ragged and needed <= width:
            first = rejects[0]
            raise IngestError(
                f"{name}: line {first['line']} cannot be split into fields ({str(first['error_type']).lower()}): "
                f"{str(first['csv_line'])[:120]!r}. Check the quotes on that line."
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
    scanner.summarise(part, layout)
    return facts


def _refuse_unclosed_quotes(name: str, rejects: list[dict]) -> None:
    """A quote opened and never closed swallows every line after it into one cell: refuse the file, naming the line."""
    for r in rejects:
        kind, line = str(r["error_type"]).upper(), str(r["csv_line"] or "")
        if "QUOTE" in kind or ("UNQUOTED" in kind and "\n" in line):
            first_line = line.splitlines()[0] if line else ""
            raise IngestError(
                f"{name}: line {r['line']} opens a quoted value that is not closed ({first_line[:100]!r}), so every "
                "line after it would run into one cell and be lost. Close or remove that quote, then ingest the file "
                "again."
            )


def _copy_for_engine(path: Path, sniffed: TextLayout, facts: FileFacts, workdir: Path) -> Path:
    """A UTF-8, LF-only copy of the file for the engine; a file that is not UTF-8 after all is read as cp1252."""
    target = workdir / "normalised.csv"
    try:
        normalised_copy(path, sniffed, target)
    except UnicodeDecodeError as exc:
        if sniffed.encoding != "utf-8":
            raise IngestError(f"{facts.name}: the bytes are not {sniffed.encoding} text ({exc}).") from exc
        sniffed.encoding = "cp1252"
        facts.encoding = f"cp1252 (the first {exc.start:,} bytes are also valid UTF-8)"
        normalised_copy(path, sniffed, target)
    return target


def _field_count(line: str | None, delimiter: str) -> int:
    """How many fields a line the engine could not split holds (read leniently, as Python's csv does)."""
    if not line:
        return 0
    return max((len(r) for r in csv.reader(io.StringIO(line), delimiter=delimiter)), default=0)


def _first_line(message: str) -> str:
    return message.strip().splitlines()[0] if message.strip() else message


def read_workbook(ctx: SpendContext, path: Path, name: str, kind: FileKind, source_id: str, staged: Path,
                  override: Override | None, body_given: bool, sheets: list[SheetRows] | None = None) -> FileFacts:
    """Every sheet of a workbook as its own table; sheets with no payments are skipped whole, with a reason.
    `sheets`: the workbook's sheets where the caller has read them already."""
    sheets = sheets if sheets is not None else read_sheets(path, name)
    facts = FileFacts(kind.value, [], name, override=override)
    scanner = PartWriter(ctx.engine, source_id, staged)
    plans: list[tuple[SheetRows, TableLayout | None, Override | None, str | None]] = []
    for sheet in sheets:  # decide every sheet first: whose spending it is may be said on another sheet
        if override and override.layout.sheets is not None and sheet.name not in override.layout.sheets:
            plans.append((sheet, None, override, "sheet not read"))
            continue
        layout, sheet_override = _layout_for(ctx, sheet.rows, override, count_blank=True)
        problem = layout.payment_table_problem() if sheet.rows else "it is empty"
        plans.append((sheet, layout, sheet_override, problem))
    tables = [(layout, o) for _, layout, o, problem in plans if layout is not None and problem is None]
    if not tables:
        described = "; ".join(f"'{sheet.name}': {problem}" for sheet, _, _, problem in plans) or "no sheets"
        raise IngestError(f"{name}: no sheet holds a table of payments ({described}).")
    if not any(body_given or "body" in t.roles or "body_name" in t.roles or (o and o.layout.body) for t, o in tables):
        require_body(name, tables[0][0], tables[0][1], body_given)
    for index, (sheet, layout, sheet_override, problem) in enumerate(plans):
        ctx.progress(f"{name}: sheet '{sheet.name}'")
        records = sheet.rows
        if problem is not None or layout is None:
            reason = "sheet not read" if problem == "sheet not read" else "sheet has no payment table"
            detail = "the override file names other sheets" if reason == "sheet not read" else problem
            part = Part(sheet=sheet.name, notes=[f"sheet '{sheet.name}' skipped: {detail}"])
            scanner.write_head(part, index, [HeadRow(sheet.first_row + i, reason, detail, r) for i, r in enumerate(records)])
            facts.parts.append(part)
            continue
        if sheet_override is not None:
            facts.override = sheet_override
        start = (layout.header_index + 1) if layout.header_index is not None else 0
        head = head_rows(records, layout.header_index, sheet.first_row, count_blank=True)
        part = _part_from_layout(sheet.name, layout, row_base=sheet.first_row + start,
                                 header_row=head[-1].row if head else None)
        if sheet.hidden:
            part.notes.append(f"sheet '{sheet.name}' is hidden in the workbook; its payments are read like any other")
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
        scanner.summarise(part, layout)
        facts.parts.append(part)
    return facts
