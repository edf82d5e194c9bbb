"""Payment files ("spending over £500", purchase cards, £25k central government files) into the ledger.

One published file becomes one or more tables (a CSV, or each sheet of a workbook). For each table: find the
header and the columns' roles (layout), then one SQL pass writes every data row with its outcome to a
Parquet part; the rows above the header are accounted for in Python. The file's accounting (rows read,
loaded, rejected, skipped, pence, the declared total and the difference) goes into its manifest.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import pyarrow as pa
import pyarrow.parquet as pq

from ..dates import parse_date
from ..engine import CsvScan, Engine, EngineError, sql_string
from ..read.excel import SheetRows, read_sheets
from ..read.sniff import FileKind
from ..read.text import TextLayout, normalised_copy, sniff_text
from ..reference.register import Body, Register
from .headers import Synonyms
from .layout import LayoutError, TableLayout, detect_layout, display_headers
from .normalise import OUTPUT_COLUMNS, TableSpec, normalise_sql
from .overrides import Override, Overrides

Progress = Callable[[str], None]

TRAILING_REASONS = ("amount missing", "amount not a number", "payment date missing", "payment date not understood")


class IngestError(ValueError):
    """A file that cannot be ingested, with a message saying what is wrong and what to do."""


@dataclass
class SpendContext:
    engine: Engine
    register: Register
    synonyms: Synonyms
    overrides: Overrides
    progress: Progress = lambda message: None


@dataclass
class Part:
    """One table's accounting."""

    sheet: str | None
    file: str | None = None  # the data part, relative to the source folder
    head_file: str | None = None  # the rows above the data
    header_row: int | None = None
    row_base: int = 1
    columns: dict[str, str] = field(default_factory=dict)
    extra_columns: list[str] = field(default_factory=list)
    date_order: str = "dmy"
    notes: list[str] = field(default_factory=list)
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    rows_skipped: int = 0
    loaded_pence: int = 0
    rejected_pence: int = 0
    declared_total_pence: int | None = None
    declared_total_row: int | None = None
    skipped_reasons: dict[str, int] = field(default_factory=dict)
    rejected_reasons: dict[str, int] = field(default_factory=dict)
    date_min: str | None = None
    date_max: str | None = None


@dataclass
class HeadRow:
    row: int
    reason: str
    detail: str | None
    cells: list[str]


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


def _head_rows(records: list[list[str]], header_index: int | None, first_row: int, count_blank: bool) -> list[HeadRow]:
    """Rows above the data: preamble, blank rows and the header itself.

    In text files an empty line is not a record (the engine does not count it either), so it gets no number
    unless `count_blank` (sheets, where every row has a number).
    """
    if header_index is None:
        return []
    rows: list[HeadRow] = []
    number = first_row
    for i, record in enumerate(records[: header_index + 1]):
        if not record and not count_blank:
            continue
        blank = not any(c.strip() for c in record)
        if i == header_index:
            rows.append(HeadRow(number, "header row", None, record))
        elif blank:
            rows.append(HeadRow(number, "blank row", None, record))
        else:
            rows.append(HeadRow(number, "preamble before the header", None, record))
        number += 1
    return rows


def _write_head(path: Path, source_id: str, sheet: str | None, rows: list[HeadRow], schema: pa.Schema) -> None:
    n = len(rows)
    columns: dict[str, pa.Array] = {}
    for f in schema:
        if f.name == "source_id":
            columns[f.name] = pa.array([source_id] * n, f.type)
        elif f.name == "sheet":
            columns[f.name] = pa.array([sheet] * n, f.type)
        elif f.name == "row_base":
            columns[f.name] = pa.array([rows[0].row if rows else 1] * n, f.type)
        elif f.name == "status":
            columns[f.name] = pa.array(["skipped"] * n, f.type)
        elif f.name == "reason":
            columns[f.name] = pa.array([r.reason for r in rows], f.type)
        elif f.name == "detail":
            columns[f.name] = pa.array([r.detail for r in rows], f.type)
        elif f.name == "raw":
            columns[f.name] = pa.array([r.cells for r in rows], f.type)
        else:
            columns[f.name] = pa.nulls(n, f.type)
    pq.write_table(pa.table(columns, schema=schema), path, compression="zstd")


def _output_schema(engine: Engine) -> pa.Schema:
    """The schema of a normalised part, for writing rows produced in Python in the same shape."""
    layout = TableLayout(header_index=0, headers=["a", "b"], roles={"amount": 0, "payment_date": 1})
    sql = normalise_sql(TableSpec("SELECT 'x'::VARCHAR AS c0, 'y'::VARCHAR AS c1", layout, "s", "sheet", 1))
    return engine.arrow(f"SELECT * FROM ({sql}) LIMIT 0").schema


class _Scanner:
    """Runs the normalising SQL for one table and summarises what it wrote."""

    def __init__(self, ctx: SpendContext, source_id: str, staged: Path):
        self.ctx = ctx
        self.source_id = source_id
        self.staged = staged
        self._schema: pa.Schema | None = None

    @property
    def schema(self) -> pa.Schema:
        if self._schema is None:
            self._schema = _output_schema(self.ctx.engine)
        return self._schema

    def write_head(self, part: Part, index: int, rows: list[HeadRow]) -> None:
        if not rows:
            return
        part.head_file = f"part-{index}-head.parquet"
        # the data part's own schema when there is one (reading it is instant; deriving one costs a query)
        schema = pq.read_schema(self.staged / part.file) if part.file else self.schema
        schema = pa.schema([f.with_nullable(True) for f in schema])
        _write_head(self.staged / part.head_file, self.source_id, part.sheet, rows, schema)
        for r in rows:
            part.rows_read += 1
            part.rows_skipped += 1
            part.skipped_reasons[r.reason] = part.skipped_reasons.get(r.reason, 0) + 1

    def summarise(self, part: Part) -> None:
        """Count outcomes, turn trailing text and amount-only rows into footers and totals, find the declared total."""
        engine = self.ctx.engine
        path = self.staged / part.file  # type: ignore[operator]
        scan = f"read_parquet({sql_string(str(path))}, file_row_number = true)"
        last_loaded = engine.one(f"SELECT max(file_row_number) FROM {scan} WHERE status = 'loaded'")[0]
        if last_loaded is not None:
            reasons = ", ".join(sql_string(r) for r in TRAILING_REASONS)
            trailing = engine.records(
                f"SELECT file_row_number AS n, reason, amount_pence, raw FROM {scan} "
                f"WHERE status = 'rejected' AND file_row_number > {int(last_loaded)} AND reason IN ({reasons})"
            )
            changes: dict[int, tuple[str, str]] = {}
            for t in trailing:
                filled = [c for c in (t["raw"] or []) if c and c.strip()]
                if t["amount_pence"] is not None and t["reason"].startswith("payment date") and len(filled) == 1:
                    changes[t["n"]] = ("total row", "an amount alone after the last payment (an unlabelled total)")
                elif t["amount_pence"] is None:
                    text = " ".join(c.strip() for c in filled)[:80]
                    changes[t["n"]] = ("footer after the data", f"text after the last payment: '{text}'")
            if changes:
                self._reclassify(path, changes)
        stats = engine.records(
            f"SELECT status, reason, count(*) AS n, sum(amount_pence)::BIGINT AS pence, "
            f"min(payment_date) AS dmin, max(payment_date) AS dmax FROM {scan} GROUP BY ALL"
        )
        for s in stats:
            n, pence = int(s["n"]), int(s["pence"] or 0)
            part.rows_read += n
            if s["status"] == "loaded":
                part.rows_loaded += n
                part.loaded_pence += pence
                part.date_min = str(s["dmin"]) if s["dmin"] else None
                part.date_max = str(s["dmax"]) if s["dmax"] else None
            elif s["status"] == "rejected":
                part.rows_rejected += n
                part.rejected_pence += pence
                part.rejected_reasons[s["reason"]] = part.rejected_reasons.get(s["reason"], 0) + n
            else:
                part.rows_skipped += n
                part.skipped_reasons[s["reason"]] = part.skipped_reasons.get(s["reason"], 0) + n
        totals = engine.records(
            f"SELECT file_row_number AS n, amount_pence, detail FROM {scan} WHERE reason = 'total row' ORDER BY n"
        )
        if totals:
            grand = [t for t in totals if "grand" in (t["detail"] or "").lower()]
            plain = [t for t in totals if "sub" not in (t["detail"] or "").lower()]
            chosen = (grand or plain or totals)[-1]
            part.declared_total_pence = int(chosen["amount_pence"])
            part.declared_total_row = part.row_base + int(chosen["n"])

    def _reclassify(self, path: Path, changes: dict[int, tuple[str, str]]) -> None:
        engine = self.ctx.engine
        rows = ", ".join(str(n) for n in changes)
        reason_case = " ".join(f"WHEN {n} THEN {sql_string(r)}" for n, (r, _) in changes.items())
        detail_case = " ".join(f"WHEN {n} THEN {sql_string(d)}" for n, (_, d) in changes.items())
        rewritten = path.with_suffix(".rewrite.parquet")
        engine.copy_parquet(
            f"""SELECT * EXCLUDE (file_row_number) REPLACE (
                  CASE WHEN file_row_number IN ({rows}) THEN 'skipped' ELSE status END AS status,
                  CASE file_row_number {reason_case} ELSE reason END AS reason,
                  CASE file_row_number {detail_case} ELSE detail END AS detail)
                FROM read_parquet({sql_string(str(path))}, file_row_number = true)""",
            rewritten,
        )
        rewritten.replace(path)


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


def require_body(name: str, layout: TableLayout, override: Override | None, body_given: bool) -> None:
    """Fail early, before any work, when nothing says whose spending the file is."""
    if body_given or "body" in layout.roles or "body_name" in layout.roles:
        return
    if override is not None and override.layout.body:
        return
    raise IngestError(
        f"{name}: the file does not say which body made these payments (no column such as 'Body', "
        "'Body Name' or 'Organisation'). Say whose spending it is with --body NAME|CODE, "
        "e.g. --body 'Hyndburn' or --body E07000120, or set body in an override file."
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
    head = _head_rows(records, layout.header_index, 1, count_blank=False)
    header_row = head[-1].row if head else None
    part = _part_from_layout(None, layout, row_base=len(head) + 1, header_row=header_row)
    period = _period(name, layout, override, part)
    skip = (layout.header_index + 1) if layout.header_index is not None else 0
    data_records = [r for r in records[skip:] if any(c.strip() for c in r)]
    ragged = any(len(r) != layout.width for r in data_records)
    facts = FileFacts("csv", [part], sniffed.encoding_label, sniffed.delimiter,
                      {"\n": "LF", "\r\n": "CRLF", "\r": "CR", "mixed": "mixed"}[sniffed.newline], override)
    scanner = _Scanner(ctx, source_id, staged)
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
    scanner = _Scanner(ctx, source_id, staged)
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
        head = _head_rows(records, layout.header_index, sheet.first_row, count_blank=True)
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


# --- bodies ------------------------------------------------------------------------------------------------


@dataclass
class BodyChoice:
    body_id: str | None
    body_name: str
    how: str


def describe_body(body: Body) -> str:
    return f"{body.name} ({body.body_id})"


def resolve_bodies(
    ctx: SpendContext, name: str, pairs: list[tuple[str | None, str | None]], given: str | None, on: dt.date | None,
    warnings: list[str],
) -> list[dict[str, Any]]:
    """Map each (published body code, published body name) pair to a body: --body first, then the register."""
    register = ctx.register
    if given:
        body, candidates = register.resolve(given, on)
        if body is not None:
            choice = BodyChoice(body.body_id, body.name, f"given ({given})")
        else:
            if len(candidates) > 1:
                warnings.append(f"--body '{given}' could mean {', '.join(describe_body(b) for b in candidates)}; "
                                "recorded as given. Use a code to choose one.")
            elif len(register):
                warnings.append(f"--body '{given}' is not in the register: recorded as given")
            choice = BodyChoice(None, given, "given, not in the register")
        return [_map_entry(code, label, choice) for code, label in pairs] or [_map_entry(None, None, choice)]

    entries: list[dict[str, Any]] = []
    unresolved: list[str] = []
    for code, label in pairs:
        choice = None
        for value in (code, label):
            if not value:
                continue
            body, candidates = register.resolve(value, on)
            if body is not None:
                choice = BodyChoice(body.body_id, body.name, f"register: '{value}'")
                break
        if choice is None:
            shown = label or code
            if shown:
                unresolved.append(shown)
                choice = BodyChoice(None, shown, "as published, not in the register")
            else:
                choice = None
        entries.append(_map_entry(code, label, choice))
    blanks = [e for e in entries if e["body_name"] is None]
    named = {(e["body_id"], e["body_name"]) for e in entries if e["body_name"] is not None}
    if blanks:
        if len(named) == 1:
            body_id, body_name = next(iter(named))
            for e in blanks:
                e.update(body_id=body_id, body_name=body_name, how="the file's only body (the row's body cell is empty)")
        else:
            raise IngestError(
                f"{name}: some rows do not say which body paid (the body column is empty) and the file names "
                f"{len(named)} bodies. Say whose spending the file is with --body NAME|CODE."
            )
    if unresolved:
        hint = "" if len(register) else " (no register loaded: run `totalplace reference load DIR`)"
        warnings.append(
            f"body {', '.join(repr(u) for u in sorted(set(unresolved)))} not found in the register{hint}; "
            "recorded as published. Use --body to say which body it is."
        )
    return entries


def _map_entry(code: str | None, label: str | None, choice: BodyChoice | None) -> dict[str, Any]:
    return {
        "published_code": code,
        "published_name": label,
        "body_id": choice.body_id if choice else None,
        "body_name": choice.body_name if choice else None,
        "how": choice.how if choice else None,
    }


def file_has_body_column(facts: FileFacts) -> bool:
    return any(("body" in p.columns or "body_name" in p.columns) for p in facts.parts if p.file)


def distinct_body_pairs(engine: Engine, staged: Path, facts: FileFacts) -> list[tuple[str | None, str | None]]:
    files = [staged / p.file for p in facts.parts if p.file]
    if not files:
        return []
    rows = engine.rows(
        f"SELECT DISTINCT body_code_published, body_name_published FROM read_parquet({Engine.parquet_list(files)}) "
        "WHERE status = 'loaded' ORDER BY ALL"
    )
    return [(r[0], r[1]) for r in rows]


def totals(parts: list[Part]) -> dict[str, Any]:
    """A file's accounting, summed over its tables."""
    skipped: Counter[str] = Counter()
    rejected: Counter[str] = Counter()
    for p in parts:
        skipped.update(p.skipped_reasons)
        rejected.update(p.rejected_reasons)
    declaring = [p for p in parts if p.declared_total_pence is not None]
    declared = sum(p.declared_total_pence for p in declaring) if declaring else None  # type: ignore[misc]
    difference = (
        declared - sum(p.loaded_pence + p.rejected_pence for p in declaring) if declared is not None else None
    )
    dates = [d for p in parts for d in (p.date_min, p.date_max) if d]
    return {
        "rows_read": sum(p.rows_read for p in parts),
        "rows_loaded": sum(p.rows_loaded for p in parts),
        "rows_rejected": sum(p.rows_rejected for p in parts),
        "rows_skipped": sum(p.rows_skipped for p in parts),
        "skipped_reasons": dict(sorted(skipped.items())),
        "rejected_reasons": dict(sorted(rejected.items())),
        "loaded_pence": sum(p.loaded_pence for p in parts),
        "rejected_pence": sum(p.rejected_pence for p in parts),
        "declared_total_pence": declared,
        "difference_pence": difference,
        "date_min": min(dates) if dates else None,
        "date_max": max(dates) if dates else None,
    }


__all__ = [
    "FileFacts", "IngestError", "Part", "SpendContext", "OUTPUT_COLUMNS", "distinct_body_pairs",
    "file_has_body_column", "read_text_table", "read_workbook", "resolve_bodies", "totals", "period_from_name",
]
