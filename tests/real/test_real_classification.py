"""Classification on the real ledger: coverage, what a finance officer expects of each body, and the scores
against the hand-labelled labels, publisher by publisher."""

from __future__ import annotations

from pathlib import Path

import pytest

import totalplace as tp
from totalplace.classification import rule_set
from totalplace.classify.classifier import Label
from totalplace.classify.evaluate import leave_one_publisher_out, read_labelled, totals
from totalplace.store.ledger import EXPENSE_LABEL_SQL, SERVICE_LABEL_SQL

pytestmark = pytest.mark.real
LABELLED = Path(__file__).resolve().parents[1] / "classify" / "labelled_labels.csv"


def _query(workspace, sql, params=()):
    with workspace.engine() as engine:
        workspace.store.open_views(engine)
        return engine.rows(sql, list(params))


def _shares(workspace, body_id, level="cofog"):
    rows = _query(workspace, f"SELECT {level}, sum(abs(amount_pence)) FROM ledger WHERE body_id = ? GROUP BY 1", [body_id])
    total = sum(p for _, p in rows)
    return {code: p / total for code, p in rows}


def test_every_row_is_decided_and_nothing_is_lost(real_ledger):
    ws, _ = real_ledger
    ((rows, decided, pence),) = _query(ws, "SELECT count(*), count(classification_method), sum(amount_pence) FROM ledger")
    assert rows == decided == 303_582
    by_function = sum(r["pence"] for r in tp.spending_by_function(ws))
    assert by_function == pence  # the pounds by function (with 'unclassified') add up to the ledger


def test_the_keys_read_from_the_files_summaries_are_the_ledgers_own(real_ledger):
    """Matching and classifying read each distinct supplier, label, description and payee from the files'
    summaries (`ledger_keys`): they must be exactly the ledger's, row counts included."""
    ws, _ = real_ledger
    keys = ("body_id, directorate, service_area, expense_category, expense_type, description, supplier, "
            "supplier_redacted, counterparty_type")
    from_ledger = _query(ws, f"SELECT {keys}, count(*) FROM ledger GROUP BY ALL ORDER BY ALL")
    from_summaries = _query(ws, f"SELECT {keys}, sum(n)::BIGINT FROM ledger_keys GROUP BY ALL ORDER BY ALL")
    assert len(from_ledger) == 32_713 and from_summaries == from_ledger


def test_at_least_95_percent_of_the_real_ledgers_pence_are_classified(real_ledger):
    ws, _ = real_ledger
    everything = [r for r in tp.classification_coverage(ws) if r["body"] == "all"][0]
    assert everything["share_pence_classified"] >= 0.95  # gross: credit notes by their size
    assert everything["pence_classified"] / everything["pence"] >= 0.95  # net


@pytest.mark.parametrize(("body_id", "code", "level"), [
    ("E31000023", "03.2", "cofog_group"),  # Lancashire Fire and Rescue Authority
    ("E23000003", "03.1", "cofog_group"),  # Lancashire PCC
    ("E54000043", "07", "cofog"),  # NHS Gloucestershire ICB
    ("E54000038", "07", "cofog"),  # NHS Somerset ICB
    ("E38000150", "07", "cofog"),  # NHS Somerset CCG
    ("NETWORKRAIL", "04.5", "cofog_group"),
])
def test_a_single_purpose_body_spends_on_its_function(real_ledger, body_id, code, level):
    assert _shares(real_ledger[0], body_id, level) == {code: 1.0}


def test_leeds_adult_social_care_is_social_protection(real_ledger):
    ws, _ = real_ledger
    rows = _query(ws, """SELECT cofog, sum(abs(amount_pence)) FROM ledger
                         WHERE body_id = 'LDS' AND directorate IN ('Adults and Health', 'Adult Social Care') GROUP BY 1""")
    total = sum(p for _, p in rows)
    shares = {code: p / total for code, p in rows}
    assert shares["10"] >= 0.85  # care for older and disabled people
    assert shares["10"] + shares["07"] >= 0.99  # and public health, part of Leeds' Adults and Health since 2013
    groups = dict(_query(ws, """SELECT cofog_group, sum(abs(amount_pence)) FROM ledger
                                WHERE body_id = 'LDS' AND service_area ILIKE 'Services For Older People%' GROUP BY 1"""))
    assert max(groups, key=groups.get) == "10.2"


def test_the_glas_grants_to_boroughs_are_mostly_housing(real_ledger):
    ws, _ = real_ledger
    rows = dict(_query(ws, """SELECT cofog_group, sum(amount_pence) FROM ledger
                              WHERE body_id = 'GLA' AND counterparty_type = 'council' GROUP BY 1"""))
    assert rows["06.1"] / sum(rows.values()) >= 0.9


def test_civil_service_pensions_are_old_age_and_the_rest_of_the_cabinet_office_runs_government(real_ledger):
    ws, _ = real_ledger
    rows = _query(ws, "SELECT DISTINCT cofog_group FROM ledger WHERE body_id = 'CABINETOFFICE' AND service_area ILIKE '%PCSPS%'")
    assert rows == [("10.2",)]
    shares = _shares(ws, "CABINETOFFICE")
    assert round(shares["01"], 2) == 0.87 and round(shares["10"], 2) == 0.13


def test_the_labelled_set_is_what_the_issue_asks_for(real_ledger):
    ws, _ = real_ledger
    labelled = read_labelled(LABELLED, ws.register())
    assert len({(i.label.body_id, i.label.service, i.label.expense) for i in labelled}) == len(labelled) >= 400
    assert len({i.publisher for i in labelled}) >= 8
    # every labelled label is a label of the real ledger, written exactly as the classifier sees it
    found = set(_query(ws, f"SELECT DISTINCT body_id, {SERVICE_LABEL_SQL.format(p='')}, {EXPENSE_LABEL_SQL.format(p='')} FROM ledger"))
    assert {(i.label.body_id, i.label.service, i.label.expense) for i in labelled} <= found


@pytest.fixture(scope="module")
def scores(real_ledger):
    ws, _ = real_ledger
    register = ws.register()
    found = _query(ws, f"SELECT DISTINCT body_id, {SERVICE_LABEL_SQL.format(p='')}, {EXPENSE_LABEL_SQL.format(p='')} "
                       "FROM ledger ORDER BY ALL")
    ledger_labels = [Label(b, register.bodies[b].kind if b in register.bodies else None, s, e) for b, s, e in found]
    labelled = read_labelled(LABELLED, register)
    return labelled, leave_one_publisher_out(rule_set(ws), labelled, ledger_labels)


def test_division_accuracy_leave_one_publisher_out(scores):
    labelled, per_publisher = scores
    dev, held_out, everything = (totals(per_publisher, labelled, split) for split in ("dev", "held-out", None))
    # floors a little under what was measured (docs/classification.md): a fall below one is a regression
    assert dev.division_accuracy >= 0.90, dev.summary()
    assert everything.division_accuracy >= 0.87, everything.summary()
    assert held_out.division_accuracy >= 0.74, held_out.summary()
    assert held_out.accuracy_where_decided >= 0.83, held_out.summary()
    assert everything.group_accuracy >= 0.92, everything.summary()
    assert everything.forced <= 0.25 * everything.not_classifiable, everything.summary()


def test_themes_precision_and_recall(scores):
    labelled, per_publisher = scores
    everything = totals(per_publisher, labelled)
    assert everything.theme_precision >= 0.80 and everything.theme_recall >= 0.84, everything.summary()


def test_classify_evaluate_scores_the_labelled_set_as_the_measure_above(real_ledger, scores):
    """`totalplace classify evaluate` on the project's labelled set gives the same counts as the measure the
    docs report, split by split."""
    labelled, per_publisher = scores
    ws, _ = real_ledger
    result = tp.evaluate_labelled(ws, LABELLED)
    assert result["labels"] == len(labelled) == 638
    for split in ("dev", "held-out", "all"):
        expected = totals(per_publisher, labelled, None if split == "all" else split).as_dict()
        assert result["rules_and_model"]["totals"][split] == expected
    assert len(result["rules_and_model"]["publishers"]) == 15
