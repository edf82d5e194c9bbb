"""The register of public bodies: who they are, what kind, which place they serve, and every name and code
they go by.

`load_register_files` reads published reference files (the project keeps no copy of them):
  reference_geography/uk_local_authorities_mysociety.csv    councils of every era, combined authorities, GLA
  reference_geography/mysociety_lookup_name_to_registry.csv name variants, misspellings included
  reference_geography/ons_ICB24_names_codes.csv             NHS integrated care boards
  reference_geography/ons_CCG20_to_STP20_England.csv        NHS clinical commissioning groups (2020)
  reference_geography/ons_LAD19_to_CSP19_to_PFA19_EW.csv    police force areas: one police body each
  reference_geography/ons_LAD19_to_FRA19_EW.csv             fire and rescue authority areas: one fire body each
  nhs_estates/ods_etr_nhs_trusts.csv                        NHS trusts (ODS), found beside the geography folder
  reference_finance/cra_departments.csv                     central government departments (HM Treasury CRA)
and the package's own data: `public_bodies.csv` (central government's current names and agencies, other public
bodies, NHS national bodies, public pension funds, HMRC) and `body_name_templates.csv` (the ways police and
fire bodies are named). Lookups accept a code (GSS, SNAC/old ONS, E-code, register code, ODS code, CRA code),
a URI ending in one, or a name in any common form.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

MYSOCIETY_FILE = "uk_local_authorities_mysociety.csv"
MYSOCIETY_NAMES_FILE = "mysociety_lookup_name_to_registry.csv"
ICB_FILE = "ons_ICB24_names_codes.csv"
CCG_FILE = "ons_CCG20_to_STP20_England.csv"
PFA_FILE = "ons_LAD19_to_CSP19_to_PFA19_EW.csv"
FRA_FILE = "ons_LAD19_to_FRA19_EW.csv"
TRUSTS_FILE = "ods_etr_nhs_trusts.csv"
DEPARTMENTS_FILE = "cra_departments.csv"
REGISTER_FILE = "register.json"

# What kind of counterparty each kind of body is, when it is paid.
COUNTERPARTY_TYPES = {
    "council": "council", "combined_authority": "council", "regional_authority": "council",
    "police": "police", "fire": "fire",
    "nhs_icb": "nhs", "nhs_ccg": "nhs", "nhs_trust": "nhs", "nhs": "nhs",
    "central_government": "central_government", "tax": "tax_statutory",
    "other_public": "other_public", "pension_fund": "pension_fund",
}

_SUFFIXES = {"integrated care board": "icb", "clinical commissioning group": "ccg"}

# Real names that the templates do not produce.
_POLICE_NAMES = {
    "E23000001": ("Mayor's Office for Policing and Crime", ["MOPAC", "Metropolitan Police Service", "Metropolitan Police",
                  "Met Police", "Commissioner of Police of the Metropolis", "Metropolitan Police Authority"]),
    "E23000034": ("City of London Police", ["Commissioner of the City of London Police", "City of London Police Authority"]),
}
_FIRE_NAMES = {
    "E31000046": ("London Fire Commissioner", ["London Fire Brigade", "LFB", "LFEPA",
                  "London Fire and Emergency Planning Authority", "London Fire & Emergency Planning Authority"]),
}
_EXTRA_AREAS = {
    "Nottinghamshire and City of Nottingham": ["Nottinghamshire"],
    "Stoke-on-Trent and Staffordshire": ["Staffordshire"],
    "County Durham and Darlington": ["Durham", "County Durham"],
    "Buckinghamshire & Milton Keynes": ["Buckinghamshire"],
    "Dyfed-Powys": ["Dyfed Powys"],
    "Hereford & Worcester": ["Hereford and Worcester"],
}


@dataclass
class Body:
    body_id: str
    name: str
    kind: str  # council, combined_authority, regional_authority, police, fire, nhs_icb, nhs_ccg, nhs_trust, nhs,
    #            central_government, tax, other_public, pension_fund
    subtype: str = ""
    gss: str = ""
    start_date: str = ""
    end_date: str = ""
    codes: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    source: str = ""
    place: str = ""  # the GSS code of the place it serves, where it has one
    note: str = ""

    @property
    def counterparty_type(self) -> str:
        return COUNTERPARTY_TYPES.get(self.kind, "other_public")

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

    def name_keys(self) -> dict[str, set[str]]:
        """Every normalised name and the bodies it means (for the supplier matcher)."""
        return self._names

    def code_keys(self) -> dict[str, set[str]]:
        return self._codes

    def candidates(self, value: str) -> list[Body]:
        """Every body `value` could mean: by code, by the last part of a URI, or by name."""
        text = value.strip()
        if not text:
            return []
        if "/" in text:
            segment = text.rstrip("/").rsplit("/", 1)[-1]
            keys, text_for_name = [segment], segment.replace("-", " ")
        else:
            keys, text_for_name = [text], text
        found: set[str] = set()
        for k in keys:
            found |= self._codes.get(code_key(k), set())
        if not found:
            found |= self._names.get(name_key(text_for_name), set())
        return [self.bodies[i] for i in sorted(found)]

    def resolve(self, value: str, on: dt.date | None = None) -> tuple[Body | None, list[Body]]:
        """The one body `value` means (preferring one in existence on `on`), and all candidates."""
        found = self.candidates(value)
        if len(found) > 1 and on is not None:
            active = [b for b in found if b.active_on(on)]
            if len(active) == 1:
                return active[0], found
        return (found[0] if len(found) == 1 else None), found

    def nearest(self, value: str, limit: int = 3) -> list[Body]:
        """Bodies whose names are close to `value` (for 'did you mean …?')."""
        from rapidfuzz import fuzz, process

        found = process.extract(name_key(value), list(self._names), scorer=fuzz.ratio, limit=limit * 3, score_cutoff=85)
        ids = list(dict.fromkeys(i for key, _, _ in found for i in sorted(self._names[key])))
        return [self.bodies[i] for i in ids[:limit]]

    def by_kind(self) -> dict[str, int]:
        kinds: dict[str, int] = {}
        for body in self.bodies.values():
            kinds[body.kind] = kinds.get(body.kind, 0) + 1
        return dict(sorted(kinds.items()))

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
        return [{(k or "").strip(): (v or "").strip() for k, v in row.items()} for row in csv.DictReader(f)]


@lru_cache(maxsize=1)
def _templates() -> dict[str, list[str]]:
    text = resources.files("totalplace").joinpath("data/body_name_templates.csv").read_text(encoding="utf-8")
    out: dict[str, list[str]] = {}
    for row in csv.DictReader(text.splitlines()):
        out.setdefault(row["kind"], []).append(row["template"])
    return out


def packaged_bodies() -> list[Body]:
    """The bodies the package itself lists (data/public_bodies.csv)."""
    text = resources.files("totalplace").joinpath("data/public_bodies.csv").read_text(encoding="utf-8")
    bodies = []
    for row in csv.DictReader(text.splitlines()):
        bodies.append(Body(
            body_id=row["body_id"], name=row["name"], kind=row["kind"],
            names=[n.strip() for n in row.get("aliases", "").split(";") if n.strip()],
            codes=[c.strip() for c in row.get("codes", "").split(";") if c.strip()],
            source="public_bodies.csv", note=row.get("note", ""),
        ))
    return bodies


def _area_names(area: str) -> list[str]:
    names = [area] + _EXTRA_AREAS.get(area, [])
    if area.startswith("London, City of"):
        names.append("City of London")
    return names


def _templated(kind: str, areas: list[str]) -> list[str]:
    return [t.format(area=a) for a in areas for t in _templates()[kind]]


def _neighbour(folder: Path, *parts: str) -> Path | None:
    """A reference file in `folder` or in a sibling folder (nhs_estates/, reference_finance/ beside the geography)."""
    for candidate in (folder / parts[-1], folder.parent.joinpath(*parts)):
        if candidate.exists():
            return candidate
    return None


def load_register_files(folder: Path) -> tuple[Register, dict[str, int]]:
    """Read the reference files found in `folder` (and its siblings) into a register; returns it and the rows
    read per file."""
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
        code = r["local-authority-code"]
        if not code:
            continue
        codes = [r.get(k, "") for k in ("gss-code", "ecode", "snac", "BS-6879", "gov-uk-slug", "wdtk-id")]
        codes += r.get("former-gss-codes", "").split(",")
        old = r.get("old-ons-la-code", "")
        if old and not old.isdigit():  # '00DA'-style codes; the bare numbers of old registers collide
            codes.append(old)
        names = [r.get("nice-name", "")] + r.get("alt-names", "").split(",")
        if r.get("nice-name"):  # how many councils name themselves ("Bolton Council"); an ambiguous one finds no body
            names.append(f"{r['nice-name']} Council")
        bodies[code] = Body(
            body_id=code, name=r["official-name"], kind=_COUNCIL_KINDS.get(r.get("local-authority-type", ""), "council"),
            subtype=r.get("local-authority-type-name", ""), gss=r.get("gss-code", ""),
            start_date=r.get("start-date", ""), end_date=r.get("end-date", ""),
            codes=sorted({c.strip() for c in codes if c and c.strip()}),
            names=sorted({n.strip() for n in names if n.strip()}), source=MYSOCIETY_FILE, place=r.get("gss-code", ""),
        )
    lookup = folder / MYSOCIETY_NAMES_FILE
    if lookup.exists():
        rows = _read_csv(lookup)
        counts[MYSOCIETY_NAMES_FILE] = len(rows)
        for r in rows:
            body = bodies.get(r.get("local-authority-code", ""))
            if body is not None and r.get("la-name"):
                body.names.append(r["la-name"])
    if (folder / ICB_FILE).exists():
        rows = _read_csv(folder / ICB_FILE)
        counts[ICB_FILE] = len(rows)
        for r in rows:
            gss = r["ICB24CD"]
            bodies[gss] = Body(gss, r["ICB24NM"], "nhs_icb", "Integrated care board", gss=gss, start_date="2022-07-01",
                               codes=[r.get("ICB24CDH", "")], source=ICB_FILE, place=gss)
    if (folder / CCG_FILE).exists():
        rows = _read_csv(folder / CCG_FILE)
        counts[CCG_FILE] = len(rows)
        for r in rows:
            gss = r["CCG20CD"]
            bodies[gss] = Body(gss, r["CCG20NM"], "nhs_ccg", "Clinical commissioning group", gss=gss,
                               end_date="2022-07-01", codes=[r.get("CCG20CDH", "")], source=CCG_FILE, place=gss)
    if (folder / PFA_FILE).exists():
        rows = _read_csv(folder / PFA_FILE)
        counts[PFA_FILE] = len(rows)
        for code, area in sorted({(r["PFA19CD"], r["PFA19NM"]) for r in rows}):
            areas = _area_names(area)
            official, extra = _POLICE_NAMES.get(code, (f"Police and Crime Commissioner for {area}", []))
            bodies[code] = Body(code, official, "police", "Police force area body (PCC and force)", gss=code,
                                names=sorted(set(_templated("police", areas) + extra)), source=PFA_FILE, place=code)
    if (folder / FRA_FILE).exists():
        rows = _read_csv(folder / FRA_FILE)
        counts[FRA_FILE] = len(rows)
        for code, area in sorted({(r["FRA19CD"], r["FRA19NM"]) for r in rows}):
            areas = _area_names(area)
            official, extra = _FIRE_NAMES.get(code, (f"{area} Fire and Rescue Authority", []))
            bodies[code] = Body(code, official, "fire", "Fire and rescue authority", gss=code,
                                names=sorted(set(_templated("fire", areas) + extra)), source=FRA_FILE, place=code)
    trusts = _neighbour(folder, "nhs_estates", TRUSTS_FILE)
    if trusts is not None:
        icbs = {b.codes[0]: b.gss for b in bodies.values() if b.kind == "nhs_icb" and b.codes}
        with trusts.open(encoding="utf-8-sig", newline="") as f:
            rows_t = list(csv.reader(f))
        counts[TRUSTS_FILE] = len(rows_t)
        for r in rows_t:
            if len(r) < 2 or not r[0].strip():
                continue
            ods, name = r[0].strip(), _title(r[1].strip())
            # an ODS code that is also a council's register code (RCC: Redcar and Cleveland, and a trust) must not
            # replace the council: the trust takes the id 'NHS:RCC' (its ODS code still finds it)
            body_id = ods if ods not in bodies or bodies[ods].kind == "nhs_trust" else f"NHS:{ods}"
            bodies[body_id] = Body(body_id, name, "nhs_trust", "NHS trust", codes=[ods], names=_trust_variants(name),
                               source=TRUSTS_FILE, place=icbs.get(r[3].strip(), "") if len(r) > 3 else "",
                               start_date=_ods_date(r[10]) if len(r) > 10 else "",
                               end_date=_ods_date(r[11]) if len(r) > 11 else "")
    packaged = {b.body_id: b for b in packaged_bodies()}
    claimed = {code_key(c): b.body_id for b in packaged.values() for c in b.codes}
    departments = _neighbour(folder, "reference_finance", DEPARTMENTS_FILE)
    if departments is not None:
        rows = _read_csv(departments)
        counts[DEPARTMENTS_FILE] = len(rows)
        seen: dict[str, str] = {}
        for r in rows:
            code, name = r.get("code", ""), r.get("name", "")
            if not code or not name or not re.search(r"[a-z]", name) or "Adjustment" in name or name.startswith("ENG_"):
                continue  # entries for local-government data, not departments
            owner = claimed.get(code_key(code)) or seen.get(name_key(name))
            if owner is None:
                owner = code
                bodies[code] = Body(code, name, "central_government", "Central government department",
                                    source=DEPARTMENTS_FILE)
                seen[name_key(name)] = code
            target = packaged.get(owner) or bodies[owner]
            target.codes = sorted(set(target.codes) | {code})
            target.names = sorted(set(target.names) | {name})
    for body in packaged.values():
        bodies[body.body_id] = body
    return Register(list(bodies.values())), counts


def _title(upper: str) -> str:
    """'NORTH LONDON NHS FOUNDATION TRUST' as 'North London NHS Foundation Trust'."""
    small = {"and", "of", "the", "for", "on", "upon", "in"}
    words = [w.lower() if i and w.lower() in small else w.capitalize() for i, w in enumerate(upper.split())]
    return " ".join("NHS" if w.lower() == "nhs" else w for w in words)


def _ods_date(text: str) -> str:
    text = text.strip()
    return f"{text[:4]}-{text[4:6]}-{text[6:8]}" if re.fullmatch(r"\d{8}", text) else ""


def _trust_variants(name: str) -> list[str]:
    """'X NHS Foundation Trust' is also 'X NHS FT', 'X Foundation Trust', 'X NHS Trust' and plain 'X'."""
    core = re.sub(r"\s*(NHS\s+)?(Foundation\s+)?Trust$", "", name, flags=re.I).strip()
    return sorted({name, f"{core} NHS Foundation Trust", f"{core} NHS FT", f"{core} Foundation Trust", f"{core} NHS Trust"})
