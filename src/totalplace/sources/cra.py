"""HM Treasury's Country and Regional Analysis (CRA) databases: public spending by department, function,
country and region, one record per row and year.

The data sheet ('CRA 2018 database', 'CRA14 combined database') is the one whose header holds 'NUTS Region',
'COFOG Level 0' and a 'CRA Segment…' column. Columns are found by their header names, never their position:
the publications order them differently, name some differently ('Department' / 'Department Name', 'CRA
Segment' / 'CRA Segment Code', 'CG, LG or PC' / 'CG, LG, PC, BOE') and add some ('Organisation Name',
'Allocated by HMT or DEPT'). Each year column ('2013-14') of each data row is one record.

The unit is read from the words of the 'Metadata' sheet ("Levels of expenditure shown are in £'000s"), or
above the table; a workbook that states none stops, since the figures could be pounds, thousands or millions.

Mapped as the row is read: COFOG Level 0 '10. Social protection' → cofog '10' ('EU transactions' → none, the
text kept in hmt_function); COFOG Level 1 '1.7 Public Sector Debt Interest' → cofog_group '01.7' (health's
'7.A'–'7.C' are HM Treasury's own sub-functions, not COFOG groups → none); NUTS Region to the GSS code of the
English region (E12000001–E12000009) or country (S92000003, W92000004, N92000002); 'OUTSIDE UK', 'Not
Identifiable' and 'NON-REGIONAL' have none.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pyarrow as pa

from ..classify.reference import cofog_codes
from ..read.excel import SheetRows
from .errors import IngestError
from .national import CRA, PEEK_ROWS, NationalFacts, Unit, column_letter, detect_unit, is_number, norm, to_pence

CRA_SCHEMA = pa.schema([
    ("source_id", pa.string()), ("sheet", pa.string()), ("row", pa.int64()), ("publication", pa.string()),
    ("department", pa.string()), ("organisation", pa.string()), ("segment_code", pa.string()),
    ("segment_name", pa.string()), ("cofog", pa.string()), ("cofog_group", pa.string()),
    ("hmt_function", pa.string()), ("hmt_subfunction", pa.string()), ("identifiable", pa.bool_()),
    ("cap_cur", pa.string()), ("sector", pa.string()), ("nuts_region", pa.string()), ("region_code", pa.string()),
    ("country", pa.string()), ("year", pa.string()), ("pence", pa.int64()),
])

# role → the headers that name it (compared in lower case, spaces collapsed); a role ending '*' is optional
_HEADERS: dict[str, tuple[str, ...]] = {
    "department": ("department", "department name"),
    "organisation*": ("organisation name", "organisation"),
    "segment_code": ("cra segment", "cra segment code"),
    "segment_name": ("cra segment description", "cra segment name"),
    "cofog0": ("cofog level 0",),
    "hmt_function": ("hmt function",),
    "cofog1": ("cofog level 1",),
    "hmt_subfunction": ("hmt subfunction", "hmt sub-function"),
    "identifiable": ("id/non-id",),
    "cap_cur": ("cap or cur",),
    "sector": ("cg, lg or pc", "cg, lg, pc, boe", "cg, lg, pc or boe"),
    "allocated*": ("allocated by hmt or dept",),
    "nuts_region": ("nuts region", "nuts 1 region"),
    "country": ("country",),
}
_YEAR = re.compile(r"(?:19|20)\d\d-\d\d")

# NUTS 1 regions and countries as CRA writes them (after 'ENGLAND_', lower case) → GSS code
REGION_CODES = {
    "north east": "E12000001", "north west": "E12000002", "yorkshire and the humber": "E12000003",
    "east midlands": "E12000004", "west midlands": "E12000005", "east": "E12000006", "east of england": "E12000006",
    "london": "E12000007", "south east": "E12000008", "south west": "E12000009",
    "scotland": "S92000003", "wales": "W92000004", "northern ireland": "N92000002",
}
NO_REGION = frozenset({"outside uk", "not identifiable", "non-regional", "non regional", "england"})


def region_code(nuts_region: str) -> str | None:
    """'ENGLAND_North East' → 'E12000001'; 'SCOTLAND' → 'S92000003'; 'OUTSIDE UK' → None."""
    key = norm(nuts_region)
    key = key[len("england_"):] if key.startswith("england_") else key
    return REGION_CODES.get(key.replace("&", "and").strip())


def cofog_code(text: str) -> str | None:
    """'10. Social protection' → '10'; '1.7 Public Sector Debt Interest' → '01.7'; 'EU transactions' and
    HM Treasury's '7.A Medical services' → None (not COFOG)."""
    found = re.match(r"\s*(\d{1,2})\.(\d)?(?=\s|$|\.)", text)
    if not found:
        return None
    code = f"{int(found.group(1)):02d}" + (f".{found.group(2)}" if found.group(2) else "")
    return code if code in cofog_codes() else None


def _find_header(rows: list[list[str]]) -> int | None:
    for i, row in enumerate(rows[:PEEK_ROWS]):
        cells = {norm(c) for c in row}
        if "nuts region" in cells and "cofog level 0" in cells and any(c.startswith("cra segment") for c in cells):
            return i
    return None


def _publication(sheet: str, texts: list[str], years: list[str]) -> str:
    """'CRA 2018 database' → 'CRA 2018'; 'CRA14 combined database' → 'CRA 2014'."""
    for text in [sheet, *texts]:
        found = re.search(r"\bCRA\s*'?(\d{4}|\d{2})\b", text, re.I)
        if found:
            year = found.group(1)
            return f"CRA {year if len(year) == 4 else '20' + year}"
    return f"CRA ({years[0]} to {years[-1]})" if years else "CRA"


def read_cra(sheets: list[SheetRows], file: str, source_id: str, format: str) -> NationalFacts:
    """A CRA workbook's sheets (as `read.excel.read_sheets` gives them) as a table of records with its
    accounting. `file` is how to name the workbook in messages."""
    facts = NationalFacts(CRA, format)
    headers = {sheet.name: _find_header(sheet.rows) for sheet in sheets}
    data = [s for s in sheets if headers[s.name] is not None]
    notes = [s for s in sheets if headers[s.name] is None]
    texts = [c for s in notes for r in s.rows[:500] for c in r if c.strip()]
    texts += [c for s in data for r in s.rows[: headers[s.name]] for c in r if c.strip()]
    unit = detect_unit(texts)
    if unit is None:
        raise IngestError(
            f"{file}: the workbook does not say what unit its money is in (no \"£'000\", '£ thousand' or "
            "'£ million' in its Metadata sheet or above the table); totalplace will not guess whether the figures "
            "are pounds, thousands or millions.")
    facts.unit = unit
    for sheet in notes:
        if re.search(r"metadata|notes|contents", sheet.name, re.I) or any(unit.statement in " ".join(c.split()) for r in sheet.rows for c in r):
            facts.skip_sheet(sheet, "notes sheet", "notes on the database (the unit of money is read from it)")
        else:
            facts.skip_sheet(sheet, "sheet not part of the database", "no table with 'CRA Segment', 'COFOG Level 0' and 'NUTS Region' columns")
    columns: dict[str, list[Any]] = {f.name: [] for f in CRA_SCHEMA}
    for sheet in data:
        _read_sheet(sheet, headers[sheet.name], texts, unit, file, source_id, facts, columns)
    facts.table = pa.table(columns, schema=CRA_SCHEMA)
    facts.years = sorted(set(columns["year"]))
    facts.publication = ", ".join(sorted(set(columns["publication"]))) or None
    span = f"{facts.years[0]} to {facts.years[-1]}" if facts.years else "no years"
    facts.description = f"HM Treasury Country and Regional Analysis: {facts.publication}, {span}"
    return facts


def _roles(sheet: SheetRows, header: list[str], file: str, facts: NationalFacts) -> tuple[dict[str, int], list[tuple[int, str]]]:
    cells = [norm(c) for c in header]
    roles: dict[str, int] = {}
    for role, names in _HEADERS.items():
        for i, c in enumerate(cells):
            if c in names:
                roles[role.rstrip("*")] = i
                break
    years = [(i, c.strip()) for i, c in enumerate(header) if _YEAR.fullmatch(c.strip())]
    missing = [names[0] for role, names in _HEADERS.items() if not role.endswith("*") and role not in roles]
    if missing or not years:
        found = ", ".join(f"'{h}'" for h in header if h.strip())
        wanted = ", ".join(f"'{m}'" for m in missing) + ("" if years else (", " if missing else "") + "year columns such as '2013-14'")
        raise IngestError(f"{file}: sheet '{sheet.name}' lacks the CRA columns {wanted}. Its columns are: {found}.")
    used = set(roles.values()) | {i for i, _ in years}
    for i, h in enumerate(header):
        if h.strip() and i not in used:
            facts.notes.append(f"sheet '{sheet.name}': column {column_letter(i)} ('{h.strip()}') not used")
    for role, names in _HEADERS.items():
        if role.rstrip("*") in roles:
            facts.columns.setdefault(role.rstrip("*"), header[roles[role.rstrip("*")]].strip())
    return roles, years


def _read_sheet(sheet: SheetRows, h: int, texts: list[str], unit: Unit, file: str, source_id: str,
                facts: NationalFacts, columns: dict[str, list[Any]]) -> None:
    facts.sheets_read.append(sheet.name)
    roles, years = _roles(sheet, sheet.rows[h], file, facts)
    publication = _publication(sheet.name, texts, [y for _, y in years])
    cofogs: dict[str, str | None] = {}
    regions: dict[str, str | None] = {}
    unknown_regions: Counter[str] = Counter()
    not_numbers: Counter[str] = Counter()

    def cell(row: list[str], role: str) -> str:
        i = roles.get(role)
        return row[i].strip() if i is not None and i < len(row) else ""

    for i, row in enumerate(sheet.rows):
        number = sheet.first_row + i
        blank = not any(c.strip() for c in row)
        if i < h:
            facts.skip("blank row" if blank else "preamble before the header")
            continue
        if i == h:
            facts.skip("header row")
            continue
        if blank:
            facts.skip("blank row")
            continue
        department = cell(row, "department")
        if not department:
            facts.reject("no department")
            facts.warnings.append(f"sheet '{sheet.name}' row {number}: no department, not read")
            continue
        level0, level1, nuts = cell(row, "cofog0"), cell(row, "cofog1"), cell(row, "nuts_region")
        if level0 not in cofogs:
            cofogs[level0] = cofog_code(level0)
        if level1 not in cofogs:
            cofogs[level1] = cofog_code(level1)
        if nuts not in regions:
            regions[nuts] = region_code(nuts)
            if regions[nuts] is None and norm(nuts) not in NO_REGION:
                unknown_regions[nuts] += 1
        identifiable = {"id": True, "non-id": False}.get(norm(cell(row, "identifiable")))
        fixed = {
            "source_id": source_id, "sheet": sheet.name, "row": number, "publication": publication,
            "department": department, "organisation": cell(row, "organisation") or None,
            "segment_code": cell(row, "segment_code") or None, "segment_name": cell(row, "segment_name") or None,
            "cofog": cofogs[level0], "cofog_group": cofogs[level1] if cofogs[level0] else None,
            "hmt_function": cell(row, "hmt_function") or None, "hmt_subfunction": cell(row, "hmt_subfunction") or None,
            "identifiable": identifiable, "cap_cur": cell(row, "cap_cur") or None, "sector": cell(row, "sector") or None,
            "nuts_region": nuts or None, "region_code": regions[nuts], "country": cell(row, "country") or None,
        }
        for index, year in years:
            text = row[index].strip() if index < len(row) else ""
            if not text:
                facts.cells_skipped["blank"] += 1
            elif is_number(text):
                for key, value in fixed.items():
                    columns[key].append(value)
                columns["year"].append(year)
                columns["pence"].append(to_pence(text, unit))
            else:
                facts.cells_rejected["not a number"] += 1
                not_numbers[text] += 1
        facts.load()
    if unknown_regions:
        facts.warnings.append(f"sheet '{sheet.name}': NUTS regions totalplace does not know, given no region code: "
                              + ", ".join(f"'{r}'" for r in sorted(unknown_regions)))
    if not_numbers:
        shown = ", ".join(f"'{t}' ({n})" for t, n in not_numbers.most_common(5))
        facts.warnings.append(f"sheet '{sheet.name}': year cells that are not numbers, not loaded: {shown}")
    no_cofog = sorted(t for t, code in cofogs.items() if t and code is None)
    if no_cofog:
        facts.notes.append(f"sheet '{sheet.name}': no COFOG code for {', '.join(repr(t) for t in no_cofog)} "
                           "(kept with their HM Treasury function and sub-function)")
