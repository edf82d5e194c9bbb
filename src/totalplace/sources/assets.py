"""The public estate: one model for every kind of file that lists a body's land, buildings and places.

Asset registers (the Local Government Transparency Code's land and building assets), lists of places (a
council's schools or offices with their grid references), GeoJSON points, the NHS estates returns (ERIC) and
the NHS trust list are all read into the same table, one record per row of the file, each with its outcome:
loaded, rejected with a reason, or skipped with a reason (sources/estate.py recognises the files; the readers
are asset_tables.py, geojson.py and nhs_estates.py). GeoJSON polygons are boundaries, a dataset of their own.

What is normalised, and how:
  postcode   upper case, one space before the inward code ('gl50 1dy' → 'GL50 1DY'); anything that is not a
             full UK postcode is kept as written and the row's detail says so;
  uprn       digits as written, leading zeros kept ('010000480247'); anything else is no UPRN (detail says so);
  tenure     to Freehold, Leasehold or Other by data/estate/tenure.csv; tenure_detail as written;
  holding    to Land, Buildings, Land and Buildings or Other by data/estate/holding_type.csv, where a file
             writes uses in its holding-type column (Cheltenham 2023) those go to use_type as written;
  location   WGS84 latitude and longitude (sources/coordinates.py), flagged, never dropped, outside the UK.

Whose each asset is comes from the file's body columns, or --body, resolved with the register as payments'
bodies are (sources/bodies.py), and again whenever the register is loaded. One rule of our own: a school marked
as an academy belongs to the Department for Education, not the council that lists it.
"""

from __future__ import annotations

import math

import codecs
import csv
import io
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ..read.text import BOM_TEXT_PREFIXES, TextLayout
from ..reference.register import Register
from .bodies import describe_bodies, resolve_bodies
from .coordinates import (BNG_IN_FILE, NO_LOCATION, OUTSIDE_UK, bng_method, bng_to_wgs84, in_uk)
from .errors import IngestError

ASSETS = "assets"
BOUNDARIES = "boundaries"
DATASETS = (ASSETS, BOUNDARIES)

REGISTER = "land and assets register"
PLACES = "list of places"
POINTS = "geojson points"
ERIC = "nhs estates (ERIC)"
TRUST_HQ = "nhs trust headquarters"

ACADEMY_KEY = "academy|"
ACADEMY_BODY = "DFE"  # the register's Department for Education (data/public_bodies.csv)
ACADEMY_NAME = "Department for Education"

ASSET_SCHEMA = pa.schema([
    ("source_id", pa.string()), ("row", pa.int64()), ("status", pa.string()), ("reason", pa.string()),
    ("detail", pa.string()), ("body_key", pa.string()), ("body_code_published", pa.string()),
    ("body_name_published", pa.string()), ("asset_id", pa.string()), ("uprn", pa.string()), ("name", pa.string()),
    ("address", pa.string()), ("postcode", pa.string()), ("lat", pa.float64()), ("lon", pa.float64()),
    ("easting", pa.float64()), ("northing", pa.float64()), ("location_source", pa.string()),
    ("location_flag", pa.string()), ("tenure", pa.string()), ("tenure_detail", pa.string()),
    ("holding_type", pa.string()), ("use_type", pa.string()), ("floor_area_m2", pa.float64()),
    ("land_area_ha", pa.float64()), ("running_cost_pence", pa.int64()), ("backlog_pence", pa.int64()),
    ("kind", pa.string()), ("extra", pa.string()), ("raw", pa.list_(pa.string())),
])

BOUNDARY_SCHEMA = pa.schema([
    ("source_id", pa.string()), ("feature", pa.int32()), ("status", pa.string()), ("reason", pa.string()),
    ("detail", pa.string()), ("area_code", pa.string()), ("area_name", pa.string()), ("geometry", pa.string()),
    ("min_lon", pa.float64()), ("min_lat", pa.float64()), ("max_lon", pa.float64()), ("max_lat", pa.float64()),
])


# --- normalising one value ---------------------------------------------------------------------------------

_POSTCODE = re.compile(r"([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})|(GIR)(0AA)")
_POSTCODE_AT_END = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]?)\s?([0-9][A-Z]{2})\s*$", re.I)


def text(value: Any) -> str:
    """A cell as text with its spaces (non-breaking ones and line breaks too) collapsed."""
    return " ".join(str(value if value is not None else "").replace("\u00a0", " ").split())


def normalise_postcode(value: str | None) -> tuple[str | None, str | None]:
    """(postcode, problem): 'gl50  1dy' → ('GL50 1DY', None); 'M31' → ('M31', "postcode 'M31' is not …")."""
    written = text(value)
    if not written:
        return None, None
    found = _POSTCODE.fullmatch(re.sub(r"\s+", "", written).upper())
    if found:
        outward, inward = (found.group(1), found.group(2)) if found.group(1) else (found.group(3), found.group(4))
        return f"{outward} {inward}", None
    return written, f"postcode '{written}' is not a full UK postcode (kept as written)"


def postcode_in_address(address: str | None) -> str | None:
    """A full postcode at the end of an address ('… Cheltenham Gloucestershire GL53 8JN' → 'GL53 8JN')."""
    found = _POSTCODE_AT_END.search(address or "")
    return f"{found.group(1).upper()} {found.group(2).upper()}" if found else None


def normalise_uprn(value: str | None) -> tuple[str | None, str | None]:
    """(uprn, problem): digits as written, leading zeros kept; anything else is no UPRN, with the problem."""
    written = text(value)
    if not written:
        return None, None
    if re.fullmatch(r"\d{1,12}", written) and int(written) > 0:
        return written, None
    return None, f"UPRN '{written}' is not a UPRN (1 to 12 digits), left out"


def lookup_key(value: str | None) -> str:
    """A tenure or holding type for lookup: lower case, punctuation other than / and & gone, spaces collapsed."""
    return " ".join(re.sub(r"[^\w/&]+", " ", text(value).lower()).split())


@lru_cache(maxsize=1)
def tenure_table() -> dict[str, str]:
    data = resources.files("totalplace").joinpath("data/estate/tenure.csv").read_text(encoding="utf-8")
    return {lookup_key(r["raw"]): r["tenure"] for r in csv.DictReader(data.splitlines())}


@lru_cache(maxsize=1)
def holding_table() -> dict[str, tuple[str | None, bool]]:
    data = resources.files("totalplace").joinpath("data/estate/holding_type.csv").read_text(encoding="utf-8")
    return {lookup_key(r["raw"]): (r["holding_type"] or None, r["is_use"].strip().lower() == "yes")
            for r in csv.DictReader(data.splitlines())}


# --- reading text files ------------------------------------------------------------------------------------


def decode(path: Path, layout: TextLayout, notes: list[str]) -> tuple[str, str]:
    """The whole file as text, in the encoding the sniffer chose (a file that turns out not to be UTF-8 after
    the sample is read as cp1252, as payment files are); returns (text, encoding as people should see it)."""
    raw = path.read_bytes()[layout.bom_length:]
    label = layout.encoding_label
    if layout.encoding == "cp1252":
        decoded = raw.decode("cp1252", errors="totalplace-latin1")
    else:
        try:
            decoded = codecs.decode(raw, layout.encoding)
        except UnicodeDecodeError as exc:
            if layout.encoding != "utf-8":
                raise IngestError(f"{path.name}: the bytes are not {layout.encoding} text ({exc}).") from exc
            decoded = raw.decode("cp1252", errors="totalplace-latin1")
            label = f"cp1252 (the first {exc.start:,} bytes are also valid UTF-8)"
            notes.append(f"read as cp1252: byte {exc.start:,} is not UTF-8")
    for prefix in BOM_TEXT_PREFIXES:
        if decoded.startswith(prefix):
            decoded = decoded[len(prefix):]
    return decoded, label


MAX_LINE_BREAKS_IN_A_VALUE = 50


def records(decoded: str, delimiter: str, name: str) -> list[list[str]]:
    """The file's records, as a spreadsheet shows them: a quoted value may hold line breaks (one record, one
    row); empty lines are not records (as for payment files). A quote opened and never closed is refused."""
    reader = csv.reader(io.StringIO(decoded, newline=""), delimiter=delimiter, quotechar='"', doublequote=True, strict=False)
    out: list[list[str]] = []
    line = 1
    for record in reader:
        if record and any(c.count("\n") + c.count("\r") > MAX_LINE_BREAKS_IN_A_VALUE for c in record):
            raise IngestError(
                f"{name}: line {line} opens a quoted value that is not closed, so the lines after it would run into "
                "one cell and be lost. Close or remove that quote, then ingest the file again.")
        line = reader.line_num + 1
        if record:
            out.append(record)
    return out


# --- what reading gave -------------------------------------------------------------------------------------


def empty_record(source_id: str, row: int, kind: str) -> dict[str, Any]:
    record = {f.name: None for f in ASSET_SCHEMA}
    record.update(source_id=source_id, row=row, kind=kind)
    return record


@dataclass
class AssetFacts:
    """What reading an estate file produced, before it is committed: every row with its outcome (records), the
    accounting, and the bodies. Shaped like NationalFacts, so ingest writes its manifest the same way."""

    dataset: str
    format: str
    source_id: str
    kind: str | None = None
    description: str = ""
    encoding: str | None = None
    delimiter: str | None = None
    line_endings: str | None = None
    body_given: str | None = None
    rows: list[dict[str, Any]] = field(default_factory=list)
    rows_read: int = 0
    rows_loaded: int = 0
    rows_skipped: int = 0
    rows_rejected: int = 0
    skipped_reasons: Counter = field(default_factory=Counter)
    rejected_reasons: Counter = field(default_factory=Counter)
    flags: Counter = field(default_factory=Counter)
    locations: Counter = field(default_factory=Counter)
    columns: dict[str, str] = field(default_factory=dict)
    extra_columns: list[str] = field(default_factory=list)
    bodies: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    coordinates: str | None = None
    table: pa.Table | None = None

    def record(self, row: int) -> dict[str, Any]:
        return empty_record(self.source_id, row, self.kind or "")

    def skip(self, row: int, reason: str, raw: list[str] | None = None, detail: str | None = None) -> None:
        self.rows_read += 1
        self.rows_skipped += 1
        self.skipped_reasons[reason] += 1
        self.rows.append({**self.record(row), "status": "skipped", "reason": reason, "detail": detail, "raw": raw})

    def reject(self, row: int, reason: str, detail: str | None, raw: list[str] | None) -> None:
        self.rows_read += 1
        self.rows_rejected += 1
        self.rejected_reasons[reason] += 1
        self.rows.append({**self.record(row), "status": "rejected", "reason": reason, "detail": detail, "raw": raw})

    def load(self, record: dict[str, Any]) -> None:
        self.rows_read += 1
        self.rows_loaded += 1
        record["status"] = "loaded"
        self.rows.append(record)

    # --- once every row is read -----------------------------------------------------------------------

    def locate(self) -> None:
        """Grid references to WGS84 (all at once), then the flags: no location, outside the UK."""
        grid = [r for r in self.rows if r["status"] == "loaded" and r["location_source"] == BNG_IN_FILE]
        lons, lats = bng_to_wgs84([r["easting"] for r in grid], [r["northing"] for r in grid])
        for r, lon, lat in zip(grid, lons, lats):
            r["lon"], r["lat"] = lon, lat
        if grid:
            self.coordinates = f"British National Grid to WGS84 by pyproj {_pyproj_version()}: {bng_method()}"
        for r in self.rows:
            if r["status"] != "loaded":
                continue
            if r["lat"] is not None and r["lon"] is not None and not (
                    math.isfinite(r["lat"]) and math.isfinite(r["lon"]) and -90 <= r["lat"] <= 90 and -180 <= r["lon"] <= 180):
                r["detail"] = "; ".join(x for x in (r.get("detail"), f"position ({r['lon']}, {r['lat']}) is not on the Earth: "
                                                    "the coordinates are wrong, so no location is kept") if x)
                r["lat"] = r["lon"] = None
            if r["lat"] is None or r["lon"] is None:
                r["location_flag"] = NO_LOCATION
            elif not in_uk(r["lat"], r["lon"]):
                r["location_flag"] = OUTSIDE_UK
            if r["location_flag"]:
                self.flags[r["location_flag"]] += 1
            self.locations[r["location_source"] or "none"] += 1
        if self.flags.get(OUTSIDE_UK):
            rows = [str(r["row"]) for r in self.rows if r["location_flag"] == OUTSIDE_UK]
            self.warnings.append(f"{len(rows)} locations outside the UK, flagged and loaded (rows {', '.join(rows[:10])}"
                                 + (", …" if len(rows) > 10 else "") + ")")

    def resolve_bodies(self, register: Register, name: str) -> None:
        """The file's bodies (published code and name → the register's body), as payments' body map."""
        pairs: dict[str, tuple[str | None, str | None]] = {}
        for r in self.rows:
            if r["status"] == "loaded" and r["body_key"] and r["body_key"] != ACADEMY_KEY:
                pairs.setdefault(r["body_key"], (r["body_code_published"], r["body_name_published"]))
        named = [k for k, (code, label) in pairs.items() if code or label]
        if "|" in pairs and not named and not self.body_given:
            raise IngestError(no_body_message(name))
        self.bodies = resolve_entries(register, name, pairs, self.body_given, self.warnings)
        if any(r["status"] == "loaded" and r["body_key"] == ACADEMY_KEY for r in self.rows):
            self.bodies.append(academy_entry(register))
        self.description = describe(self.bodies)

    def finish(self, register: Register, name: str) -> None:
        self.locate()
        if self.rows_loaded:
            self.resolve_bodies(register, name)
        elif self.body_given:
            self.description = self.body_given
        columns: dict[str, list[Any]] = {f.name: [] for f in ASSET_SCHEMA}
        for r in self.rows:
            for key in columns:
                columns[key].append(r.get(key))
        self.table = pa.table(columns, schema=ASSET_SCHEMA)

    @property
    def records(self) -> int:
        return self.rows_loaded

    def write(self, folder: Path) -> str:
        name = f"{self.dataset}.parquet"
        pq.write_table(self.table, folder / name, compression="zstd")
        return name

    def accounting(self) -> dict[str, Any]:
        """The manifest's accounting keys, as payments and national sources have them, and this kind's own."""
        return {
            "sheets": [], "encoding": self.encoding, "delimiter": self.delimiter, "line_endings": self.line_endings,
            "body_given": self.body_given,
            "rows_read": self.rows_read, "rows_loaded": self.rows_loaded, "rows_rejected": self.rows_rejected,
            "rows_skipped": self.rows_skipped,
            "skipped_reasons": dict(sorted(self.skipped_reasons.items())),
            "rejected_reasons": dict(sorted(self.rejected_reasons.items())),
            "loaded_pence": 0, "rejected_pence": 0, "declared_total_pence": None, "difference_pence": None,
            "date_min": None, "date_max": None, "years": [], "records": self.records,
            "kind": self.kind, "flags": dict(sorted(self.flags.items())), "locations": dict(sorted(self.locations.items())),
            "coordinates": self.coordinates, "columns": dict(self.columns), "extra_columns": list(self.extra_columns),
            "notes": list(self.notes),
        }


def _pyproj_version() -> str:
    import pyproj

    return pyproj.__version__


def extra_json(values: dict[str, str]) -> str | None:
    """The file's other columns as JSON (header → value as written), empty ones left out; None when none."""
    kept = {k: v for k, v in values.items() if v is not None and str(v).strip() != ""}
    return json.dumps(kept, ensure_ascii=False) if kept else None


# --- whose assets ------------------------------------------------------------------------------------------


def describe(entries: list[dict[str, Any]]) -> str:
    """The bodies of a file for people: each named where there are a few, counted where there are many (an
    ERIC file names every NHS trust)."""
    bodies = {(e["body_id"], e["body_name"]) for e in entries if e.get("body_name")}
    if len(bodies) <= 5:
        return describe_bodies(entries) or ""
    known = sum(1 for body_id, _ in bodies if body_id)
    return f"{len(bodies)} bodies ({known} in the register)"


def no_body_message(name: str) -> str:
    return (f"{name}: the file does not say which body holds these assets (no column such as 'Organisation', "
            "'OrganisationLabel' or 'OrganisationURI'). Say whose they are with --body NAME|CODE, "
            "e.g. --body 'Lambeth' or --body E09000022.")


def body_key(code: str | None, label: str | None) -> str:
    return f"{code or ''}|{label or ''}"


def resolve_entries(register: Register, name: str, pairs: dict[str, tuple[str | None, str | None]],
                    given: str | None, warnings: list[str]) -> list[dict[str, Any]]:
    keys = list(pairs)
    entries = resolve_bodies(register, name, [pairs[k] for k in keys], given, None, warnings)
    if not keys and entries:  # no body column at all: every row is the given body's
        keys = ["|"]
    for key, entry in zip(keys, entries):
        entry["key"] = key
    return entries


def academy_entry(register: Register) -> dict[str, Any]:
    body, _ = register.resolve(ACADEMY_BODY)
    how = "academy: funded by the Department for Education and held outside the council"
    if body is None:
        return {"key": ACADEMY_KEY, "published_code": None, "published_name": None, "body_id": None,
                "body_name": ACADEMY_NAME, "how": how + " (not in the register: none loaded)"}
    return {"key": ACADEMY_KEY, "published_code": None, "published_name": None, "body_id": body.body_id,
            "body_name": body.name, "how": how}


def rematch_assets(register: Register, manifest: dict[str, Any]) -> bool:
    """Resolve an ingested asset file's bodies again (after the register changed); True when any changed."""
    old = manifest.get("bodies", [])
    if not old:
        return False
    pairs = {e["key"]: (e.get("published_code"), e.get("published_name")) for e in old if e.get("key") != ACADEMY_KEY}
    warnings: list[str] = []
    try:
        entries = resolve_entries(register, manifest["file"], pairs, manifest.get("body_given"), warnings) if pairs else []
    except IngestError:
        return False
    if any(e.get("key") == ACADEMY_KEY for e in old):
        entries.append(academy_entry(register))
    if entries == old:
        return False
    manifest["bodies"] = entries
    manifest["body"] = describe(entries)
    manifest["warnings"] = [w for w in manifest.get("warnings", []) if "register" not in w] + warnings
    return True
