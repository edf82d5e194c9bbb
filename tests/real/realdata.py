"""The real payment files, what to tell ingest about each, and the facts checked about them by hand."""

from __future__ import annotations

# file, --body (only for files with no body column), expected facts
FILES: dict[str, dict] = {
    "spend_council/craven/craven_payments_2017-03.csv": dict(
        body="Craven District Council (CRA)", encoding="cp1252", read=173, loaded=171, rejected=0,
        skipped={"header row": 1, "total row": 1}, pence=72658394, declared=72658394, difference=0,
        redacted=6),  # payee written as a row of asterisks
    "spend_council/hyndburn/hyndburn_spend_2017-01.csv": dict(
        given="Hyndburn", body="Hyndburn Borough Council (HYN)", encoding="cp1252", read=181, loaded=180,
        rejected=0, skipped={"header row": 1}, pence=53827219),
    "spend_council/hyndburn/hyndburn_spend_2024-09.csv": dict(
        given="Hyndburn", body="Hyndburn Borough Council (HYN)", encoding="utf-8", read=626, loaded=625,
        rejected=0, skipped={"header row": 1}, pence=1057071946),
    "spend_council/lambeth/lambeth_invoices_over_500_2012-06.csv": dict(
        body="London Borough of Lambeth (LBH)", encoding="utf-8", read=3171, loaded=2516, rejected=639,
        rejected_reasons={"date and amount run together": 636, "row has too few fields": 3},
        skipped={"blank row": 8, "header row": 1, "preamble before the header": 6, "total row": 1},
        pence=3977594053, rejected_pence=51639431, declared=4029233484, difference=0),
    "spend_council/lambeth/lambeth_supplier_totals_2011-01.csv": dict(
        given="Lambeth", body="London Borough of Lambeth (LBH)", encoding="utf-8", read=1073, loaded=1072,
        rejected=0, skipped={"header row": 1}, pence=3844761814),
    "spend_council/leeds/leeds_spending_2012-07_raw.csv": dict(
        body="Leeds City Council (LDS)", encoding="utf-8", read=8949, loaded=8948, rejected=0,
        skipped={"header row": 1}, pence=7439499844, redacted=706),
    "spend_council/leeds/leeds_spending_2020-06_raw.csv": dict(
        body="Leeds City Council (LDS)", encoding="cp1252 (the first 1,318,653 bytes are also valid UTF-8)",
        read=16178, loaded=16176, rejected=0, skipped={"blank row": 1, "header row": 1}, pence=10444572745,
        redacted=1157),
    "spend_council/manchester/manchester_spend_2014-09.xls": dict(
        body="Manchester City Council (MAN)", format="csv", encoding="cp1252", read=3585, loaded=3584, rejected=0,
        skipped={"header row": 1}, pence=6799371165, redacted=113),
    "spend_council/stockport/stockport_spend_2014-09.xls": dict(
        given="Stockport", body="Stockport Metropolitan Borough Council (SKP)", format="xls", read=2621, loaded=2620,
        rejected=0, skipped={"header row": 1}, pence=2826719572, redacted=469, sheets=1),
    "spend_council/tameside/tameside_spend_2014-09.csv": dict(
        given="Tameside", body="Tameside Metropolitan Borough Council (TAM)", encoding="utf-8", read=2224,
        loaded=1244, rejected=3, rejected_reasons={"payment date missing": 3}, skipped={"blank row": 976, "header row": 1},
        pence=1825231755, rejected_pence=826567597, redacted=122),
    "spend_council/trafford/government_procurement_card_transactions_2026-27.csv": dict(
        body="Trafford Metropolitan Borough Council (TRF)", encoding="utf-8", read=2025, loaded=2024, rejected=0,
        skipped={"header row": 1}, pence=49490666),
    "spend_council/trafford/trafford-supplier-spend-2026-27.zip": dict(
        name="trafford-supplier-spend-2026-27.zip/trafford-supplier-spend-2026-27.csv",
        body="Trafford Metropolitan Borough Council (TRF)", encoding="utf-8", read=38056, loaded=38055, rejected=0,
        skipped={"header row": 1}, pence=9589694189, redacted=6000),
    "spend_council/trafford/trafford_spend_2014-09.csv": dict(
        body="Trafford Metropolitan Borough Council (TRF)", encoding="utf-8 (BOM)", read=9671, loaded=9670, rejected=0,
        skipped={"header row": 1}, pence=2627704622, redacted=1944),
    "spend_council_odileeds_cleaned/cabinetoffice_2022-07.csv": dict(
        body="Cabinet Office (CABINETOFFICE); Crown Commercial Service (CCS); Government Property Agency (GPA)", encoding="utf-8", read=319,
        loaded=318, rejected=0, skipped={"header row": 1}, pence=4377652232),
    "spend_council_odileeds_cleaned/darlington_2022-09.csv": dict(
        given="Darlington", body="Darlington Borough Council (DAL)", encoding="utf-8", read=1488, loaded=1487,
        rejected=0, skipped={"header row": 1}, pence=1128165447),
    "spend_council_odileeds_cleaned/gateshead_2022-08.csv": dict(
        given="Gateshead", body="Gateshead Metropolitan Borough Council (GAT)", encoding="utf-8", read=8054,
        loaded=8053, rejected=0, skipped={"header row": 1}, pence=3046672283, redacted=250),
    "spend_council_odileeds_cleaned/gla_2022-P13.csv": dict(
        given="Greater London Authority", body="Greater London Authority (GLA)", encoding="utf-8", read=2554,
        loaded=2553, rejected=0, skipped={"header row": 1}, pence=41206640818),
    "spend_council_odileeds_cleaned/manchester_2022-05.csv": dict(
        body="Manchester City Council (MAN)", encoding="utf-8 (doubly-encoded BOM)", read=3565, loaded=3564,
        rejected=0, skipped={"header row": 1}, pence=9740022710, redacted=171),
    "spend_council_odileeds_cleaned/networkrail_2021-04.csv": dict(
        given="Network Rail", body="Network Rail (NETWORKRAIL)", encoding="utf-8", read=1465, loaded=1462, rejected=0,
        skipped={"footer after the data": 1, "header row": 1, "total row": 1}, pence=41047606355,
        declared=41047606355, difference=0),
    "spend_police_fire/lancashire_pcc_spend_2024-25.xlsx": dict(
        given="Lancashire Police and Crime Commissioner", body="Police and Crime Commissioner for Lancashire (E23000003)",
        format="xlsx", read=7867, loaded=7857, rejected=0, skipped={"header row": 10}, pence=11096228483, sheets=10),
    "spend_police_fire/lancashire_fire_spend_2024-25.xlsx": dict(
        given="Lancashire Fire and Rescue Service", body="Lancashire Fire and Rescue Authority (E31000023)", format="xlsx",
        read=3377, loaded=3376, rejected=0, skipped={"header row": 1}, pence=2462238891, sheets=1),
    "spend_police_fire/lancashire_fire_spend_2025-26_q3.xlsx": dict(
        given="Lancashire Fire and Rescue Service", body="Lancashire Fire and Rescue Authority (E31000023)", format="xlsx",
        read=882, loaded=881, rejected=0, skipped={"header row": 1}, pence=570296085, sheets=1),
    "spend_nhs/nhs_icb_payments_gloucestershire_somerset_compiled.xlsx": dict(
        body="NHS Gloucestershire Integrated Care Board (E54000043); NHS Somerset CCG (E38000150); "
             "NHS Somerset Integrated Care Board (E54000038)",
        format="xlsx", read=187148, loaded=187146, rejected=0, skipped={"header row": 2}, pence=911213030907,
        sheets=2, redacted=10371),
}


def outcomes(ws, sql: str, params=None) -> list[dict]:
    with ws.engine() as engine:
        ws.store.open_views(engine)
        return engine.records(sql, params)


# The national finance sources (reference_finance/): two RS returns and two CRA databases, ingested by
# the `real_national` fixture into a workspace of their own.
NATIONAL_FILES = (
    "reference_finance/MHCLG_RS_2017-18_data_by_LA.xlsx",
    "reference_finance/MHCLG_RS_2014-15_data_by_LA.xls",
    "reference_finance/HMT_CRA_2014_database.xlsx",
    "reference_finance/HMT_CRA_2018_database.xlsx",
)


# The public-estate files (assets/, nhs_estates/) and the --body each needs (None: the file names its bodies, or
# it is boundaries), ingested by the `real_estate` fixture into a workspace of their own.
ESTATE_FILES: dict[str, str | None] = {
    "assets/trafford_land_and_building_assets.csv": None,
    "assets/cheltenham_land_and_assets_2021.csv": None,
    "assets/cheltenham_land_and_assets_2023.csv": None,
    "assets/lambeth_core_office_buildings.csv": "Lambeth",
    "assets/lambeth_police-stations.csv": "Metropolitan Police",
    "assets/lambeth_schools.csv": "Lambeth",
    "assets/lambeth_childrens-centres.csv": "Lambeth",
    "assets/lambeth_leisure-centres.csv": "Lambeth",
    "assets/trafford_libraries.geojson": "Trafford",
    "assets/trafford_leisure_centres.geojson": "Trafford",
    "assets/trafford_community_hubs.geojson": "Trafford",
    "assets/trafford_local_authority_district.geojson": None,
    "assets/trafford_electoral_ward.geojson": None,
    "nhs_estates/ERIC-2016-17_trust.csv": None,
    "nhs_estates/ods_etr_nhs_trusts.csv": None,
}
