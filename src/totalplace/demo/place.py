"""The demo place, Demoshire: its (synthetic) register and its bodies' payment files in real-world layouts.

SYNTHETIC DATA. Demoshire, its councils, its ICB and every payment are invented; codes use the unused
E..999.. range so they can never be mistaken for real ones.
"""

from __future__ import annotations

import csv
import datetime as dt
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .layouts import LAYOUTS, DemoBody, Written, zip_member
from .payments import SYNTHETIC_LABEL, payments

COUNTY = DemoBody("DMC", "Demoshire County Council", "99DM", "demoshire", "county-council")
NORTHTOWN = DemoBody("NTN", "Northtown Borough Council", "99NT", "northtown", "non-metropolitan-district-council")
SOUTHVALE = DemoBody("SVL", "Southvale District Council", "99SV", "southvale", "non-metropolitan-district-council")
ICB = DemoBody("E54999001", "NHS Demoshire Integrated Care Board", "QZZ", "demoshire-icb", "icb")
POLICE = DemoBody("E23999001", "Demoshire Police and Crime Commissioner", "", "demoshire-pcc", "pcc")

_REGISTER_HEADER = [
    "local-authority-code", "official-name", "nice-name", "gss-code", "start-date", "end-date", "nation", "region",
    "local-authority-type", "local-authority-type-name", "county-la", "alt-names", "snac", "gov-uk-slug", "ecode",
]


@dataclass(frozen=True)
class DemoFile:
    name: str
    layout: str
    body: DemoBody
    seed: int
    start: dt.date
    days: int = 30


DEMO_FILES = [
    DemoFile("demoshire_county_payments_2024-06.csv", "lga_csv", COUNTY, 1, dt.date(2024, 6, 1)),
    DemoFile("demoshire_county_2024-05_legacy.csv", "bvacop_csv", COUNTY, 2, dt.date(2024, 5, 1)),
    DemoFile("northtown_over_500_2024-06.csv", "preamble_cp1252", NORTHTOWN, 3, dt.date(2024, 6, 1)),
    DemoFile("southvale_spend_2024-06.xls", "csv_named_xls", SOUTHVALE, 4, dt.date(2024, 6, 1)),
    DemoFile("southvale_spend_2024-07.ods", "ods", SOUTHVALE, 5, dt.date(2024, 7, 1)),
    DemoFile("demoshire_pcc_spend_2024-25.xlsx", "monthly_xlsx", POLICE, 6, dt.date(2024, 4, 1), days=365),
    DemoFile("nhs_demoshire_icb_payments_2024-25.xlsx", "icb_xlsx", ICB, 7, dt.date(2024, 4, 1), days=365),
]
ZIPPED = DemoFile("demoshire_county_payments_2024-07.csv", "lga_csv", COUNTY, 8, dt.date(2024, 7, 1))
ZIP_NAME = "demoshire_county_2024-07.zip"


POPULATIONS = {"DMC": 250_000, "NTN": 150_000, "SVL": 100_000}  # invented


def write_register(folder: Path, populations: bool = False) -> list[Path]:
    """Demoshire's bodies as reference files in the layouts `totalplace reference load` reads (with invented
    populations if asked: the demo's count shares by them)."""
    folder.mkdir(parents=True, exist_ok=True)
    councils = folder / "uk_local_authorities_mysociety.csv"
    pop = (lambda code: [POPULATIONS[code]]) if populations else (lambda code: [])
    with councils.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(_REGISTER_HEADER + (["pop-2020"] if populations else []))
        w.writerow(["DMC", COUNTY.name, "Demoshire", "E10999001", "", "", "England", "Demo Region", "CTY", "County", "",
                    "Demoshire,demoshire county council,Demoshire CC", COUNTY.snac, COUNTY.slug, "E9901"] + pop("DMC"))
        w.writerow(["NTN", NORTHTOWN.name, "Northtown", "E07999001", "", "", "England", "Demo Region", "NMD",
                    "Non-metropolitan district", "DMC", "Northtown,northtown borough council,Northtown BC",
                    NORTHTOWN.snac, NORTHTOWN.slug, "E9902"] + pop("NTN"))
        w.writerow(["SVL", SOUTHVALE.name, "Southvale", "E07999002", "", "", "England", "Demo Region", "NMD",
                    "Non-metropolitan district", "DMC", "Southvale,southvale district council,Southvale DC",
                    SOUTHVALE.snac, SOUTHVALE.slug, "E9903"] + pop("SVL"))
    icb = folder / "ons_ICB24_names_codes.csv"
    with icb.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["ICB24CD", "ICB24CDH", "ICB24NM", "ObjectId"])
        w.writerow([ICB.code, ICB.snac, ICB.name, 1])
    police = folder / "ons_LAD19_to_CSP19_to_PFA19_EW.csv"
    with police.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["FID", "LAD19CD", "LAD19NM", "CSP19CD", "CSP19NM", "PFA19CD", "PFA19NM"])
        w.writerow([1, "E07999001", "Northtown", "E22999001", "Northtown", POLICE.code, "Demoshire"])
        w.writerow([2, "E07999002", "Southvale", "E22999002", "Southvale", POLICE.code, "Demoshire"])
    (folder / "README.txt").write_text(f"{SYNTHETIC_LABEL}: reference files for the demo place.\n", encoding="utf-8")
    return [councils, icb, police]


def write_demo_file(folder: Path, spec: DemoFile, rows: int) -> Written:
    writer, _ = LAYOUTS[spec.layout]
    return writer(folder / spec.name, spec.body, payments(spec.seed, rows, spec.start, spec.days))


def write_demo_place(folder: Path, rows_per_file: int = 2000) -> list[Written]:
    """Write Demoshire's reference files (folder/reference) and payment files (folder/inputs)."""
    write_register(folder / "reference")
    inputs = folder / "inputs"
    inputs.mkdir(parents=True, exist_ok=True)
    written = [write_demo_file(inputs, spec, rows_per_file) for spec in DEMO_FILES]
    staging = folder / "inputs" / ZIPPED.name
    zipped = write_demo_file(inputs, ZIPPED, rows_per_file)
    with zipfile.ZipFile(inputs / ZIP_NAME, "w") as z:
        zip_member(z, ZIPPED.name, staging.read_bytes())
    staging.unlink()
    zipped.path = inputs / ZIP_NAME
    written.append(zipped)
    return written
