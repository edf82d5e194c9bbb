"""A dashboard served on localhost from a workspace built from the real files, and Debian's chromium driven by
Playwright. Browser tests skip, saying why, where chromium or the real files are missing — and fail under CI,
whose set-up (.ci/run) installs chromium."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
import pytest

import totalplace as tp

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
FILES = {  # file -> --body
    "reference_finance/MHCLG_RS_2017-18_data_by_LA.xlsx": None,
    "reference_finance/HMT_CRA_2018_database.xlsx": None,
    "spend_council/trafford/trafford_spend_2014-09.csv": None,
    "spend_council/manchester/manchester_spend_2014-09.xls": None,
    "assets/lambeth_core_office_buildings.csv": "Lambeth",
    "assets/lambeth_police-stations.csv": "Metropolitan Police",
    "assets/lambeth_schools.csv": "Lambeth",
    "assets/lambeth_childrens-centres.csv": "Lambeth",
}


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"chromium is not installed at {CHROMIUM}: .ci/run installs Debian's chromium before the tests")
        pytest.skip("browser tests need Debian's chromium (apt-get install chromium); .ci/run installs it")
    return CHROMIUM


@pytest.fixture(scope="session")
def dashboard(tmp_path_factory, real, chromium_path):
    """The dashboard of a real workspace (national sources, two councils' payments, Lambeth's estate) on a free port."""
    import uvicorn

    from totalplace.web import create_app

    ws = tp.init_workspace(tmp_path_factory.mktemp("dashboard") / "ws", "real files")
    tp.load_reference(ws, real / "reference_geography")
    for rel, body in FILES.items():
        (result,) = tp.ingest(ws, [real / rel], body=body)
        assert result.status == "loaded", (rel, result.error)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(ws), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    yield ws, f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, accept_downloads=True)
    page = context.new_page()
    yield page
    context.close()

