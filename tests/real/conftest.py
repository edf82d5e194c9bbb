"""The real ledger: every real payment file ingested once, as a user would, shared by the real-data tests."""

from __future__ import annotations

import pytest
from realdata import ESTATE_FILES, FILES, NATIONAL_FILES

import totalplace as tp


@pytest.fixture(scope="session")
def real_ledger(tmp_path_factory, real):
    """One workspace with the real register and every real payment file, ingested as a user would."""
    ws = tp.init_workspace(tmp_path_factory.mktemp("real") / "ws", "real files")
    tp.load_reference(ws, real / "reference_geography")
    results = {}
    for rel, facts in FILES.items():
        (result,) = tp.ingest(ws, [real / rel], body=facts.get("given"))
        results[rel] = result
    return ws, results


@pytest.fixture(scope="session")
def real_national(tmp_path_factory, real):
    """A workspace with the real register and the four national finance files (the RS returns for 2014-15 and
    2017-18, the CRA 2014 and 2018 databases) and no payment files: their figures are the views `outturn` and
    `cra`."""
    ws = tp.init_workspace(tmp_path_factory.mktemp("national") / "ws", "national sources")
    tp.load_reference(ws, real / "reference_geography")
    results = tp.ingest(ws, [real / rel for rel in NATIONAL_FILES])
    assert [r.status for r in results] == ["loaded"] * len(NATIONAL_FILES), [r.error for r in results]
    return ws


@pytest.fixture(scope="session")
def real_estate(tmp_path_factory, real):
    """A workspace with the real register and every public-estate file (asset registers, Lambeth's lists of
    places, Trafford's GeoJSON points and boundaries, ERIC 2016-17, the ODS trust list) and no payment files:
    the views `assets`, `asset_outcomes` and `boundaries`. Lambeth's lists are given --body Lambeth (its police
    stations --body 'Metropolitan Police', the register's MOPAC, E23000001), Trafford's GeoJSON --body Trafford."""
    ws = tp.init_workspace(tmp_path_factory.mktemp("estate") / "ws", "public estate")
    tp.load_reference(ws, real / "reference_geography")
    for rel, body in ESTATE_FILES.items():
        (result,) = tp.ingest(ws, [real / rel], body=body)
        assert result.status == "loaded", (rel, result.error)
    return ws
