"""The SQL step that turns a table's raw text cells into ledger rows, each with its outcome.

One pass over the rows: every row comes out once, as loaded, rejected (with the reason and detail) or skipped
(blank rows, repeated headers, total rows). Rejected and skipped rows keep their raw cells. The rows stay in
file order, which is how their row numbers are known later (see the store).
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ..engine import sql_string
from .layout import TableLayout

TRIM = " \t\r\n\u00a0"
EARLIEST_DATE = dt.date(1990, 1, 1)

TEXT_ROLES = (
    "supplier", "supplier_id", "vat_number", "directorate", "service_area", "service_code", "expense_category",
    "expense_type", "expense_code", "transaction_ref", "description",
)
SKIP_REASONS = ("blank row", "repeated header row", "total row", "footer after the data")
TOTAL_LABEL = r"(?i)(?:grand\s+|overall\s+|sub\s*-?\s*)?totals?(?:\s+(?:for|of|spend|amount|payments?|expenditure|paid)\b.*)?\s*:?"
FUSED_DATE_AMOUNT = r"(\d{1,2}/\d{1,2}/\d{4})(-?£?[0-9,]*\.?[0-9]+)"
FUSED_AT_END = r".*?(\d{1,2}/\d{1,2}/\d{4})(-?£?[0-9,]*\.?[0-9]+)"


@lru_cache(maxsize=1)
def redaction_pattern() -> str:
    """One case-insensitive pattern for every redaction placeholder in data/redaction_markers.csv."""
    text = resources.files("totalplace").joinpath("data/redaction_markers.csv").read_text(encoding="utf-8")
    patterns = [row["pattern"] for row in csv.DictReader(text.splitlines())]
    return "(?i)(?:" + "|".join(f"(?:{p})" for p in patterns) + r")[\s.]*"


@dataclass
class TableSpec:
    """Everything the SQL needs to know about one table."""

    relation: str  # SQL producing columns c0..c{width-1} as text
    layout: TableLayout
    source_id: str
    sheet: str | None
    row_base: int
    period: dt.date | None = None  # the month every row is dated to, when the table has no date column
    latest_date: dt.date | None = None
    ragged: bool = False


def _cell(i: int) -> str:
    return f"c{i}"


def _trimmed(i: int) -> str:
    """A cell without surrounding spaces. Most cells begin and end with a printable ASCII character, which no
    trim removes: they are taken as they are. Trimming a set of characters is slow in the engine, so the set
    (tabs, non-breaking spaces) is used only on the cells that hold one; plain spaces go the fast way."""
    c = _cell(i)
    return (
        f"CASE WHEN ascii({c}) BETWEEN 33 AND 126 AND ascii({c}[-1]) BETWEEN 33 AND 126 THEN {c} "
        f"WHEN contains({c}, chr(160)) OR contains({c}, chr(9)) THEN trim({c}, {sql_string(TRIM)}) ELSE trim({c}) END"
    )


# Amounts in the commonest shapes (`1234.56`, `-£1,234.5`, `500`): at most two decimals, so the money rule's
# answer is the number with its point moved, which int64 decimals give without the rule's 128-bit arithmetic.
PLAIN_AMOUNT = r"-?[0-9]{1,13}(?:\.[0-9]{1,2})?"
MARKED_AMOUNT = r"-?£?(?:[0-9]{1,3}(?:,[0-9]{3}){1,3}|[0-9]{1,13})(?:\.[0-9]{1,2})?"


def pence_sql(expr: str) -> str:
    """SQL for `tp_pence(expr)` (the money rule), with a fast path that gives the same pence for common shapes."""
    return (
        f"CASE WHEN regexp_full_match({expr}, {sql_string(PLAIN_AMOUNT)}) "
        f"THEN CAST(CAST({expr} AS DECIMAL(15, 2)) * 100 AS BIGINT) "
        f"WHEN regexp_full_match({expr}, {sql_string(MARKED_AMOUNT)}) "
        f"THEN CAST(CAST(replace(replace({expr}, '£', ''), ',', '') AS DECIMAL(15, 2)) * 100 AS BIGINT) "
        f"ELSE tp_pence({expr}) END"
    )


def _t(i: int) -> str:
    """The column normalise_sql computes `_trimmed(i)` into."""
    return f"t{i}"


def _t_text(i: int) -> str:
    return f"NULLIF({_t(i)}, '')"


def extra_sql(columns: list[tuple[str, str]]) -> str:
    """The file's other columns as JSON of header -> value, the empty ones left out, NULL when all are empty.

    Each member is written by the engine's JSON writer (`to_json`) and joined as text: the same JSON as
    merging `json_object(...)` into '{}' (RFC 7396 drops the nulls), at a fraction of the cost. Headers are
    unique (duplicates are numbered); should two ever be equal, the merge, which keeps one, is used.
    """
    if not columns:
        return "NULL::VARCHAR"
    if len({header for header, _ in columns}) < len(columns):
        pairs = ", ".join(f"{sql_string(header)}, {value}" for header, value in columns)
        return f"NULLIF(json_merge_patch('{{}}', json_object({pairs}))::VARCHAR, '{{}}')"
    members = ", ".join(f"(to_json({sql_string(h)})::VARCHAR || ':') || to_json({value})" for h, value in columns)
    return f"NULLIF(concat('{{', concat_ws(',', {members}), '}}'), '{{}}')"


def normalise_sql(spec: TableSpec) -> str:
    """The SELECT that normalises one table.

    Each cell is trimmed once, into t0, t1, ... beside the raw c0, c1, ...; the expressions below name those
    columns instead of repeating the trim. The same rows, and a statement a third the size, which the engine
    binds in far less time (most of the cost of a small file's query was binding it).
    """
    layout = spec.layout
    roles = layout.roles
    width = layout.width
    cells = ", ".join(_cell(i) for i in range(width))
    amount = roles["amount"]
    amount_header = layout.headers[amount]
    latest = spec.latest_date or (dt.date.today() + dt.timedelta(days=366))

    date_index = roles.get("payment_date")
    if date_index is not None:
        date_text = _t(date_index)
        payment_date = f"tp_date(date_text, {'true' if layout.date_order == 'mdy' else 'false'})"
        precision = "CASE WHEN payment_date IS NOT NULL THEN tp_date_precision(date_text) END"
    elif spec.period is not None:
        date_text = "NULL::VARCHAR"
        payment_date = f"DATE {sql_string(spec.period.isoformat())}"
        precision = "'month'"
    else:
        date_text = "NULL::VARCHAR"
        payment_date = "NULL::DATE"
        precision = "NULL::VARCHAR"

    first_filled = "coalesce(" + ", ".join(_t_text(i) for i in range(width)) + ")" if width > 1 else _t_text(0)
    all_text = "concat_ws('', " + cells + ")"
    total_row = f"regexp_full_match(coalesce({first_filled}, ''), {sql_string(TOTAL_LABEL)})"
    date_header = layout.headers[date_index] if date_index is not None else ""
    filled = " + ".join(f"({_cell(i)} IS NOT NULL)::INTEGER" for i in range(width))
    # a total row has no date of its own (a table dated from its file name has none at all)
    missing_date = "payment_date IS NULL" if date_index is not None else "true"
    fused_in_date = f"CASE WHEN regexp_full_match(coalesce(date_text, ''), {sql_string(FUSED_DATE_AMOUNT)}) THEN date_text END"
    if spec.ragged:
        short = f"{_cell(width - 1)} IS NULL"
        fused_cell = (
            f"coalesce({fused_in_date}, "
            f"list_filter([{cells}], lambda x: regexp_full_match(coalesce(x, ''), {sql_string(FUSED_AT_END)}))[1])"
        )
        shifted = f"tp_pence({_t(amount - 1)})" if amount > 0 else "NULL::BIGINT"
    else:
        short = "false"
        fused_cell = fused_in_date
        shifted = "NULL::BIGINT"
    earliest, latest_sql = f"DATE {sql_string(EARLIEST_DATE.isoformat())}", f"DATE {sql_string(latest.isoformat())}"
    # most rows are payments: with a date column, an amount and a date in range leave no reason to find
    payment = (f"WHEN amount_pence IS NOT NULL AND payment_date BETWEEN {earliest} AND {latest_sql} THEN NULL"
               if date_index is not None else "")
    reason = f"""
      CASE {payment}
        WHEN amount_pence IS NULL AND coalesce(amount_text, '') = '' THEN
          CASE WHEN NOT regexp_matches({all_text}, '[\\p{{L}}\\p{{N}}]') THEN 'blank row'
               WHEN {short} AND {fused_cell} IS NOT NULL THEN 'date and amount run together'
               WHEN {short} THEN 'row has too few fields'
               ELSE 'amount missing' END
        WHEN amount_pence IS NULL THEN
          CASE WHEN amount_text = {sql_string(amount_header)} THEN 'repeated header row'
               WHEN {fused_cell} IS NOT NULL THEN 'date and amount run together'
               WHEN {short} THEN 'row has too few fields'
               ELSE 'amount not a number' END
        WHEN {missing_date} AND {total_row} THEN 'total row'
        WHEN payment_date IS NULL AND coalesce(date_text, '') = '' THEN 'payment date missing'
        WHEN payment_date IS NULL THEN 'payment date not understood'
        WHEN payment_date < {earliest} OR payment_date > {latest_sql} THEN 'payment date out of range'
      END"""
    quoted = lambda expr: f"'''' || {expr} || ''''"  # noqa: E731
    in_column = lambda header: sql_string(f" in column '{header}'")  # noqa: E731
    early = _cell(max(amount - 1, 0))
    detail = f"""
      CASE WHEN reason IS NOT NULL THEN CASE reason
        WHEN 'amount missing' THEN {sql_string(f"no amount in column '{amount_header}'")}
        WHEN 'amount not a number' THEN {quoted("left(amount_text, 80)")} || {in_column(amount_header)} || ' is not an amount'
        WHEN 'row has too few fields' THEN 'the row has ' || ({filled}) || ' fields and the header {width}: '
             || 'fields have run together or one is missing'
             || CASE WHEN {shifted} IS NOT NULL
                     THEN '; the amount looks to be ' || {quoted(f"trim({early})")} || ', one column early' ELSE '' END
        WHEN 'date and amount run together' THEN {quoted(fused_cell)} || ' holds a date and an amount with no separator between them'
        WHEN 'payment date missing' THEN {sql_string(f"no date in column '{date_header}'" if date_header else "the table has no date column")}
        WHEN 'payment date not understood' THEN {quoted("left(date_text, 80)")} || {in_column(date_header)} || ' is not a date'
        WHEN 'payment date out of range' THEN {quoted("date_text")} || {in_column(date_header)}
             || ' is before {EARLIEST_DATE.year} or after {latest.isoformat()}'
        WHEN 'total row' THEN 'labelled ' || {quoted(first_filled)}
      END END"""
    rejected_amount = (
        f"CASE WHEN reason IS NULL THEN amount_pence WHEN reason = 'date and amount run together' "
        f"THEN tp_pence(regexp_extract({fused_cell}, {sql_string(FUSED_AT_END)}, 2)) "
        f"WHEN reason = 'row has too few fields' THEN {shifted} ELSE amount_pence END"
    )

    def text_role(role: str) -> str:
        i = roles.get(role)
        return _t_text(i) if i is not None else "NULL::VARCHAR"

    redaction_flag = roles.get("redaction_flag")
    redacted_sources = ["supplier"] + ([_t_text(redaction_flag)] if redaction_flag is not None else [])
    redacted = " OR ".join(f"coalesce(regexp_full_match({s}, {sql_string(redaction_pattern())}), false)" for s in redacted_sources)

    cap_rev = text_role("capital_revenue")
    capital_revenue = (
        f"CASE upper({cap_rev}) WHEN 'C' THEN 'capital' WHEN 'CAP' THEN 'capital' WHEN 'CAPITAL' THEN 'capital' "
        f"WHEN 'R' THEN 'revenue' WHEN 'REV' THEN 'revenue' WHEN 'REVENUE' THEN 'revenue' ELSE {cap_rev} END"
    )
    vat_index = roles.get("irrecoverable_vat")
    vat = pence_sql(_cell(vat_index)) if vat_index is not None else "NULL::BIGINT"
    extra = extra_sql([(layout.headers[i], _t_text(i)) for i in layout.extra_columns()])
    text_columns = ",\n        ".join(f"{text_role(r)} AS {r}" for r in TEXT_ROLES)
    trims = ", ".join(f"{_trimmed(i)} AS {_t(i)}" for i in range(width))

    return f"""
SELECT
  {sql_string(spec.source_id)} AS source_id,
  {sql_string(spec.sheet) if spec.sheet is not None else 'NULL::VARCHAR'} AS sheet,
  {int(spec.row_base)}::BIGINT AS row_base,
  CASE WHEN reason IS NULL THEN 'loaded'
       WHEN reason IN ({", ".join(sql_string(r) for r in SKIP_REASONS)}) THEN 'skipped'
       ELSE 'rejected' END AS status,
  reason,
  {detail} AS detail,
  CASE WHEN reason IS NULL THEN payment_date END AS payment_date,
  CASE WHEN reason IS NULL THEN {precision} END AS date_precision,
  {rejected_amount} AS amount_pence,
  supplier,
  {redacted} AS supplier_redacted,
  {", ".join(TEXT_ROLES[1:])},
  {capital_revenue} AS capital_revenue,
  {vat} AS irrecoverable_vat_pence,
  {text_role("body")} AS body_code_published,
  {text_role("body_name")} AS body_name_published,
  {extra} AS extra,
  CASE WHEN reason IS NOT NULL THEN [{cells}] END AS raw
FROM (
  SELECT *, {reason} AS reason
  FROM (
    SELECT *, {pence_sql("amount_text")} AS amount_pence, {payment_date} AS payment_date
    FROM (
      SELECT *,
        {_t(amount)} AS amount_text,
        {date_text} AS date_text,
        {text_columns}
      FROM (SELECT {cells}, {trims} FROM ({spec.relation}))
    )
  )
)
"""
