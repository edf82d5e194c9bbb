"""The register of public bodies that spending files are matched against.

`load_register_files` reads published reference files (the project keeps no copy of them):
  uk_local_authorities_mysociety.csv       councils, combined authorities, the GLA: codes of every era
  mysociety_lookup_name_to_registry.csv    name variants, misspellings included
  ons_ICB24_names_codes.csv                NHS integrated care boards
  ons_CCG20_to_STP20_England.csv           NHS clinical commissioning groups (2020)
A later stage broadens it (police, fire, central government, trusts). Lookups accept a code (GSS, SNAC/old
ONS, E-code, register code, ODS code), a URI ending in one (statistics.data.gov.uk, opendatacommunities.org
slugs) or a name in any common form.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

MYSOCIETY_FILE = "uk_local_authorities_mysociety.csv"
MYSOCIETY_NAMES_FILE = "mysociety_lookup_name_to_registry.csv"
ICB_FILE = "ons_ICB24_names_codes.csv"
CCG_FILE = "ons_CCG20_to_STP20_England.csv"
REGISTER_FILE = "register.json"

_SUFFIXES = {"integrated care board": "icb", "clinical commissioning group": "ccg"}


@dataclass
class Body:
    body_id: str
    name: str
    kind: str  # council, combined_authority, regional_authority, nhs_icb, nhs_ccg, ...
    subtype: str = ""
    gss: str = ""
    start_date: str = ""
    end_date: str = ""
    codes: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    source: str = ""

    def active_on(self, day: dt.date) -> bool:
        if self.start_date and day.isoformat() < self.start_date:
            return False
        if self.end_date and day.isoformat() >= self.end_date:
            return False
        return True


def name_key(text: str) -> str:
    """A body name normalised for lookup."""
    text = text.lower().replace("&", " and ")
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    text = re.sub(r"^the ", "", text)
    for long, short in _SUFFIXES.items():
        text = text.replace(long, short)
    return re.sub(r"\s+", " ", text)


def code_key(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]", "", text).upper()


class RegisterError(ValueError):
    """Reference files missing or unreadable."""


class Register:
    """Bodies and the keys that find them."""

    def __init__(self, bodies: list[Body]):
        self.bodies = {b.body_id: b for b in bodies}
        self._codes: dict[str, set[str]] = {}
        self._names: dict[str, set[str]] = {}
        for b in bodies:
            for c in {b.body_id, b.gss, *b.codes}:
                if c:
                    self._codes.setdefault(code_key(c), set()).add(b.body_id)
            for n in {b.name, *b.names}:
                if n:
                    self._names.setdefault(name_key(n), set()).add(b.body_id)

    def __len__(self) -> int:
        return len(self.bodies)

    def candidates(self, value: str) -> list[Body]:
        """Every body `value` could mean: by code, by the last part of a URI, or by name."""
        text = value.strip()
        if not text:
            return []
        keys: list[str] = []
        if "/" in text:
            segment = text.rstrip("/").rsplit("/", 1)[-1]
            keys.append(segment)
            text_for_name = segment.replace("-", " ")
        else:
            keys.append(text)
            text_for_name = text
        found: set[str] = set()
        for k in keys:
            found |= self._codes.get(code_key(k), set())
        if not found:
            found |= self._names.get(name_key(text_for_name), set())
        return [self.bodies[i] for i in sorted(found)]

    def nearest(self, value: str, limit: int = 3) -> list[Body]:
        """Bodies whose names are close to `value` (for 'did you mean …?')."""
        from rapidfuzz import fuzz, process

        found = process.extract(name_key(value), list(self._names), scorer=fuzz.ratio, limit=limit * 3, score_cutoff=85)
        ids = list(dict.fromkeys(i for key, _, _ in found for i in sorted(self._names[key])))
        return [self.bodies[i] for i in ids[:limit]]

    def resolve(self, value: str, on: dt.date | None = None) -> tuple[Body | None, list[Body]]:
        """The one body `value` means (preferring one in existence on `on`), and all candidates."""
        found = self.candidates(value)
        if len(found) > 1 and on is not None:
            active = [b for b in found if b.active_on(on)]
            if len(active) == 1:
                return active[0], found
        return (found[0] if len(found) == 1 else None), found

    # --- persistence -------------------------------------------------------------------------------------

    def save(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / REGISTER_FILE
        tmp = folder / f".{REGISTER_FILE}.tmp"
        tmp.write_text(json.dumps([asdict(b) for b in self.bodies.values()], ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)
        return path

    @classmethod
    def load(cls, folder: Path) -> "Register":
        path = folder / REGISTER_FILE
        if not path.exists():
            return cls([])
        return cls([Body(**b) for b in json.loads(path.read_text(encoding="utf-8"))])


_COUNCIL_KINDS = {"COMB": "combined_authority", "SRA": "regional_authority"}


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def load_register_files(folder: Path) -> tuple[Register, dict[str, int]]:
    """Read the reference files found in `folder` into a register; returns it and the rows read per file."""
    main = folder / MYSOCIETY_FILE
    if not main.exists():
        raise RegisterError(
            f"{folder}: no {MYSOCIETY_FILE} here. Point `totalplace reference load` at the folder holding the "
            "mySociety register of local authorities (e.g. ../shared/data/real/reference_geography)."
        )
    counts: dict[str, int] = {}
    bodies: dict[str, Body] = {}
    rows = _read_csv(main)
    counts[MYSOCIETY_FILE] = len(rows)
    for r in rows:
        code = r["local-authority-code"].strip()
        if not code:
            continue
        codes = [r.get(k, "") for k in ("gss-code", "ecode", "snac", "BS-6879", "gov-uk-slug", "wdtk-id")]
        codes += [c for c in r.get("former-gss-codes", "").split(",")]
        old = r.get("old-ons-la-code", "").strip()
        if old and not old.isdigit():  # '00DA'-style codes; the bare numbers of old registers collide
            codes.append(old)
        names = [r.get("nice-name", "")] + [n for n in r.get("alt-names", "").split(",")]
        bodies[code] = Body(
            body_id=code,
            name=r["official-name"].strip(),
            kind=_COUNCIL_KINDS.get(r.get("local-authority-type", ""), "council"),
            subtype=r.get("local-authority-type-name", ""),
            gss=r.get("gss-code", "").strip(),
            start_date=r.get("start-date", "").strip(),
            end_date=r.get("end-date", "").strip(),
            codes=sorted({c.strip() for c in codes if c and c.strip()}),
            names=sorted({n.strip() for n in names if n.strip()}),
            source=MYSOCIETY_FILE,
        )
    lookup = folder / MYSOCIETY_NAMES_FILE
    if lookup.exists():
        rows = _read_csv(lookup)
        counts[MYSOCIETY_NAMES_FILE] = len(rows)
        for r in rows:
            body = bodies.get(r.get("local-authority-code", "").strip())
            if body is not None and r.get("la-name", "").strip():
                body.names.append(r["la-name"].strip())
    icb = folder / ICB_FILE
    if icb.exists():
        rows = _read_csv(icb)
        counts[ICB_FILE] = len(rows)
        for r in rows:
            gss = r["ICB24CD"].strip()
            bodies[gss] = Body(gss, r["ICB24NM"].strip(), "nhs_icb", "Integrated care board", gss=gss,
                               start_date="2022-07-01", codes=[r.get("ICB24CDH", "").strip()], source=ICB_FILE)
    ccg = folder / CCG_FILE
    if ccg.exists():
        rows = _read_csv(ccg)
        counts[CCG_FILE] = len(rows)
        for r in rows:
            gss = r["CCG20CD"].strip()
            bodies[gss] = Body(gss, r["CCG20NM"].strip(), "nhs_ccg", "Clinical commissioning group", gss=gss,
                               end_date="2022-07-01", codes=[r.get("CCG20CDH", "").strip()], source=CCG_FILE)
    return Register(list(bodies.values())), counts
