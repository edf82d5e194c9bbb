"""The dashboard's web application (FastAPI + Jinja2): read-only pages over a workspace, each with a JSON twin
under /api/. A thin shell: every figure comes from the library (count_place, search_payments, estate_summary …).

Safe by default: it only answers GET; every value shown is HTML-escaped by Jinja2's autoescaping; query
parameters are validated by the library and a mistake is a 400 with the reason; no SQL is built from input.
"""

from __future__ import annotations

import csv
import io
import logging
import os
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlencode

import plotly
from fastapi import FastAPI, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response, StreamingResponse
from fastapi.templating import Jinja2Templates

from .. import explore
from ..classification import classification_coverage
from ..classify.reference import themes
from ..count import CountError, DrillError, DriverError, YearError, compare_places, count_place, drill
from ..estate import EstateError, colocation, estate_summary, place_assets
from ..estate.place import boundaries
from ..ledger import count_rejects, list_rejects, list_sources
from ..money import format_pounds
from ..places import PlaceError, find_place
from ..workspace import Workspace
from . import charts

HERE = Path(__file__).resolve().parent
PLOTLY_JS = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"
USER_ERRORS = (explore.ExploreError, CountError, DrillError, DriverError, YearError, PlaceError, EstateError)
COMPARE_WITH = 6
CACHE_SIZE = 256
log = logging.getLogger("totalplace.web")


def create_app(workspace: Workspace) -> FastAPI:
    app = FastAPI(title="totalplace dashboard", description="Read-only: the count, the spending, the money between "
                  "bodies and the estate of a workspace. Every page has its JSON twin here.",
                  docs_url=None, openapi_url="/api/openapi.json", redoc_url=None)
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals.update(pounds=format_pounds)
    synthetic = "SYNTHETIC" in workspace.name.upper()

    def counted(place: str, year: str) -> tuple[dict[str, Any], Any]:
        code = find_place(workspace.places(), place)
        result = count_place(workspace, code, year)
        return result.to_json(), result

    cache: OrderedDict[tuple[str, str, str], Response] = OrderedDict()
    lock = threading.Lock()
    preparing: set[str] = set()  # the store states whose explorer's copy has been asked for
    making: dict[tuple[str, str, str], threading.Lock] = {}

    def prepare(state: str) -> None:
        """Write the explorer's copy of the ledger for this state of the store, in the background, once: until it
        is there the explorer reads the ledger view (the same answers, more slowly)."""
        with lock:
            if state in preparing:
                return
            preparing.add(state)
        threading.Thread(target=prepare_quietly, name="prepare-payments", daemon=True).start()

    def prepare_quietly() -> None:
        try:
            explore.prepare_payments(workspace)
        except Exception:  # the explorer goes on reading the ledger view; the reason goes to the server's log
            log.exception("could not write the explorer's copy of the ledger; the explorer reads the ledger view instead")

    def cached(request: Request, produce: Callable[[], Response]) -> Response:
        """A page or answer made once per state of the store: the same request, with nothing ingested, matched or
        classified since, is answered from memory (the first is computed)."""
        state = workspace.store.state()
        prepare(state)
        key = (request.url.path, str(request.url.query), state)
        with lock:
            if key in cache:
                cache.move_to_end(key)
                return cache[key]
            gate = making.setdefault(key, threading.Lock())
        with gate:  # the same page asked for by many at once is made once; the others wait for it
            with lock:
                if key in cache:
                    cache.move_to_end(key)
                    return cache[key]
            try:
                response = produce()
                if response.status_code == 200 and not isinstance(response, StreamingResponse):
                    with lock:
                        cache[key] = response
                        while len(cache) > CACHE_SIZE:
                            cache.popitem(last=False)
            finally:
                with lock:
                    if making.get(key) is gate:
                        del making[key]
        return response

    def page(request: Request, template: str, title: str, status: int = 200, **context: Any) -> HTMLResponse:
        return templates.TemplateResponse(request, template, {"title": title, "workspace_name": workspace.name,
                                                               "synthetic": synthetic, **context}, status_code=status)

    def guarded(render: Callable[[], HTMLResponse], request: Request, template: str, title: str, **context: Any) -> HTMLResponse:
        try:
            return render()
        except USER_ERRORS as exc:
            return page(request, template, title, status=400, error=str(exc), **context)

    def api(fn: Callable[[], Any]) -> JSONResponse:
        try:
            return JSONResponse(jsonable(fn()))
        except USER_ERRORS as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)

    @app.get("/api/docs", response_class=HTMLResponse, include_in_schema=False)
    def api_docs(request: Request) -> HTMLResponse:
        """The API described from its OpenAPI document, served here (the usual documentation pages load their
        scripts from a CDN, which a council laptop offline cannot reach)."""
        schema = app.openapi()
        routes = [{"path": path, "method": method.upper(), "summary": op.get("summary", ""),
                   "parameters": [p["name"] for p in op.get("parameters", [])]}
                  for path, ops in schema["paths"].items() for method, op in ops.items()]
        return page(request, "api.html", "API", routes=routes)

    # --- static --------------------------------------------------------------------------------------------
    @app.get("/static/plotly.min.js", include_in_schema=False)
    def plotly_js() -> FileResponse:
        return FileResponse(PLOTLY_JS, media_type="application/javascript")

    @app.get("/static/app.css", include_in_schema=False)
    def app_css() -> FileResponse:
        return FileResponse(HERE / "static" / "app.css", media_type="text/css")

    # --- the place overview ------------------------------------------------------------------------------------
    def overview_data(place: str, year: str) -> dict[str, Any]:
        data, _ = counted(place, year)
        return data

    def comparable(code: str, year: str) -> tuple[list[dict[str, Any]], str | None]:
        """The place beside the other districts of its county, combined authority or region, or why not."""
        places = workspace.places()
        parents = places.parents_of.get(code, {})
        parent = parents.get("county") or parents.get("combined_authority") or parents.get("region")
        siblings = [p.code for p in places.districts(parent)] if parent else []
        chosen = [code] + [s for s in siblings if s != code][:COMPARE_WITH - 1]
        if len(chosen) < 2:
            return [], "no places to compare it with: it is not a district of a county, combined authority or region"
        try:
            return compare_places(workspace, chosen, year), None
        except USER_ERRORS as exc:
            return [], f"the places beside it could not be counted: {exc}"

    def place_choices() -> list[dict[str, str]]:
        return [{"code": p.code, "name": p.name} for p in workspace.places().places.values()
                if p.kind in ("combined authority", "county", "region", "metropolitan district", "London borough", "unitary authority")
                and not p.end_date][:400]

    @app.get("/", response_class=HTMLResponse, summary="Place overview")
    def overview(request: Request, place: str | None = Query(None, max_length=100), year: str | None = Query(None, max_length=9)) -> HTMLResponse:
        def render() -> HTMLResponse:
            choices = place_choices()
            if not (place and year):
                return page(request, "overview.html", "Place overview", place=place, year=year, place_choices=choices)
            data = overview_data(place, year)
            comparison, not_compared = comparable(data["place"]["code"], data["year"])
            pop = data["population"]
            return page(request, "overview.html", f"{data['place']['name']} {data['year']}", place=place, year=year,
                        place_choices=choices, count=data, comparison=comparison, not_compared=not_compared,
                        matrix=coverage_matrix(data["cells"]),
                        treemap=charts.treemap(data["cells"], f"Spending in {data['place']['name']} by function and body"),
                        compare_chart=charts.per_head_bars(comparison, "Per head beside comparable places") if comparison else "",
                        per_head=lambda pence: format_pounds(round(pence / pop)) if pop else "")
        return cached(request, lambda: guarded(render, request, "overview.html", "Place overview", place=place, year=year,
                                               place_choices=place_choices()))

    @app.get("/api/overview", summary="The count of a place for a year (the overview's figures)")
    def overview_api(request: Request, place: str = Query(..., max_length=100), year: str = Query(..., max_length=9)) -> Response:
        return cached(request, lambda: api(lambda: overview_data(place, year)))

    def drill_data(place: str, year: str, cell: str) -> dict[str, Any]:
        _, result = counted(place, year)
        return drill(workspace, result, cell)

    @app.get("/drill", response_class=HTMLResponse, summary="The rows behind a cell of the count")
    def drill_page(request: Request, place: str = Query(..., max_length=100), year: str = Query(..., max_length=9),
                   cell: str = Query(..., max_length=300)) -> HTMLResponse:
        return guarded(lambda: page(request, "drill.html", f"Behind the figure: {cell}", place=place, year=year,
                                    found=drill_data(place, year, cell)), request, "drill.html", "Behind the figure",
                       place=place, year=year, found={"cell": {"pence": None, "source_pence": None}, "rows": []})

    def cells_data(place: str, year: str, cofog: str | None, theme: str | None, body: str | None = None,
                   basis: str | None = None) -> dict[str, Any]:
        data, _ = counted(place, year)
        chosen = []
        for c in data["cells"]:
            if cofog is not None and (c["cofog"] or "none") != cofog:
                continue
            if theme is not None and theme not in c["themes"]:
                continue
            if body is not None and (c["body_id"] or c["body_name"]) != body:
                continue
            if basis is not None and c["basis"] != basis:
                continue
            chosen.append({**c, "shown_pence": c["themes"][theme] if theme else c["pence"]})
        return {"place": data["place"], "year": data["year"], "cofog": cofog, "theme": theme, "body": body, "basis": basis,
                "cells": chosen, "total_pence": sum(c["shown_pence"] for c in chosen),
                "gross_pence": sum(c["gross_pence"] for c in chosen),
                "transfers_netted_pence": sum(c["transfers_netted_pence"] for c in chosen)}

    CELL_PARAMS = {"cofog": Query(None, max_length=5, description="a COFOG division, or 'none'"),
                   "theme": Query(None, max_length=40), "body": Query(None, max_length=200, description="a body's id"),
                   "basis": Query(None, max_length=20, description="outturn, apportioned, payments, …")}

    @app.get("/cells", response_class=HTMLResponse, summary="The cells of a count: all, or of one function, theme, body or basis")
    def cells_page(request: Request, place: str = Query(..., max_length=100), year: str = Query(..., max_length=9),
                   cofog: str | None = CELL_PARAMS["cofog"], theme: str | None = CELL_PARAMS["theme"],
                   body: str | None = CELL_PARAMS["body"], basis: str | None = CELL_PARAMS["basis"]) -> Response:
        def render() -> HTMLResponse:
            found = cells_data(place, year, cofog, theme, body, basis)
            return page(request, "cells.html", f"{found['place']['name']} {found['year']}: the figures behind it", place=place,
                        year=year, found=found, cells=found["cells"], total=found["total_pence"])
        return cached(request, lambda: guarded(render, request, "cells.html", "The figures behind it", place=place, year=year,
                                               found={}, cells=[], total=0))

    @app.get("/api/cells")
    def cells_api(request: Request, place: str = Query(..., max_length=100), year: str = Query(..., max_length=9),
                  cofog: str | None = CELL_PARAMS["cofog"], theme: str | None = CELL_PARAMS["theme"],
                  body: str | None = CELL_PARAMS["body"], basis: str | None = CELL_PARAMS["basis"]) -> Response:
        return cached(request, lambda: api(lambda: cells_data(place, year, cofog, theme, body, basis)))

    @app.get("/api/drill")
    def drill_api(place: str = Query(..., max_length=100), year: str = Query(..., max_length=9), cell: str = Query(..., max_length=300)) -> JSONResponse:
        return api(lambda: drill_data(place, year, cell))

    # --- the spending explorer ---------------------------------------------------------------------------------
    FILTERS = ("body", "date_from", "date_to", "supplier", "cofog", "theme", "amount_min", "amount_max", "payee_body",
               "transfer_kind", "source", "supplier_name")

    def payment_query(request: Request) -> tuple[explore.PaymentFilter, str, bool, int, int, dict[str, str]]:
        q = {k: request.query_params.get(k, "") for k in FILTERS}
        where = explore.PaymentFilter.parse(**q)
        sort = request.query_params.get("sort", "amount")
        if sort not in explore.SORTS:
            raise explore.ExploreError(f"sort: '{sort}' is not one of {', '.join(explore.SORTS)}")
        descending = request.query_params.get("order", "desc") != "asc"
        try:
            page_number = int(request.query_params.get("page", "1"))
            size = int(request.query_params.get("page_size", "50"))
        except ValueError:
            raise explore.ExploreError("page and page_size: whole numbers") from None
        return where, sort, descending, page_number, size, q

    paying: dict[str, list[dict[str, Any]]] = {}

    def bodies_paying() -> list[dict[str, Any]]:
        state = workspace.store.state()
        found = paying.get(state)
        if found is None:
            found = explore.paying_bodies(workspace)
            with lock:
                paying.clear()
                paying[state] = found
        return found

    def payments(request: Request) -> HTMLResponse:
        common = {"bodies": bodies_paying(), "themes": list(themes()), "sorts": list(explore.SORTS)}

        def render() -> HTMLResponse:
            where, sort, descending, page_number, size, q = payment_query(request)
            result = explore.search_payments(workspace, where, sort, descending, page_number, size)
            query = urlencode({**{k: v for k, v in q.items() if v}, "sort": sort, "order": "desc" if descending else "asc",
                               **({"page_size": str(size)} if size != 50 else {})})
            return page(request, "payments.html", "Spending explorer", f=where, q=q, sort=sort, descending=descending,
                        result=result, query=query, **common)
        return guarded(render, request, "payments.html", "Spending explorer", f=explore.PaymentFilter(), q={}, sort="amount",
                       descending=True, **common)

    @app.get("/payments", response_class=HTMLResponse, summary="Spending explorer")
    def payments_page(request: Request) -> Response:
        return cached(request, lambda: payments(request))

    @app.get("/api/payments", summary="Payments matching the filters, a page at a time")
    def payments_api(request: Request) -> Response:
        def run() -> dict[str, Any]:
            where, sort, descending, page_number, size, _ = payment_query(request)
            return explore.search_payments(workspace, where, sort, descending, page_number, size)
        return cached(request, lambda: api(run))

    @app.get("/payments.csv", summary="Every payment matching the filters, as CSV")
    def payments_csv(request: Request) -> Any:
        try:
            where, sort, descending, _, _, _ = payment_query(request)
        except USER_ERRORS as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)

        def rows() -> Any:
            buffer = io.StringIO()
            writer = csv.DictWriter(buffer, fieldnames=list(explore.PAYMENT_COLUMNS), extrasaction="ignore")
            writer.writeheader()
            for i, row in enumerate(explore.iter_payments(workspace, where, sort, descending)):
                writer.writerow({k: _spreadsheet_safe(v) for k, v in row.items()})
                if i % 5000 == 4999:
                    yield buffer.getvalue()
                    buffer.seek(0)
                    buffer.truncate()
            yield buffer.getvalue()
        return StreamingResponse(rows(), media_type="text/csv; charset=utf-8",
                                 headers={"Content-Disposition": 'attachment; filename="payments.csv"'})

    @app.get("/suppliers", response_class=HTMLResponse, summary="A supplier: who pays them, how much, for what")
    def supplier(request: Request, name: str = Query(..., max_length=300)) -> HTMLResponse:
        return guarded(lambda: page(request, "profile.html", f"Supplier: {name}", p=explore.supplier_profile(workspace, name)),
                       request, "profile.html", f"Supplier: {name}", p={"pence": None, "payments": 0, "by_cofog": []})

    @app.get("/api/suppliers")
    def supplier_api(name: str = Query(..., max_length=300)) -> JSONResponse:
        return api(lambda: explore.supplier_profile(workspace, name))

    @app.get("/bodies/{body_id}", response_class=HTMLResponse, summary="A body's payments")
    def body(request: Request, body_id: str) -> HTMLResponse:
        def render() -> HTMLResponse:
            profile = explore.body_profile(workspace, body_id)
            return page(request, "profile.html", f"Body: {profile['body_name']}", p=profile)
        return guarded(render, request, "profile.html", f"Body: {body_id}", p={"pence": None, "payments": 0, "by_cofog": []})

    @app.get("/api/bodies/{body_id}")
    def body_api(body_id: str) -> JSONResponse:
        return api(lambda: explore.body_profile(workspace, body_id))

    # --- money flows -----------------------------------------------------------------------------------------
    @app.get("/flows", response_class=HTMLResponse, summary="Money flows between public bodies")
    def flows(request: Request) -> HTMLResponse:
        found = explore.money_flows(workspace)
        chart = charts.sankey(found, "Payments between public bodies") if found["links"] else ""
        return page(request, "flows.html", "Money flows", flows=found, chart=chart)

    @app.get("/api/flows")
    def flows_api() -> JSONResponse:
        return api(lambda: explore.money_flows(workspace))

    # --- the estate ------------------------------------------------------------------------------------------
    def estate_data(place: str | None, within: float) -> dict[str, Any]:
        if not 1 <= within <= 10_000:
            raise EstateError("within: between 1 and 10,000 metres")
        return {"summary": estate_summary(workspace, place), "colocation": colocation(workspace, place, within)}

    @app.get("/estate", response_class=HTMLResponse, summary="Estate map")
    def estate(request: Request, place: str | None = Query(None, max_length=100), within: float = Query(250.0),
               tiles: bool = Query(False, description="Draw OpenStreetMap's tiles beneath (the browser fetches them: online only)")) -> HTMLResponse:
        def render() -> HTMLResponse:
            data = estate_data(place, within)
            chosen = place_assets(workspace, place)
            loaded = boundaries(workspace)
            code = chosen.place["code"] if chosen.place else None
            box = chosen.boundary.bbox if chosen.boundary else None
            wards = [b for b in loaded.values() if box and b.area_code != code and box[0] - 1e-6 <= b.bbox[0] and box[1] - 1e-6 <= b.bbox[1]
                     and b.bbox[2] <= box[2] + 1e-6 and b.bbox[3] <= box[3] + 1e-6]  # the areas inside it: its wards
            clustered = {m["asset"] for c in data["colocation"]["multi_body"] for m in c["members"]}
            chart = charts.estate_map(chosen.assets, chosen.boundary, wards, clustered, "Public buildings by body", tiles=tiles)
            title = f"Estate of {chosen.place['name']}" if chosen.place else "Estate of the workspace"
            listed = sorted(({**a, "clustered": f"{a['source_id']}:{a['row']}" in clustered} for a in chosen.assets),
                            key=lambda a: (a["body_name"] or a["body_id"] or "", a["name"] or "", a["source_id"], a["row"]))
            return page(request, "estate.html", title, place=place, within=within, chart=chart, tiles=tiles, assets=listed, **data)
        return guarded(render, request, "estate.html", "Estate map", place=place, within=within)

    @app.get("/api/estate")
    def estate_api(place: str | None = Query(None, max_length=100), within: float = Query(250.0)) -> JSONResponse:
        return api(lambda: estate_data(place, within))

    # --- sources and quality -------------------------------------------------------------------------------------
    def sources_data() -> dict[str, Any]:
        with workspace.engine() as engine:
            workspace.store.open_views(engine)
            matching = engine.records("""SELECT counterparty_type, count(DISTINCT supplier) AS suppliers,
                                                coalesce(sum(amount_pence), 0)::BIGINT AS pence
                                         FROM ledger GROUP BY ALL ORDER BY pence DESC""")
        return {"sources": list_sources(workspace), "coverage": classification_coverage(workspace), "matching": matching}

    @app.get("/sources", response_class=HTMLResponse, summary="Sources and quality")
    def sources(request: Request) -> HTMLResponse:
        return page(request, "sources.html", "Sources and quality", **sources_data())

    @app.get("/api/sources")
    def sources_api() -> JSONResponse:
        return api(sources_data)

    def rejects_data(file: str | None, reason: str | None, outcome: str, page_number: int, size: int) -> dict[str, Any]:
        which = {"include_skipped": outcome == "all", "only_skipped": outcome == "skipped"}
        matching, pence = count_rejects(workspace, file=file, reason=reason, **which)
        pages = max(1, -(-matching // size))
        if page_number > pages:
            raise explore.ExploreError(f"page: these rows fill {pages:,} page{'s' if pages > 1 else ''} of {size}")
        rows = list_rejects(workspace, file=file, reason=reason, limit=size, offset=(page_number - 1) * size, **which)
        return {"file": file, "reason": reason, "outcome": outcome, "matching": matching, "matching_pence": pence,
                "page": page_number, "page_size": size, "pages": pages, "rows": rows}

    REJECT_PARAMS = {"file": Query(None, max_length=300, description="words of the file's name, or its source id"),
                     "reason": Query(None, max_length=200, description="words of the reason"),
                     "outcome": Query("rejected", pattern="^(rejected|skipped|all)$",
                                      description="rejected (the default), skipped (blank, totals, headers) or all"),
                     "page": Query(1, ge=1, le=explore.MAX_PAGE, alias="page"), "page_size": Query(100, ge=1, le=explore.MAX_PAGE_SIZE)}

    @app.get("/rejects", response_class=HTMLResponse, summary="Rows not loaded, and why")
    def rejects(request: Request, file: str | None = REJECT_PARAMS["file"], reason: str | None = REJECT_PARAMS["reason"],
                outcome: str = REJECT_PARAMS["outcome"], page_number: int = REJECT_PARAMS["page"],
                page_size: int = REJECT_PARAMS["page_size"]) -> HTMLResponse:
        query = urlencode({k: v for k, v in {"file": file, "reason": reason, "outcome": outcome if outcome != "rejected" else None,
                                             "page_size": page_size if page_size != 100 else None}.items() if v})
        return guarded(lambda: page(request, "rejects.html", "Rows not loaded", query=query,
                                    r=rejects_data(file, reason, outcome, page_number, page_size)),
                       request, "rejects.html", "Rows not loaded", query=query,
                       r={"file": file, "reason": reason, "outcome": outcome, "matching": 0, "rows": [], "page": 1, "pages": 1})

    @app.get("/api/rejects", summary="Rows not loaded, and why, a page at a time")
    def rejects_api(file: str | None = REJECT_PARAMS["file"], reason: str | None = REJECT_PARAMS["reason"],
                    outcome: str = REJECT_PARAMS["outcome"], page_number: int = REJECT_PARAMS["page"],
                    page_size: int = REJECT_PARAMS["page_size"]) -> JSONResponse:
        return api(lambda: rejects_data(file, reason, outcome, page_number, page_size))

    app.state.workspace = workspace
    prepare(workspace.store.state())
    return app


def _spreadsheet_safe(value: Any) -> Any:
    """Text a spreadsheet would run as a formula (=, +, -, @ first) is written with a leading apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def jsonable(value: Any) -> Any:
    """Dates and other values as JSON can carry them."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, os.PathLike):
        return str(value)
    return value


def coverage_matrix(cells: list[dict[str, Any]], bodies: int = 30) -> dict[str, Any]:
    """The count's cells as a grid of body × COFOG division (the largest bodies first), each square saying how
    that body's spending on that function was counted: what a reader scans to see where the count is firm."""
    divisions = sorted({c["cofog"] or "none" for c in cells}, key=lambda d: (d == "none", d))
    rows: dict[str, dict[str, Any]] = {}
    for c in cells:
        key = c["body_id"] or c["body_name"]
        row = rows.setdefault(key, {"body_id": c["body_id"], "body_name": c["body_name"], "pence": 0, "cells": {}})
        row["pence"] += c["pence"]
        row["cells"].setdefault(c["cofog"] or "none", []).append(c)
    ordered = sorted(rows.values(), key=lambda r: -r["pence"])
    return {"divisions": divisions, "rows": ordered[:bodies], "more": max(0, len(ordered) - bodies)}

