"""Every distinct supplier in a workspace's ledger, with its counterparty decision, kept in the store.

The matcher decides each distinct name again whenever the ledger or the register changes (it is fast); a
person's decision, imported from a spreadsheet, always wins and survives every re-run. Stored as:
  store/suppliers/matches.parquet   one row per distinct supplier: the decision in force
  store/suppliers/people.json       the decisions people made (supplier -> type, body, note, when)
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ..engine import rows_table
from ..reference.register import Register
from ..store.ledger import Store, read_rows, write_json_atomic
from .matcher import COUNTERPARTY_TYPES, Decision, Matcher

MATCHES_FILE = "matches.parquet"
PEOPLE_FILE = "people.json"
EXPORT_COLUMNS = ["supplier", "counterparty_type", "body_id", "body_name", "confidence", "method", "reason",
                  "payments", "pence", "note"]
MATCH_SCHEMA = pa.schema([
    ("supplier", pa.string()), ("counterparty_type", pa.string()), ("body_id", pa.string()), ("body_name", pa.string()),
    ("confidence", pa.float64()), ("method", pa.string()), ("reason", pa.string()),
])


class DecisionFileError(ValueError):
    """A decisions file that cannot be imported, naming the file, row and column."""


def suppliers_dir(store: Store) -> Path:
    return store.root / "suppliers"


def people_decisions(store: Store) -> dict[str, dict[str, Any]]:
    path = suppliers_dir(store) / PEOPLE_FILE
    if not path.exists():
        return {}
    return {d["supplier"]: d for d in json.loads(path.read_text(encoding="utf-8"))}


def refresh(store: Store, register: Register, distinct: list[tuple[str, bool]], full: bool = True) -> dict[str, int]:
    """Decide every distinct (supplier, redacted) pair and store the decisions; returns counts by type.

    With `full` False, names decided before keep their decisions (nothing they depend on has changed: the
    register and people's decisions refresh in full) and only new names are decided.
    """
    people = people_decisions(store)
    matcher = Matcher(register)
    kept: dict[str, Decision] = {}
    path = suppliers_dir(store) / MATCHES_FILE
    if not full and path.exists():
        kept = {r["supplier"]: Decision(**r) for r in read_rows(path)}
    decisions: list[Decision] = []
    for name, redacted in distinct:
        person = people.get(name)
        if name in kept:
            decisions.append(kept[name])
        elif person is not None:
            body = register.bodies.get(person.get("body_id") or "")
            decisions.append(Decision(name, person["counterparty_type"], body.body_id if body else None,
                                      body.name if body else None, 1.0, "person", person.get("note") or "decided by a person"))
        else:
            decisions.append(matcher.match(name, redacted))
    folder = suppliers_dir(store)
    folder.mkdir(parents=True, exist_ok=True)
    table = rows_table([d.to_dict() for d in decisions], MATCH_SCHEMA)
    tmp = folder / f".{MATCHES_FILE}.tmp"
    pq.write_table(table, tmp)
    tmp.replace(folder / MATCHES_FILE)
    counts: dict[str, int] = {}
    for d in decisions:
        counts[d.counterparty_type] = counts.get(d.counterparty_type, 0) + 1
    return dict(sorted(counts.items()))


@dataclass
class ImportReport:
    rows: int
    recorded: int
    unchanged: int
    cleared: int


def import_decisions(store: Store, register: Register, path: Path, current: dict[str, dict[str, Any]]) -> ImportReport:
    """Read people's decisions from a CSV (as `suppliers export` writes it, corrected in a spreadsheet).

    A row is recorded as a person's decision when it differs from the decision in force, or was already a
    person's; a row whose counterparty_type is empty clears a person's decision. Nothing is recorded unless
    every row is valid.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise DecisionFileError(f"{path}: no such file.") from exc
    except UnicodeDecodeError as exc:
        raise DecisionFileError(f"{path}: not UTF-8 text; save it from the spreadsheet as 'CSV UTF-8'.") from exc
    reader = csv.DictReader(text.splitlines())
    missing = {"supplier", "counterparty_type"} - set(reader.fieldnames or [])
    if missing:
        raise DecisionFileError(f"{path}: the header must have the columns supplier and counterparty_type "
                                f"(missing: {', '.join(sorted(missing))}).")
    people = people_decisions(store)
    now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    report = ImportReport(0, 0, 0, 0)
    for number, row in enumerate(reader, start=2):
        report.rows += 1
        supplier = (row.get("supplier") or "").strip()
        kind = (row.get("counterparty_type") or "").strip()
        body_id = (row.get("body_id") or "").strip() or None
        if not supplier:
            raise DecisionFileError(f"{path}, row {number}, column supplier: empty; every row needs the supplier's name.")
        if not kind:
            if people.pop(supplier, None) is not None:
                report.cleared += 1
            continue
        if kind not in COUNTERPARTY_TYPES:
            raise DecisionFileError(f"{path}, row {number}, column counterparty_type: '{kind}' is not one of "
                                    f"{', '.join(COUNTERPARTY_TYPES)}.")
        if body_id is not None and body_id not in register.bodies:
            hint = register.nearest(body_id)
            guess = f" Did you mean {', '.join(f'{b.body_id} ({b.name})' for b in hint)}?" if hint else ""
            raise DecisionFileError(f"{path}, row {number}, column body_id: '{body_id}' is not a body in the register.{guess}")
        before = current.get(supplier, {})
        already_person = supplier in people
        if not already_person and before.get("counterparty_type") == kind and (before.get("body_id") or None) == body_id:
            report.unchanged += 1
            continue
        people[supplier] = {"supplier": supplier, "counterparty_type": kind, "body_id": body_id,
                            "note": (row.get("note") or "").strip(), "decided_at": now}
        report.recorded += 1
    folder = suppliers_dir(store)
    folder.mkdir(parents=True, exist_ok=True)
    write_json_atomic(folder / PEOPLE_FILE, sorted(people.values(), key=lambda d: d["supplier"]), store.tmp_dir)
    return report
