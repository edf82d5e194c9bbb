"""Money: published amount text to integer pence — the one home for that rule.

The same rule exists twice, once in Python (for single values, tests and samples) and once as a SQL macro
(for millions of rows in the engine). A property test holds the two to the same answers.

Accepted shapes (after trimming spaces and non-breaking spaces):
  1234.56   "1,234.56 "   £2,681.94   -£16,902.11   £-5.00   (1,234.56)   1,234.56-   123.45 CR
  558.82000000000005 (float noise from Excel)   1.5E+06   +12   .5   GBP 12.00
Negative forms (leading or trailing minus, brackets, CR) give negative pence. Thousands separators must be
in groups of three ("12,50" is not a number: it could be 12.50 or 1,250). The value is rounded to six
decimal places (which removes binary float noise) and then to the nearest penny, halves away from zero.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

MAX_PENCE = 2**63 - 1
MAX_POUNDS = MAX_PENCE // 100  # larger amounts cannot be held as pence: refused, not overflowed

# Spaces are spelled out (not \s), so that Python's re and the engine's RE2 read the patterns alike.
_S = "[ \t\u00a0]*"
_NUM = r"(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,4})?"
_CUR = "(?:£|GBP[ ]?|gbp[ ]?)"
POSITIVE_PATTERN = rf"(?:\+?{_S}{_CUR}?{_S}{_NUM}|{_CUR}{_S}\+{_S}{_NUM})"
NEGATIVE_PATTERN = (
    rf"(?:-{_S}{_CUR}?{_S}{_NUM}|{_CUR}{_S}-{_S}{_NUM}|\({_S}{_CUR}?{_S}{_NUM}{_S}\)|{_CUR}{_S}\({_S}{_NUM}{_S}\)"
    rf"|{_CUR}?{_S}{_NUM}{_S}-|{_CUR}?{_S}{_NUM}{_S}(?:CR|cr|Cr))"
)
# The shapes most files use ('£1,234.56', '-1,234.56'): one simple pattern, then strip '£' and ',' — a fast
# path in the engine that gives the same answer as the full rule.
COMMON_PATTERN = r"-?£?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]*)?"
_SPACES = " \t\r\n\u00a0"

# ASCII: \d means 0-9 only, as in the engine's RE2
_positive = re.compile(POSITIVE_PATTERN, re.ASCII)
_negative = re.compile(NEGATIVE_PATTERN, re.ASCII)
_number = re.compile(_NUM, re.ASCII)


# The commonest shape ('676.81', '-354.5', '500'): at most two decimals, so the rule's answer is the number with its
# point moved, in integers; held to the rule by a property test.
_PLAIN = re.compile(r"(-?)([0-9]{1,15})(?:\.([0-9]{1,2}))?")


def parse_pence(text: str | None) -> int | None:
    """Return the amount in `text` as integer pence, or None when it is empty or not an amount."""
    if text is None:
        return None
    s = text.strip(_SPACES)
    if not s:
        return None
    plain = _PLAIN.fullmatch(s)
    if plain:
        sign, pounds, fraction = plain.groups()
        pence = int(pounds) * 100 + int((fraction or "").ljust(2, "0"))
        return -pence if sign else pence
    return _by_the_rule(s)


def _by_the_rule(s: str) -> int | None:
    """The money rule itself, for trimmed text."""
    if _negative.fullmatch(s):
        sign = -1
    elif _positive.fullmatch(s):
        sign = 1
    else:
        return None
    digits = _number.search(s)
    assert digits is not None  # the full match above guarantees a number
    try:
        value = Decimal(digits.group(0).replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimal literals
        return None
    if value != 0 and value.adjusted() > 31:  # beyond DECIMAL(38,6), as in the engine
        return None
    with localcontext(prec=60):  # room for 32 digits before the point and 6 after
        pounds = value.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)
        if abs(pounds) >= MAX_POUNDS:
            return None
        return int((pounds * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)) * sign


def format_pounds(pence: int | None) -> str:
    """Pence as '£1,234.56' (or '-£1,234.56') for people; an empty string for None."""
    if pence is None:
        return ""
    sign = "-" if pence < 0 else ""
    whole, part = divmod(abs(pence), 100)
    return f"{sign}£{whole:,}.{part:02d}"


def _sql_string(pattern: str) -> str:
    return "'" + pattern.replace("'", "''") + "'"


# SQL twins of parse_pence. The fast path lets the engine's own decimal cast take plain numbers; the slow
# path applies the same patterns as above. Installed by the engine when a connection opens.
SQL_MACROS = f"""
CREATE OR REPLACE MACRO tp_to_pence(d) AS (
  -- DECIMAL(38,6) pounds to BIGINT pence; NULL beyond what BIGINT pence can hold (never an overflow error)
  CASE WHEN abs(d) < {MAX_POUNDS} THEN CAST(round(d * 100) AS BIGINT) END
);
CREATE OR REPLACE MACRO tp_pence_slow(s) AS (
  CASE
    WHEN regexp_full_match(s, {_sql_string(NEGATIVE_PATTERN)}) THEN -1
    WHEN regexp_full_match(s, {_sql_string(POSITIVE_PATTERN)}) THEN 1
  END
  * tp_to_pence(TRY_CAST(replace(regexp_extract(s, {_sql_string(_NUM)}), ',', '') AS DECIMAL(38,6)))
);
CREATE OR REPLACE MACRO tp_pence(s) AS (
  CASE
    WHEN s IS NULL THEN NULL
    WHEN NOT (contains(s, '£') OR contains(s, ',') OR contains(s, '_') OR contains(s, 'e') OR contains(s, 'E'))
         AND TRY_CAST(s AS DECIMAL(38,6)) IS NOT NULL
      THEN tp_to_pence(TRY_CAST(s AS DECIMAL(38,6)))
    WHEN regexp_full_match(s, {_sql_string(COMMON_PATTERN)})
      THEN tp_to_pence(TRY_CAST(replace(replace(s, '£', ''), ',', '') AS DECIMAL(38,6)))
    ELSE tp_pence_slow(trim(s, ' \t\r\n\u00a0'))
  END
);
"""
