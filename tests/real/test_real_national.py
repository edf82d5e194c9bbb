"""The national finance sources as published: two RS returns (MHCLG) and two CRA databases (HM Treasury), each
ingested as its own dataset, with their facts checked against the workbooks read independently (calamine's
raw floats, Decimal) and by hand."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

import pytest
from python_calamine import CalamineWorkbook
from realdata import outcomes

import totalplace as tp
from totalplace.classify.outturn import KINDS

pytestmark = pytest.mark.real

RS17, RS14 = "MHCLG_RS_2017-18_data_by_LA.xlsx", "MHCLG_RS_2014-15_data_by_LA.xls"
CRA14, CRA18 = "HMT_CRA_2014_database.xlsx", "HMT_CRA_2018_database.xlsx"


def pence(value: float) -> int:
    """£ thousand as pence, as the brief says: Decimal(repr(float)) × 100,000, half to even."""
    return int((Decimal(repr(value)) * 100_000).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


@pytest.fixture(scope="module")
def manifests(real_national):
    return {m["file"]: m for m in tp.list_sources(real_national)}


def test_four_files_four_datasets_and_no_payments(real_national, manifests):
    assert {f: m["dataset"] for f, m in manifests.items()} == {RS17: "outturn", RS14: "outturn", CRA14: "cra", CRA18: "cra"}
    assert all(m["parts"] == [] and m["table"] == f"{m['dataset']}.parquet" for m in manifests.values())
    assert all(m["rows_read"] == m["rows_loaded"] + m["rows_skipped"] + m["rows_rejected"] for m in manifests.values())
    assert outcomes(real_national, "SELECT count(*) AS n FROM ledger") == [{"n": 0}]
    assert tp.ledger_summary(real_national)["files"] == 0


def test_rs_2017_18_accounting(manifests):
    m = manifests[RS17]
    assert (m["format"], m["unit"], m["unit_statement"], m["years"]) == (
        "xlsx", "£ thousand", "Net current expenditure (£ thousand)", ["2017-18"])
    assert m["sheets"] == ["RS LA Data 2017-18"]
    assert len(m["bodies"]) == 445 and m["rows_loaded"] == 444 and m["records"] == 40848
    assert m["rows_read"] == 6189 and m["rows_rejected"] == 0
    assert m["skipped_reasons"] == {"blank row": 6, "body with no figures": 1, "header row": 1, "note after the data": 10,
                                    "preamble before the header": 6, "sheet not part of the return's table": 5713,
                                    "total row": 8}
    # 95 lines × 445 bodies = 42,275 cells: 40,848 figures, line 960's yes/no flag, '…' and '...' (not available)
    assert m["cells_skipped"] == {"blank": 2, "line 960: a yes/no confirmation, not money": 444,
                                  "not available ('…')": 981}
    assert 40848 + 2 + 444 + 981 == 95 * 445
    skipped = m["skipped_sheets"]
    assert set(skipped) == {"Front Page", "LA drop-down", "PHE Check", "Data"} | {f"Access (Col {n})" for n in (*range(1, 9), 99)}
    assert skipped["Front Page"].startswith("the cover page")
    assert skipped["LA drop-down"].startswith("a summary of one authority at a time")
    assert skipped["Access (Col 3)"].startswith("a pivot table") and skipped["Access (Col 3)"].endswith("(a hidden sheet)")
    assert skipped["PHE Check"].startswith("a check sheet titled 2015-16, not this return's year (2017-18)")
    assert skipped["Data"].startswith("council tax figures")
    assert m["notes"] == ["Copeland (E0934), row 220: 'Grossed' in the unheaded column D"]
    assert any("no figures for Copeland (E0934, row 220)" in w for w in m["warnings"])


def test_rs_2017_18_declared_total_differs_by_copelands_estimate(real, manifests):
    """The ENGLAND row's line 699 includes Copeland, whose cells are all '…' (marked 'Grossed'): the bodies'
    line 699 add up to £8,814,334.97 less."""
    m = manifests[RS17]
    rows = CalamineWorkbook.from_path(real / "reference_finance" / RS17).get_sheet_by_name("RS LA Data 2017-18").to_python(skip_empty_area=False)
    col = rows[5].index(699.0)
    assert rows[454][2] == "ENGLAND"
    bodies = [r[col] for r in rows[7:452] if isinstance(r[col], float)]
    assert len(bodies) == 444
    assert m["declared_total_pence"] == pence(rows[454][col]) == 8980007068228
    assert m["declared_total_covers_pence"] == sum(pence(v) for v in bodies) == 8979125634731
    assert m["difference_pence"] == 881433497


def test_rs_2014_15_accounting(real, manifests):
    m = manifests[RS14]
    assert (m["format"], m["unit"], m["years"], m["sheets"]) == ("xls", "£ thousand", ["2014-15"], ["RS LA Data 2014-15 (1)"])
    assert len(m["bodies"]) == 444 and m["rows_loaded"] == 444 and m["records"] == 36852 and m["rows_read"] == 1641
    assert m["skipped_reasons"] == {"blank row": 9, "header row": 1, "memorandum sheet (reserves levels)": 470,
                                    "note after the data": 5, "preamble before the header": 3,
                                    "sheet not part of the return's table": 701, "total row": 8}
    assert m["cells_skipped"] == {"line 960: a yes/no confirmation, not money": 444}  # 'Yes' in every row
    assert 36852 + 444 == 84 * 444
    assert m["skipped_sheets"]["RS LA Data 2014-15 (2)"].startswith("only reserves levels are filled (memorandum")
    assert set(m["skipped_sheets"]) == {"Front page", "RS14 LA drop-down", "RS LA Data 2014-15 (2)"}
    rows = CalamineWorkbook.from_path(real / "reference_finance" / RS14).get_sheet_by_name("RS LA Data 2014-15 (1)").to_python(skip_empty_area=False)
    assert rows[453][2] == "ENGLAND" and m["declared_total_pence"] == pence(rows[453][19]) == 9119867600000
    assert m["declared_total_covers_pence"] == 9119867600000 and m["difference_pence"] == 0


def test_rs_known_figures_to_the_penny(real_national):
    found = {(r["year"], r["body_name"], r["line"]): r for r in outcomes(real_national, """
        SELECT * FROM outturn WHERE body_name IN ('Cambridgeshire', 'Salford', 'Cambridgeshire CC') AND line IN (190, 699)""")}
    cambs = found[("2017-18", "Cambridgeshire", 190)]
    assert (cambs["pence"], cambs["row"], cambs["sheet"], cambs["ecode"], cambs["ons_code"], cambs["class"],
            cambs["line_name"], cambs["kind"], cambs["cofog"], cambs["body_id"], cambs["body_register_name"]) == (
        27863900000, 8, "RS LA Data 2017-18", "E0521", "E10000003", "SC", "Education services", "service", "09", "CAM",
        "Cambridgeshire County Council")
    salford = found[("2017-18", "Salford", 190)]
    assert salford["pence"] == pence(219385.12339215004) == 21938512339 and salford["row"] == 9
    salford14 = found[("2014-15", "Salford", 190)]
    assert (salford14["pence"], salford14["region"], salford14["sheet"]) == (21423100000, "NW", "RS LA Data 2014-15 (1)")
    assert found[("2014-15", "Cambridgeshire CC", 699)]["body_id"] == "CAM"


def test_rs_every_record_has_a_mapped_line(real_national):
    (facts,) = outcomes(real_national, """
        SELECT count(*) AS n, count(line) AS lines, count(*) FILTER (line = 960) AS flags,
               count(DISTINCT kind) FILTER (kind NOT IN ({})) AS odd_kinds,
               count(DISTINCT (year, line, line_name)) AS columns
        FROM outturn""".format(", ".join(f"'{k}'" for k in KINDS)))
    # 2017-18: 95 columns less line 960 and the two all-'...' Icelandic lines; 2014-15: 84 less line 960
    assert facts == {"n": 40848 + 36852, "lines": 40848 + 36852, "flags": 0, "odd_kinds": 0, "columns": 92 + 83}


def test_rs_bodies_resolve_to_the_register_police_all_of_them(real_national, manifests):
    register = real_national.register()
    by_year = {r["year"]: r for r in outcomes(real_national, """
        SELECT year, count(DISTINCT ecode) AS bodies, count(DISTINCT ecode) FILTER (body_id IS NOT NULL) AS resolved,
               count(DISTINCT ecode) FILTER (class = 'O') AS other,
               count(DISTINCT ecode) FILTER (class = 'O' AND body_id IS NOT NULL) AS other_resolved
        FROM outturn GROUP BY year""")}
    assert by_year["2017-18"] == {"year": "2017-18", "bodies": 444, "resolved": 428, "other": 92, "other_resolved": 76}
    assert by_year["2014-15"] == {"year": "2014-15", "bodies": 444, "resolved": 424, "other": 91, "other_resolved": 71}
    for file, expected in ((RS17, 37), (RS14, 37)):  # England's 39 forces less the Met (GLA) and City of London
        police = [b for b in manifests[file]["bodies"] if "Police" in b["published_name"]]
        assert len(police) == expected
        assert all(b["body_id"] and register.bodies[b["body_id"]].kind == "police" for b in police), file
    hampshire = next(b for b in manifests[RS14]["bodies"] if b["ecode"] == "E7052")
    assert (hampshire["ons_code"], hampshire["body_id"], hampshire["how"]) == (
        None, "E23000030", "register: cleaned name 'Police and Crime Commissioner for Hampshire'")
    gm = next(b for b in manifests[RS17]["bodies"] if b["ecode"] == "E7042")  # '(d)': a footnote mark
    assert gm["body_id"] == "E23000005"
    # not in the register: national parks, waste authorities, Lee Valley (Redcar and Cleveland 'RCC' and Ryedale
    # 'RYE', once shadowed by NHS trusts' ODS codes, now resolve: the trusts take 'NHS:RCC', 'NHS:RYE')
    missing = {b["published_name"] for b in manifests[RS17]["bodies"] if not b["body_id"]}
    assert len(missing) == 16 and "The Broads Authority" in missing and not {"Redcar & Cleveland UA", "Ryedale"} & missing
    assert all(b["class"] == "O" for b in manifests[RS17]["bodies"] if not b["body_id"])


def test_cra_2018(real, manifests, real_national):
    m = manifests[CRA18]
    assert (m["rows_loaded"], m["records"], m["years"], m["publication"], m["unit"]) == (
        21135, 21135 * 5, ["2013-14", "2014-15", "2015-16", "2016-17", "2017-18"], "CRA 2018", "£ thousand")
    assert "£'000s" in m["unit_statement"]
    assert m["skipped_reasons"] == {"header row": 1, "notes sheet": 91} and m["rows_read"] == 1 + 21135 + 91
    assert m["columns"]["sector"] == "CG, LG, PC, BOE" and m["columns"]["organisation"] == "Organisation Name"
    rows = CalamineWorkbook.from_path(real / "reference_finance" / CRA18).get_sheet_by_name("CRA 2018 database").to_python()
    header = rows[0]
    total = sum(pence(r[i]) for r in rows[1:] for i in range(header.index("2013-14"), header.index("2017-18") + 1))
    assert m["loaded_pence"] == total == 351278997700000
    first = outcomes(real_national, "SELECT * FROM cra WHERE publication = 'CRA 2018' AND row = 2 AND year = '2013-14'")
    assert [(r["department"], r["segment_code"], r["cofog"], r["cofog_group"], r["nuts_region"], r["region_code"],
             r["identifiable"], r["cap_cur"], r["sector"], r["pence"]) for r in first] == [(
        "Armed Forces Pension and Compensation Schemes", "AFS902-S902A001-UK-TES_CUR-ID-CG-SUB100202", "10", "10.2",
        "SCOTLAND", "S92000003", True, "CUR", "CG", 16655600000)]
    boe = outcomes(real_national, "SELECT * FROM cra WHERE publication = 'CRA 2018' AND sector = 'BOE' AND year = '2017-18'")
    assert [(r["row"], r["cofog"], r["cofog_group"], r["identifiable"], r["region_code"], r["pence"]) for r in boe] == [
        (21136, "01", "01.7", False, None, -1354100000000)]


def test_cra_regions_and_functions(real_national):
    regions = {(r["nuts_region"], r["region_code"]) for r in outcomes(real_national, "SELECT DISTINCT nuts_region, region_code FROM cra")}
    assert regions == {
        ("ENGLAND_North East", "E12000001"), ("ENGLAND_North West", "E12000002"),
        ("ENGLAND_Yorkshire and the Humber", "E12000003"), ("ENGLAND_Yorkshire and The Humber", "E12000003"),
        ("ENGLAND_East Midlands", "E12000004"), ("ENGLAND_West Midlands", "E12000005"), ("ENGLAND_East", "E12000006"),
        ("ENGLAND_London", "E12000007"), ("ENGLAND_South East", "E12000008"), ("ENGLAND_South West", "E12000009"),
        ("SCOTLAND", "S92000003"), ("WALES", "W92000004"), ("NORTHERN IRELAND", "N92000002"),
        ("OUTSIDE UK", None), ("Not Identifiable", None), ("NON-REGIONAL", None)}
    eu = outcomes(real_national, """SELECT publication, count(*) AS n, count(cofog) AS coded, min(hmt_function) AS f
                                    FROM cra WHERE hmt_function ILIKE 'EU transactions' GROUP BY ALL ORDER BY ALL""")
    assert eu == [{"publication": "CRA 2014", "n": 60, "coded": 0, "f": "EU transactions"},
                  {"publication": "CRA 2018", "n": 50, "coded": 0, "f": "EU TRANSACTIONS"}]
    (health,) = outcomes(real_national, "SELECT count(*) AS n, count(cofog_group) AS grouped FROM cra WHERE cofog = '07'")
    assert health["n"] > 0 and health["grouped"] == 0  # 7.A–7.C are HM Treasury's sub-functions, not COFOG groups
    (coded,) = outcomes(real_national, "SELECT count(*) FILTER (cofog IS NULL) AS uncoded, count(*) AS n FROM cra")
    assert coded == {"uncoded": 110, "n": 112345 + 105675}


def test_cra_2014(manifests, real_national):
    m = manifests[CRA14]
    assert (m["rows_loaded"], m["records"], m["years"][0], m["years"][-1], m["publication"]) == (
        22469, 112345, "2009-10", "2013-14", "CRA 2014")
    assert m["columns"]["sector"] == "CG, LG or PC" and "organisation" not in m["columns"]
    (facts,) = outcomes(real_national, """SELECT count(organisation) AS organisations, count(*) FILTER (NOT identifiable) AS non_id
                                          FROM cra WHERE publication = 'CRA 2014'""")
    assert facts == {"organisations": 0, "non_id": 249 * 5}


def test_the_same_bytes_again_are_already_loaded(real, real_national):
    results = tp.ingest(real_national, [real / "reference_finance" / RS14, real / "reference_finance" / CRA18])
    assert [(r.status, r.dataset) for r in results] == [("already_loaded", "outturn"), ("already_loaded", "cra")]
