"""Exploring the ledger: payments filtered, sorted and paged; a supplier's and a body's profile; the money that
passes between public bodies. Every filter is a validated value passed to the engine as a parameter — no SQL
is ever built from what a user typed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Iterator

from . import __version__
from .classify.reference import cofog_codes, themes
from .engine import Engine, sql_string
from .money import parse_pence
from .workspace import Workspace

TRANSFER_KINDS = ("service", "tax", "pension", "internal")
SORTS = {"date": "payment_date", "amount": "amount_pence", "supplier": "supplier", "body": "body_name"}
MAX_PAGE_SIZE = 500
MAX_PAGE = 1_000_000
PAYMENT_COLUMNS = ("source_id", "file", "sheet", "row", "body_id", "body_name", "payment_date", "amount_pence", "supplier",
                   "payee_body_id", "payee_body_name", "counterparty_type", "transfer_kind", "service_area",
                   "expense_type", "description", "cofog", "cofog_group", "themes", "classification_method")
PREPARED_COLUMNS = (*PAYMENT_COLUMNS, "is_transfer")
MAX_NAMES = 2_000  # supplier names a filter's words may stand for before the words are searched in every row instead
ROW_GROUP = 50_000  # rows per row group of the copy: a body and a quarter read a few of them (100k read more, 25k cost more)


class ExploreError(ValueError):
    """A filter or page that cannot be used, with what to do instead."""


@dataclass(frozen=True)
class PaymentFilter:
    body: str | None = None  # a body id
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    supplier: str | None = None  # words the supplier's name contains
    supplier_name: str | None = None  # the supplier's name exactly, as published
    cofog: str | None = None  # a division ('10') or group ('10.2'); 'none' for unclassified
    theme: str | None = None
    amount_min_pence: int | None = None
    amount_max_pence: int | None = None
    payee_body: str | None = None
    transfer_kind: str | None = None  # service, tax, pension, internal
    source: str | None = None  # a source file's id (its rows only)

    @classmethod
    def parse(cls, **given: str | None) -> "PaymentFilter":
        """From text (a web form, a query string): each value checked, each mistake named."""
        values: dict[str, Any] = {}
        for key in ("body", "supplier", "payee_body", "source"):
            text = (given.get(key) or "").strip()
            if len(text) > 200:
                raise ExploreError(f"{key}: at most 200 characters")
            values[key] = text or None
        name = given.get("supplier_name") or ""  # exactly as published: not trimmed
        if len(name) > 300:
            raise ExploreError("supplier_name: at most 300 characters")
        values["supplier_name"] = name or None
        for key in ("date_from", "date_to"):
            text = (given.get(key) or "").strip()
            try:
                values[key] = dt.date.fromisoformat(text) if text else None
            except ValueError:
                raise ExploreError(f"{key}: '{text}' is not a date; write it as YYYY-MM-DD") from None
        for key, target in (("amount_min", "amount_min_pence"), ("amount_max", "amount_max_pence")):
            text = (given.get(key) or "").strip()
            pence = parse_pence(text) if text else None
            if text and pence is None:
                raise ExploreError(f"{key}: '{text}' is not an amount of pounds (e.g. 500 or 1,234.56)")
            values[target] = pence
        kind = (given.get("transfer_kind") or "").strip()
        if kind and kind not in TRANSFER_KINDS:
            raise ExploreError(f"transfer_kind: '{kind}' is not one of {', '.join(TRANSFER_KINDS)}")
        values["transfer_kind"] = kind or None
        cofog = (given.get("cofog") or "").strip()
        if cofog and cofog != "none" and cofog not in cofog_codes():
            raise ExploreError(f"cofog: '{cofog}' is not a COFOG division or group (01 to 10, e.g. 10 or 10.2), or 'none'")
        values["cofog"] = cofog or None
        theme = (given.get("theme") or "").strip()
        if theme and theme not in themes():
            raise ExploreError(f"theme: '{theme}' is not a theme; one of {', '.join(themes())}")
        values["theme"] = theme or None
        return cls(**values)

    def where(self, supplier_names: list[str] | None = None) -> tuple[str, list[Any]]:
        """The filter as a SQL condition and its parameters. `supplier_names`, when given, are every supplier name
        in the ledger that contains the supplier words: the same rows, found by a condition the scan can apply
        while reading (a string search cannot be)."""
        clauses, params = ["TRUE"], []
        if self.body:
            clauses.append("body_id = ?")
            params.append(self.body)
        if self.payee_body:
            clauses.append("payee_body_id = ?")
            params.append(self.payee_body)
        if self.source:
            clauses.append("source_id = ?")
            params.append(self.source)
        if self.transfer_kind:
            clauses.append("transfer_kind = ?")
            params.append(self.transfer_kind)
        if self.date_from:
            clauses.append("payment_date >= ?")
            params.append(self.date_from)
        if self.date_to:
            clauses.append("payment_date <= ?")
            params.append(self.date_to)
        if self.supplier_name:
            clauses.append("supplier = ?")
            params.append(self.supplier_name)
        if self.supplier and supplier_names is not None:
            clauses.append("supplier IN ?")
            params.append(supplier_names)
        elif self.supplier:
            clauses.append("contains(lower(supplier), lower(?))")
            params.append(self.supplier)
        if self.cofog == "none":
            clauses.append("cofog IS NULL")
        elif self.cofog and "." in self.cofog:
            clauses.append("cofog_group = ?")
            params.append(self.cofog)
        elif self.cofog:
            clauses.append("cofog = ?")
            params.append(self.cofog)
        if self.theme:
            clauses.append("list_contains(string_split(coalesce(themes, ''), ';'), ?)")
            params.append(self.theme)
        if self.amount_min_pence is not None:
            clauses.append("amount_pence >= ?")
            params.append(self.amount_min_pence)
        if self.amount_max_pence is not None:
            clauses.append("amount_pence <= ?")
            params.append(self.amount_max_pence)
        return " AND ".join(clauses), params

    def to_json(self) -> dict[str, Any]:
        return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in asdict(self).items() if v is not None}


def _order(sort: str, descending: bool) -> str:
    if sort not in SORTS:
        raise ExploreError(f"sort: '{sort}' is not one of {', '.join(SORTS)}")
    return f'{SORTS[sort]} {"DESC" if descending else "ASC"} NULLS LAST, source_id, sheet NULLS FIRST, "row"'  # a row is one of a sheet


def search_payments(workspace: Workspace, where: PaymentFilter, sort: str = "amount", descending: bool = True,
                    page: int = 1, page_size: int = 50) -> dict[str, Any]:
    """One page of the payments that match, with how many match and their total."""
    if not 1 <= page <= MAX_PAGE:
        raise ExploreError(f"page: pages start at 1 and go up to {MAX_PAGE:,}")
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ExploreError(f"page_size: between 1 and {MAX_PAGE_SIZE}")
    columns = ", ".join(f'"{c}"' for c in PAYMENT_COLUMNS)
    with _QUERIES, payments_source(workspace) as source:
        engine, ledger = source.engine, source.relation
        clause, params = source.where(where)
        count, total = engine.one(f"SELECT count(*), coalesce(sum(amount_pence), 0)::BIGINT FROM {ledger} WHERE {clause}", params)
        rows = engine.records(f"SELECT {columns} FROM {ledger} WHERE {clause} ORDER BY {_order(sort, descending)} LIMIT ? OFFSET ?",
                              [*params, page_size, (page - 1) * page_size])
    for r in rows:
        r["payment_date"] = r["payment_date"].isoformat() if r["payment_date"] else None
    return {"filter": where.to_json(), "sort": sort, "descending": descending, "page": page, "page_size": page_size,
            "matching": int(count), "matching_pence": int(total), "pages": max(1, -(-int(count) // page_size)), "payments": rows}


def iter_payments(workspace: Workspace, where: PaymentFilter, sort: str = "amount", descending: bool = True,
                  batch: int = 10_000) -> Iterator[dict[str, Any]]:
    """Every matching payment, in order, a batch at a time (for downloads of any size)."""
    order = _order(sort, descending)  # a bad sort is refused before anything is sent
    columns = ", ".join(f'"{c}"' for c in PAYMENT_COLUMNS)
    with payments_source(workspace) as source:
        engine, ledger = source.engine, source.relation
        clause, params = source.where(where)
        yield from engine.stream(f"SELECT {columns} FROM {ledger} WHERE {clause} ORDER BY {order}", params, batch)


def supplier_profile(workspace: Workspace, supplier: str) -> dict[str, Any]:
    """Who pays a supplier (by its name as published), how much, and for what."""
    with payments_source(workspace) as source:
        engine, ledger = source.engine, source.relation
        head = engine.records(f"""SELECT supplier, count(*) AS payments, coalesce(sum(amount_pence), 0)::BIGINT AS pence,
                                        any_value(counterparty_type) AS counterparty_type, any_value(payee_body_id) AS payee_body_id,
                                        any_value(payee_body_name) AS payee_body_name, min(payment_date)::VARCHAR AS first,
                                        max(payment_date)::VARCHAR AS last
                                 FROM {ledger} WHERE supplier = ? GROUP BY supplier""", [supplier])
        if not head:
            raise ExploreError(f"no payments to a supplier named '{supplier}'")
        by_body = engine.records(f"""SELECT body_id, body_name, count(*) AS payments, sum(amount_pence)::BIGINT AS pence
                                    FROM {ledger} WHERE supplier = ? GROUP BY ALL ORDER BY pence DESC, body_id""", [supplier])
        by_cofog = engine.records(f"""SELECT cofog, count(*) AS payments, sum(amount_pence)::BIGINT AS pence
                                     FROM {ledger} WHERE supplier = ? GROUP BY ALL ORDER BY pence DESC, cofog""", [supplier])
    return {**head[0], "by_body": by_body, "by_cofog": _named(by_cofog)}


def body_profile(workspace: Workspace, body_id: str) -> dict[str, Any]:
    """A body's payments: totals, its largest suppliers, what for, and the public bodies it pays."""
    with payments_source(workspace) as source:
        engine, ledger = source.engine, source.relation
        head = engine.records(f"""SELECT body_id, any_value(body_name) AS body_name, count(*) AS payments,
                                        coalesce(sum(amount_pence), 0)::BIGINT AS pence, min(payment_date)::VARCHAR AS first,
                                        max(payment_date)::VARCHAR AS last, count(DISTINCT source_id) AS files
                                 FROM {ledger} WHERE body_id = ? GROUP BY body_id""", [body_id])
        if not head:
            raise ExploreError(f"no payments by a body with id '{body_id}'")
        suppliers = engine.records(f"""SELECT supplier, count(*) AS payments, sum(amount_pence)::BIGINT AS pence
                                      FROM {ledger} WHERE body_id = ? GROUP BY ALL ORDER BY pence DESC, supplier LIMIT 25""", [body_id])
        by_cofog = engine.records(f"""SELECT cofog, count(*) AS payments, sum(amount_pence)::BIGINT AS pence
                                     FROM {ledger} WHERE body_id = ? GROUP BY ALL ORDER BY pence DESC, cofog""", [body_id])
        transfers = engine.records(f"""SELECT payee_body_id, any_value(payee_body_name) AS payee_body_name, transfer_kind,
                                             count(*) AS payments, sum(amount_pence)::BIGINT AS pence
                                      FROM {ledger} WHERE body_id = ? AND is_transfer GROUP BY ALL ORDER BY pence DESC, payee_body_id, transfer_kind""", [body_id])
    return {**head[0], "suppliers": suppliers, "by_cofog": _named(by_cofog), "transfers": transfers}


def money_flows(workspace: Workspace, date_from: dt.date | None = None, date_to: dt.date | None = None) -> dict[str, Any]:
    """Payments from one public body to another (transfers of a service), summed by payer and payee."""
    clauses, params = ["transfer_kind = 'service'", "payee_body_id IS NOT NULL", "body_id IS NOT NULL"], []
    if date_from:
        clauses.append("payment_date >= ?")
        params.append(date_from)
    if date_to:
        clauses.append("payment_date <= ?")
        params.append(date_to)
    with payments_source(workspace) as source:
        engine, ledger = source.engine, source.relation
        links = engine.records(f"""SELECT body_id AS payer_id, any_value(body_name) AS payer, payee_body_id AS payee_id,
                                          any_value(payee_body_name) AS payee, count(*) AS payments,
                                          sum(amount_pence)::BIGINT AS pence
                                   FROM {ledger} WHERE {' AND '.join(clauses)} GROUP BY body_id, payee_body_id
                                   ORDER BY pence DESC, payer_id, payee_id""", params)
    nodes = sorted({(r["payer_id"], r["payer"]) for r in links} | {(r["payee_id"], r["payee"]) for r in links})
    return {"nodes": [{"body_id": b, "name": n} for b, n in nodes], "links": links,
            "total_pence": sum(r["pence"] for r in links)}


def _named(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    codes = cofog_codes()
    return [{**r, "cofog_name": codes[r["cofog"]].plain_label if r["cofog"] in codes else "unclassified"} for r in rows]


# --- the explorer's copy of the ledger ---------------------------------------------------------------------------

_preparing = threading.Lock()
# Pages of payments asked at once are queried a core's worth at a time: more at once only share the same cores
# (measured over 5M rows: the same 35 new filters a second either way, with a steadier p95 queued).
_QUERIES = threading.BoundedSemaphore(os.cpu_count() or 2)


def prepared_path(workspace: Workspace) -> Path:
    """Where the explorer's copy of the ledger for the store's current state is (or would be) kept: named by the
    state and by what this version of totalplace writes in it (another version's copy is never read)."""
    return workspace.store.root / "explore" / f"payments-{workspace.store.state()}-{_COPY_KIND}.parquet"


_COPY_KIND = hashlib.sha256(f"{__version__}|{PREPARED_COLUMNS}|{ROW_GROUP}".encode()).hexdigest()[:8]
KEEP_OLD_COPIES_SECONDS = 600  # an earlier copy is deleted this long after a newer one is written


def prepare_payments(workspace: Workspace) -> Path | None:
    """Write the explorer's copy of the ledger for the store's current state, unless it is there already.

    The ledger view joins every payment to its body, its supplier's match and its classification each time it
    is read: half a second over five million rows before any filter is applied. The copy holds those decided
    columns, written once per state of the store and sorted by body and date, so a filtered page reads a few row
    groups of one file. Any ingest, match or classification decision changes the state and so needs a new copy;
    until it is written the explorer reads the ledger view (the same answers, more slowly). Returns the copy's
    path, or None when the store changed while it was being written (nothing is kept then).
    """
    with _preparing:
        path = prepared_path(workspace)
        if _ready(path):
            return path
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.parent / f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.partial"
        columns = ", ".join(f'"{c}"' for c in PREPARED_COLUMNS)
        names, names_tmp = _names_path(path), tmp.with_name(tmp.name + ".names")
        with workspace.engine() as engine:
            workspace.store.open_views(engine)
            order = 'body_id NULLS LAST, payment_date, source_id, sheet NULLS FIRST, "row"'
            engine.copy_parquet(f"SELECT {columns} FROM ledger ORDER BY {order}", tmp, ROW_GROUP)
            engine.copy_parquet(f"SELECT DISTINCT supplier FROM read_parquet({sql_string(str(tmp))}) WHERE supplier IS NOT NULL",
                                names_tmp)
        if prepared_path(workspace) != path:  # something was ingested or decided meanwhile: this copy is already stale
            tmp.unlink(missing_ok=True)
            names_tmp.unlink(missing_ok=True)
            return None
        os.replace(names_tmp, names)
        os.replace(tmp, path)  # last: the copy is ready when this file is there
        _remove_old(path.parent, keep=path)
        return path


def _remove_old(folder: Path, keep: Path) -> None:
    """Delete earlier copies once they are old enough that no reader can still be using one, and partial files
    left by a server stopped while writing (another process may be deleting the same files)."""
    for old in folder.glob("payments-*.parquet"):
        if old != keep and _older_than(old, KEEP_OLD_COPIES_SECONDS):
            old.unlink(missing_ok=True)
            _names_path(old).unlink(missing_ok=True)
    for partial in folder.glob(".*.partial*"):
        if _older_than(partial, 3600):
            partial.unlink(missing_ok=True)


def _older_than(path: Path, seconds: float) -> bool:
    try:
        return path.stat().st_mtime < time.time() - seconds
    except FileNotFoundError:  # deleted meanwhile by another process
        return False


def _ready(copy: Path) -> bool:
    return copy.exists() and _names_path(copy).exists()


def _names_path(copy: Path) -> Path:
    return copy.with_name(copy.name.replace("payments-", "suppliers-"))


_readers: dict[Path, Engine] = {}
_readers_lock = threading.Lock()


def _reader_cursor(workspace: Workspace) -> Engine:
    """A cursor of the one engine kept per workspace for the life of the process to read its explorer's copy (a
    web server answering many requests would otherwise start a database for each, ~15 ms)."""
    with _readers_lock:
        if workspace.root not in _readers:
            reader = Engine(temp_dir=workspace.store.tmp_dir / "engine", macros=False)
            reader.execute("SET preserve_insertion_order = false")  # every query here says its order
            _readers[workspace.root] = reader
        return _readers[workspace.root].cursor()


@dataclass(frozen=True)
class PaymentsSource:
    """Where payments are read from: an engine, the relation (the explorer's copy, or the ledger view) and, with
    the copy, the relation of every supplier name in it."""

    engine: Engine
    relation: str
    supplier_names: str | None = None

    def where(self, payments: PaymentFilter) -> tuple[str, list[Any]]:
        """The filter's condition, with the supplier words turned into the names that contain them when there are
        not too many of them (the same rows; a condition on names is applied while the file is read)."""
        if payments.supplier and self.supplier_names:
            found = self.engine.rows(f"SELECT supplier FROM {self.supplier_names} WHERE contains(lower(supplier), lower(?)) "
                                     f"LIMIT {MAX_NAMES + 1}", [payments.supplier])
            if len(found) <= MAX_NAMES:
                return payments.where([name for (name,) in found])
        return payments.where()


@contextmanager
def payments_source(workspace: Workspace) -> Iterator[PaymentsSource]:
    """Where to read payments from: the explorer's copy when it is ready for the store's current state, else the
    ledger view."""
    path = prepared_path(workspace)
    if _ready(path):
        with _reader_cursor(workspace) as engine:
            yield PaymentsSource(engine, f"read_parquet({sql_string(str(path))})",
                                 f"read_parquet({sql_string(str(_names_path(path)))})")
    else:
        with workspace.engine() as engine:
            workspace.store.open_views(engine)
            yield PaymentsSource(engine, "ledger")


def paying_bodies(workspace: Workspace) -> list[dict[str, Any]]:
    """The bodies with payments in the ledger, by name (for a filter's choices)."""
    with payments_source(workspace) as source:
        engine, ledger = source.engine, source.relation
        return engine.records(f"SELECT body_id, any_value(body_name) AS body_name FROM {ledger} WHERE body_id IS NOT NULL "
                              "GROUP BY body_id ORDER BY body_name")
