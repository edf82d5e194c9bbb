"""Dates: published date text to a calendar date and its precision — the one home for that rule.

Like money, the rule exists in Python (single values, samples, tests) and as SQL macros (millions of rows);
a property test holds them to the same answers.

Understood, UK day-first unless a file shows or is told otherwise (order "mdy"):
  31/01/2024  31/1/24  31-01-2024  31.01.2024        day/month/year, 2- or 4-digit year
  2024-01-31  2024/01/31  2024-01-31T10:00:00        ISO, any time part ignored
  11-Jul-2012  11 July 2012  1st Sept 2014           day, month name, year
  20240131                                           yyyymmdd
  45383  45383.041666                                Excel serial day (the fraction, e.g. +1h BST, is dropped)
  Sep 2014  Sept-14  September 2014  2014-09  201409 month only: precision "month", dated the 1st
Two-digit years below 70 are 20xx, others 19xx. Excel serials are read only between 1990 and 2099.
"""

from __future__ import annotations

import datetime as dt
import re

_TIME = r"(?:(?:T|\s+)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*(?:Z|[+-]\d{2}:?\d{2}|[AaPp][Mm]))?)?"
_MONTH = (
    r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

# name -> (pattern, precision); groups are read by the builders below, in the same order in Python and SQL.
PATTERNS: dict[str, str] = {
    "iso": rf"(\d{{4}})[-/](\d{{1,2}})[-/](\d{{1,2}}){_TIME}",
    "numeric4": rf"(\d{{1,2}})[/.\-](\d{{1,2}})[/.\-](\d{{4}}){_TIME}",
    "numeric2": rf"(\d{{1,2}})[/.\-](\d{{1,2}})[/.\-](\d{{2}}){_TIME}",
    "day_month_name": rf"(?i)(\d{{1,2}})(?:st|nd|rd|th)?[\s\-/.]*{_MONTH}[\s\-/.,]*(\d{{4}}|\d{{2}}){_TIME}",
    "yyyymmdd": r"((?:19|20)\d{2})(\d{2})(\d{2})",
    "serial": r"(\d{5})(?:\.\d+)?",
    "month_name": rf"(?i){_MONTH}[\s\-/.,']*(\d{{4}}|\d{{2}})",
    "year_month": r"(\d{4})-(\d{1,2})",
    "yyyymm": r"((?:19|20)\d{2})(\d{2})",
}
MONTH_ONLY = ("month_name", "year_month", "yyyymm")
SERIAL_MIN, SERIAL_MAX = 32874, 73050  # 1990-01-01 .. 2099-12-31
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_SPACES = " \t\r\n\u00a0"

_compiled = {name: re.compile(p, re.ASCII) for name, p in PATTERNS.items()}  # ASCII, as the engine's RE2


def _year(text: str) -> int:
    y = int(text)
    if len(text) == 2:
        return 2000 + y if y < 70 else 1900 + y
    return y


def _month_number(name: str) -> int:
    return _MONTHS.index(name[:3].lower()) + 1


def _ymd(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def parse_date(text: str | None, order: str = "dmy") -> tuple[dt.date, str] | None:
    """Return (date, precision) for `text`, precision "day" or "month"; None when it is not a date."""
    if text is None:
        return None
    s = text.strip(_SPACES)
    if not s:
        return None
    for name, rx in _compiled.items():
        m = rx.fullmatch(s)
        if not m:
            continue
        g = m.groups()
        if name == "iso" or name == "yyyymmdd":
            value = _ymd(int(g[0]), int(g[1]), int(g[2]))
        elif name in ("numeric4", "numeric2"):
            first, second = int(g[0]), int(g[1])
            day, month = (second, first) if order == "mdy" else (first, second)
            value = _ymd(_year(g[2]), month, day)
        elif name == "day_month_name":
            value = _ymd(_year(g[2]), _month_number(g[1]), int(g[0]))
        elif name == "serial":
            serial = int(g[0])
            value = _EXCEL_EPOCH + dt.timedelta(days=serial) if SERIAL_MIN <= serial <= SERIAL_MAX else None
        elif name == "month_name":
            value = _ymd(_year(g[1]), _month_number(g[0]), 1)
        else:  # year_month, yyyymm
            value = _ymd(int(g[0]), int(g[1]), 1)
        if value is None:
            return None
        return value, ("month" if name in MONTH_ONLY else "day")
    return None


def parse_date_either_order(text: str) -> tuple[dt.date, str] | None:
    """`parse_date` day-first, else month-first: whether the text is a date in one order or the other. Only the
    all-numeric shapes read differently month-first, so only those are tried again."""
    found = parse_date(text)
    if found is None and text:
        s = text.strip(_SPACES)
        if _compiled["numeric4"].fullmatch(s) or _compiled["numeric2"].fullmatch(s):
            return parse_date(text, order="mdy")
    return found


def _q(pattern: str) -> str:
    return "'" + pattern.replace("'", "''") + "'"


def _g(name: str, i: int) -> str:
    return f"regexp_extract(s, {_q(PATTERNS[name])}, {i})"


def _m(name: str) -> str:
    return f"regexp_full_match(s, {_q(PATTERNS[name])})"


_MONTH_LIST = "[" + ", ".join(f"'{m}'" for m in _MONTHS) + "]"

# SQL twins of parse_date. tp_date(s, mdy) gives the DATE, tp_date_precision(s) "day"/"month"; `s` must be
# trimmed text. Installed by the engine when a connection opens.
SQL_MACROS = f"""
CREATE OR REPLACE MACRO tp_year(y) AS (
  CASE WHEN length(y) = 2 THEN (CASE WHEN y::INTEGER < 70 THEN 2000 ELSE 1900 END) + y::INTEGER ELSE y::INTEGER END
);
CREATE OR REPLACE MACRO tp_ymd(y, m, d) AS (
  CASE WHEN y::INTEGER >= 1 THEN TRY_CAST(printf('%04d-%02d-%02d', y::INTEGER, m::INTEGER, d::INTEGER) AS DATE) END
);
CREATE OR REPLACE MACRO tp_iso(s) AS (CASE WHEN NOT starts_with(s, '0000') THEN TRY_CAST(s AS DATE) END);
CREATE OR REPLACE MACRO tp_month(name) AS (list_position({_MONTH_LIST}, lower(left(name, 3))));
CREATE OR REPLACE MACRO tp_date_core(s, mdy) AS (
  CASE
    WHEN {_m("iso")} THEN tp_ymd({_g("iso", 1)}, {_g("iso", 2)}, {_g("iso", 3)})
    WHEN {_m("numeric4")} THEN
      CASE WHEN mdy THEN tp_ymd({_g("numeric4", 3)}, {_g("numeric4", 1)}, {_g("numeric4", 2)})
           ELSE tp_ymd({_g("numeric4", 3)}, {_g("numeric4", 2)}, {_g("numeric4", 1)}) END
    WHEN {_m("numeric2")} THEN
      CASE WHEN mdy THEN tp_ymd(tp_year({_g("numeric2", 3)}), {_g("numeric2", 1)}, {_g("numeric2", 2)})
           ELSE tp_ymd(tp_year({_g("numeric2", 3)}), {_g("numeric2", 2)}, {_g("numeric2", 1)}) END
    WHEN {_m("day_month_name")} THEN
      tp_ymd(tp_year({_g("day_month_name", 3)}), tp_month({_g("day_month_name", 2)}), {_g("day_month_name", 1)})
    WHEN {_m("yyyymmdd")} THEN tp_ymd({_g("yyyymmdd", 1)}, {_g("yyyymmdd", 2)}, {_g("yyyymmdd", 3)})
    WHEN {_m("serial")} THEN
      CASE WHEN {_g("serial", 1)}::INTEGER BETWEEN {SERIAL_MIN} AND {SERIAL_MAX}
           THEN DATE '1899-12-30' + {_g("serial", 1)}::INTEGER END
    WHEN {_m("month_name")} THEN tp_ymd(tp_year({_g("month_name", 2)}), tp_month({_g("month_name", 1)}), 1)
    WHEN {_m("year_month")} THEN tp_ymd({_g("year_month", 1)}, {_g("year_month", 2)}, 1)
    WHEN {_m("yyyymm")} THEN tp_ymd({_g("yyyymm", 1)}, {_g("yyyymm", 2)}, 1)
  END
);
CREATE OR REPLACE MACRO tp_date(s, mdy) AS (
  CASE
    WHEN s IS NULL THEN NULL
    -- the common shapes first, each picked by a character at a fixed place and then checked in full
    WHEN substr(s, 5, 1) = '-' AND regexp_full_match(s, '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}') THEN tp_iso(s)
    WHEN substr(s, 3, 1) = '/' AND NOT mdy AND regexp_full_match(s, '[0-9]{{2}}/[0-9]{{2}}/[0-9]{{4}}')
      THEN CASE WHEN NOT ends_with(s, '0000') THEN try_strptime(s, '%d/%m/%Y')::DATE END
    WHEN substr(s, 3, 1) = '.' AND NOT mdy AND regexp_full_match(s, '[0-9]{{2}}[.][0-9]{{2}}[.][0-9]{{4}}')
      THEN CASE WHEN NOT ends_with(s, '0000') THEN try_strptime(s, '%d.%m.%Y')::DATE END
    WHEN substr(s, 5, 1) = '-' AND regexp_full_match(s, '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}} [0-9]{{2}}:[0-9]{{2}}:[0-9]{{2}}')
      THEN tp_iso(left(s, 10))
    ELSE tp_date_core(s, mdy)
  END
);
CREATE OR REPLACE MACRO tp_date_precision(s) AS (
  CASE WHEN length(s) >= 8 AND regexp_matches(s, '^[0-9]') THEN 'day'  -- no month-only form looks like this
       WHEN {_m("month_name")} OR {_m("year_month")} OR {_m("yyyymm")} THEN 'month' ELSE 'day' END
);
"""
