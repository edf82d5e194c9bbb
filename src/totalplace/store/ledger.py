"""The ledger store: one folder of Parquet parts per ingested file, committed by writing its manifest.

Layout under `<workspace>/store/`:
  sources/<source_id>.json       the manifest: the file's accounting; its presence is the commit
  ledger/<source_id>/part-N.parquet       every data row of table N, in file order, with its outcome
  ledger/<source_id>/part-N-head.parquet  the rows above the data (preamble, header), skipped with reasons
  tmp/                           staging for ingests in progress

A file is staged in tmp/, its folder renamed into ledger/, then its manifest written by atomic rename. A crash
at any point leaves either no manifest (the staged or renamed folder is an orphan, removed next time) or the
whole file: never half. Row numbers are not stored per row: a part keeps its rows in file order, so a row's
number is the part's `row_base` plus its position (Parquet's file_row_number).
"""

from __future__ import annotations

import fcntl
import hashlib
import csv
import json
import os
import shutil
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

import pyarrow as pa
import pyarrow.parquet as pq

from ..engine import Engine
from .estate import open_estate_views
from .national import open_national_views

LEDGER_COLUMNS = (
    "source_id", "file", "sheet", "row", "body_id", "body_name", "payment_date", "date_precision", "amount_pence",
    "supplier", "supplier_redacted", "supplier_id", "vat_number", "directorate", "service_area", "service_code",
    "expense_category", "expense_type", "expense_code", "transaction_ref", "capital_revenue", "description",
    "irrecoverable_vat_pence", "extra", "counterparty_type", "payee_body_id", "payee_body_name", "match_confidence",
    "match_method", "is_transfer", "transfer_kind", "cofog", "cofog_group", "themes", "classification_method",
    "confidence", "classification_reason",
)

# A payment's label, as classification sees it: its service (directorate / service area) and its expense
# (category / type). The classifier decides each distinct (body, service, expense) once; the ledger view joins
# the decisions back by these same expressions.
SERVICE_LABEL_SQL = "concat_ws(' / ', NULLIF(trim({p}directorate), ''), NULLIF(trim({p}service_area), ''))"
EXPENSE_LABEL_SQL = "concat_ws(' / ', NULLIF(trim({p}expense_category), ''), NULLIF(trim({p}expense_type), ''))"
PURPOSE_SQL = "coalesce(trim({p}description), '')"
SUPPLIER_SQL = "coalesce({p}supplier, '')"
DECISION_COLUMNS = ("cofog", "cofog_group", "themes", "method", "confidence", "reason")


class StoreBusy(RuntimeError):
    """Another totalplace process is writing to this store."""


@dataclass
class Store:
    root: Path

    @property
    def sources_dir(self) -> Path:
        return self.root / "sources"

    @property
    def ledger_dir(self) -> Path:
        return self.root / "ledger"

    @property
    def tmp_dir(self) -> Path:
        return self.root / "tmp"

    @property
    def reference_dir(self) -> Path:
        return self.root / "reference"

    def ensure(self) -> None:
        for d in (self.sources_dir, self.ledger_dir, self.tmp_dir, self.reference_dir):
            d.mkdir(parents=True, exist_ok=True)

    @contextmanager
    def writing(self) -> Iterator["Store"]:
        """Hold the store's write lock; clear what an interrupted run left behind."""
        self.ensure()
        lock_path = self.root / ".lock"
        with lock_path.open("w") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as exc:
                raise StoreBusy(
                    f"another totalplace command is writing to {self.root}; wait for it to finish and try again"
                ) from exc
            self._clear_leftovers()
            try:
                yield self
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _clear_leftovers(self) -> None:
        for staged in self.tmp_dir.iterdir():
            shutil.rmtree(staged, ignore_errors=True) if staged.is_dir() else staged.unlink(missing_ok=True)
        committed = {p.stem for p in self.sources_dir.glob("*.json")}
        for folder in self.ledger_dir.iterdir():
            if folder.name not in committed:
                shutil.rmtree(folder, ignore_errors=True)

    def staging(self, source_id: str) -> Path:
        path = self.tmp_dir / f"{source_id}-{uuid.uuid4().hex[:8]}"
        path.mkdir(parents=True)
        return path

    def commit(self, source_id: str, staged: Path, manifest: dict[str, Any]) -> None:
        """Make a staged file part of the ledger, all at once."""
        target = self.ledger_dir / source_id
        if target.exists():
            shutil.rmtree(target)
        os.replace(staged, target)
        _fsync_dir(self.ledger_dir)
        write_json_atomic(self.sources_dir / f"{source_id}.json", manifest, self.tmp_dir)

    def remove(self, source_id: str) -> None:
        """Take a file out of the ledger: its manifest goes first (readers stop seeing it at once), then its rows."""
        manifest = self.sources_dir / f"{source_id}.json"
        manifest.unlink()
        _fsync_dir(self.sources_dir)
        shutil.rmtree(self.ledger_dir / source_id, ignore_errors=True)

    def state(self) -> str:
        """A stamp of everything a reading of the store depends on — the files committed, the supplier and
        classification decisions, the reference — that changes whenever any of them does (for caches)."""
        digest = hashlib.sha256()
        paths = sorted(self.sources_dir.glob("*.json")) + sorted(self.reference_dir.glob("*"))
        paths += [self.root / "suppliers" / "matches.parquet", self.root / "classify" / "labels.parquet",
                  self.root / "classify" / "details.parquet"]
        for path in paths:
            if path.is_file():
                stat = path.stat()
                digest.update(f"{path.name}:{stat.st_mtime_ns}:{stat.st_size};".encode())
        return digest.hexdigest()[:16]

    def manifest(self, source_id: str) -> dict[str, Any] | None:
        path = self.sources_dir / f"{source_id}.json"
        if not path.exists():
            return None
        return json.loads(path.read_text(encoding="utf-8"))

    def manifests(self) -> list[dict[str, Any]]:
        found = [json.loads(p.read_text(encoding="utf-8")) for p in self.sources_dir.glob("*.json")]
        return sorted(found, key=lambda m: (m.get("ingested_at", ""), m.get("file", "")))

    def part_paths(self, manifest: dict[str, Any], head: bool = False) -> list[Path]:
        folder = self.ledger_dir / manifest["source_id"]
        key = "head_file" if head else "file"
        return [folder / part[key] for part in manifest.get("parts", []) if part.get(key)]

    # --- reading -----------------------------------------------------------------------------------------

    def open_views(self, engine: Engine) -> bool:
        """Create the views `outcomes` (every row with its outcome) and `ledger` (loaded rows) over the payment
        files; `payment_flows` and `ledger_keys` over the loaded rows summed by what decisions are keyed on
        (each file's summary); `outturn` and `cra` over the national finance sources (store/national.py); and
        `assets`, `asset_outcomes` and `boundaries` over the public-estate files (store/estate.py).

        Returns False when no payment file has been ingested yet (the views are then empty).
        """
        everything = self.manifests()
        open_national_views(engine, self.ledger_dir, everything)
        open_estate_views(engine, self.ledger_dir, everything)
        manifests = [m for m in everything if m.get("dataset", "payments") == "payments"]
        body_rows: dict[str, list[Any]] = {k: [] for k in ("source_id", "file", "code_key", "name_key", "body_id", "body_name")}
        for m in manifests:
            for entry in m.get("body_map", []):
                body_rows["source_id"].append(m["source_id"])
                body_rows["file"].append(m["file"])
                body_rows["code_key"].append(entry.get("published_code") or "")
                body_rows["name_key"].append(entry.get("published_name") or "")
                body_rows["body_id"].append(entry.get("body_id"))
                body_rows["body_name"].append(entry.get("body_name"))
        engine.register("body_map", engine.table_from_columns(body_rows, _BODY_MAP_SCHEMA))
        engine.register("source_files", engine.table_from_columns(
            {"source_id": [m["source_id"] for m in manifests], "file": [m["file"] for m in manifests]},
            pa.schema([("source_id", pa.string()), ("file", pa.string())]),
        ))
        matches = self.root / "suppliers" / "matches.parquet"
        if matches.exists():
            engine.execute(f"CREATE OR REPLACE TEMP VIEW supplier_decisions AS SELECT * FROM read_parquet('{matches}')")
        else:
            engine.execute(f"CREATE OR REPLACE TEMP VIEW supplier_decisions AS {_EMPTY_DECISIONS}")
        for view, file, key in (("label_decisions", "labels.parquet", _EMPTY_LABEL_KEY),
                                ("detail_decisions", "details.parquet", _EMPTY_DETAIL_KEY)):
            path = self.root / "classify" / file
            source = f"SELECT * FROM read_parquet('{path}')" if path.exists() else f"SELECT {key}, {_EMPTY_DECISION} WHERE false"
            engine.execute(f"CREATE OR REPLACE TEMP VIEW {view} AS {source}")
        parts = [p for m in manifests for p in self.part_paths(m)]
        heads = [p for m in manifests for p in self.part_paths(m, head=True)]
        if not parts:
            engine.execute(f"CREATE OR REPLACE TEMP VIEW outcomes AS SELECT * FROM ({_EMPTY_OUTCOMES}) WHERE false")
            engine.execute(f"CREATE OR REPLACE TEMP VIEW ledger AS {_ledger_select('outcomes')}")
            engine.execute(f"CREATE OR REPLACE TEMP VIEW payment_flows AS {_EMPTY_FLOWS}")
            engine.execute(f"CREATE OR REPLACE TEMP VIEW ledger_keys AS {_EMPTY_KEYS}")
            return False
        scans = [f"SELECT * FROM read_parquet({Engine.parquet_list(parts)}, file_row_number = true, union_by_name = true)"]
        if heads:
            scans.append(f"SELECT * FROM read_parquet({Engine.parquet_list(heads)}, file_row_number = true, union_by_name = true)")
        union = " UNION ALL BY NAME ".join(scans)
        row_columns = f"""p.* EXCLUDE (row_base, file_row_number), p.row_base + p.file_row_number AS "row",
                     f.file, m.body_id, m.body_name, {_COUNTERPARTY} AS counterparty_type,
                     d.body_id AS payee_body_id, d.body_name AS payee_body_name,
                     d.confidence AS match_confidence, d.method AS match_method,
                     {_classification_columns()}"""
        engine.execute(f"""
            CREATE OR REPLACE TEMP VIEW outcomes AS
            SELECT o.*, {_TRANSFER_KIND} AS transfer_kind, {_TRANSFER_KIND} IS NOT NULL AS is_transfer
            FROM ({_decided(union, row_columns)}) o""")
        # The same decisions over the loaded rows summed by everything they are decided on and by month: what
        # the count reads (count/flows.py). Summing first, then joining, is what makes it cheap.
        summaries = [self.ledger_dir / m["source_id"] / m["summary"] for m in manifests if m.get("summary")]
        unsummed = [p for m in manifests if not m.get("summary") for p in self.part_paths(m)]
        summed = " UNION ALL BY NAME ".join(
            ([f"SELECT * FROM read_parquet({Engine.parquet_list(summaries)}, union_by_name = true)"] if summaries else [])
            + ([summary_sql(unsummed)] if unsummed else []))
        flow_columns = f"""m.body_id, m.body_name, {_COUNTERPARTY} AS counterparty_type, d.body_id AS payee_body_id,
                      d.body_name AS payee_body_name, CASE WHEN x.method IS NOT NULL THEN x.cofog ELSE c.cofog END AS cofog,
                      p.month, p.n, p.pence"""
        engine.execute(f"""
            CREATE OR REPLACE TEMP VIEW payment_flows AS
            SELECT o.body_id, any_value(o.body_name) AS body_name, o.payee_body_id,
                   any_value(o.payee_body_name) AS payee_body_name, {_TRANSFER_KIND} AS transfer_kind, o.cofog, o.month,
                   sum(o.n)::BIGINT AS payments, sum(o.pence)::BIGINT AS pence
            FROM ({_decided(summed, flow_columns)}) o
            GROUP BY o.body_id, o.payee_body_id, transfer_kind, o.cofog, o.month""")
        # What matching and classifying need to know of the ledger - each distinct supplier, label, description
        # and payee - read from the same sums: a file's summary has a fraction of its rows.
        key_columns = f"""m.body_id, p.directorate, p.service_area, p.expense_category, p.expense_type, p.description,
                     p.supplier, p.supplier_redacted, {_COUNTERPARTY} AS counterparty_type, p.n"""
        engine.execute(f"""
            CREATE OR REPLACE TEMP VIEW ledger_keys AS
            SELECT {key_columns}
            FROM ({summed}) p
            LEFT JOIN body_map m
              ON m.source_id = p.source_id
             AND m.code_key = coalesce(p.body_code_published, '')
             AND m.name_key = coalesce(p.body_name_published, '')
            LEFT JOIN supplier_decisions d ON d.supplier = p.supplier""")
        engine.execute(f"CREATE OR REPLACE TEMP VIEW ledger AS {_ledger_select('outcomes')}")
        return True


_COUNTERPARTY = "CASE WHEN p.supplier_redacted THEN 'individual' ELSE d.counterparty_type END"

SUMMARY_FILE = "summary.parquet"


def summary_sql(parts: list[Path]) -> str:
    """A file's loaded rows summed by everything a payment's decisions are keyed on (its body as published, its
    supplier, its labels and purpose) and by month: what the count's view of the ledger is built from."""
    return f"""SELECT source_id, body_code_published, body_name_published, supplier, supplier_redacted, directorate,
                      service_area, expense_category, expense_type, description,
                      date_trunc('month', payment_date)::DATE AS month, count(*)::BIGINT AS n,
                      sum(amount_pence)::BIGINT AS pence
               FROM read_parquet({Engine.parquet_list(parts)}, union_by_name = true)
               WHERE status = 'loaded' AND payment_date IS NOT NULL GROUP BY ALL"""


def write_summary(engine: Engine, folder: Path, part_files: list[str]) -> str | None:
    """Write a staged file's summary beside its parts (ingest does this once per file); returns its name."""
    if not part_files:
        return None
    engine.copy_parquet(summary_sql([folder / f for f in part_files]), folder / SUMMARY_FILE)
    return SUMMARY_FILE


def _decided(rows: str, columns: str) -> str:
    """`rows` (payment rows, or rows summed by what decisions are keyed on) joined to their file, their body,
    their supplier's decision and their classification, selecting `columns` (p: rows, f: file, m: body,
    d: supplier decision, c: label decision, x: the row's own decision)."""
    return f"""SELECT {columns}
              FROM ({rows}) p
              JOIN source_files f ON f.source_id = p.source_id
              LEFT JOIN body_map m
                ON m.source_id = p.source_id
               AND m.code_key = coalesce(p.body_code_published, '')
               AND m.name_key = coalesce(p.body_name_published, '')
              LEFT JOIN supplier_decisions d ON d.supplier = p.supplier
              LEFT JOIN label_decisions c
                ON c.body_id IS NOT DISTINCT FROM m.body_id
               AND c.service_label = {SERVICE_LABEL_SQL.format(p="p.")}
               AND c.expense_label = {EXPENSE_LABEL_SQL.format(p="p.")}
              LEFT JOIN detail_decisions x
                ON x.body_id IS NOT DISTINCT FROM m.body_id
               AND x.service_label = {SERVICE_LABEL_SQL.format(p="p.")}
               AND x.expense_label = {EXPENSE_LABEL_SQL.format(p="p.")}
               AND x.purpose = {PURPOSE_SQL.format(p="p.")}
               AND x.supplier = {SUPPLIER_SQL.format(p="p.")}
               AND x.payee = coalesce({_COUNTERPARTY}, '')"""


# A payment to a public body is a transfer: of a service ("service"), of tax and statutory deductions ("tax"),
# of pension contributions ("pension"), or a body paying itself ("internal"). Other payments are not.
_TRANSFER_KIND = """CASE
    WHEN o.counterparty_type = 'tax_statutory' THEN 'tax'
    WHEN o.counterparty_type = 'pension_fund' THEN 'pension'
    WHEN o.counterparty_type IN ('council', 'police', 'fire', 'nhs', 'central_government', 'other_public')
      THEN CASE WHEN o.payee_body_id IS NOT NULL AND o.payee_body_id = o.body_id THEN 'internal' ELSE 'service' END
  END"""

def _classification_columns() -> str:
    """A row's classification: its own (description and supplier) decision where there is one, else its label's."""
    names = {"method": "classification_method", "reason": "classification_reason"}
    return ", ".join(f"CASE WHEN x.method IS NOT NULL THEN x.{c} ELSE c.{c} END AS {names.get(c, c)}" for c in DECISION_COLUMNS)


_EMPTY_LABEL_KEY = "NULL::VARCHAR AS body_id, NULL::VARCHAR AS service_label, NULL::VARCHAR AS expense_label"
_EMPTY_DETAIL_KEY = _EMPTY_LABEL_KEY + ", NULL::VARCHAR AS purpose, NULL::VARCHAR AS supplier, NULL::VARCHAR AS payee"
_EMPTY_DECISION = """NULL::VARCHAR AS cofog, NULL::VARCHAR AS cofog_group, NULL::VARCHAR AS themes, NULL::VARCHAR AS method,
  NULL::DOUBLE AS confidence, NULL::VARCHAR AS reason"""

_EMPTY_DECISIONS = """SELECT NULL::VARCHAR AS supplier, NULL::VARCHAR AS counterparty_type, NULL::VARCHAR AS body_id,
  NULL::VARCHAR AS body_name, NULL::DOUBLE AS confidence, NULL::VARCHAR AS method, NULL::VARCHAR AS reason WHERE false"""

_EMPTY_FLOWS = """SELECT NULL::VARCHAR AS body_id, NULL::VARCHAR AS body_name, NULL::VARCHAR AS payee_body_id,
  NULL::VARCHAR AS payee_body_name, NULL::VARCHAR AS transfer_kind, NULL::VARCHAR AS cofog, NULL::DATE AS month,
  NULL::BIGINT AS payments, NULL::BIGINT AS pence WHERE false"""

_EMPTY_KEYS = """SELECT NULL::VARCHAR AS body_id, NULL::VARCHAR AS directorate, NULL::VARCHAR AS service_area,
  NULL::VARCHAR AS expense_category, NULL::VARCHAR AS expense_type, NULL::VARCHAR AS description,
  NULL::VARCHAR AS supplier, NULL::BOOLEAN AS supplier_redacted, NULL::VARCHAR AS counterparty_type,
  NULL::BIGINT AS n WHERE false"""

_BODY_MAP_SCHEMA = pa.schema(
    [("source_id", pa.string()), ("file", pa.string()), ("code_key", pa.string()), ("name_key", pa.string()),
     ("body_id", pa.string()), ("body_name", pa.string())]
)

_EMPTY_OUTCOMES = """
SELECT NULL::VARCHAR AS source_id, NULL::VARCHAR AS file, NULL::VARCHAR AS sheet, NULL::BIGINT AS "row",
  NULL::VARCHAR AS status, NULL::VARCHAR AS reason, NULL::VARCHAR AS detail, NULL::VARCHAR AS body_id,
  NULL::VARCHAR AS body_name, NULL::DATE AS payment_date, NULL::VARCHAR AS date_precision,
  NULL::BIGINT AS amount_pence, NULL::VARCHAR AS supplier, NULL::BOOLEAN AS supplier_redacted,
  NULL::VARCHAR AS supplier_id, NULL::VARCHAR AS vat_number, NULL::VARCHAR AS directorate,
  NULL::VARCHAR AS service_area, NULL::VARCHAR AS service_code, NULL::VARCHAR AS expense_category,
  NULL::VARCHAR AS expense_type, NULL::VARCHAR AS expense_code, NULL::VARCHAR AS transaction_ref,
  NULL::VARCHAR AS capital_revenue, NULL::VARCHAR AS description, NULL::BIGINT AS irrecoverable_vat_pence,
  NULL::VARCHAR AS extra, NULL::VARCHAR[] AS raw, NULL::VARCHAR AS body_code_published,
  NULL::VARCHAR AS body_name_published, NULL::VARCHAR AS counterparty_type, NULL::VARCHAR AS payee_body_id,
  NULL::VARCHAR AS payee_body_name, NULL::DOUBLE AS match_confidence, NULL::VARCHAR AS match_method,
  NULL::VARCHAR AS transfer_kind, NULL::BOOLEAN AS is_transfer, NULL::VARCHAR AS cofog, NULL::VARCHAR AS cofog_group,
  NULL::VARCHAR AS themes, NULL::VARCHAR AS classification_method, NULL::DOUBLE AS confidence,
  NULL::VARCHAR AS classification_reason
"""


def _ledger_select(source: str) -> str:
    columns = ", ".join(f'"{c}"' for c in LEDGER_COLUMNS)
    return f"SELECT {columns} FROM {source} WHERE status = 'loaded'"


def read_rows(path: Path) -> list[dict[str, Any]]:
    """The rows of one small Parquet file as dicts. Read through `ParquetFile`: `pq.read_table` imports
    pyarrow.dataset, which imports pandas wherever it is installed (0.2 s)."""
    with pq.ParquetFile(path) as file:
        return file.read().to_pylist()


def write_json_atomic(path: Path, data: Any, tmp_dir: Path) -> None:
    """Write JSON so that readers see the old file or the new one, never a partial one."""
    tmp = tmp_dir / f".{path.name}.{uuid.uuid4().hex[:8]}"
    with tmp.open("w", encoding="utf-8") as f:
        json.dump(data, f, indent=1, default=str, ensure_ascii=False)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def write_csv_atomic(path: Path, columns: list[str], rows: Iterable[dict[str, Any]]) -> None:
    """Write a CSV for people to open (UTF-8, header first) so that the file appears whole or not at all."""
    tmp = path.with_name(f".{path.name}.partial")
    with tmp.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    tmp.replace(path)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
