"""Matching on the real data: the hand-labelled evaluation set, and the transfers the issue names."""

from __future__ import annotations

import collections
from pathlib import Path

import pytest
from realdata import outcomes

import totalplace as tp
from totalplace.match.evaluate import evaluate, read_labels
from totalplace.reference.register import load_register_files

pytestmark = pytest.mark.real
LABELS = Path(__file__).resolve().parents[1] / "match" / "eval_suppliers.csv"


@pytest.fixture(scope="module")
def register(real):
    return load_register_files(real / "reference_geography")[0]


def test_the_evaluation_set_is_what_the_issue_asks_for():
    labels = read_labels(LABELS)
    public = [label for label in labels if label.is_public]
    hard_negatives = [label for label in labels if label.notes.startswith("Hard negative")]
    assert len({label.supplier for label in labels}) == len(labels) >= 400
    assert len(public) >= 120 and len(hard_negatives) >= 50
    assert len({label.file for label in labels}) >= 8


@pytest.mark.parametrize("part", ["held-out", "all"])
def test_matching_meets_its_targets(register, part):
    scores = evaluate(register, read_labels(LABELS))[part]
    assert scores.precision >= 0.98, scores.summary()
    assert scores.recall >= 0.90, scores.summary()
    assert scores.which_body_accuracy >= 0.95, scores.summary()


def transfers(ws, where: str) -> list[dict]:
    return outcomes(ws, f"""SELECT body_id, supplier, counterparty_type, payee_body_id, payee_body_name, transfer_kind,
                                   is_transfer, amount_pence FROM ledger WHERE {where}""")


def test_craven_pays_harrogate_borough_council(real_ledger):
    ws, _ = real_ledger
    rows = transfers(ws, "file LIKE 'craven%' AND supplier = 'Harrogate Borough Council'")
    assert rows and all(r["body_id"] == "CRA" and r["payee_body_id"] == "HAG" and r["transfer_kind"] == "service"
                        for r in rows)
    assert sum(r["amount_pence"] for r in rows) == 100000


def test_the_gla_pays_london_boroughs_housing_grants(real_ledger):
    ws, _ = real_ledger
    rows = transfers(ws, "file LIKE 'gla%' AND counterparty_type = 'council' AND payee_body_id IS NOT NULL")
    boroughs = {r["payee_body_id"] for r in rows}
    assert len(boroughs) >= 30
    assert {"HRY", "CMD", "HAV", "BDG"} <= boroughs  # Haringey, Camden, Havering, Barking and Dagenham
    assert all(r["body_id"] == "GLA" and r["is_transfer"] for r in rows)
    haringey = transfers(ws, "file LIKE 'gla%' AND supplier = 'LONDON BOROUGH HARINGEY'")
    assert max(r["amount_pence"] for r in haringey) == 2070000000  # the £20.7m housing grant


def test_nhs_gloucestershire_icb_pays_gloucestershire_county_council(real_ledger):
    ws, _ = real_ledger
    rows = transfers(ws, "body_id = 'E54000043' AND supplier = 'GLOUCESTERSHIRE COUNTY COUNCIL'")
    assert rows and {r["payee_body_id"] for r in rows} == {"GLS"}
    assert all(r["transfer_kind"] == "service" for r in rows)


def test_tax_and_pension_payments_are_their_own_kinds(real_ledger):
    ws, _ = real_ledger
    kinds = collections.Counter(r["transfer_kind"] for r in transfers(ws, "payee_body_id IN ('HMRC', 'GMPF', 'WYPF')"))
    assert set(kinds) <= {"tax", "pension"} and kinds["tax"] > 0


def test_every_supplier_has_a_decision(real_ledger):
    ws, _ = real_ledger
    undecided = outcomes(ws, "SELECT count(*) AS n FROM ledger WHERE supplier IS NOT NULL AND counterparty_type IS NULL")
    assert undecided == [{"n": 0}]
    public = tp.list_suppliers(ws, counterparty_type="council")
    assert any(s["supplier"] == "Harrogate Borough Council" and s["body_id"] == "HAG" for s in public)
