"""A check of the two sources against each other: councils' revenue outturn summed over a region beside CRA's
local government figure for the region, by COFOG division — the same money seen from two sides."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from ..classify.outturn import outturn_lines
from ..places import find_place
from ..workspace import Workspace
from .area import districts_in_year
from .method import HRA_REBATE_LINE, CountError
from .year import FinancialYear


def crosscheck(workspace: Workspace, region: str, year: str) -> dict[str, Any]:
    """Outturn of every body whose area lies within `region`, by division, beside CRA's identifiable local
    government spending there (current and capital), from the latest CRA publication holding the year."""
    places = workspace.places()
    register = workspace.register()
    found = [p for p in places.find(region) if p.kind == "region"]
    code = found[0].code if len(found) == 1 else find_place(places, region)
    if places.places[code].kind != "region":
        raise CountError(f"{places.places[code].name} is a {places.places[code].kind}: the cross-check is of a region.")
    fy = FinancialYear.parse(year)
    inside = set(districts_in_year(places, code, fy))
    lines = outturn_lines()
    rows: dict[str | None, dict[str, int]] = defaultdict(lambda: {"outturn_pence": 0, "cra_lg_current_pence": 0, "cra_lg_capital_pence": 0})
    bodies: set[str] = set()
    with workspace.engine() as engine:
        workspace.store.open_views(engine)
        for body_id, line, pence in engine.rows(
                "SELECT body_id, line, pence FROM outturn WHERE year = ? AND body_id IS NOT NULL", [fy.label]):
            body = register.bodies.get(body_id)
            if body is None or not body.place or body.place not in places.places:
                continue
            area = set(districts_in_year(places, body.place, fy))
            if not area or not area <= inside or not lines[line].counted or line == HRA_REBATE_LINE:
                continue
            rows[lines[line].cofog]["outturn_pence"] += pence
            bodies.add(body_id)
        publication = engine.rows("SELECT max(publication) FROM cra WHERE year = ?", [fy.label])[0][0]
        for cofog, cap_cur, pence in engine.rows(
                """SELECT cofog, cap_cur, sum(pence)::BIGINT FROM cra
                   WHERE year = ? AND publication = ? AND sector = 'LG' AND identifiable AND region_code = ? GROUP BY ALL""",
                [fy.label, publication, code]):
            rows[cofog]["cra_lg_current_pence" if cap_cur == "CUR" else "cra_lg_capital_pence"] += pence
    table = [{"cofog": cofog, **sums, "difference_current_pence": sums["outturn_pence"] - sums["cra_lg_current_pence"]}
             for cofog, sums in sorted(rows.items(), key=lambda kv: (kv[0] is None, kv[0] or ""))]
    totals = {k: sum(r[k] for r in table) for k in ("outturn_pence", "cra_lg_current_pence", "cra_lg_capital_pence", "difference_current_pence")}
    return {"region": {"code": code, "name": places.places[code].name}, "year": fy.label, "publication": publication,
            "bodies": len(bodies), "by_cofog": table, **totals}
