"""Synthetic payments for the demo place "Demoshire" — SYNTHETIC DATA, not any real body's spending.

Deterministic by seed, of any size, streamed (a 5-million-row file never sits in memory). The names of
bodies, suppliers and services are invented; the shapes (amount spread, credit notes, redactions, public
bodies among the suppliers) follow what real payment files show.
"""

from __future__ import annotations

import datetime as dt
import random
import zlib
from dataclasses import dataclass
from typing import Iterator

SYNTHETIC_LABEL = "SYNTHETIC demo data (Demoshire is not a real place)"

SERVICES = [
    ("Adult Social Care", ["Residential Care", "Home Care", "Day Services", "Direct Payments"]),
    ("Children's Services", ["Foster Care", "Children's Homes", "Early Help", "Schools Support"]),
    ("Highways and Transport", ["Road Maintenance", "Street Lighting", "Winter Gritting", "Concessionary Fares"]),
    ("Environment", ["Waste Collection", "Waste Disposal", "Parks", "Street Cleaning"]),
    ("Housing", ["Homelessness", "Temporary Accommodation", "Housing Grants", "Disabled Facilities"]),
    ("Resources", ["ICT", "Finance", "Legal Services", "Property Services"]),
    ("Public Health", ["Drug and Alcohol Services", "Sexual Health", "Health Visiting", "Stop Smoking"]),
]
EXPENSE_TYPES = [
    ("Third Party Payments", ["Private Contractors", "Voluntary Organisations", "Other Local Authorities"]),
    ("Supplies and Services", ["Equipment", "Professional Fees", "Computer Software", "Printing"]),
    ("Premises", ["Repairs and Maintenance", "Energy", "Rents", "Cleaning"]),
    ("Transport", ["Vehicle Hire", "Fuel", "Public Transport"]),
    ("Capital", ["Construction", "Vehicles and Plant"]),
]
PRIVATE_SUPPLIERS = [
    "Northtown Care Homes Ltd", "Greenfield Fostering Services Ltd", "Demoshire Roadways Plc", "Brightway Taxis",
    "Oakleaf Residential Care Ltd", "Riverside Waste Management Ltd", "Castle IT Solutions Ltd",
    "Meadow Grounds Maintenance", "Hillside Construction Ltd", "Valley Legal LLP", "Sunrise Home Care Ltd",
    "Beacon Energy Supply Ltd", "Harbour Cleaning Services", "Summit Consulting Ltd", "Willow Day Services CIC",
    "Kingsway Builders Merchants", "Ashford Office Supplies", "Greenlight Street Lighting Ltd",
    "Demoshire Credit Union", "Parkside Nursery Ltd", "Northtown Community Transport", "Fernhill Hospice",
    "Demoshire Citizens Advice", "Redbrick Housing Association", "Elmwood School Trust",
]
PUBLIC_SUPPLIERS = [
    "Demoshire County Council", "Northtown Borough Council", "Southvale District Council",
    "NHS Demoshire Integrated Care Board", "HM Revenue & Customs", "Demoshire Police", "Demoshire Fire and Rescue Service",
]
REDACTED = "REDACTED PERSONAL DATA"


@dataclass
class Payment:
    number: int
    date: dt.date
    amount_pence: int
    supplier: str
    supplier_id: str
    directorate: str
    service: str
    category: str
    expense_type: str
    expense_code: str
    capital: bool
    description: str


def payments(seed: int, rows: int, start: dt.date, days: int = 30) -> Iterator[Payment]:
    """`rows` synthetic payments dated from `start` over `days` days."""
    rng = random.Random(seed)
    suppliers = PRIVATE_SUPPLIERS + PUBLIC_SUPPLIERS
    weights = [3] * len(PRIVATE_SUPPLIERS) + [1] * len(PUBLIC_SUPPLIERS)
    for n in range(rows):
        directorate, services = SERVICES[rng.randrange(len(SERVICES))]
        category, types = EXPENSE_TYPES[rng.randrange(len(EXPENSE_TYPES))]
        pounds = min(rng.lognormvariate(7.6, 1.3), 4_000_000)
        pence = max(50_000, int(pounds * 100))
        if rng.random() < 0.01:
            pence = -pence // 3  # credit notes
        redacted = rng.random() < 0.03
        supplier = REDACTED if redacted else rng.choices(suppliers, weights)[0]
        expense_type = types[rng.randrange(len(types))]
        yield Payment(
            number=n + 1,
            date=start + dt.timedelta(days=rng.randrange(days)),
            amount_pence=pence,
            supplier=supplier,
            supplier_id="REDACTED" if redacted else f"S{zlib.crc32(supplier.encode()) % 90000 + 10000}",
            directorate=directorate,
            service=services[rng.randrange(len(services))],
            category=category,
            expense_type=expense_type,
            expense_code=str(200 + EXPENSE_TYPES.index((category, types)) * 10 + types.index(expense_type)),
            capital=category == "Capital",
            description=f"{expense_type} - {directorate}".upper(),
        )


def pounds_text(pence: int, currency: bool = False, thousands: bool = False) -> str:
    """Pence written the ways publishers write them: 1234.56, 1,234.56, £1,234.56, -£16,902.11."""
    sign = "-" if pence < 0 else ""
    whole, part = divmod(abs(pence), 100)
    number = f"{whole:,}.{part:02d}" if thousands else f"{whole}.{part:02d}"
    return f"{sign}{'£' if currency else ''}{number}"
