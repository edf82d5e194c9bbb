"""MHCLG's Revenue Outturn Summary (RS) "data by LA" workbooks: every figure of every authority's return.

The data sheet is the one whose header holds 'E-code', 'ONS Code', 'Local authority' and 'Class' ('RS LA Data
2017-18'; 'RS LA Data 2014-15 (1)'). Each column after those is a line of the return, found with
`classify.outturn.find_line`: by the line number in the row above the header where the return gives one
(2017-18), else by its name within the section heading carried forward from the row above (2014-15). A
column that is no known line stops the file, naming the sheet and column. Each numeric cell of a body row (an
E-code such as 'E0521') is one record. Not records, each counted with its reason: blank cells, figures not
available ('…', '...'), and line 960, a yes/no confirmation rather than money.

Other sheets are skipped whole, each with what it is: the cover page, the one-authority drop-down page, pivot
tables (the hidden 'Access (Col N)' sheets), check sheets (a 2015-16 public health check in the 2017-18
workbook), the council tax figures behind the drop-down, and a sheet of closing reserves levels (2014-15
'(2)', memorandum only). After the bodies come the ENGLAND row (its line 699, total service expenditure, is
the file's declared total) and the CLASS BREAKDOWN (total rows), then source notes and footnotes.

The unit comes from the sheet's title rows ('Net current expenditure (£ thousand)'); a sheet that states none
stops the file.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from ..classify.outturn import OutturnLine, find_line
from ..read.excel import SheetRows
from ..reference.register import Register
from .errors import IngestError
from .national import (OUTTURN, PEEK_ROWS, NationalFacts, Unit, column_letter, detect_unit, is_number, norm,
                       to_pence, year_in)

OUTTURN_SCHEMA = pa.schema([
    ("source_id", pa.string()), ("sheet", pa.string()), ("row", pa.int64()), ("year", pa.string()),
    ("ecode", pa.string()), ("ons_code", pa.string()), ("body_name", pa.string()), ("class", pa.string()),
    ("region", pa.string()), ("line", pa.int32()), ("line_name", pa.string()), ("kind", pa.string()),
    ("cofog", pa.string()), ("cofog_group", pa.string()), ("pence", pa.int64()),
])

TOTAL_LINE = 699  # TOTAL SERVICE EXPENDITURE: the ENGLAND row's figure is the file's declared total
FLAG_LINES = frozenset({960})  # 'Please confirm (Yes=1 No=0) …': a flag, not money
NOT_AVAILABLE = frozenset({"...", "…", "..", "-", "x", "n/a"})
NO_REGISTER_WARNING = "bodies not in the register"
MAX_LISTED = 30  # unresolved bodies named in the warning (the manifest's "bodies" lists them all)

_ECODE = re.compile(r"E\d+")
_ID_HEADERS = {"ecode": ("e-code", "ecode"), "ons_code": ("ons code",), "body_name": ("local authority",),
               "region": ("region",), "class": ("class",)}
_REQUIRED = ("ecode", "ons_code", "body_name", "class")

REASON_NOT_AVAILABLE = "not available ('…')"
REASON_FLAG = "line 960: a yes/no confirmation, not money"


@dataclass
class _Column:
    index: int
    header: str
    line: OutturnLine


@dataclass
class _Layout:
    header: int  # index in the sheet's rows
    ids: dict[str, int]
    values: list[_Column]
    unheaded_ids: list[int]  # blank-headed columns among the identifying ones ('Grossed' markers)
    blank_columns: list[int]  # blank-headed columns among the lines: must stay empty
    title: list[str]
    year: str | None
    unit: Unit | None


def _cell(row: list[str], index: int) -> str:
    return row[index].strip() if index < len(row) else ""


def _blank(row: list[str]) -> bool:
    return not any(c.strip() for c in row)


def _find_header(rows: list[list[str]]) -> int | None:
    for i, row in enumerate(rows[:PEEK_ROWS]):
        if {"e-code", "local authority"} <= {norm(c) for c in row}:
            return i
    return None


def _layout(sheet: SheetRows, file: str) -> _Layout | None:
    """The sheet's header, identifying columns and lines; None when it is not a table of the return."""
    rows = sheet.rows
    h = _find_header(rows)
    if h is None:
        return None
    cells = [norm(c) for c in rows[h]]
    ids: dict[str, int] = {}
    for role, names in _ID_HEADERS.items():
        for i, c in enumerate(cells):
            if c in names:
                ids.setdefault(role, i)
                break
    if any(role not in ids for role in _REQUIRED):
        return None
    first, last = min(ids.values()), max(ids.values())
    width = max(len(r) for r in rows)
    numbers = rows[h - 1] if h >= 1 and any(is_number(c) for c in rows[h - 1][last + 1:]) else None
    above = h - 2 if numbers is not None else h - 1
    sections = rows[above] if above >= 0 else []
    values: list[_Column] = []
    blank_columns: list[int] = []
    section = ""
    for i in range(last + 1, width):
        heading = _cell(sections, i)
        if heading and not is_number(heading):
            section = heading
        header = _cell(rows[h], i)
        if not header:
            blank_columns.append(i)
            continue
        number = _cell(numbers, i) if numbers is not None else ""
        line = find_line(header, number if is_number(number) else None, section)
        if line is None:
            raise IngestError(
                f"{file}: sheet '{sheet.name}', column {column_letter(i)} ('{' '.join(header.split())}'"
                + (f", line {number}" if number else "") + "): not a line of the RS return totalplace knows. "
                "Add it to data/classify/outturn_lines.csv (its number, name and kind), or report the file.")
        values.append(_Column(i, " ".join(header.split()), line))
    unheaded_ids = [i for i in range(first, last) if i not in ids.values() and not cells[i]]
    title = [c.strip() for r in rows[:h] for c in r[: last + 1] if c.strip() and not is_number(c)]
    year = year_in(sheet.name) or next((y for y in map(year_in, title) if y), None)
    return _Layout(h, ids, values, unheaded_ids, blank_columns, title, year, detect_unit(title))


def _why_not_data(sheet: SheetRows, year: str | None) -> str:
    """What a sheet that is not the return's table is, from its content (its first rows, and whether it has
    figures at all)."""
    head = [c.strip() for r in sheet.rows[:PEEK_ROWS] for c in r if c.strip() and not is_number(c)]
    low = {norm(t) for t in head}
    numbers = sum(1 for r in sheet.rows for c in r if is_number(c))
    if not head and not numbers:
        return "an empty sheet"
    if {"row labels", "sum of amount"} & low:
        return "a pivot table of the return's figures by authority and line (derived from the data)"
    if any("select local authority" in t for t in low):
        return "a summary of one authority at a time, chosen from a drop-down (derived from the data)"
    other = next((y for y in map(year_in, head) if y and y != year), None)
    if other and "e-code" in low:
        return f"a check sheet titled {other}, not this return's year ({year}): it checks figures, it does not report them"
    if numbers == 0:
        return "the cover page: title, description and contacts, no figures"
    if any("council tax" in t for t in low):
        return "council tax figures by billing authority behind the drop-down page (not lines of the RS return)"
    return "not a table of the return (no header with 'E-code', 'ONS Code', 'Local authority' and 'Class')"


def _memorandum_only(sheet: SheetRows, layout: _Layout) -> bool:
    """Whether the sheet's bodies have figures only in memorandum lines (reserves levels)."""
    kinds = set()
    for row in sheet.rows[layout.header + 1:]:
        if not _ECODE.fullmatch(_cell(row, layout.ids["ecode"])):
            continue
        for col in layout.values:
            if col.line.line not in FLAG_LINES and is_number(_cell(row, col.index)):
                kinds.add(col.line.kind)
    return bool(kinds) and kinds <= {"memorandum"}


def read_outturn(sheets: list[SheetRows], file: str, source_id: str, format: str) -> NationalFacts:
    """An RS workbook's sheets (as `read.excel.read_sheets` gives them) as a table of records with its
    accounting. `file` is how to name the workbook in messages."""
    facts = NationalFacts(OUTTURN, format)
    layouts = {sheet.name: _layout(sheet, file) for sheet in sheets}
    year = next((lay.year for lay in layouts.values() if lay is not None and lay.year), None)
    columns: dict[str, list[Any]] = {f.name: [] for f in OUTTURN_SCHEMA}
    for sheet in sheets:
        layout = layouts[sheet.name]
        if layout is None:
            facts.skip_sheet(sheet, "sheet not part of the return's table", _why_not_data(sheet, year))
            continue
        if _memorandum_only(sheet, layout):
            title = "; ".join(layout.title[:3])
            facts.skip_sheet(sheet, "memorandum sheet (reserves levels)",
                             f"only reserves levels are filled (memorandum, not spending): {title}")
            continue
        if layout.unit is None:
            raise IngestError(
                f"{file}: sheet '{sheet.name}' does not say what unit its money is in (its title rows have no "
                "'£ thousand', \"£'000\" or '£ million'); totalplace will not guess whether the figures are pounds, "
                "thousands or millions.")
        _read_sheet(sheet, layout, layout.year or year, file, source_id, facts, columns)
    if not facts.sheets_read:
        skipped = "; ".join(f"'{name}': {why}" for name, why in facts.sheets_skipped.items())
        raise IngestError(f"{file}: no sheet holds the return's table of authorities and lines ({skipped}).")
    facts.table = pa.table(columns, schema=OUTTURN_SCHEMA)
    facts.years = sorted({y for y in columns["year"] if y})
    facts.columns = {"ecode": "E-code", "ons_code": "ONS Code", "body_name": "Local authority", "class": "Class"}
    if facts.declared_total_pence is not None:
        facts.declared_total_what = (f"the ENGLAND row's line {TOTAL_LINE} (total service expenditure), against "
                                     f"the sum of the bodies' line {TOTAL_LINE}")
    facts.description = f"Revenue Outturn Summary (RS) {', '.join(facts.years)}: {len(facts.bodies)} bodies"
    return facts


def _read_sheet(sheet: SheetRows, layout: _Layout, year: str | None, file: str, source_id: str,
                facts: NationalFacts, columns: dict[str, list[Any]]) -> None:
    facts.sheets_read.append(sheet.name)
    facts.unit = facts.unit or layout.unit
    unit = layout.unit
    assert unit is not None
    ids = layout.ids
    total_column = next((c for c in layout.values if c.line.line == TOTAL_LINE), None)
    in_breakdown = seen_total = False
    covered = 0
    not_numbers: Counter[str] = Counter()
    no_figures: list[str] = []
    for i, row in enumerate(sheet.rows):
        number = sheet.first_row + i
        if i < layout.header:
            facts.skip("blank row" if _blank(row) else "preamble before the header")
            continue
        if i == layout.header:
            facts.skip("header row")
            continue
        if _blank(row):
            in_breakdown = False
            facts.skip("blank row")
            continue
        ecode, label = _cell(row, ids["ecode"]), _cell(row, ids["body_name"])
        if not _ECODE.fullmatch(ecode):
            if norm(label) == "england":
                seen_total = True
                facts.skip("total row")
                cell = _cell(row, total_column.index) if total_column else ""
                if is_number(cell):
                    facts.declared_total_pence = (facts.declared_total_pence or 0) + to_pence(cell, unit)
            elif norm(label) == "class breakdown" or (in_breakdown and label):
                in_breakdown = True
                facts.skip("total row")
            elif seen_total:
                facts.skip("note after the data")
            else:
                facts.reject("not a body row (no E-code)")
                facts.warnings.append(f"sheet '{sheet.name}' row {number}: no E-code, not read: "
                                      f"{' | '.join(c for c in row if c.strip())[:120]}")
            continue
        for index in layout.blank_columns:
            if _cell(row, index):
                raise IngestError(
                    f"{file}: sheet '{sheet.name}', column {column_letter(index)} has figures (row {number}: "
                    f"'{_cell(row, index)}') but no heading, so no line of the return can be given to them.")
        for index in layout.unheaded_ids:
            if _cell(row, index):
                facts.notes.append(f"{label} ({ecode}), row {number}: '{_cell(row, index)}' in the unheaded column "
                                   f"{column_letter(index)}")
        ons = _cell(row, ids["ons_code"])
        ons = None if norm(ons) in ("", "n/a", "na") else ons
        region = _cell(row, ids["region"]) if "region" in ids else ""
        body_class = _cell(row, ids["class"])
        records = 0
        for col in layout.values:
            text = _cell(row, col.index)
            if not text:
                facts.cells_skipped["blank"] += 1
            elif text in NOT_AVAILABLE:
                facts.cells_skipped[REASON_NOT_AVAILABLE] += 1
            elif col.line.line in FLAG_LINES:
                facts.cells_skipped[REASON_FLAG] += 1
            elif is_number(text):
                pence = to_pence(text, unit)
                for key, value in (("source_id", source_id), ("sheet", sheet.name), ("row", number), ("year", year),
                                   ("ecode", ecode), ("ons_code", ons), ("body_name", label),
                                   ("class", body_class or None), ("region", region or None),
                                   ("line", col.line.line), ("line_name", col.header), ("kind", col.line.kind),
                                   ("cofog", col.line.cofog), ("cofog_group", col.line.cofog_group),
                                   ("pence", pence)):
                    columns[key].append(value)
                records += 1
                if col is total_column:
                    covered += pence
            else:
                facts.cells_rejected["not a number"] += 1
                not_numbers[text] += 1
        facts.bodies.append({"ecode": ecode, "ons_code": ons, "published_name": label, "class": body_class or None,
                             "region": region or None, "records": records})
        if records:
            facts.load()
        else:
            facts.skip("body with no figures")
            no_figures.append(f"{label} ({ecode}, row {number})")
    if total_column is not None and seen_total:
        facts.declared_covers_pence = (facts.declared_covers_pence or 0) + covered
    if no_figures:
        facts.warnings.append(f"sheet '{sheet.name}': no figures for {', '.join(no_figures)} (every cell '…' or "
                              "blank); the ENGLAND row may include an estimate for them")
    if not_numbers:
        shown = ", ".join(f"'{t}' ({n})" for t, n in not_numbers.most_common(5))
        facts.warnings.append(f"sheet '{sheet.name}': cells that are not numbers, not loaded: {shown}")


# --- whose return ------------------------------------------------------------------------------------------


_FOOTNOTE = re.compile(r"\s*\(\s*[a-z]\s*\)\s*$")
_POLICE = re.compile(r"(.+?)\s+Police and Crime Commissioner and Chief Constable", re.I)


def clean_body_name(name: str) -> str:
    """A published RS name in a form the register knows: footnote marks off ('(d)'), police bodies as
    'Police and Crime Commissioner for X', 'X Combined Fire and Rescue Authority' as 'X Fire and Rescue
    Authority', 'Broads, The' as 'The Broads'."""
    text = _FOOTNOTE.sub("", name).strip()
    police = _POLICE.fullmatch(text)
    if police:
        return f"Police and Crime Commissioner for {police.group(1)}"
    text = re.sub(r"\bCombined?\s+Fire\s+(?:and|&)\s+Rescue\s+Authority$", "Fire and Rescue Authority", text, flags=re.I)
    inverted = re.fullmatch(r"(.+),\s*The", text)
    return f"The {inverted.group(1)}" if inverted else text


def year_start(year: str | None) -> dt.date | None:
    """The first day of a financial year ('2017-18' → 2017-04-01): the day bodies are looked up on."""
    return dt.date(int(year[:4]), 4, 1) if year and re.match(r"\d{4}", year) else None


def resolve_outturn_bodies(register: Register, bodies: list[dict[str, Any]], on: dt.date | None,
                           warnings: list[str]) -> list[dict[str, Any]]:
    """Each published body with the register's body: by its ONS code, else its E-code, else its name as
    published, else its name cleaned (`clean_body_name`). Unresolved bodies keep body_id None and are listed
    in a warning."""
    entries, missing = [], []
    for b in bodies:
        name = b["published_name"]
        found, how = None, None
        for label, value in (("ONS code", b.get("ons_code")), ("E-code", b.get("ecode")), ("name", name),
                             ("cleaned name", clean_body_name(name))):
            if value:
                body, _ = register.resolve(value, on)
                if body is not None:
                    found, how = body, f"register: {label} '{value}'"
                    break
        entries.append({**b, "body_id": found.body_id if found else None, "body_name": found.name if found else None,
                        "how": how or "not in the register"})
        if found is None:
            missing.append(f"{name} ({b.get('ecode')})")
    if missing and not len(register):
        warnings.append(f"{NO_REGISTER_WARNING} (no register is loaded: run `totalplace reference load DIR`): the "
                        f"{len(bodies)} bodies are recorded as published")
    elif missing:
        shown = ", ".join(missing[:MAX_LISTED]) + (f" and {len(missing) - MAX_LISTED} more" if len(missing) > MAX_LISTED else "")
        warnings.append(f"{NO_REGISTER_WARNING}: {len(missing)} of {len(bodies)}, recorded as published: {shown}")
    return entries


def rematch_outturn(register: Register, manifest: dict[str, Any]) -> bool:
    """Resolve an ingested return's bodies against a (new) register; True when the manifest changed."""
    years = manifest.get("years") or [None]
    warnings: list[str] = []
    bodies = [{k: v for k, v in b.items() if k not in ("body_id", "body_name", "how")} for b in manifest.get("bodies", [])]
    entries = resolve_outturn_bodies(register, bodies, year_start(years[0]), warnings)
    if entries == manifest.get("bodies"):
        return False
    manifest["bodies"] = entries
    manifest["warnings"] = [w for w in manifest.get("warnings", []) if not w.startswith(NO_REGISTER_WARNING)] + warnings
    return True
