"""The dashboard in a real browser: each page opened on a workspace of real files, its figures equal to the
library's, a drill-down clicked through, a filter used, a CSV downloaded and read, no serious or critical
accessibility violations (axe-core), keyboard navigation, and screenshots at desktop and phone widths."""

from __future__ import annotations

import csv
import re

import pytest

import totalplace as tp
from totalplace import explore
from totalplace.money import format_pounds

from pathlib import Path

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

pytestmark = [pytest.mark.real, pytest.mark.browser]

PAGES = {
    "overview": "/?place=Trafford&year=2017-18",
    "explorer": "/payments?body=TRF&sort=amount&order=desc",
    "flows": "/flows",
    "estate": "/estate?place=Lambeth",
    "sources": "/sources",
    "cells": "/cells?place=Trafford&year=2017-18&cofog=10",
    "drill": "/drill?place=Trafford&year=2017-18&cell=outturn/TRF/10",
    "body": "/bodies/TRF",
    "rejects": "/rejects?outcome=all",
    "api": "/api/docs",
}


def _no_serious_violations(page) -> None:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    serious = [(v["id"], v["impact"], len(v["nodes"])) for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == [], serious


@pytest.mark.parametrize("name", PAGES)
def test_each_page_opens_passes_axe_and_is_photographed(dashboard, page, name):
    _, base = dashboard
    response = page.goto(base + PAGES[name])
    assert response.status == 200
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").count() == 1
    _no_serious_violations(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-desktop.png"), full_page=False)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SCREENSHOTS / f"{name}-phone.png"), full_page=False)


def test_the_overview_shows_the_librarys_figures_and_a_cell_drills_to_its_rows(dashboard, page):
    ws, base = dashboard
    count = tp.count_place(ws, "Trafford", "2017-18")
    page.goto(base + PAGES["overview"])
    assert page.get_by_test_id("total").inner_text() == format_pounds(count.total_pence)
    assert page.get_by_test_id("per-head").inner_text() == format_pounds(count.per_head_pence)
    page.wait_for_selector(".js-plotly-plot", timeout=15000)  # the treemap, drawn by plotly.js served locally
    cell = next(c for c in count.cells if c.body_id == "TRF" and c.cofog == "10")
    page.get_by_role("link", name=format_pounds(cell.pence)).first.click()
    page.wait_for_url(re.compile(r"/drill\?"))
    assert "Behind the figure" in page.locator("h1").inner_text()
    rows = page.locator("table tbody tr")
    assert rows.count() == len(cell.parts)


def test_a_filter_and_a_csv_download(dashboard, page, tmp_path):
    ws, base = dashboard
    page.goto(base + "/payments")
    page.get_by_label("Supplier contains").fill("council")
    page.get_by_label("Min £").fill("1000")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(r"supplier=council"))
    found = explore.search_payments(ws, explore.PaymentFilter.parse(supplier="council", amount_min="1000"))
    assert page.get_by_test_id("matching").inner_text().startswith(f"{found['matching']:,} payments, {format_pounds(found['matching_pence'])}")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download these as CSV").click()
    path = tmp_path / "payments.csv"
    download.value.save_as(path)
    with path.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == found["matching"] and sum(int(r["amount_pence"]) for r in rows) == found["matching_pence"]
    assert all("council" in r["supplier"].lower() and int(r["amount_pence"]) >= 100000 for r in rows)


def test_keyboard_the_skip_link_then_the_navigation(dashboard, page):
    _, base = dashboard
    page.goto(base + "/sources")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to the content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.tagName") == "A"


def test_a_supplier_page_from_the_explorer_and_a_functions_figures(dashboard, page):
    ws, base = dashboard
    page.goto(base + "/payments?body=TRF")
    link = page.locator("table tbody tr td:nth-child(3) a").first
    name = link.inner_text()
    link.click()
    page.wait_for_url(re.compile(r"/suppliers\?name="))
    assert page.locator("h1").inner_text() == f"Supplier: {name}"
    _no_serious_violations(page)
    count = tp.count_place(ws, "Trafford", "2017-18")
    page.goto(base + PAGES["overview"])
    social = next(r for r in count.by("cofog") if r["cofog"] == "10")
    page.get_by_role("link", name=format_pounds(social["pence"]), exact=True).click()
    page.wait_for_url(re.compile(r"/cells\?"))
    figures = page.locator("table tbody tr td:last-child").all_inner_texts()
    assert len(figures) == len([c for c in count.cells if c.cofog == "10"])


def _tab_to(page, test: str, limit: int = 400) -> None:
    """Press Tab until the focused element satisfies the JavaScript expression `test` (on `e`)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(e => {test})(document.activeElement)"):
            return
    raise AssertionError(f"Tab never reached an element where {test}")


def test_keyboard_alone_filters_the_explorer_and_turns_its_pages(dashboard, page):
    ws, base = dashboard
    page.goto(base + "/payments?body=TRF")
    _tab_to(page, "e.name === 'supplier'")
    page.keyboard.type("care")
    page.keyboard.press("Enter")  # submits the form
    page.wait_for_url(re.compile(r"supplier=care"))
    found = explore.search_payments(ws, explore.PaymentFilter.parse(body="TRF", supplier="care"))
    assert page.get_by_test_id("matching").inner_text().startswith(f"{found['matching']:,} payments, {format_pounds(found['matching_pence'])}")
    assert found["pages"] > 1
    _tab_to(page, "e.textContent === 'Next page'")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"page=2"))
    assert f"Page 2 of {found['pages']}" in page.locator("nav.pager").inner_text()
    _tab_to(page, "e.textContent === 'Previous page'")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"page=1"))
