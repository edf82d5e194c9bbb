"""The dashboard's pages and their JSON twins (FastAPI's test client; the browser tests drive a real browser):
every page answers, figures equal the library's, filters work and are validated, data is shown as text."""

from __future__ import annotations

import csv
import io
import json

import pytest
from fastapi.testclient import TestClient

import totalplace as tp
from totalplace import explore
from totalplace.demo.place import write_register
from totalplace.web import create_app

EVIL = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    folder = tmp_path_factory.mktemp("web")
    write_register(folder / "reference")
    ws = tp.init_workspace(folder / "ws", "dashboard (SYNTHETIC)")
    tp.load_reference(ws, folder / "reference")
    path = folder / "northtown_spend_2024-06.csv"
    path.write_text("Body Name,Payment Date,Supplier Name,Service Area,Expense Type,Amount\n"
                    f"Northtown Borough Council,01/06/2024,{EVIL},Libraries,Books,120.50\n"
                    "Northtown Borough Council,02/06/2024,Acme Care Ltd,Adult Social Care,Residential Care,5000.00\n"
                    "Northtown Borough Council,03/06/2024,Demoshire County Council,Adult Social Care,Contribution,25000.00\n"
                    "Northtown Borough Council,04/06/2024,Acme Care Ltd,Adult Social Care,Residential Care,750.25\n"
                    "Northtown Borough Council,05/06/2024,Bad Amount Ltd,Libraries,Books,twelve pounds\n"
                    "Northtown Borough Council,06/06/2024,Bad Date Ltd,Libraries,Books,12.00\n".replace("06/06/2024", "31/02/2024")
                    + ",,,,,\n", encoding="utf-8")
    (result,) = tp.ingest(ws, [path])
    assert result.status == "loaded", result.error
    return TestClient(create_app(ws)), ws


def test_every_page_answers_and_says_the_data_is_synthetic(client):
    c, _ = client
    for url in ("/", "/payments", "/flows", "/estate", "/sources", "/rejects", "/api/docs", "/bodies/NTN"):
        r = c.get(url)
        assert r.status_code == 200, (url, r.text[:300])
        assert 'lang="en"' in r.text and 'href="#main"' in r.text and "SYNTHETIC DATA" in r.text
    assert c.get("/static/plotly.min.js").headers["content-type"].startswith("application/javascript")
    assert c.get("/api/openapi.json").json()["paths"]["/api/payments"]


def test_a_supplier_named_like_a_script_is_shown_as_text(client):
    c, _ = client
    for url in ("/payments", "/payments?supplier=script", f"/suppliers?name={EVIL}", "/bodies/NTN"):
        r = c.get(url)
        assert r.status_code == 200 and EVIL not in r.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in r.text, url


def test_the_explorer_filters_sorts_pages_and_downloads_what_the_library_finds(client):
    c, ws = client
    r = c.get("/api/payments", params={"supplier": "acme", "sort": "amount", "order": "asc", "page_size": 1})
    data = r.json()
    assert (data["matching"], data["matching_pence"], data["pages"]) == (2, 575025, 2)
    assert [p["amount_pence"] for p in data["payments"]] == [75025]
    library = explore.search_payments(ws, explore.PaymentFilter.parse(supplier="acme"), "amount", False, 1, 1)
    assert library["payments"][0]["amount_pence"] == data["payments"][0]["amount_pence"]
    page = c.get("/payments", params={"supplier": "acme", "amount_min": "1000"})
    assert "1 payments, £5,000.00" in page.text
    download = c.get("/payments.csv", params={"supplier": "acme"})
    rows = list(csv.DictReader(io.StringIO(download.text)))
    assert download.headers["content-disposition"].startswith("attachment") and len(rows) == 2
    assert sorted(int(r["amount_pence"]) for r in rows) == [75025, 500000] and rows[0]["file"] == "northtown_spend_2024-06.csv"


def test_bad_parameters_get_a_clear_400(client):
    c, _ = client
    for url, message in (("/api/payments?amount_min=lots", "is not an amount of pounds"),
                         ("/api/payments?date_from=31/12/2024", "write it as YYYY-MM-DD"),
                         ("/api/payments?cofog=99", "is not a COFOG division"),
                         ("/api/payments?sort=drop%20table", "is not one of"),
                         ("/api/payments?page=0", "pages start at 1"),
                         ("/api/suppliers?name=Nobody", "no payments to a supplier"),
                         ("/api/overview?place=Nowhere&year=2017-18", "no place is called"),
                         ("/api/estate?within=0", "within"),
                         ("/api/payments?page=999999999999999999999", "pages start at 1"),
                         ("/payments.csv?sort=bogus", "is not one of"),
                         ("/api/payments?transfer_kind=gift", "is not one of")):
        r = c.get(url)
        assert r.status_code == 400 and message in r.json()["error"], (url, r.text)
    r = c.get("/payments?amount_min=lots")
    assert r.status_code == 400 and "is not an amount of pounds" in r.text
    assert c.post("/payments").status_code == 405  # read-only


def test_money_flows_between_public_bodies(client):
    c, ws = client
    flows = c.get("/api/flows").json()
    assert [(l["payer_id"], l["payee_id"], l["pence"]) for l in flows["links"]] == [("NTN", "DMC", 2500000)]
    page = c.get("/flows")
    assert "/payments?body=NTN&amp;payee_body=DMC&amp;transfer_kind=service" in page.text
    drilled = c.get("/api/payments", params={"body": "NTN", "payee_body": "DMC"}).json()
    assert drilled["matching_pence"] == 2500000
    assert json.loads(json.dumps(explore.money_flows(ws)))["total_pence"] == 2500000


def test_the_csv_download_defuses_spreadsheet_formulas(client, tmp_path):
    c, ws = client
    path = tmp_path / "formula.csv"
    path.write_text("Body Name,Payment Date,Supplier Name,Amount\nNorthtown Borough Council,05/06/2024,=HYPERLINK(1),10.00\n",
                    encoding="utf-8")
    (result,) = tp.ingest(ws, [path])
    assert result.status == "loaded", result.error
    rows = list(csv.DictReader(io.StringIO(c.get("/payments.csv", params={"supplier": "hyperlink"}).text)))
    assert [r["supplier"] for r in rows] == ["'=HYPERLINK(1)"]


def test_rows_not_loaded_are_paged_filtered_and_linked_from_the_sources(client):
    c, ws = client
    northtown = next(m for m in tp.list_sources(ws) if m["file"] == "northtown_spend_2024-06.csv")
    data = c.get("/api/rejects", params={"file": "northtown"}).json()
    assert (data["matching"], data["pages"]) == (2, 1)
    assert [(r["row"], r["reason"]) for r in data["rows"]] == [(6, "amount not a number"), (7, "payment date not understood")]
    assert data["rows"] == tp.list_rejects(ws, file="northtown")
    second = c.get("/api/rejects", params={"file": "northtown", "page_size": 1, "page": 2}).json()
    assert second["pages"] == 2 and second["rows"] == data["rows"][1:]
    assert c.get("/api/rejects", params={"file": northtown["source_id"], "reason": "date"}).json()["matching"] == 1
    everything = c.get("/api/rejects", params={"file": "northtown", "outcome": "all"}).json()
    assert everything["matching"] == northtown["rows_rejected"] + northtown["rows_skipped"] == 4
    skipped = c.get("/api/rejects", params={"file": "northtown", "outcome": "skipped"}).json()
    assert skipped["matching"] == northtown["rows_skipped"] == 2
    assert [r["reason"] for r in skipped["rows"]] == ["header row", "blank row"]
    assert c.get("/api/rejects", params={"outcome": "some"}).status_code == 422
    r = c.get("/api/rejects", params={"file": "northtown", "page": 5})
    assert r.status_code == 400 and "fill 1 page of 100" in r.json()["error"]
    assert c.get("/api/rejects", params={"page": 0}).status_code == 422
    page = c.get("/sources").text
    assert f'href="/payments?source={northtown["source_id"]}"' in page
    assert f'href="/rejects?file={northtown["source_id"]}&amp;outcome=skipped"' in page
    assert "Next page" in c.get("/rejects", params={"file": "northtown", "page_size": 1}).text
    only = c.get("/api/payments", params={"source": northtown["source_id"]}).json()
    assert only["matching"] == northtown["rows_loaded"] == 4 and only["matching_pence"] == northtown["loaded_pence"]
    assert c.get("/api/payments", params={"source": "0" * 16}).json()["matching"] == 0


def linked_figures(html: str) -> list[tuple[str, str]]:
    """(href, text) of every link to the explorer on a page."""
    import html as html_lib
    import re
    return [(html_lib.unescape(href), html_lib.unescape(text))
            for href, text in re.findall(r'<a[^>]*href="(/payments\?[^"]*)"[^>]*>([^<]*)</a>', html)]


def assert_each_figure_is_what_its_link_finds(c, html: str) -> int:
    from urllib.parse import parse_qsl, urlsplit

    from totalplace.money import format_pounds
    checked = 0
    for href, text in linked_figures(html):
        found = c.get("/api/payments", params=dict(parse_qsl(urlsplit(href).query))).json()
        if text.startswith("£") or text.startswith("-£"):
            assert text == format_pounds(found["matching_pence"]), (href, text)
        else:
            assert text.replace(",", "") == str(found["matching"]), (href, text)
        checked += 1
    return checked


def test_every_figure_of_a_body_or_supplier_page_is_what_its_link_finds(client):
    c, _ = client
    assert assert_each_figure_is_what_its_link_finds(c, c.get("/bodies/NTN").text) >= 8
    assert assert_each_figure_is_what_its_link_finds(c, c.get("/suppliers", params={"name": "Acme Care Ltd"}).text) >= 5
    assert assert_each_figure_is_what_its_link_finds(c, c.get("/flows").text) >= 1


def test_a_page_asked_for_by_many_at_once_is_made_once(client, monkeypatch):
    import threading
    import time

    _, ws = client
    calls = []

    def slow_sources(*args, **kwargs):
        calls.append(1)
        time.sleep(0.3)
        return real(*args, **kwargs)

    real = explore.search_payments
    monkeypatch.setattr(explore, "search_payments", slow_sources)
    c = TestClient(create_app(ws))
    answers = []

    def ask() -> None:
        answers.append(c.get("/api/payments", params={"supplier": "acme", "page_size": 3}))

    threads = [threading.Thread(target=ask) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [a.status_code for a in answers] == [200] * 6 and len({a.text for a in answers}) == 1
    assert len(calls) == 1
