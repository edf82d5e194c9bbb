"""What a count is: cells of (body, function, basis) with where each came from, what was netted, and what is
missing — and the totals, which are only ever sums of the cells."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

from ..classify.reference import cofog_codes

BASES = ("outturn", "payments", "apportioned")


@dataclass
class Cell:
    """One body's (or, top-down, one department's) spending on one COFOG division in the place."""

    body_id: str  # a register body, or 'CRA:<department>' for apportioned spending
    body_name: str
    cofog: str | None  # the division; None where the source gives no function
    basis: str  # outturn | payments | apportioned
    sector: str  # LG | CG | PC: local government, central government, public corporations
    source: str  # the file(s) the figure comes from
    driver: str  # how the place's part was found: 'whole' or the driver and the area it shares over
    share: float  # the place's part of the source figure (for reading; the pence are allocated exactly)
    source_pence: int  # the source's figure before sharing
    gross_pence: int  # the place's part
    transfers_netted_pence: int = 0
    replaced_pence: int = 0  # apportioned spending replaced by a body's own payments (declared complete)
    themes: dict[str, int] = field(default_factory=dict)  # theme -> pence of gross (themes overlap)
    parts: list[dict[str, Any]] = field(default_factory=list)  # what the cell is made of, for the drill-down
    note: str = ""

    @property
    def pence(self) -> int:
        return self.gross_pence - self.transfers_netted_pence

    @property
    def cell_id(self) -> str:
        return f"{self.basis}/{self.body_id}/{self.cofog or 'none'}"

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out.pop("parts")
        out["cell"] = self.cell_id
        out["cofog_name"] = cofog_codes()[self.cofog].name if self.cofog in cofog_codes() else "no function given"
        out["pence"] = self.pence
        return out


@dataclass
class Count:
    """A place's count for a financial year."""

    place: dict[str, Any]  # code, name, kind
    year: str
    population: int | None
    population_source: str
    districts: list[dict[str, Any]]  # the districts counted, with their populations
    cells: list[Cell]
    missing: list[dict[str, Any]]  # what the count could not include, with amounts where known
    transfers: list[dict[str, Any]]  # transfers between counted bodies: netted or why not
    notes: list[str]  # the method's choices as applied to this count
    net_transfers: bool = True

    @property
    def total_pence(self) -> int:
        return sum(c.pence for c in self.cells)

    @property
    def gross_pence(self) -> int:
        return sum(c.gross_pence for c in self.cells)

    @property
    def transfers_netted_pence(self) -> int:
        return sum(c.transfers_netted_pence for c in self.cells)

    @property
    def per_head_pence(self) -> int | None:
        if not self.population:
            return None
        return round(self.total_pence / self.population)

    def by(self, *keys: str) -> list[dict[str, Any]]:
        """The count grouped by any of body, cofog, basis, sector and theme, largest first. Grouped by theme,
        rows overlap (a pound can serve several themes) and do not add up to the total; the rest do."""
        groups: dict[tuple, dict[str, int]] = defaultdict(lambda: {"pence": 0, "gross_pence": 0, "transfers_netted_pence": 0})
        for cell in self.cells:
            base = {"body": (cell.body_id, cell.body_name), "cofog": cell.cofog, "basis": cell.basis, "sector": cell.sector}
            if "theme" in keys:
                items = [(theme, amount) for theme, amount in cell.themes.items()]
            else:
                items = [(None, None)]
            for theme, amount in items:
                key = tuple(theme if k == "theme" else base[k] for k in keys)
                g = groups[key]
                if theme is None:
                    g["pence"] += cell.pence
                    g["gross_pence"] += cell.gross_pence
                    g["transfers_netted_pence"] += cell.transfers_netted_pence
                else:
                    g["pence"] += amount or 0  # themes are of gross spending
                    g["gross_pence"] += amount or 0
        rows = []
        for key, sums in groups.items():
            row: dict[str, Any] = {}
            for k, value in zip(keys, key):
                if k == "body":
                    row["body_id"], row["body_name"] = value
                elif k == "cofog":
                    row["cofog"] = value
                    row["cofog_name"] = cofog_codes()[value].name if value in cofog_codes() else "no function given"
                else:
                    row[k] = value
            row.update(sums)
            if self.total_pence and "theme" not in keys:
                row["share"] = sums["pence"] / self.total_pence
            rows.append(row)
        return sorted(rows, key=lambda r: -r["pence"])

    def basis_shares(self) -> dict[str, float]:
        total = self.total_pence or 1
        return {r["basis"]: r["pence"] / total for r in self.by("basis")}

    def coverage(self) -> list[dict[str, Any]]:
        """The coverage matrix: for every (body, function) cell its basis, source and driver."""
        return [{"cell": c.cell_id, "body_id": c.body_id, "body_name": c.body_name, "cofog": c.cofog,
                 "basis": c.basis, "source": c.source, "driver": c.driver, "note": c.note} for c in self.cells]

    def to_json(self) -> dict[str, Any]:
        return {
            "place": self.place,
            "year": self.year,
            "total_pence": self.total_pence,
            "population": self.population,
            "population_source": self.population_source,
            "per_head_pence": self.per_head_pence,
            "per_head_is_estimate": True,
            "gross_pence": self.gross_pence,
            "transfers_netted_pence": self.transfers_netted_pence,
            "net_transfers": self.net_transfers,
            "by_basis": self.by("basis"),
            "by_cofog": self.by("cofog"),
            "by_body": self.by("body"),
            "by_theme": self.by("theme"),
            "cells": [c.to_json() for c in sorted(self.cells, key=lambda c: -c.pence)],
            "coverage": self.coverage(),
            "districts": self.districts,
            "transfers": self.transfers,
            "missing": self.missing,
            "notes": self.notes,
        }
