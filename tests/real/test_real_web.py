"""The dashboard on the real files: the overview's figures are the library's count, a cell drills to its rows,
the estate page draws Lambeth's clusters."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

import totalplace as tp
from totalplace.money import format_pounds
from totalplace.web import create_app

pytestmark = pytest.mark.real


def test_the_overview_shows_the_librarys_count_and_drills_to_its_rows(real_national):
    client = TestClient(create_app(real_national))
    count = tp.count_place(real_national, "Trafford", "2017-18")
    page = client.get("/", params={"place": "Trafford", "year": "2017-18"})
    assert page.status_code == 200
    assert re.search(rf'data-testid="total"[^>]*>{re.escape(format_pounds(count.total_pence))}<', page.text)
    assert re.search(rf'data-testid="per-head"[^>]*>{re.escape(format_pounds(count.per_head_pence))}<', page.text)
    assert "Per head beside comparable places" in page.text and "Stockport" in page.text
    data = client.get("/api/overview", params={"place": "E08000009", "year": "2017-18"}).json()
    assert data["total_pence"] == count.total_pence and len(data["cells"]) == len(count.cells)
    cell = next(c for c in count.cells if c.body_id == "TRF" and c.cofog == "10")
    drilled = client.get("/api/drill", params={"place": "Trafford", "year": "2017-18", "cell": cell.cell_id}).json()
    assert sum(r["pence"] for r in drilled["rows"]) == cell.source_pence
    assert client.get("/drill", params={"place": "Trafford", "year": "2017-18", "cell": cell.cell_id}).status_code == 200


def test_the_estate_page_shows_lambeths_clusters(real_estate):
    client = TestClient(create_app(real_estate))
    page = client.get("/estate", params={"place": "Lambeth"})
    assert page.status_code == 200 and "5 clusters of several bodies within 250.0 m" in page.text
    assert "Brixton" in page.text and "Mayor&#39;s Office for Policing and Crime" in page.text
    data = client.get("/api/estate", params={"place": "Lambeth"}).json()
    assert len(data["colocation"]["multi_body"]) == 5
    page = client.get("/estate", params={"place": "Trafford"})
    assert page.status_code == 200 and "boundary Trafford" in page.text  # drawn from the loaded GeoJSON
    assert page.text.count("#9aa5b1") == 21  # and its 21 wards, the areas inside it
    assert "open-street-map" not in page.text  # no tiles unless asked: it works offline
    tiled = client.get("/estate", params={"place": "Trafford", "tiles": "true"})
    assert tiled.status_code == 200 and '"style":"open-street-map"' in tiled.text.replace(" ", "")


def test_the_explorers_copy_of_the_real_ledger_answers_as_the_ledger_does(real_ledger):
    from totalplace import explore

    ws, _ = real_ledger
    filters = [explore.PaymentFilter.parse(body="TRF"), explore.PaymentFilter.parse(supplier="care", cofog="10"),
               explore.PaymentFilter.parse(body="MAN", date_from="2014-09-01", date_to="2014-09-30", amount_min="10,000"),
               explore.PaymentFilter.parse(transfer_kind="service"), explore.PaymentFilter.parse(cofog="none")]

    def answers() -> list:
        pages = [explore.search_payments(ws, f, sort, True, page=3, page_size=20)
                 for f in filters for sort in ("amount", "date", "supplier")]
        return pages + [explore.paying_bodies(ws), explore.money_flows(ws)]

    from_view = answers()
    trafford = from_view[0]
    assert (trafford["matching"], trafford["matching_pence"]) == (49_749, 12_266_889_477)  # £122,668,894.77, as the ingest tests total Trafford's files
    assert len(from_view[-2]) == 20  # the twenty bodies whose payments the real files hold
    explore.prepare_payments(ws)
    with explore.payments_source(ws) as source:
        assert source.relation.startswith("read_parquet(")
    assert answers() == from_view


def test_every_figure_of_the_overview_leads_to_the_cells_behind_it(real_national):
    client = TestClient(create_app(real_national))
    count = tp.count_place(real_national, "Trafford", "2017-18")
    page = client.get("/", params={"place": "Trafford", "year": "2017-18"}).text
    assert not re.search(r'<span class="value"', page)  # each headline figure is a link
    figures = re.findall(r'<td class="num">(.*?)</td>', page.split("<caption>Not in the count")[0])
    unlinked = [f for f in figures if "<a " not in f and "%" not in f]
    assert unlinked == [], unlinked  # every amount in the tables above links to its cells (shares excepted)
    for row in count.by("body"):
        found = client.get("/api/cells", params={"place": "Trafford", "year": "2017-18", "body": row["body_id"]}).json()
        assert found["total_pence"] == row["pence"] and found["gross_pence"] == row["gross_pence"], row
    for row in count.by("basis"):
        found = client.get("/api/cells", params={"place": "Trafford", "year": "2017-18", "basis": row["basis"]}).json()
        assert found["total_pence"] == row["pence"], row
    matrix = page.split('<table class="matrix">')[1].split("</table>")[0]
    squares = re.findall(r'cell=([^"]+)" title="(\w+): ([^"]+)"', matrix)
    from urllib.parse import unquote
    by_id = {c.cell_id: c for c in count.cells}
    largest = {r["body_id"] for r in count.by("body")[:30]}  # the grid's rows: the 30 largest bodies
    assert len(squares) == len([c for c in count.cells if c.body_id in largest]) > 60
    assert all(by_id[unquote(cell)].basis == basis and format_pounds(by_id[unquote(cell)].pence) == amount
               for cell, basis, amount in squares)
    assert f"{len(count.by('body')) - 30} smaller bodies not shown here" in page
    everything = client.get("/api/cells", params={"place": "Trafford", "year": "2017-18"}).json()
    assert everything["total_pence"] == count.total_pence and everything["gross_pence"] == count.gross_pence
    assert len(everything["cells"]) == len(count.cells) > 60


def test_the_estate_map_has_its_points_in_a_table(real_estate):
    from totalplace.estate import place_assets

    client = TestClient(create_app(real_estate))
    page = client.get("/estate", params={"place": "Lambeth"}).text
    table = page.split('data-testid="asset-table"')[1].split("</details>")[0]
    assets = place_assets(real_estate, "Lambeth").assets
    assert table.count("<tr><td>") == len(assets) > 50
    clustered = {m["asset"] for c in client.get("/api/estate", params={"place": "Lambeth"}).json()
                 ["colocation"]["multi_body"] for m in c["members"]}
    assert table.count("<td>yes</td>") == len(clustered)
