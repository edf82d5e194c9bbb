"""The count of a place for a year, by the method in docs/method.md: bottom-up from councils' outturn, top-down
from HM Treasury's Country and Regional Analysis for what is not counted bottom-up, payments where a user
declares a body's payments complete, and transfers between counted bodies netted off.

Each rule below is written once, here, and stated in the count's notes; nothing is filled in silently: what
cannot be counted goes into the count's `missing` list with its amount where that is known.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Iterable

from ..classify.outturn import outturn_lines
from ..engine import Engine
from ..places import find_place
from ..reference.places import Places
from ..reference.register import Body, Register
from ..workspace import Workspace
from .allocate import allocate
from .flows import open_flows
from .area import Driver, Units, districts_in_year, population_driver, read_driver
from .result import Cell, Count
from .year import FinancialYear

# Housing benefit paid to council tenants is income of the Housing Revenue Account, which the count takes whole
# (line 981): counting the rebate too would count the same pound twice.
HRA_REBATE_LINE = 713
NHS_KINDS = ("nhs_icb", "nhs_ccg", "nhs_trust", "nhs")


class CountError(ValueError):
    """A count that cannot be made as asked (no such place, no sources for the year, …)."""


@cache
def _themes_by_source() -> dict[tuple[str, str], list[str]]:
    text = resources.files("totalplace").joinpath("data/count/themes_by_source.csv").read_text(encoding="utf-8")
    return {(r["source"], r["key"]): r["themes"].split(";") for r in csv.DictReader(text.splitlines())}


def themes_of(source: str, key: str | None) -> list[str]:
    """The themes a whole outturn line or COFOG group serves (a group inherits nothing from its division)."""
    return _themes_by_source().get((source, key or ""), [])


@dataclass
class _Share:
    """A body's part of the place: the units of its area (districts, or districts taken together under one
    driver value) that lie in the place, under a driver."""

    units: Units
    place_districts: set[str]

    @property
    def inside(self) -> list[str]:
        return [u for u, members in self.units.members.items() if set(members) <= self.place_districts]

    @property
    def straddles(self) -> bool:
        """A unit partly in the place: its districts share one driver value, so the place's part is unknown."""
        return any(set(m) & self.place_districts and not set(m) <= self.place_districts for m in self.units.members.values())

    @property
    def whole(self) -> bool:
        return len(self.inside) == len(self.units.members)

    def part(self, pence: int) -> int:
        if self.whole:
            return pence
        shares = allocate(pence, self.units.weights)
        return sum(shares[u] for u in self.inside)

    def fraction(self) -> Fraction:
        total = sum(self.units.weights.values())
        return sum((self.units.weights[u] for u in self.inside), Fraction(0)) / total


class _Counter:
    """One count being made: the place, the year, the sources, and the cells found so far."""

    def __init__(self, workspace: Workspace, engine: Engine, place: str, year: str, driver_path: str | Path | None,
                 complete_bodies: Iterable[str], net_transfers: bool):
        self.ws = workspace
        self.engine = engine
        self.places: Places = workspace.places()
        self.register: Register = workspace.register()
        self.year = FinancialYear.parse(year)
        self.code = find_place(self.places, place)
        self.place = self.places.places[self.code]
        self.districts = districts_in_year(self.places, self.code, self.year)
        if not self.districts:
            raise CountError(f"{self.place.name} ({self.code}) had no districts on {self.year.first_day}: "
                             "it did not exist in that year; count its predecessors.")
        base = population_driver(self.places)
        self.driver: Driver = read_driver(driver_path, self.places, base) if driver_path else base
        self.complete_names = list(complete_bodies)
        self.net_transfers = net_transfers
        self.cells: dict[tuple[str, str, str | None], Cell] = {}
        self.missing: list[dict[str, Any]] = []
        self.notes: list[str] = []
        self.transfers: list[dict[str, Any]] = []
        self.body_split: dict[str, _Share] = {}
        self.outturn_bodies: dict[str, Body] = {}
        self._units: dict[tuple[tuple[str, ...], str], Units | None] = {}  # body -> how its spending is shared
        self.body_basis: dict[str, str] = {}

    # --- the pieces ---------------------------------------------------------------------------------------

    def cell(self, body_id: str, body_name: str, cofog: str | None, basis: str, sector: str, source: str,
             driver: str, share: float) -> Cell:
        key = (basis, body_id, cofog)
        if key not in self.cells:
            self.cells[key] = Cell(body_id, body_name, cofog, basis, sector, source, driver, share, 0, 0)
        return self.cells[key]

    def gap(self, what: str, pence: int | None, detail: str = "") -> None:
        """Say what the count leaves out; the same gap met again adds its amount to the first."""
        for entry in self.missing:
            if entry["what"] == what and entry["detail"] == detail:
                if pence is not None:
                    entry["pence"] = (entry["pence"] or 0) + pence
                    entry["figures"] += 1
                return
        self.missing.append({"what": what, "pence": pence, "detail": detail, "figures": 1})

    def area_of(self, body: Body) -> list[str]:
        if not body.place or body.place not in self.places.places:
            return []
        return districts_in_year(self.places, body.place, self.year)

    def units(self, area: list[str], cofog: str | None) -> Units | None:
        key = (tuple(area), cofog if cofog in self.driver.by_function else "")
        if key not in self._units:
            self._units[key] = self.driver.units(area, self.places, cofog)
        return self._units[key]

    def share(self, area: list[str], cofog: str | None, what: str, pence: int) -> _Share | None:
        """How a figure spread over `area` falls to the place under the driver; None (and a gap said) if it cannot
        be shared."""
        if set(area) <= set(self.districts):  # the place holds the whole area: no driver is needed
            return _Share(Units({d: Fraction(1) for d in area}, {d: [d] for d in area}), set(self.districts))
        units = self.units(area, cofog)
        found = _Share(units, set(self.districts)) if units else None
        if found is None or found.straddles:
            lacking = self.driver.missing(area, self.places, cofog)
            why = (f"the driver ({self.driver.describe(cofog)}) has no value for " + ", ".join(lacking)) if lacking else (
                "the place holds part of a group of districts that share one driver value (districts that had ended "
                "by the driver's year)" if found else "the driver has no value for any district of the area")
            self.gap(f"{what}: cannot be shared to the place", pence, why)
            return None
        return found

    # --- bottom-up: outturn ---------------------------------------------------------------------------------

    def outturn_source(self) -> tuple[str, str] | None:
        rows = self.engine.rows(
            "SELECT o.source_id, o.file FROM outturn o WHERE o.year = ? GROUP BY ALL ORDER BY o.source_id", [self.year.label])
        if not rows:
            return None
        if len(rows) > 1:  # two returns for one year: the one ingested last (a revised release) is used
            latest = max(rows, key=lambda r: (self.ws.store.manifest(r[0]) or {}).get("ingested_at", ""))
            self.notes.append(f"{len(rows)} outturn returns hold {self.year}; the one ingested last, {latest[1]}, is used.")
            return latest
        return rows[0]

    def bottom_up(self) -> bool:
        """Cells from the revenue outturn of every body whose area reaches into the place. Returns whether
        councils are counted bottom-up (so CRA's local government part is not added)."""
        source = self.outturn_source()
        if source is None:
            self.gap(f"no revenue outturn return for {self.year} is loaded", None,
                     "councils, police and fire are then counted top-down from CRA's local government part, "
                     "apportioned by the driver; ingest the RS return for the year to count them bottom-up")
            return False
        source_id, file = source
        records = self.engine.records(
            """SELECT body_id, coalesce(body_register_name, body_name) AS name, body_name AS published, ecode, ons_code,
                      class, line, kind, cofog, cofog_group, pence, sheet, "row"
               FROM outturn WHERE source_id = ? AND year = ? ORDER BY body_name, line""", [source_id, self.year.label])
        by_body: dict[tuple[str | None, str], list[dict[str, Any]]] = defaultdict(list)
        for r in records:
            by_body[(r["body_id"], r["published"])].append(r)
        lines = outturn_lines()
        unplaced: list[tuple[str, int]] = []
        levies: dict[int, int] = defaultdict(int)
        for (body_id, published), rows in by_body.items():
            body = self.register.bodies.get(body_id or "")
            spent = sum(r["pence"] for r in rows if lines[r["line"]].counted and r["line"] != HRA_REBATE_LINE)
            area = self.area_of(body) if body else []
            ons = rows[0]["ons_code"] or ""
            if not area and ons in self.places.places:
                # not in the register (or without an area there), but the return's own ONS code places it
                area = districts_in_year(self.places, ons, self.year)
                body = Body(body_id or f"RS:{rows[0]['ecode']}", body.name if body else published, "council",
                            place=ons, note="placed by the ONS code the outturn return gives")
                if area and any(d in self.districts for d in area):
                    self.notes.append(f"{body.name} is placed by the ONS code the outturn return gives ({ons}); "
                                      "the register does not place it.")
            if not area:
                if spent:
                    unplaced.append((published, spent))
                continue
            in_place = [d for d in area if d in self.districts]
            if not in_place:
                continue
            self.body_basis[body.body_id] = "outturn"
            self.outturn_bodies[body.body_id] = body
            for r in rows:
                line = lines[r["line"]]
                if r["pence"] == 0 or not (line.counted or line.kind == "transfer") or r["line"] == HRA_REBATE_LINE:
                    continue
                share = self.share(area, line.cofog, f"{body.name}: outturn", r["pence"])
                if share is None:
                    continue
                part = share.part(r["pence"])
                fraction = share.fraction()
                self.body_split.setdefault(body.body_id, share)
                if line.kind == "transfer":
                    levies[r["line"]] += part
                    continue
                driver = "whole" if share.whole else (
                    f"{self.driver.describe(line.cofog)}: {len(in_place)} of the {len(area)} districts of {self.places.places[body.place].name}")
                cell = self.cell(body.body_id, body.name, line.cofog, "outturn", "LG", file, driver, float(fraction))
                cell.source_pence += r["pence"]
                cell.gross_pence += part
                for theme in themes_of("outturn", str(r["line"])):
                    cell.themes[theme] = cell.themes.get(theme, 0) + part
                cell.parts.append({"kind": "outturn", "source_id": source_id, "file": file, "sheet": r["sheet"],
                                   "row": r["row"], "line": r["line"], "line_name": line.name, "pence": r["pence"],
                                   "place_pence": part})
        self._expected_councils(set(self.body_basis))
        self._levies(levies)
        if unplaced:
            unplaced.sort(key=lambda x: -x[1])
            self.notes.append(
                f"{len(unplaced)} bodies in the {self.year} outturn have no area in the register and no ONS code that "
                "places them, so they are in no place's count (their levies, where the count lists them, are "
                "what the place's councils pay them): " + "; ".join(f"{name} ({pence / 100:,.0f})" for name, pence in unplaced))
        self.notes.append(f"Bottom-up: revenue outturn {self.year} from {file} (net current expenditure: service lines, "
                          "housing benefits and the Housing Revenue Account; totals, financing and levies not added).")
        return True

    def _levies(self, levies: dict[int, int]) -> None:
        """A levy or precept is spent by the body paid. It is in the count where that body is: the transport levy
        in a combined authority's outturn, the Environment Agency's flood defence levy in CRA (DEFRA); otherwise
        the count says it is missing."""
        lines = outturn_lines()
        authorities = [b for b in self.outturn_bodies.values() if b.kind in ("combined_authority", "regional_authority")]
        for number, pence in sorted(levies.items()):
            if not pence:
                continue
            if number == 722 and authorities:
                self.notes.append(f"{lines[number].name} ({pence / 100:,.0f}) is counted where it is spent, in the outturn "
                                  f"of {', '.join(b.name for b in authorities)}.")
            elif number == 759:
                self.notes.append(f"{lines[number].name} ({pence / 100:,.0f}) is counted where it is spent: the "
                                  "Environment Agency's spending is in CRA (DEFRA), apportioned.")
            else:
                self.gap(f"{lines[number].name} paid by the counted bodies", pence,
                         "a levy or precept is spent by the body it is paid to, and that body is not counted here "
                         "(parish councils, waste disposal and other authorities the register gives no area)")

    def _expected_councils(self, counted: set[str]) -> None:
        """Every council that served the place in the year should be in the outturn; say which are not."""
        day = self.year.first_day
        areas = set(self.districts) | {self.places.parents_of.get(d, {}).get("county", "") for d in self.districts}
        for body in self.register.bodies.values():
            if body.kind == "council" and body.place in areas and body.active_on(day) and body.body_id not in counted:
                self.gap(f"{body.name}: no outturn for {self.year}", None,
                         "the council is not in the loaded return (or its row did not resolve to the register)")

    # --- top-down: CRA ----------------------------------------------------------------------------------------

    def cra_source(self) -> tuple[str, str, str] | None:
        rows = self.engine.rows("SELECT source_id, file, publication FROM cra WHERE year = ? GROUP BY ALL",
                                [self.year.label])
        if not rows:
            return None
        latest = max(rows, key=lambda r: (r[2], (self.ws.store.manifest(r[0]) or {}).get("ingested_at", "")))
        if len(rows) > 1:
            self.notes.append(f"{len(rows)} CRA databases hold {self.year}; the latest publication, {latest[2]}, is used "
                              "(later publications revise earlier years).")
        return latest

    def top_down(self, councils_bottom_up: bool) -> None:
        source = self.cra_source()
        if source is None:
            self.gap(f"no Country and Regional Analysis database holds {self.year}", None,
                     "central government and public corporations' spending is not in the count")
            return
        source_id, file, publication = source
        sectors = ["CG", "PC"] + ([] if councils_bottom_up else ["LG"])
        regions: dict[str, list[str]] = defaultdict(list)
        for d in self.districts:
            region = self.places.parents_of.get(d, {}).get("region")
            if region is None:
                self.gap(f"{self.places.places[d].name}: no region", None, "its CRA spending cannot be apportioned")
            else:
                regions[region].append(d)
        for region, in_place in sorted(regions.items()):
            region_districts = districts_in_year(self.places, region, self.year)
            rows = self.engine.records(
                """SELECT department, cofog, cofog_group, sector, cap_cur, sum(pence)::BIGINT AS pence, count(*) AS n,
                          list("row" ORDER BY "row") AS rows
                   FROM cra WHERE source_id = ? AND year = ? AND identifiable AND region_code = ?
                   GROUP BY ALL ORDER BY department, cofog, cofog_group, sector, cap_cur""",
                [source_id, self.year.label, region])
            if not rows:
                self.gap(f"{publication} has no identifiable spending for region {region} in {self.year}", None)
                continue
            region_name = self.places.places[region].name
            lg_left_out: dict[str, int] = defaultdict(int)
            for r in rows:
                if r["pence"] == 0:
                    continue
                if r["sector"] not in sectors:
                    if r["sector"] == "LG":
                        units = self.units(region_districts, r["cofog"])
                        if units:
                            lg_left_out[r["cap_cur"]] += _Share(units, set(self.districts)).part(r["pence"])
                    continue
                share = self.share(region_districts, r["cofog"], f"{publication}: spending in {region_name}", r["pence"])
                if share is None:
                    continue
                part = share.part(r["pence"])
                fraction = share.fraction()
                body_id = f"CRA:{r['department']}"
                driver = f"{self.driver.describe(r['cofog'])}: {len(in_place)} of the {len(region_districts)} districts of {region_name}"
                cell = self.cell(body_id, r["department"], r["cofog"], "apportioned", r["sector"], file, driver, float(fraction))
                if cell.sector != r["sector"]:
                    cell.sector = "CG+PC"
                cell.source_pence += r["pence"]
                cell.gross_pence += part
                for theme in themes_of("cofog", r["cofog_group"]):
                    cell.themes[theme] = cell.themes.get(theme, 0) + part
                cell.parts.append({"kind": "cra", "source_id": source_id, "file": file, "region": region,
                                   "department": r["department"], "cofog": r["cofog"], "cofog_group": r["cofog_group"],
                                   "sector": r["sector"], "rows": r["rows"], "pence": r["pence"], "place_pence": part})
            if councils_bottom_up:
                self.notes.append(f"CRA's local government current spending in {region_name} ({lg_left_out['CUR'] / 100:,.0f} "
                                  "for the place's share) is not added: councils are counted bottom-up from outturn.")
                if lg_left_out["CAP"]:
                    self.gap(f"local government capital spending ({region_name}, the place's share of CRA's)",
                             lg_left_out["CAP"], "revenue outturn is current spending only, and CRA's local government "
                             "part is not added where councils are counted bottom-up; councils' capital outturn (COR) "
                             "is not a source yet")
        self.notes.append(f"Top-down: {publication} ({file}), identifiable spending of central government and public "
                          f"corporations{'' if councils_bottom_up else ' and local government'} in the place's region, "
                          f"apportioned by {self.driver.describe()}.")

    # --- payments-only bodies ---------------------------------------------------------------------------------

    def payments(self) -> None:
        """Bodies a user declares complete are counted from their payments. A body whose spending CRA holds in a
        department's figure (an NHS body in health's) has the same amount taken out of that department's
        apportioned spending on the same function, so it is not counted twice; what cannot be taken out is said."""
        bodies = []
        for name in self.complete_names:
            body, candidates = self.register.resolve(name, self.year.first_day)
            if body is None:
                raise CountError(f"--complete '{name}': " + (
                    f"could mean {', '.join(b.name for b in candidates)}; use its code." if candidates
                    else "no body in the register is called or coded that."))
            if self.body_basis.get(body.body_id) == "outturn":
                raise CountError(f"--complete '{name}': {body.name} is counted from its outturn for {self.year}; "
                                 "its payments give the detail, not the total.")
            if not self.area_of(body):
                raise CountError(f"--complete '{name}': {body.name} has no area in the register, so its part of the "
                                 "place cannot be found; only a body whose area is known can be counted from its payments.")
            bodies.append(body)
        for body in bodies:
            rows = self.engine.records(
                """SELECT cofog, sum(pence)::BIGINT AS pence, sum(payments)::BIGINT AS n, count(DISTINCT month) AS months
                   FROM flows WHERE body_id = ? AND month BETWEEN ? AND ? GROUP BY ALL ORDER BY cofog""",
                [body.body_id, self.year.first_day, self.year.last_day])
            if not rows:
                self.gap(f"{body.name}: declared complete, but has no payments in {self.year}", None)
                continue
            area = self.area_of(body)
            in_place = [d for d in area if d in self.districts]
            if not in_place:
                self.gap(f"{body.name}: declared complete, but its area is outside the place", None)
                continue
            months = max(r["months"] for r in rows)
            department = self._department_of(body)
            self.body_basis[body.body_id] = "payments"
            for r in rows:
                share = self.share(area, r["cofog"], f"{body.name} payments", r["pence"])
                if share is None:
                    continue
                part = share.part(r["pence"])
                fraction = share.fraction()
                self.body_split.setdefault(body.body_id, share)
                driver = "whole" if share.whole else (
                    f"{self.driver.describe(r['cofog'])}: {len(in_place)} of the {len(area)} districts of {self.places.places[body.place].name}")
                cell = self.cell(body.body_id, body.name, r["cofog"], "payments", "CG" if body.kind in NHS_KINDS else "LG",
                                 "payments in the ledger", driver, float(fraction))
                cell.note = f"payments declared complete by the user ({months} month(s) of payments in the year)"
                cell.source_pence += r["pence"]
                cell.gross_pence += part
                cell.parts.append({"kind": "payments", "body_id": body.body_id, "cofog": r["cofog"], "rows": r["n"],
                                   "pence": r["pence"], "place_pence": part})
                self._replace_apportioned(department, r["cofog"], part, body.name)

    def _department_of(self, body: Body) -> str | None:
        """The CRA department whose figure holds the body's spending: health for NHS bodies, a department for
        itself; None for local government (CRA's LG part is not in the count where outturn is loaded)."""
        if body.kind in NHS_KINDS:
            return "Department of Health"
        if body.kind == "central_government":
            return body.name
        return None

    def _replace_apportioned(self, department: str | None, cofog: str | None, pence: int, name: str) -> None:
        targets = {c.body_id: c for c in self.cells.values()
                   if c.basis == "apportioned" and department and c.body_name.startswith(department)
                   and c.cofog == cofog and c.gross_pence > 0}
        take = min(max(pence, 0), sum(c.gross_pence for c in targets.values()))
        if take:
            for body_id, amount in allocate(take, {k: c.gross_pence for k, c in targets.items()}).items():
                cell = targets[body_id]
                cell.gross_pence -= amount
                cell.replaced_pence += amount
                cell.note = (cell.note + "; " if cell.note else "") + f"{amount / 100:,.2f} replaced by {name}'s payments"
        if take != pence:
            where = (f"{department}'s apportioned spending on {cofog or 'no function'}" if department
                     else "nothing apportioned (the body is not part of a CRA department's figure counted here)")
            self.notes.append(f"{name}'s payments on {cofog or 'no function'} ({pence / 100:,.2f}) replace "
                              f"{take / 100:,.2f} of {where}: {(pence - take) / 100:,.2f} is counted in addition.")

    # --- transfers --------------------------------------------------------------------------------------------

    def netting(self) -> None:
        """A payment from a counted body to another counted body is netted off the payer's cell, so the pound is
        counted once, where it is spent — unless the receiving body is counted from its outturn, which is
        already net of funding from other authorities and the NHS (the RS return's note (c))."""
        payers = set(self.body_basis)
        receivers = dict(self.body_basis)
        if any(c.basis == "apportioned" and c.cofog == "07" for c in self.cells.values()):
            for body in self._nhs_bodies_serving():
                receivers.setdefault(body.body_id, "apportioned")
        if not payers or not receivers:
            return
        rows = self.engine.records(
            """SELECT body_id, payee_body_id, any_value(payee_body_name) AS payee_name, cofog,
                      sum(pence)::BIGINT AS pence, sum(payments)::BIGINT AS n
               FROM flows
               WHERE transfer_kind = 'service' AND month BETWEEN ? AND ?
                 AND list_contains(?, body_id) AND list_contains(?, payee_body_id) AND payee_body_id <> body_id
               GROUP BY ALL ORDER BY body_id, payee_body_id, cofog""",
            [self.year.first_day, self.year.last_day, sorted(payers), sorted(receivers)])
        for r in rows:
            payer = self.outturn_bodies.get(r["body_id"]) or self.register.bodies[r["body_id"]]
            split = self.body_split.get(payer.body_id)
            amount = split.part(r["pence"]) if split else r["pence"]
            entry = {"payer_id": payer.body_id, "payer": payer.name, "payee_id": r["payee_body_id"],
                     "payee": r["payee_name"], "cofog": r["cofog"], "payments": r["n"], "pence": r["pence"],
                     "place_pence": amount, "netted_pence": 0}
            if receivers[r["payee_body_id"]] == "outturn":
                entry["why"] = "not netted: the receiving body's outturn is already net of funding from other authorities"
            elif not self.net_transfers:
                entry["why"] = "not netted: netting turned off"
            else:
                basis = self.body_basis[payer.body_id]
                own = [c for c in self.cells.values() if c.basis == basis and c.body_id == payer.body_id and c.gross_pence > 0]
                same = [c for c in own if c.cofog == r["cofog"]]
                targets = same or own
                if not targets:
                    entry["why"] = "not netted: the payer has no spending in the count to net it from"
                    self.transfers.append(entry)
                    continue
                for cell, netted in zip(targets, allocate(amount, {str(i): c.gross_pence for i, c in enumerate(targets)}).values()):
                    cell.transfers_netted_pence += netted
                    cell.parts.append({"kind": "netting", "payer_id": payer.body_id, "payee_id": r["payee_body_id"],
                                       "cofog": r["cofog"], "pence": r["pence"], "place_pence": netted})
                entry["netted_pence"] = amount
                entry["why"] = (f"netted: {r['payee_name']} is counted ({receivers[r['payee_body_id']]}) and spends it"
                                + ("" if same else f"; netted across the payer's functions in proportion, as its count "
                                   f"has no spending on {r['cofog'] or 'no function'}"))
            self.transfers.append(entry)

    def _nhs_bodies_serving(self) -> list[Body]:
        codes = set(self.districts)
        for d in self.districts:
            codes |= {self.places.parents_of.get(d, {}).get(rel, "") for rel in ("ccg", "icb")}
        return [b for b in self.register.bodies.values() if b.kind in NHS_KINDS and b.place in codes]

    def payments_only_bodies(self) -> None:
        """Bodies with payments in the year that the count does not take its total from: said, with amounts."""
        rows = self.engine.records(
            """SELECT body_id, any_value(body_name) AS name, sum(pence)::BIGINT AS pence, count(DISTINCT month) AS months
               FROM flows WHERE month BETWEEN ? AND ? AND body_id IS NOT NULL GROUP BY body_id""",
            [self.year.first_day, self.year.last_day])
        for r in rows:
            body = self.register.bodies.get(r["body_id"])
            if body is None or r["body_id"] in self.body_basis:
                continue
            area = self.area_of(body)
            if area and not any(d in self.districts for d in area):
                continue
            self.gap(f"{body.name}: payments only ({r['months']} month(s) in {self.year}), not in the total",
                     r["pence"], ("" if area else "its area is not in the register, so it may or may not spend in the "
                                  "place; ") + "its payments are used for detail and transfers; declare them complete "
                     "(--complete) to count them, replacing the apportioned spending they are part of")


def count_place(
    workspace: Workspace,
    place: str,
    year: str,
    *,
    driver: str | Path | None = None,
    complete: Iterable[str] = (),
    net_transfers: bool = True,
) -> Count:
    """Count all public spending in `place` (a name or GSS code) in financial `year` ('2017-18').

    `driver` is a CSV of per-district values to share spending by instead of population (see docs/method.md);
    `complete` names payments-only bodies whose payments the user declares complete; `net_transfers=False`
    leaves transfers between counted bodies in (the difference is exactly the netted amount).
    """
    with workspace.engine() as engine:
        workspace.store.open_views(engine)
        open_flows(workspace.store, engine)
        counter = _Counter(workspace, engine, place, year, driver, complete, net_transfers)
        label = counter.year.label
        if not engine.rows("SELECT 1 FROM outturn WHERE year = ? UNION ALL SELECT 1 FROM cra WHERE year = ? LIMIT 1", [label, label]):
            held = engine.rows("SELECT DISTINCT year FROM (SELECT year FROM outturn UNION SELECT year FROM cra) ORDER BY year")
            raise CountError(f"nothing to count {label} from: no revenue outturn return or CRA database holds it"
                             + (f" (loaded sources hold {', '.join(y for (y,) in held)})" if held else
                                "; ingest the RS return and CRA database first (see docs/method.md)") + ".")
        councils_bottom_up = counter.bottom_up()
        counter.top_down(councils_bottom_up)
        counter.payments()
        counter.netting()
        counter.payments_only_bodies()
    places = counter.places
    populations = [places.places[d].population for d in counter.districts]
    population = sum(p for p in populations if p is not None) if all(p is not None for p in populations) else None
    if population is None:
        counter.gap("population of the place", None, "a district has no population in the register: no per-head figure")
    counter.notes.insert(0, f"Population: mid-2020 ({counter.driver.values and 'mySociety register'}), the only year "
                            f"the register holds; per head for {counter.year} is therefore an estimate.")
    return Count(
        place={"code": counter.code, "name": counter.place.name, "kind": counter.place.kind},
        year=counter.year.label,
        population=population,
        population_source="sum of its districts' mid-2020 populations (mySociety register)",
        districts=[{"code": d, "name": places.places[d].name, "population": places.places[d].population}
                   for d in counter.districts],
        cells=[c for c in counter.cells.values() if c.gross_pence or c.transfers_netted_pence or c.replaced_pence],
        missing=counter.missing,
        transfers=counter.transfers,
        notes=counter.notes,
        net_transfers=net_transfers,
    )
