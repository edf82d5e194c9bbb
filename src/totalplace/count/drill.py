"""The rows behind a cell of a count: the outturn lines, the CRA rows or the payments it was made from, and
the payments netted off it."""

from __future__ import annotations

from typing import Any

from ..workspace import Workspace
from .result import Count
from .year import FinancialYear


class DrillError(ValueError):
    """A cell that is not in the count."""


def drill(workspace: Workspace, count: Count, cell_id: str, limit: int | None = 500) -> dict[str, Any]:
    """Every source row behind `cell_id` (as `Cell.cell_id` writes it: 'outturn/TRF/09'), with the place's part."""
    cells = {c.cell_id: c for c in count.cells}
    if cell_id not in cells:
        close = [c for c in cells if cell_id.lower() in c.lower()][:5]
        raise DrillError(f"no cell '{cell_id}' in the count of {count.place['name']} {count.year}"
                         + (f"; did you mean {', '.join(close)}?" if close else "; `totalplace count --json` lists the cells."))
    cell = cells[cell_id]
    year = FinancialYear.parse(count.year)
    rows: list[dict[str, Any]] = []
    with workspace.engine() as engine:
        workspace.store.open_views(engine)
        for part in cell.parts:
            if part["kind"] == "outturn":
                rows.append({"kind": "outturn line", **{k: part[k] for k in ("file", "sheet", "row", "line", "line_name", "pence", "place_pence")}})
            elif part["kind"] == "cra":
                found = engine.records(
                    """SELECT file, sheet, "row", department, organisation, segment_name, cofog_group, hmt_subfunction,
                              sector, cap_cur, nuts_region, year, pence
                       FROM cra WHERE source_id = ? AND list_contains(?, "row") AND year = ? AND region_code = ?
                       ORDER BY "row" """,
                    [part["source_id"], part["rows"], count.year, part["region"]])
                rows.extend({"kind": "CRA row", **r, "group_place_pence": part["place_pence"]} for r in found)
            elif part["kind"] in ("payments", "netting"):
                body = part["body_id"] if part["kind"] == "payments" else part["payer_id"]
                extra = "" if part["kind"] == "payments" else "AND transfer_kind = 'service' AND payee_body_id = ?"
                params: list[Any] = [body, year.first_day, year.last_day, part["cofog"]]
                if part["kind"] == "netting":
                    params.append(part["payee_id"])
                found = engine.records(
                    f"""SELECT file, sheet, "row", payment_date, supplier, payee_body_name, service_area, expense_type,
                               amount_pence AS pence
                        FROM ledger WHERE body_id = ? AND payment_date BETWEEN ? AND ?
                          AND cofog IS NOT DISTINCT FROM ? {extra}
                        ORDER BY amount_pence DESC""" + (f" LIMIT {int(limit)}" if limit else ""), params)
                kind = "payment" if part["kind"] == "payments" else "payment netted (transfer)"
                rows.extend({"kind": kind, **r} for r in found)
    return {"cell": cell.to_json(), "rows": rows, "limited_to": limit}
