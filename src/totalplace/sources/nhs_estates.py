"""The NHS estate: the Estates Returns Information Collection (ERIC, NHS Digital) at trust level, and the NHS
trust list from the Organisation Data Service (ODS 'etr'), each trust one asset of the asset model.

ERIC trust-level file: any delimiter (the 2016-17 file uses '$'), a row of column groups ('Trust Profile',
'Finance', …) above the column names, one row per trust. Columns are found by their names, never their place:
'Organisation Code' (the trust's ODS code: its body), 'Organisation Name', and the measures in
data/estate/eric_columns.csv:
  floor_area_m2       Gross internal floor area (m²)
  land_area_ha        Land area owned (Hectares)
  running_cost_pence  the sum of the estate's running costs: finance costs (capital charges, PFI), hard FM
                      (estates and property maintenance, grounds and gardens, other hard FM), utilities
                      (energy, water, sewage), waste, and soft FM (cleaning, inpatient food, laundry and linen,
                      portering, other soft FM). Left out: Electro Bio Medical Equipment maintenance (medical
                      equipment, not the estate), the cleaning costs by risk category (a breakdown of the
                      cleaning service cost) and capital investment (not running costs). The file has no total
                      column; summed over its 236 trusts these give £8.57bn, NHS Digital's reported £8.6bn.
  backlog_pence       the four risk-rated backlog columns (high, significant, moderate, low); the Critical
                      Infrastructure Risk columns re-cut the high and significant backlog, so are not added.
Pounds become integer pence exactly (Decimal); thousands separators are allowed; 'Not Applicable', 'No Data
Provided' and blanks are no figure (a sum of none is NULL, a sum missing some says which in the row's detail).
Every other column, and the total number of sites, is kept in `extra`.

ODS 'etr' (standard 27-column format, no header, every value quoted): code, name, national grouping, high level
health geography, five address lines, postcode, open date, close date, …, telephone (18th), amended record
indicator (22nd), Government Office Region (24th). Each trust's headquarters is an asset with its address; a
closed trust is loaded like any other, its close date in `extra` and in the row's detail.
"""

from __future__ import annotations

import csv
import re
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from functools import lru_cache
from importlib import resources
from pathlib import Path

from ..read.text import TextLayout
from ..reference.register import Register
from .assets import (ASSETS, ERIC, TRUST_HQ, AssetFacts, body_key, decode, extra_json, normalise_postcode, records,
                     text)
from .errors import IngestError

ERIC_DELIMITERS = ("$", ",", "\t", ";", "|")
NO_FIGURE = {"", "not applicable", "no data provided", "n/a", "na", "-", "not available"}
ODS_WIDTH = 27
ODS_COLUMNS = {
    0: "Organisation Code", 1: "Name", 2: "National Grouping", 3: "High Level Health Geography",
    4: "Address Line 1", 5: "Address Line 2", 6: "Address Line 3", 7: "Address Line 4", 8: "Address Line 5",
    9: "Postcode", 10: "Open Date", 11: "Close Date", 17: "Contact Telephone Number",
    21: "Amended Record Indicator", 23: "GOR Code",
}
_ODS_CODE = re.compile(r"[A-Z0-9]{3,6}")
_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")


def _key(cell: str) -> str:
    return " ".join(cell.lower().split())


@lru_cache(maxsize=1)
def eric_measures() -> dict[str, str]:
    """ERIC column name (lower case) → the measure it goes into."""
    data = resources.files("totalplace").joinpath("data/estate/eric_columns.csv").read_text(encoding="utf-8")
    return {_key(r["column"]): r["measure"] for r in csv.DictReader(data.splitlines())}


# --- recognising -------------------------------------------------------------------------------------------


def eric_delimiter(head: str) -> tuple[str, int] | None:
    """(delimiter, index of the column-name row) when the first lines are an ERIC trust file's header."""
    lines = head.splitlines()[:4]
    for d in ERIC_DELIMITERS:
        for i, line in enumerate(lines):
            cells = [_key(c) for c in next(csv.reader([line], delimiter=d), [])]
            if "organisation code" in cells and any("backlog" in c or "gross internal floor area" in c for c in cells):
                return d, i
    return None


def is_ods_trusts(layout: TextLayout) -> bool:
    """An ODS standard-format trust list: 27 columns, no header, an ODS code first, dates as yyyymmdd, names of
    trusts."""
    sample = [r for r in layout.records[:200] if any(c.strip() for c in r)]
    if len(sample) < 3:
        return False
    shaped = [r for r in sample if len(r) == ODS_WIDTH and _ODS_CODE.fullmatch(r[0].strip())
              and re.fullmatch(r"(\d{8})?", r[10].strip()) and re.fullmatch(r"(\d{8})?", r[11].strip())]
    trusts = [r for r in shaped if "TRUST" in r[1].upper()]
    return len(shaped) >= 0.9 * len(sample) and len(trusts) >= 0.5 * len(sample)


# --- ERIC ----------------------------------------------------------------------------------------------------


def _pounds(cell: str) -> Decimal | None:
    """'1,832,461' → Decimal('1832461'); a no-figure word → None; anything else raises ValueError."""
    cleaned = cell.strip().replace(",", "").replace("£", "").strip()
    if cleaned.lower() in NO_FIGURE:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(cell) from None
    if not value.is_finite():
        raise ValueError(cell)
    return value


def _pence(pounds: Decimal) -> int:
    return int((pounds * 100).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def read_eric(path: Path, name: str, source_id: str, layout: TextLayout, delimiter: str, header_index: int,
              register: Register, body: str | None) -> AssetFacts:
    facts = AssetFacts(ASSETS, "csv", source_id, kind=ERIC, delimiter=delimiter,
                       line_endings={"\n": "LF", "\r\n": "CRLF", "\r": "CR", "mixed": "mixed"}[layout.newline])
    decoded, facts.encoding = decode(path, layout, facts.notes)
    rows = records(decoded, delimiter, name)
    header = [text(c) for c in rows[header_index]]
    keys = [_key(c) for c in header]
    try:
        code_at, name_at = keys.index("organisation code"), keys.index("organisation name")
    except ValueError:
        raise IngestError(f"{name}: an ERIC file needs 'Organisation Code' and 'Organisation Name' columns.") from None
    measures = eric_measures()
    by_measure: dict[str, list[int]] = {}
    for i, k in enumerate(keys):
        if k in measures:
            by_measure.setdefault(measures[k], []).append(i)
    for measure in ("floor_area_m2", "land_area_ha", "running_cost", "backlog"):
        facts.columns[measure] = " + ".join(header[i] for i in by_measure.get(measure, [])) or "(none in the file)"
    facts.columns["body"] = header[code_at]
    facts.columns["name"] = header[name_at]
    type_at = keys.index("organisation type") if "organisation type" in keys else None
    if type_at is not None:
        facts.columns["use_type"] = header[type_at]
    sites = [i for i, k in enumerate(keys) if k.startswith("number of sites -")]
    facts.extra_columns = [header[i] for i in range(len(header)) if i not in (code_at, name_at, type_at)]
    if body:
        facts.warnings.append(f"--body '{body}' not used: the ERIC file names each trust by its organisation code")
    not_figures: dict[str, int] = {}
    for index, raw in enumerate(rows):
        row = index + 1
        if index <= header_index:
            facts.skip(row, "header row", raw, "column groups" if index < header_index else None)
            continue
        if not any(c.strip() for c in raw):
            facts.skip(row, "blank row", raw)
            continue

        def cell(i: int) -> str:
            return raw[i] if i < len(raw) else ""

        code, trust = text(cell(code_at)), text(cell(name_at))
        if not code and not trust:
            facts.reject(row, "no organisation code or name", None, raw)
            continue
        details: list[str] = []
        sums: dict[str, Decimal | None] = {}
        for measure in ("running_cost", "backlog"):
            total, missing = None, []
            for i in by_measure.get(measure, []):
                try:
                    value = _pounds(cell(i))
                except ValueError:
                    value = None
                    not_figures[header[i]] = not_figures.get(header[i], 0) + 1
                if value is None:
                    missing.append(header[i])
                else:
                    total = (total or Decimal(0)) + value
            sums[measure] = total
            if total is not None and missing:
                details.append(f"{measure.replace('_', ' ')} leaves out columns with no figure: {', '.join(missing)}")
        record = facts.record(row)
        site_count = _site_count([cell(i) for i in sites])
        extra = {header[i]: cell(i) for i in range(len(header)) if i not in (code_at, name_at, type_at)}
        if site_count is not None:
            extra = {"sites (total of the 'Number of sites' columns)": str(site_count), **extra}
        record.update(
            raw=raw, asset_id=code or None, name=trust or None, use_type=text(cell(type_at)) or None if type_at is not None else None,
            body_key=body_key(code or None, trust or None), body_code_published=code or None, body_name_published=trust or None,
            floor_area_m2=_float(cell(by_measure["floor_area_m2"][0])) if "floor_area_m2" in by_measure else None,
            land_area_ha=_float(cell(by_measure["land_area_ha"][0])) if "land_area_ha" in by_measure else None,
            running_cost_pence=_pence(sums["running_cost"]) if sums["running_cost"] is not None else None,
            backlog_pence=_pence(sums["backlog"]) if sums["backlog"] is not None else None,
            extra=extra_json(extra), detail="; ".join(details) or None,
        )
        facts.load(record)
    if not_figures:
        listed = ", ".join(f"'{k}' ({n})" for k, n in sorted(not_figures.items()))
        facts.warnings.append(f"money cells that are not figures, left out of the sums: {listed}")
    facts.notes.append("no location: ERIC's trust-level file gives none")
    facts.finish(register, name)
    _own_bodies(facts)
    return facts


def _own_bodies(facts: AssetFacts) -> None:
    """These files name each trust themselves: an unknown code is not one for --body to fix."""
    facts.warnings = [w.replace("Use --body to say which body it is.", "(The register's NHS trusts come from the ODS "
                                "trust list: trusts closed before it was drawn, and care trusts, are not in it.)")
                      for w in facts.warnings]


def _float(cell: str) -> float | None:
    try:
        value = _pounds(cell)
    except ValueError:
        return None
    return float(value) if value is not None else None


def _site_count(cells: list[str]) -> int | None:
    values = [_float(c) for c in cells]
    given = [v for v in values if v is not None]
    return int(sum(given)) if given else None


# --- ODS trusts ----------------------------------------------------------------------------------------------


def _iso(cell: str) -> str | None:
    found = _DATE.fullmatch(cell.strip())
    return f"{found.group(1)}-{found.group(2)}-{found.group(3)}" if found else None


def read_ods_trusts(path: Path, name: str, source_id: str, layout: TextLayout, register: Register,
                    body: str | None) -> AssetFacts:
    facts = AssetFacts(ASSETS, "csv", source_id, kind=TRUST_HQ, delimiter=layout.delimiter,
                       line_endings={"\n": "LF", "\r\n": "CRLF", "\r": "CR", "mixed": "mixed"}[layout.newline])
    decoded, facts.encoding = decode(path, layout, facts.notes)
    rows = records(decoded, layout.delimiter, name)
    facts.columns = {"body": "column 1 (Organisation Code)", "asset_id": "column 1 (Organisation Code)",
                     "name": "column 2 (Name)", "address": "columns 5-9 (Address Lines 1-5)", "postcode": "column 10 (Postcode)"}
    facts.extra_columns = [ODS_COLUMNS.get(i, f"column {i + 1}") for i in range(ODS_WIDTH) if i not in (0, 1, 4, 5, 6, 7, 8, 9)]
    if body:
        facts.warnings.append(f"--body '{body}' not used: the ODS list names each trust by its code")
    closed = 0
    for index, raw in enumerate(rows):
        row = index + 1
        if not any(c.strip() for c in raw):
            facts.skip(row, "blank row", raw)
            continue
        code, trust = text(raw[0]), text(raw[1]) if len(raw) > 1 else ""
        if not _ODS_CODE.fullmatch(code) or not trust:
            facts.reject(row, "not an ODS record (a code and a name first)", None, raw)
            continue
        cells = raw + [""] * (ODS_WIDTH - len(raw))
        postcode, problem = normalise_postcode(cells[9])
        opened, closes = _iso(cells[10]), _iso(cells[11])
        details = [problem] if problem else []
        if closes:
            closed += 1
            details.append(f"closed {closes}")
        extra = {ODS_COLUMNS.get(i, f"column {i + 1}"): cells[i] for i in range(ODS_WIDTH) if i not in (0, 1, 4, 5, 6, 7, 8, 9)}
        extra.update({"Open Date": opened or cells[10], "Close Date": closes or cells[11]})
        if len(raw) > ODS_WIDTH:
            extra.update({f"column {i + 1}": raw[i] for i in range(ODS_WIDTH, len(raw))})
        record = facts.record(row)
        record.update(
            raw=raw, asset_id=code, name=trust, address=", ".join(text(c) for c in cells[4:9] if text(c)) or None,
            postcode=postcode, body_key=body_key(code, trust), body_code_published=code, body_name_published=trust,
            extra=extra_json(extra), detail="; ".join(details) or None,
        )
        facts.load(record)
    if closed:
        facts.notes.append(f"{closed} trusts have a close date: loaded, with the date in extra and the row's detail")
    facts.notes.append("no coordinates: the ODS list gives addresses only")
    facts.finish(register, name)
    _own_bodies(facts)
    return facts


def head_text(path: Path, layout: TextLayout, size: int = 1 << 16) -> str:
    """The start of a text file, decoded as the sniffer decided."""
    with path.open("rb") as f:
        f.seek(layout.bom_length)
        raw = f.read(size)
    return raw.decode(layout.encoding, errors="replace")
