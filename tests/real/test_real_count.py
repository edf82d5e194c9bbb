"""The count on the real national sources: its invariants, the places the issue names, drill-downs, exports."""

from __future__ import annotations

import json
from collections import Counter

import pytest

import totalplace as tp
from totalplace.count.area import districts_in_year
from totalplace.count.year import FinancialYear
from totalplace.cli import app

pytestmark = pytest.mark.real

PLACES = {"Greater Manchester": "E47000001", "Birmingham": "E08000025", "Kent": "E10000016", "Lewisham": "E09000023",
          "Cumbria": "E10000006", "Trafford": "E08000009", "Cheltenham": "E07000078"}
YEARS = ("2014-15", "2017-18")


@pytest.fixture(scope="module")
def counts(real_national):
    return {(name, year): tp.count_place(real_national, code, year) for name, code in PLACES.items() for year in YEARS}


def test_the_count_is_the_sum_of_its_cells_and_each_cell_has_one_basis(counts):
    for (name, year), count in counts.items():
        assert count.total_pence == sum(c.pence for c in count.cells) == sum(r["pence"] for r in count.by("body"))
        assert count.gross_pence - count.transfers_netted_pence == count.total_pence
        assert sum(r["pence"] for r in count.by("cofog")) == count.total_pence
        pairs = Counter((c.body_id, c.cofog) for c in count.cells)
        assert max(pairs.values()) == 1, (name, year)
        assert {c.basis for c in count.cells} <= {"outturn", "apportioned", "payments"}


def test_every_named_place_is_counted_bottom_up_and_top_down_with_a_plausible_total(counts):
    for (name, year), count in counts.items():
        shares = count.basis_shares()
        assert 0.15 < shares["outturn"] < 0.45 and 0.55 < shares["apportioned"] < 0.85, (name, year, shares)
        per_head = count.per_head_pence / 100
        assert 5_000 < per_head < 16_000, (name, year, per_head)
        no_outturn = [m["what"] for m in count.missing if "no outturn" in m["what"]]
        # Copeland's 2017-18 row in the RS return holds no figures ('…', grossed by MHCLG): said, not filled in
        assert no_outturn == (["Copeland Borough Council: no outturn for 2017-18"] if (name, year) == ("Cumbria", "2017-18") else []), (name, year)


def test_two_tier_a_county_councils_spending_shared_over_its_districts_sums_to_the_county(real_national, counts):
    year = FinancialYear.parse("2017-18")
    kent = counts[("Kent", "2017-18")]
    county = {c.cofog: c.gross_pence for c in kent.cells if c.body_id == "KEN"}
    assert county and all(c.driver == "whole" for c in kent.cells if c.body_id == "KEN")
    districts = districts_in_year(real_national.places(), "E10000016", year)
    assert len(districts) == 12
    shared: Counter = Counter()
    for d in districts:
        count = tp.count_place(real_national, d, "2017-18")
        cells = [c for c in count.cells if c.body_id == "KEN"]
        assert cells and all(0 < c.share < 0.2 for c in cells)  # never assigned whole to one district
        for c in cells:
            shared[c.cofog] += c.gross_pence
    assert dict(shared) == county


def test_apportionment_conserves_money_over_a_region(real_national):
    year = FinancialYear.parse("2017-18")
    region = "E12000002"  # North West
    districts = districts_in_year(real_national.places(), region, year)
    assert len(districts) == 39
    whole = tp.count_place(real_national, region, "2017-18")
    apportioned = {(c.body_id, c.cofog): c.gross_pence for c in whole.cells if c.basis == "apportioned"}
    summed: Counter = Counter()
    for d in districts:
        for c in tp.count_place(real_national, d, "2017-18").cells:
            if c.basis == "apportioned":
                summed[(c.body_id, c.cofog)] += c.gross_pence
    assert dict(summed) == apportioned
    with real_national.engine() as engine:
        real_national.store.open_views(engine)
        (cra,) = engine.one("""SELECT sum(pence) FROM cra WHERE year = '2017-18' AND identifiable AND region_code = ?
                               AND sector IN ('CG', 'PC') AND publication = (SELECT max(publication) FROM cra WHERE year = '2017-18')""", [region])
    assert sum(apportioned.values()) == cra


def test_drill_down_gives_the_rows_a_cell_was_made_from(real_national, counts):
    count = counts[("Trafford", "2017-18")]
    cell = next(c for c in count.cells if c.basis == "outturn" and c.body_id == "TRF" and c.cofog == "10")
    found = tp.drill(real_national, count, cell.cell_id)
    assert {r["line"] for r in found["rows"]} >= {330, 360}
    assert sum(r["pence"] for r in found["rows"]) == cell.source_pence
    cell = max((c for c in count.cells if c.basis == "apportioned"), key=lambda c: c.pence)
    found = tp.drill(real_national, count, cell.cell_id)
    assert found["rows"] and sum(r["pence"] for r in found["rows"]) == cell.source_pence
    with pytest.raises(tp.count.DrillError, match="no cell"):
        tp.drill(real_national, count, "outturn/NOPE/01")


def test_exports_csv_xlsx_parquet_and_a_valid_frictionless_package(real_national, counts, tmp_path):
    frictionless = pytest.importorskip("frictionless")
    import pyarrow.parquet as pq
    from openpyxl import load_workbook

    count = counts[("Trafford", "2017-18")]
    csv_path = tp.export_count(count, tmp_path / "trafford.csv")
    assert len(csv_path.read_text(encoding="utf-8").splitlines()) == len(count.cells) + 1
    table = pq.read_table(tp.export_count(count, tmp_path / "trafford.parquet"))
    assert table.num_rows == len(count.cells) and sum(table.column("pence").to_pylist()) == count.total_pence
    book = load_workbook(tp.export_count(count, tmp_path / "trafford.xlsx"), read_only=True)
    assert {"Summary", "Cells", "By body", "By COFOG", "Missing", "Notes"} <= set(book.sheetnames)
    descriptor = tp.export_count(count, tmp_path / "package")
    report = frictionless.validate(str(descriptor))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert json.loads(descriptor.read_text())["resources"][0]["schema"]["primaryKey"] == ["cell"]


def test_the_count_command_and_compare(real_national, tmp_path):
    from typer.testing import CliRunner

    runner = CliRunner()
    result = runner.invoke(app, ["count", "--place", "Trafford", "--year", "2017-18", "-w", str(real_national.root), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {"total_pence", "population", "per_head_pence", "gross_pence", "transfers_netted_pence", "cells", "missing"} <= set(data)
    assert {"body_id", "cofog", "basis", "source", "pence"} <= set(data["cells"][0])
    result = runner.invoke(app, ["count", "--place", "Trafford", "--year", "2017-18", "-w", str(real_national.root)])
    assert result.exit_code == 0 and "Trafford" in result.output and "per head" in result.output
    result = runner.invoke(app, ["count", "--place", "Trafford", "--year", "2017-18", "-w", str(real_national.root), "--json",
                                 "--export", str(tmp_path / "t.csv")])
    assert result.exit_code == 0 and json.loads(result.stdout)["total_pence"] == data["total_pence"]  # "written" went to stderr
    result = runner.invoke(app, ["compare", "--places", "Trafford,Lewisham,Cheltenham", "--year", "2017-18", "-w", str(real_national.root), "--json"])
    assert result.exit_code == 0, result.output
    assert [r["place"] for r in json.loads(result.output)] == ["Trafford", "Lewisham", "Cheltenham"]
    for args, message in ((["--place", "Nowhere", "--year", "2017-18"], "no place"),
                          (["--place", "Trafford", "--year", "2017-19"], "not a financial year"),
                          (["--place", "Trafford", "--year", "2017-18", "--drill", "outturn/X/01"], "no cell"),
                          (["--place", "Trafford", "--year", "1990-91"], "nothing to count 1990-91 from"),
                          (["--place", "Trafford", "--year", "2017-18", "--export", str(tmp_path / "no" / "t.xlsx")], "cannot be written"),
                          (["--place", "Trafford", "--year", "2017-18", "--export", str(tmp_path / "no" / "package")], "does not exist"),
                          (["--place", "Trafford", "--year", "2017-18", "--complete", "Nobody Anywhere"], "no body in the register")):
        result = runner.invoke(app, ["count", *args, "-w", str(real_national.root)])
        assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output, result.output


@pytest.fixture(scope="module")
def greater_manchester_2014(real, tmp_path_factory):
    """The four Greater Manchester councils' payments for September 2014, with the national sources for 2014-15."""
    ws = tp.init_workspace(tmp_path_factory.mktemp("gm") / "ws", "Greater Manchester 2014-15")
    tp.load_reference(ws, real / "reference_geography")
    files = {"spend_council/manchester/manchester_spend_2014-09.xls": None, "spend_council/stockport/stockport_spend_2014-09.xls": "Stockport",
             "spend_council/tameside/tameside_spend_2014-09.csv": "Tameside", "spend_council/trafford/trafford_spend_2014-09.csv": None,
             "reference_finance/MHCLG_RS_2014-15_data_by_LA.xls": None, "reference_finance/HMT_CRA_2018_database.xlsx": None}
    for rel, body in files.items():
        (result,) = tp.ingest(ws, [real / rel], body=body)
        assert result.status == "loaded", result
    return ws


def test_transfers_to_nhs_bodies_are_netted_and_netting_off_changes_the_total_by_exactly_that(greater_manchester_2014):
    ws = greater_manchester_2014
    net = tp.count_place(ws, "Greater Manchester", "2014-15")
    gross = tp.count_place(ws, "Greater Manchester", "2014-15", net_transfers=False)
    assert net.transfers_netted_pence > 0 and gross.transfers_netted_pence == 0
    assert gross.total_pence - net.total_pence == net.transfers_netted_pence
    assert gross.gross_pence == net.gross_pence
    netted = [t for t in net.transfers if t["netted_pence"]]
    kinds = {ws.register().bodies[t["payee_id"]].kind for t in netted}
    assert kinds <= {"nhs_trust", "nhs_ccg", "nhs_icb", "nhs"}
    assert sum(t["netted_pence"] for t in netted) == net.transfers_netted_pence
    # payments between councils, police and fire are not netted: their outturn is already net of them
    between = [t for t in net.transfers if ws.register().bodies[t["payee_id"]].kind in ("council", "police", "fire")]
    assert between and all(t["netted_pence"] == 0 and "already net" in t["why"] for t in between)
    # a district's share of a netted payment follows the payer's share of the district: Trafford nets only its own
    trafford = tp.count_place(ws, "Trafford", "2014-15")
    assert {t["payer_id"] for t in trafford.transfers if t["netted_pence"]} <= {"TRF"}
    # councils counted from outturn cannot be declared complete
    with pytest.raises(tp.count.CountError, match="counted from its outturn"):
        tp.count_place(ws, "Trafford", "2014-15", complete=["Trafford"])
    found = tp.drill(ws, net, next(c for c in net.cells if c.transfers_netted_pence).cell_id)
    assert any(r["kind"] == "payment netted (transfer)" for r in found["rows"])


def test_the_results_table_in_the_docs_is_what_the_library_counts(counts):
    from pathlib import Path
    import re

    doc = (Path(__file__).resolve().parents[2] / "docs" / "method.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| ([A-Z][A-Za-z ]+) \| (20\d\d-\d\d) \| £([\d,]+) \| ([\d,]+) \| £([\d,]+) \|", doc, flags=re.M)
    assert len(rows) == 14
    for name, year, total, population, per_head in rows:
        count = counts[(name, year)]
        assert int(total.replace(",", "")) == round(count.total_pence / 100), (name, year)
        assert int(population.replace(",", "")) == count.population
        assert int(per_head.replace(",", "")) == round(count.per_head_pence / 100), (name, year)


def test_crosscheck_councils_outturn_against_cras_local_government_figure(real_national):
    from totalplace.count.crosscheck import crosscheck
    from typer.testing import CliRunner

    found = crosscheck(real_national, "North West", "2017-18")
    assert (found["region"]["code"], found["publication"], found["bodies"]) == ("E12000002", "CRA 2018", 50)
    assert (found["outturn_pence"], found["cra_lg_current_pence"], found["cra_lg_capital_pence"]) == (
        1515719966667, 1522788000000, 310567200000)
    assert found["difference_current_pence"] == found["outturn_pence"] - found["cra_lg_current_pence"]
    assert sum(r["outturn_pence"] for r in found["by_cofog"]) == found["outturn_pence"]
    assert crosscheck(real_national, "E12000008", "2014-15")["outturn_pence"] == 1648759700000  # South East
    result = CliRunner().invoke(app, ["crosscheck", "--region", "North West", "--year", "2017-18", "-w", str(real_national.root), "--json"])
    assert result.exit_code == 0 and json.loads(result.output)["cra_lg_current_pence"] == 1522788000000
    result = CliRunner().invoke(app, ["crosscheck", "--region", "Trafford", "--year", "2017-18", "-w", str(real_national.root)])
    assert result.exit_code == 2 and "the cross-check is of a region" in result.output


def test_areas_are_the_districts_of_the_year(real_national):
    places = real_national.places()
    year = FinancialYear.parse("2017-18")
    names = lambda code: sorted(places.places[d].name for d in districts_in_year(places, code, year))  # noqa: E731
    # Suffolk's police area as the lookups give it holds East and West Suffolk (2019); in 2017-18, their predecessors
    assert names("E23000025") == ["Babergh", "Forest Heath", "Ipswich", "Mid Suffolk", "St Edmundsbury", "Suffolk Coastal", "Waveney"]
    assert "Forest Heath" not in names("E10000030")  # Surrey: the register's county code for Forest Heath is a slip
    assert len(names("E23000039")) == 8  # Dorset's police area before the 2019 unitaries
    suffolk = tp.count_place(real_national, "Ipswich", "2017-18")
    police = next(c for c in suffolk.cells if c.body_id == "E23000025")
    assert 0.15 < police.share < 0.2 and "of the 7 districts of Suffolk" in police.driver  # not half, as before


def test_redcar_is_counted_and_nothing_is_counted_from_two_sources(real_national):
    count = tp.count_place(real_national, "Redcar and Cleveland", "2017-18")
    assert any(c.body_id == "RCC" and c.basis == "outturn" for c in count.cells)  # its register code no longer lost to an NHS trust
    assert not [c for c in count.cells if c.basis == "apportioned" and "LG" in c.sector]  # CRA's LG part left out
    assert {c.sector for c in count.cells if c.body_id == "CRA:Local Government England"} <= {"PC"}  # councils' companies
    assert any(c.body_id == "TVCA" for c in count.cells)  # Tees Valley Combined Authority, from its outturn
