"""The explorer's copy of the ledger (explore.prepare_payments): every answer read from it equals the answer read
from the ledger view, it is made anew when the store changes, and a copy made while the store changed is not kept."""

from __future__ import annotations

import pytest

import totalplace as tp
from totalplace import explore
from totalplace.demo.place import write_demo_place
from totalplace.store.ledger import Store

FILTERS = [
    {},
    {"supplier": "care"},
    {"body": "NTN", "date_from": "2024-05-01", "date_to": "2024-05-31"},
    {"cofog": "10"},
    {"cofog": "none", "amount_min": "1,000"},
    {"amount_min": "-100", "amount_max": "0"},
    {"transfer_kind": "service"},
]
SORTS = [("amount", True), ("date", False), ("supplier", False), ("body", True)]


def answers(ws: tp.Workspace) -> list:
    found = []
    for given in FILTERS:
        where = explore.PaymentFilter.parse(**given)
        for sort, descending in SORTS:
            found.append(explore.search_payments(ws, where, sort, descending, page=2, page_size=7))
        found.append(list(explore.iter_payments(ws, where, "date", True, batch=100)))
    found.append(explore.paying_bodies(ws))
    found.append(explore.money_flows(ws))
    for body in explore.paying_bodies(ws):
        profile = explore.body_profile(ws, body["body_id"])
        found.append({k: sorted(map(str, v)) if isinstance(v, list) else v for k, v in profile.items()})
    supplier = found[0]["payments"][0]["supplier"]
    profile = explore.supplier_profile(ws, supplier)
    found.append({k: sorted(map(str, v)) if isinstance(v, list) else v for k, v in profile.items()})
    return found


@pytest.fixture()
def demo(tmp_path):
    written = write_demo_place(tmp_path / "demo", rows_per_file=300)
    ws = tp.init_workspace(tmp_path / "ws", "explorer copy (SYNTHETIC)")
    tp.load_reference(ws, tmp_path / "demo" / "reference")
    results = [r for w in written[:-1] for r in tp.ingest(ws, [w.path], body=w.body_given)]
    assert {r.status for r in results} == {"loaded"}, [r.error for r in results]
    return ws, written[-1]


def test_answers_from_the_copy_equal_answers_from_the_ledger_view(demo, monkeypatch):
    ws, _ = demo
    assert not explore.prepared_path(ws).exists()
    from_view = answers(ws)
    assert from_view[0]["matching"] > 1000  # the filters are not all empty
    path = explore.prepare_payments(ws)
    assert path == explore.prepared_path(ws) and path.exists()
    with explore.payments_source(ws) as source:
        assert source.relation.startswith("read_parquet(")
    assert answers(ws) == from_view
    monkeypatch.setattr(explore, "MAX_NAMES", 1)  # words that stand for many names are searched for in every row
    assert answers(ws) == from_view


def test_a_change_to_the_store_needs_a_new_copy_and_the_old_is_not_read(demo):
    ws, another = demo
    first = explore.prepare_payments(ws)
    before = explore.search_payments(ws, explore.PaymentFilter())["matching"]
    (result,) = tp.ingest(ws, [another.path], body=another.body_given)
    assert result.status == "loaded"
    assert explore.prepared_path(ws) != first and not explore.prepared_path(ws).exists()
    with explore.payments_source(ws) as source:
        assert source.relation == "ledger"  # until the new copy is written, the ledger view answers
    after = explore.search_payments(ws, explore.PaymentFilter())["matching"]
    assert after == before + result.rows_loaded
    second = explore.prepare_payments(ws)
    assert explore.search_payments(ws, explore.PaymentFilter())["matching"] == after
    assert first.exists() and second.exists()  # the previous copy stays while a reader may have chosen it


def test_a_copy_written_while_the_store_changed_is_not_kept(demo, monkeypatch):
    ws, _ = demo
    real_open_views = Store.open_views

    def open_then_change(store, engine):  # something changes in the store while the copy is being written
        opened = real_open_views(store, engine)
        (store.reference_dir / "changed.txt").write_text("a reference file added meanwhile", encoding="utf-8")
        return opened

    monkeypatch.setattr(Store, "open_views", open_then_change)
    stale = explore.prepared_path(ws)
    assert explore.prepare_payments(ws) is None
    assert not stale.exists() and not list(stale.parent.glob(".*partial"))
    with explore.payments_source(ws) as source:
        assert source.relation == "ledger"
