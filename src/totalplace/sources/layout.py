"""Where the header is and what each column means, decided from a sample of a table's rows.

Headers are matched to roles through the synonyms table; content then checks and, where headers are missing
or misleading, decides (the column that parses as money is the amount, the one that parses as dates is the
date). Every decision that content made is written down in `notes`, and ends up in the file's accounting.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from ..dates import parse_date, parse_date_either_order
from ..money import parse_pence
from .headers import RoleMatch, Synonyms, clean_header, header_key

HEADER_SEARCH_ROWS = 60
PROFILE_ROWS = 1000

# A code column and the text column that names the same thing; duplicate headers split between them.
CODE_TEXT_PAIRS = {"expense_code": "expense_type", "service_code": "service_area", "supplier_id": "supplier"}
TEXT_CODE_PAIRS = {text: code for code, text in CODE_TEXT_PAIRS.items()}

_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-_./]*")
_DIGIT = re.compile(r"\d")
_LETTER = re.compile(r"[A-Za-z]")
_DATE_HEADER = re.compile(r"date|paid|period|month", re.I)


@dataclass
class ColumnProfile:
    """What a column's sample values look like."""

    values: int = 0
    money: int = 0
    dates: int = 0
    decimals: int = 0  # values written like money: a decimal point, £ or thousands separator
    pennies: int = 0  # values exact to the penny (coordinates and ratios are not)
    integers: int = 0
    codes: int = 0
    names: int = 0
    day_first_evidence: int = 0
    month_first_evidence: int = 0

    def share(self, count: int) -> float:
        return count / self.values if self.values else 0.0


def profile_column(values: list[str]) -> ColumnProfile:
    """Count what the values look like. Each distinct value is looked at once and counted as often as it occurs:
    columns repeat their dates, names and labels, and parsing every cell cost more than the rest of reading a
    small file."""
    p = ColumnProfile()
    for raw, count in Counter(values).items():
        v = raw.strip()
        if not v:
            continue
        p.values += count
        has_digit = _DIGIT.search(v) is not None  # without one, a value is neither money nor a date
        pence = parse_pence(v) if has_digit else None
        if pence is not None:
            p.money += count
            if any(ch in v for ch in ".£,"):
                p.decimals += count
            if _exact_to_the_penny(v, pence):
                p.pennies += count
            if v.lstrip("-").isdigit():
                p.integers += count
        if has_digit and parse_date_either_order(v) is not None:
            p.dates += count
            m = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-]\d{2,4}(?:\s.*)?", v)
            if m:
                first, second = int(m.group(1)), int(m.group(2))
                p.day_first_evidence += count * (first > 12)
                p.month_first_evidence += count * (second > 12)
        if has_digit and _CODE.fullmatch(v) and len(v) <= 24:
            p.codes += count
        elif _LETTER.search(v) and (" " in v or len(v) > 3):
            p.names += count
    return p


def _exact_to_the_penny(text: str, pence: int) -> bool:
    """True for '1,234.50' or Excel's '558.82000000000005'; false for a coordinate such as '53.4189961458'."""
    number = re.search(r"\d[\d,]*(?:\.\d*)?(?:[eE][+-]?\d+)?", text)
    if number is None:
        return False
    try:
        return abs(abs(float(number.group(0).replace(",", ""))) * 100 - abs(pence)) < 1e-4
    except ValueError:
        return False


PIVOT_HEADERS = {"row labels", "grand total", "column labels"}


@dataclass
class TableLayout:
    """The decisions about one table (a CSV file or one sheet)."""

    header_index: int | None  # index of the header among the sample records; None when there is no header
    headers: list[str]  # display name of every column, duplicates numbered: 'Account Code (2)'
    roles: dict[str, int]  # role -> column index
    date_order: str = "dmy"
    notes: list[str] = field(default_factory=list)
    header_cells: list[str] = field(default_factory=list)  # the header row as written (for repeated headers)

    @property
    def width(self) -> int:
        return len(self.headers)

    @property
    def is_pivot(self) -> bool:
        """A spreadsheet pivot table: a summary of payments, not payments."""
        return any(header_key(c) in PIVOT_HEADERS for c in self.header_cells)

    def payment_table_problem(self) -> str | None:
        """Why this is not a table of payments, or None when it is one."""
        if self.is_pivot:
            return "it is a pivot table (a summary of payments, with 'Row Labels' or 'Grand Total'), not payments"
        if "amount" not in self.roles:
            return "it has no column of amounts"
        if "supplier" not in self.roles and "payment_date" not in self.roles:
            return "it has a column of amounts but neither a supplier nor a date column"
        return None

    def header_of(self, role: str) -> str | None:
        index = self.roles.get(role)
        return None if index is None else self.headers[index]

    def columns_by_role(self) -> dict[str, str]:
        return {role: self.headers[i] for role, i in sorted(self.roles.items(), key=lambda kv: kv[1])}

    def extra_columns(self) -> list[int]:
        used = set(self.roles.values())
        return [i for i in range(self.width) if i not in used]


def find_header(records: list[list[str]], synonyms: Synonyms) -> int | None:
    """The index of the header record among the first rows, or None when the table has no header."""
    best: tuple[float, int] | None = None
    for index, record in enumerate(records[:HEADER_SEARCH_ROWS]):
        cells = [clean_header(c) for c in record]
        filled = [c for c in cells if c]
        if len(filled) < 2 and not (len(filled) == 1 and len(record) == 1):
            continue
        roles = {m.role for c in filled if (m := synonyms.match(c)) is not None}
        numeric = sum(1 for c in filled if parse_pence(c) is not None or parse_date(c) is not None)
        if len(roles) < 2 and not (roles and len(filled) == len(record) and numeric == 0):
            continue
        score = 3 * len(roles) + 0.5 * (len(filled) - numeric) - 2 * numeric
        if best is None or score > best[0]:
            best = (score, index)
    return None if best is None else best[1]


def display_headers(cells: list[str], width: int) -> list[str]:
    """Clean, unique display names; empty headers become 'column N'."""
    names: list[str] = []
    seen: dict[str, int] = {}
    for i in range(width):
        name = clean_header(cells[i]) if i < len(cells) else ""
        name = name or f"column {i + 1}"
        count = seen.get(name.lower(), 0) + 1
        seen[name.lower()] = count
        names.append(name if count == 1 else f"{name} ({count})")
    return names


def detect_layout(
    records: list[list[str]],
    synonyms: Synonyms,
    *,
    header_index: int | None = None,
    forced_roles: dict[str, str] | None = None,
    date_order: str | None = None,
) -> TableLayout:
    """Decide header, roles and date order for a table from its first records.

    `header_index`, `forced_roles` (role -> header as written) and `date_order` come from an override file
    and win over detection.
    """
    notes: list[str] = []
    if header_index is None:
        header_index = find_header(records, synonyms)
    width = max((len(r) for r in records), default=0)
    header_cells = list(records[header_index]) if header_index is not None else []
    width = max(width, len(header_cells))
    headers = display_headers(header_cells, width)
    data = [r for r in records[(header_index + 1 if header_index is not None else 0) :] if any(c.strip() for c in r)]
    data = data[:PROFILE_ROWS]
    columns = [[r[i] if i < len(r) else "" for r in data] for i in range(width)]
    profiles = [profile_column(col) for col in columns]

    matches: dict[int, RoleMatch] = {}
    if header_index is not None:
        for i, cell in enumerate(header_cells):
            m = synonyms.match(cell)
            if m is not None:
                matches[i] = m
                if m.fuzzy:
                    notes.append(f"header '{clean_header(cell)}' read as '{m.synonym}' (near match)")

    roles: dict[str, int] = {}
    for i, m in sorted(matches.items(), key=lambda kv: (kv[1].rank, kv[0])):
        if m.role not in roles and i not in roles.values():
            roles[m.role] = i

    _split_codes_and_text(roles, matches, profiles, headers, notes)
    _check_amount(roles, profiles, headers, notes)
    _check_date(roles, profiles, headers, notes)
    if "supplier" not in roles and "supplier_id" in roles:
        p = profiles[roles["supplier_id"]]
        if p.share(p.names) >= 0.6:
            roles["supplier"] = roles.pop("supplier_id")
            notes.append(f"'{headers[roles['supplier']]}' holds names, not ids: read as the supplier")
    if "directorate" in roles and "service_area" not in roles:
        roles["service_area"] = roles.pop("directorate")

    if forced_roles:
        _apply_forced_roles(roles, forced_roles, headers, notes)

    order = date_order or "dmy"
    if date_order is None and "payment_date" in roles:
        p = profiles[roles["payment_date"]]
        if p.month_first_evidence and not p.day_first_evidence:
            order = "mdy"
            notes.append(
                f"dates in '{headers[roles['payment_date']]}' are month-first "
                f"({p.month_first_evidence} sample values have a second part above 12)"
            )
    return TableLayout(header_index, headers, roles, order, notes, header_cells)


def _split_codes_and_text(
    roles: dict[str, int], matches: dict[int, RoleMatch], profiles: list[ColumnProfile], headers: list[str], notes: list[str]
) -> None:
    """Give a code role to the column of codes and its text twin to the column of words."""
    for role, index in list(roles.items()):
        p = profiles[index]
        if not p.values:
            continue
        if role in CODE_TEXT_PAIRS and p.share(p.names) >= 0.6 and CODE_TEXT_PAIRS[role] not in roles and role != "supplier_id":
            text_role = CODE_TEXT_PAIRS[role]
            roles[text_role] = roles.pop(role)
            notes.append(f"'{headers[index]}' holds descriptions, not codes: read as {text_role}")
        elif role in TEXT_CODE_PAIRS and p.share(p.codes) >= 0.8 and TEXT_CODE_PAIRS[role] not in roles:
            code_role = TEXT_CODE_PAIRS[role]
            if code_role == "supplier_id":
                continue
            roles[code_role] = roles.pop(role)
            notes.append(f"'{headers[index]}' holds codes: read as {code_role}")
    used = set(roles.values())
    for index, m in matches.items():
        if index in used or m.role not in roles:
            continue
        p = profiles[index]
        twin = CODE_TEXT_PAIRS.get(m.role) or TEXT_CODE_PAIRS.get(m.role)
        if twin is None or twin in roles or twin == "supplier_id":
            continue
        fits = p.share(p.names) >= 0.6 if twin in TEXT_CODE_PAIRS else p.share(p.codes) >= 0.8
        if fits:
            roles[twin] = index
            used.add(index)
            notes.append(f"'{headers[index]}' repeats a header; its content makes it {twin}")


def _check_amount(roles: dict[str, int], profiles: list[ColumnProfile], headers: list[str], notes: list[str]) -> None:
    index = roles.get("amount")
    if index is not None:
        p = profiles[index]
        if p.values and p.share(p.money) < 0.6:
            notes.append(f"'{headers[index]}' is named like an amount but its values are not money: not used")
            del roles["amount"]
        else:
            return
    used = set(roles.values())
    # Without a header to say so, a column is the amount only if it looks like money: at least nine in ten
    # values exact to the penny, and most written with a decimal point, £ or thousands separators (which
    # leaves out ids, codes, years, counts and coordinates).
    candidates = [
        (p.share(p.decimals), p.share(p.money), i)
        for i, p in enumerate(profiles)
        if i not in used and p.values and p.share(p.money) >= 0.9 and p.share(p.pennies) >= 0.9
        and p.share(p.decimals) >= 0.5 and p.share(p.dates) < 0.5
    ]
    if candidates:
        _, _, best = max(candidates)
        roles["amount"] = best
        notes.append(f"amount column chosen by its content: '{headers[best]}'")


def _check_date(roles: dict[str, int], profiles: list[ColumnProfile], headers: list[str], notes: list[str]) -> None:
    index = roles.get("payment_date")
    if index is not None:
        p = profiles[index]
        if p.values and p.share(p.dates) < 0.6:
            notes.append(f"'{headers[index]}' is named like a date but its values are not dates: not used")
            del roles["payment_date"]
        else:
            return
    used = set(roles.values())
    for i, p in enumerate(profiles):
        if i in used or not p.values or p.share(p.dates) < 0.9:
            continue
        if p.share(p.integers) > 0.5 and not _DATE_HEADER.search(headers[i]):
            continue  # whole numbers (ids, serials) are dates only under a date-like header
        roles["payment_date"] = i
        notes.append(f"payment date column chosen by its content: '{headers[i]}'")
        return


def _apply_forced_roles(roles: dict[str, int], forced: dict[str, str], headers: list[str], notes: list[str]) -> None:
    lookup = {h.lower(): i for i, h in enumerate(headers)}
    keyed = {header_key(h): i for i, h in enumerate(headers)}
    for role, header in forced.items():
        index = lookup.get(header.strip().lower())
        if index is None:
            index = keyed.get(header_key(header))
        if index is None:
            raise LayoutError(
                f"the override maps {role} to a column '{header}', but the file has no such column "
                f"(its columns are: {', '.join(headers)})"
            )
        for other, i in list(roles.items()):
            if i == index and other != role:
                del roles[other]
        roles[role] = index
        notes.append(f"{role} is '{headers[index]}' (set by the override file)")


class LayoutError(ValueError):
    """A layout instruction (from an override file) that does not fit the file."""
