"""Asset registers and lists of places published as delimited text: find the header, name each column's role,
read every row into the asset model (sources/assets.py).

The columns' roles come from their headers, matched with the synonyms in data/estate/columns.csv (the same
matching as payment files' headers: sources/headers.py). A table is
  a land and assets register  when it has a tenure, holding type or UPRN column, and something to name the
                              asset by (a name, an address, a postcode, an asset code);
  a list of places            when it has a location (easting and northing, GeoX and GeoY, or latitude and
                              longitude) and a name, address or postcode.
Anything else is not an estate file, and is left to the payments reader.

GeoX and GeoY (the LGA schema's columns) are longitude and latitude when the row's CoordinateReferenceSystem
says WGS84, eastings and northings when it says British National Grid; without one, the numbers decide
(degrees or metres). A WGS84 pair that only lies in the UK the other way round (GeoX 53.45, GeoY -2.36) is read
swapped, and the row's detail says so.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from ..read.text import TextLayout
from ..reference.register import Register
from .assets import (ACADEMY_KEY, ASSETS, PLACES, REGISTER, AssetFacts, body_key, decode, extra_json,
                     holding_table, lookup_key, no_body_message, normalise_postcode, normalise_uprn,
                     postcode_in_address, records, tenure_table, text)
from .coordinates import BNG_IN_FILE, WGS84_IN_FILE, crs_of, in_uk, looks_like_lon_lat, number
from .errors import IngestError
from .headers import Synonyms, clean_header
from .layout import display_headers

HEADER_SEARCH = 15  # the first records searched for the header
MULTI = ("body", "address", "use_type")  # roles that may take several columns
_UNITS = re.compile(r"\(.*?\)|\[.*?\]")
_SQ_FT = re.compile(r"sq\.?\s*f(ee)?t|sqft|ft2|ft²|square f(ee|oo)t", re.I)
_ACRES = re.compile(r"\bacres?\b", re.I)
_SQ_M = re.compile(r"m2|m²|sq\.?\s*m\b|sqm|square met", re.I)
SQ_FT_M2 = 0.09290304
ACRE_HA = 0.40468564224
_NOT_ACADEMY = {"", "no", "n", "false", "0", "not academy", "non academy"}


@lru_cache(maxsize=1)
def estate_synonyms() -> Synonyms:
    data = resources.files("totalplace").joinpath("data/estate/columns.csv").read_text(encoding="utf-8")
    return Synonyms([(r["role"].strip(), r["header"]) for r in csv.DictReader(data.splitlines()) if r.get("role")])


def column_roles(cells: list[str]) -> dict[str, list[int]]:
    """role → the columns that hold it, best synonym first (then file order); a unit in brackets is not part of
    the name ('Floor Area (sq ft)' is a floor area)."""
    synonyms = estate_synonyms()
    found: dict[str, list[tuple[int, int]]] = {}
    for i, cell in enumerate(cells):
        match = synonyms.match(_UNITS.sub(" ", clean_header(cell)))
        if match is not None:
            found.setdefault(match.role, []).append((0 if match.role in MULTI else match.rank, i))
    return {role: [i for _, i in sorted(columns)] for role, columns in found.items()}


def table_kind(roles: dict[str, list[int]]) -> str | None:
    has = set(roles)
    named = has & {"name", "address", "postcode", "asset_id", "uprn"}
    located = {"easting", "northing"} <= has or {"x", "y"} <= has or {"lat", "lon"} <= has
    if has & {"tenure", "holding_type", "uprn"} and named - {"uprn"}:
        return REGISTER
    if located and has & {"name", "address", "postcode"}:
        return PLACES
    return None


@dataclass
class TableLayout:
    kind: str
    header_index: int
    roles: dict[str, list[int]]
    layout: TextLayout


def detect_table(layout: TextLayout) -> TableLayout | None:
    """The header and kind of an estate table in the sniffed sample, or None when it is not one."""
    for i, record in enumerate(layout.records[:HEADER_SEARCH]):
        cells = [c for c in record if c.strip()]
        if len(cells) < 2 or sum(1 for c in cells if number_like(c)) > len(cells) // 2:
            continue
        roles = column_roles(record)
        kind = table_kind(roles)
        if kind is not None:
            return TableLayout(kind, i, roles, layout)
    return None


def number_like(cell: str) -> bool:
    try:
        return number(cell) is not None
    except ValueError:
        return False


def _unit_factor(header: str, role: str) -> float:
    if role == "floor_area":
        return SQ_FT_M2 if _SQ_FT.search(header) else 1.0
    if _ACRES.search(header):
        return ACRE_HA
    if _SQ_M.search(header) or _SQ_FT.search(header):
        return (1.0 if _SQ_M.search(header) else SQ_FT_M2) / 10_000
    return 1.0


def read_table(path: Path, name: str, source_id: str, table: TableLayout, register: Register,
               body: str | None) -> AssetFacts:
    """Every record of an asset register or list of places, each loaded, rejected or skipped with a reason."""
    facts = AssetFacts(ASSETS, "csv", source_id, kind=table.kind, delimiter=table.layout.delimiter,
                       line_endings={"\n": "LF", "\r\n": "CRLF", "\r": "CR", "mixed": "mixed"}[table.layout.newline],
                       body_given=body)
    decoded, facts.encoding = decode(path, table.layout, facts.notes)
    rows = records(decoded, table.layout.delimiter, name)
    header = rows[table.header_index] if table.header_index < len(rows) else []
    roles = column_roles(header)
    width = max((len(r) for r in rows), default=0)
    headers = display_headers(header, width)
    used = {i for columns in roles.values() for i in columns}
    for role, columns in roles.items():
        facts.columns[role] = " + ".join(headers[i] for i in columns)
    facts.extra_columns = [headers[i] for i in range(width) if i not in used]
    if "body" not in roles and not body:
        raise IngestError(no_body_message(name))
    factors = {role: _unit_factor(headers[roles[role][0]], role) for role in ("floor_area", "land_area") if role in roles}
    for role, factor in factors.items():
        if factor != 1.0:
            facts.notes.append(f"'{headers[roles[role][0]]}' converted to {'m²' if role == 'floor_area' else 'hectares'} "
                               f"(× {factor:g})")
    multiline = 0
    unknown_tenure: dict[str, int] = {}
    unknown_holding: dict[str, int] = {}
    for index, raw in enumerate(rows):
        row = index + 1
        if index < table.header_index:
            facts.skip(row, "blank row" if not any(c.strip() for c in raw) else "preamble before the header", raw)
            continue
        if index == table.header_index:
            facts.skip(row, "header row", raw)
            continue
        if not any(c.strip() for c in raw):
            facts.skip(row, "blank row", raw)
            continue
        if [clean_header(c) for c in raw] == [clean_header(c) for c in header]:
            facts.skip(row, "header row repeated", raw)
            continue
        multiline += any("\n" in c or "\r" in c for c in raw)
        _read_row(facts, row, raw, roles, used, headers, factors, unknown_tenure, unknown_holding)
    if multiline:
        facts.notes.append(f"{multiline} rows hold line breaks inside quoted values; each is read as one row")
    if "postcode" not in roles and "address" in roles:
        facts.notes.append("no postcode column: a full postcode at the end of the address is taken as the postcode")
    for what, unknown, table_file in (("tenure", unknown_tenure, "tenure.csv"), ("holding type", unknown_holding, "holding_type.csv")):
        if unknown:
            listed = ", ".join(f"'{k}' ({n})" for k, n in sorted(unknown.items()))
            facts.warnings.append(f"{what} spellings not in data/estate/{table_file}, kept in use_type or left out: {listed}")
    facts.finish(register, name)
    return facts


def _read_row(facts: AssetFacts, row: int, raw: list[str], roles: dict[str, list[int]], used: set[int],
              headers: list[str], factors: dict[str, float], unknown_tenure: dict[str, int], unknown_holding: dict[str, int]) -> None:
    def cells(role: str) -> list[str]:
        return [raw[i] if i < len(raw) else "" for i in roles.get(role, [])]

    def cell(role: str) -> str:
        found = cells(role)
        return found[0] if found else ""

    details: list[str] = []
    record = facts.record(row)
    record["raw"] = raw
    # where: a number that is not a number rejects the row, naming its column
    try:
        _locate(record, roles, raw, headers, details)
    except _NotANumber as exc:
        facts.reject(row, f"{exc.role} is not a number (column '{exc.header}')", f"'{exc.value}'", raw)
        return
    name = text(cell("name")) or None
    asset_id = text(cell("asset_id")) or None
    uprn, problem = normalise_uprn(cell("uprn"))
    if problem:
        details.append(problem)
    address = _address(roles, raw, headers)
    if not (name or asset_id or uprn or address):
        facts.reject(row, "no name, id or address", None, raw)
        return
    postcode, problem = normalise_postcode(cell("postcode"))
    if problem:
        details.append(problem)
    if postcode is None and "postcode" not in roles:
        postcode = postcode_in_address(address)
    tenure_written = text(cell("tenure"))
    tenure = tenure_table().get(lookup_key(tenure_written)) if tenure_written else None
    if tenure_written and tenure is None:
        unknown_tenure[tenure_written] = unknown_tenure.get(tenure_written, 0) + 1
        details.append(f"tenure '{tenure_written}' not in the tenure table")
    uses = [text(c) for c in cells("use_type") if text(c)]
    holding_written = text(cell("holding_type"))
    holding = None
    if holding_written:
        found = holding_table().get(lookup_key(holding_written))
        if found is None:
            unknown_holding[holding_written] = unknown_holding.get(holding_written, 0) + 1
            uses.append(holding_written)
        else:
            holding, is_use = found
            if is_use:
                uses.append(holding_written)
                if holding:
                    details.append(f"holding type {holding} inferred from the use '{holding_written}'")
    codes = [text(c) for c in cells("body") if text(c)]
    codes = list(dict.fromkeys(codes))
    academy = text(cell("academy")).lower() not in _NOT_ACADEMY if "academy" in roles else False
    if academy:
        record.update(body_key=ACADEMY_KEY, body_code_published=None, body_name_published=None)
        details.append(f"an academy ({headers[roles['academy'][0]]} '{text(cell('academy'))}'): "
                       "held outside the council, the Department for Education's")
    else:
        code, label = (codes + [None, None])[:2]
        if len(codes) > 2:
            label = "; ".join(codes[1:])
        record.update(body_key=body_key(code, label), body_code_published=code, body_name_published=label)
    record.update(
        name=name, asset_id=asset_id, uprn=uprn, address=address, postcode=postcode, tenure=tenure,
        tenure_detail=text(cell("tenure_detail")) or None, holding_type=holding,
        use_type="; ".join(dict.fromkeys(uses)) or None,
        floor_area_m2=_measure(cell("floor_area"), factors.get("floor_area", 1.0), headers, roles, "floor_area", details),
        land_area_ha=_measure(cell("land_area"), factors.get("land_area", 1.0), headers, roles, "land_area", details),
        extra=extra_json({headers[i]: raw[i] for i in range(min(len(raw), len(headers))) if i not in used}),
        detail="; ".join(details) or None,
    )
    facts.load(record)


class _NotANumber(ValueError):
    def __init__(self, role: str, header: str, value: str):
        super().__init__(value)
        self.role, self.header, self.value = role, header, value


def _numbers(roles: dict[str, list[int]], raw: list[str], headers: list[str], *pairs: tuple[str, str]) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for role, said in pairs:
        if role not in roles:
            continue
        i = roles[role][0]
        value = raw[i] if i < len(raw) else ""
        try:
            out[role] = number(value)
        except ValueError:
            raise _NotANumber(said, headers[i], value.strip()) from None
    return out


def _locate(record: dict, roles: dict[str, list[int]], raw: list[str], headers: list[str], details: list[str]) -> None:
    """Fill lat/lon (WGS84) or easting/northing (to be converted) and where they came from."""
    got = _numbers(roles, raw, headers, ("easting", "easting"), ("northing", "northing"), ("lat", "latitude"),
                   ("lon", "longitude"), ("x", "GeoX"), ("y", "GeoY"))
    e, n = got.get("easting"), got.get("northing")
    if e is not None and n is not None and (e, n) != (0, 0):
        record.update(easting=e, northing=n, location_source=BNG_IN_FILE)
        return
    lat, lon = got.get("lat"), got.get("lon")
    if lat is not None and lon is not None and (lat, lon) != (0, 0):
        record.update(lat=lat, lon=lon, location_source=WGS84_IN_FILE)
        return
    x, y = got.get("x"), got.get("y")
    if x is None or y is None:
        return
    if (x, y) == (0, 0):
        details.append("coordinates 0, 0 taken as none given")
        return
    crs_cell = raw[roles["crs"][0]] if "crs" in roles and roles["crs"][0] < len(raw) else ""
    crs = crs_of(crs_cell) or ("wgs84" if looks_like_lon_lat(x, y) else "bng")
    if crs == "bng":
        record.update(easting=x, northing=y, location_source=BNG_IN_FILE)
        return
    if not in_uk(y, x) and in_uk(x, y):
        details.append(f"GeoX and GeoY are the wrong way round in the file (GeoX {x!r} is a latitude): "
                       f"read as latitude {x!r}, longitude {y!r}")
        x, y = y, x
    record.update(lat=y, lon=x, location_source=WGS84_IN_FILE)


def _address(roles: dict[str, list[int]], raw: list[str], headers: list[str]) -> str | None:
    """The address fields present, joined: a street number goes before its street with a space, every other
    part after a comma; line breaks inside a cell separate parts too."""
    parts: list[str] = []
    number_first: str | None = None
    for i in roles.get("address", []):
        value = raw[i] if i < len(raw) else ""
        pieces = [text(p) for p in re.split(r"[\r\n]+", value) if text(p)]
        if not pieces:
            continue
        if re.search(r"number", headers[i], re.I):
            number_first = " ".join(pieces)
            continue
        if number_first:
            pieces[0], number_first = f"{number_first} {pieces[0]}", None
        parts.extend(pieces)
    if number_first:
        parts.append(number_first)
    return ", ".join(parts) or None


def _measure(value: str, factor: float, headers: list[str], roles: dict[str, list[int]], role: str,
             details: list[str]) -> float | None:
    try:
        found = number(value)
    except ValueError:
        details.append(f"{headers[roles[role][0]]} '{value.strip()}' is not a number, left out")
        return None
    return found * factor if found is not None else None
