"""Places side by side, per head: the first thing every councillor asks."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

from ..workspace import Workspace
from .method import count_place


def compare_places(workspace: Workspace, places: Iterable[str], year: str, driver: str | Path | None = None) -> list[dict[str, Any]]:
    """Each place's total, population, per head, basis shares and per head by COFOG division, in the order given."""
    rows = []
    for place in places:
        count = count_place(workspace, place, year, driver=driver)
        per_head_by_cofog = {r["cofog"] or "none": (round(r["pence"] / count.population) if count.population else None)
                             for r in count.by("cofog")}
        rows.append({
            "place": count.place["name"], "code": count.place["code"], "kind": count.place["kind"], "year": count.year,
            "total_pence": count.total_pence, "population": count.population, "per_head_pence": count.per_head_pence,
            "gross_pence": count.gross_pence, "transfers_netted_pence": count.transfers_netted_pence,
            "basis_shares": count.basis_shares(), "per_head_by_cofog_pence": per_head_by_cofog,
            "missing": len(count.missing),
        })
    return rows
