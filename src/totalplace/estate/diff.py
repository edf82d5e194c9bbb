"""What changed between two registers of the same body (Cheltenham's 2021 and 2023, say): assets added,
removed (disposed of, perhaps — a register does not say why), and changed tenure, holding type or use.

Assets are matched by UPRN where both have one (as a number: leading zeros, which one year's file keeps and
the other's drops, do not matter), else by the body's own asset id, else by name and location (the same name,
ignoring case and punctuation, within 50 metres). Each match says how it was made. A field is compared only
where both registers give it, and for an asset only where both years give a value (ignoring case, spacing and
punctuation); a holding type one year only inferred from a use written in its place (Cheltenham 2023 writes uses
in its holding-type column) is not compared:
a value one year leaves blank is not a change.
"""

from __future__ import annotations

import math
import re
from typing import Any

from ..workspace import Workspace
from .colocate import distance_m
from .place import EstateError

NEAR_M = 50.0
COMPARED = ("tenure", "tenure_detail", "holding_type", "use_type", "name")


class DiffError(EstateError):
    """Two registers that cannot be compared."""


def _metres(a: dict[str, Any], b: dict[str, Any]) -> float:
    if None in (a["lat"], a["lon"], b["lat"], b["lon"]):
        return math.inf
    return distance_m(a["lat"], a["lon"], b["lat"], b["lon"])


def _inferred(asset: dict[str, Any]) -> bool:
    """A holding type the register did not state but the reader inferred from a use written in its place."""
    return "inferred from the use" in (asset.get("detail") or "")


def _key(asset: dict[str, Any], field: str) -> str:
    """A UPRN compared as the number it is ('010012809443' and '10012809443' are one); an asset id whatever its case."""
    value = (asset[field] or "").strip()
    return value.lstrip("0") if field == "uprn" else value.upper()  # '09/00255/Land' is '09/00255/LAND'


def name_key(text: str | None) -> str:
    """A name or value compared loosely: case, spacing and punctuation ignored."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", (text or "").lower()).split())


def _source(workspace: Workspace, which: str) -> tuple[str, str]:
    found = [m for m in workspace.store.manifests() if m.get("dataset") == "assets"
             and (m["source_id"].startswith(which) or m["file"] == which or m["file"].endswith("/" + which))]
    if len(found) != 1:
        listed = ", ".join(m["file"] for m in workspace.store.manifests() if m.get("dataset") == "assets")
        raise DiffError(f"'{which}' " + ("matches several asset files" if found else "is no ingested asset file")
                        + f"; name one of: {listed or 'none ingested'}.")
    return found[0]["source_id"], found[0]["file"]


def diff_registers(workspace: Workspace, old: str, new: str) -> dict[str, Any]:
    """Compare two ingested asset files (named as `totalplace sources` shows them, or by source id)."""
    (old_id, old_file), (new_id, new_file) = _source(workspace, old), _source(workspace, new)
    if old_id == new_id:
        raise DiffError(f"'{old}' and '{new}' are the same file: name two registers of one body.")
    with workspace.engine() as engine:
        workspace.store.open_views(engine)
        rows = {sid: engine.records("SELECT * FROM assets WHERE source_id = ? ORDER BY \"row\"", [sid]) for sid in (old_id, new_id)}
    before, after = rows[old_id], rows[new_id]
    for file, found in ((old_file, before), (new_file, after)):
        kinds = {a["kind"] for a in found}
        if kinds != {"land and assets register"}:
            raise DiffError(f"{file} is not a land and assets register ({', '.join(sorted(str(k) for k in kinds)) or 'no assets'}): "
                            "estate diff compares two registers of one body.")
    bodies = {a["body_id"] for a in before} | {a["body_id"] for a in after}
    if len(bodies) > 1:
        raise DiffError(f"{old_file} and {new_file} hold more than one body's assets ({', '.join(sorted(str(b) for b in bodies))}): "
                        "compare registers of the same body.")
    matched: list[tuple[dict[str, Any], dict[str, Any], str]] = []
    left = list(before)
    right = list(after)
    # one UPRN can hold several assets (a sports field and the pre-school on it): within a UPRN, the same asset id
    # pairs first, then the nearest; then asset ids alone
    for key, how, same_id in (("uprn", "UPRN", True), ("uprn", "UPRN", False), ("asset_id", "asset id", False)):
        index: dict[str, list[dict[str, Any]]] = {}
        for b in right:
            if _key(b, key):
                index.setdefault(_key(b, key), []).append(b)
        still = []
        for a in left:
            candidates = [c for c in index.get(_key(a, key), []) if not same_id or _key(c, "asset_id") == _key(a, "asset_id")] \
                if _key(a, key) and (not same_id or _key(a, "asset_id")) else []
            if candidates:
                b = min(candidates, key=lambda c: _metres(a, c))
                index[_key(a, key)].remove(b)
                right.remove(b)
                matched.append((a, b, how))
            else:
                still.append(a)
        left = still
    still = []
    for a in left:
        near = [b for b in right if name_key(a["name"]) and name_key(a["name"]) == name_key(b["name"]) and _metres(a, b) <= NEAR_M]
        if near:
            right.remove(near[0])
            matched.append((a, near[0], "name and location"))
        else:
            still.append(a)
    # a field is compared only where both registers give it (Cheltenham's 2023 register has no names)
    compared = [f for f in COMPARED if any(a[f] for a in before) and any(b[f] for b in after)]
    changed = []
    for a, b, how in matched:
        changes = {f: {"old": a[f], "new": b[f]} for f in compared
                   if a[f] and b[f] and name_key(str(a[f])) != name_key(str(b[f]))
                   and not (f == "holding_type" and (_inferred(a) or _inferred(b)))}
        if changes:
            changed.append({"uprn": b["uprn"] or a["uprn"], "asset_id": b["asset_id"] or a["asset_id"], "name": b["name"] or a["name"],
                            "matched_by": how, "changes": changes, "old_row": a["row"], "new_row": b["row"]})
    def brief(x: dict[str, Any]) -> dict[str, Any]:
        return {k: x[k] for k in ("row", "uprn", "asset_id", "name", "address", "postcode", "tenure", "holding_type", "use_type", "lat", "lon")}
    by_how: dict[str, int] = {}
    for _, _, how in matched:
        by_how[how] = by_how.get(how, 0) + 1
    return {
        "old": old_file, "new": new_file, "body_id": next(iter(bodies), None),
        "old_assets": len(before), "new_assets": len(after), "matched": len(matched), "matched_by": by_how,
        "added": [brief(b) for b in right], "removed": [brief(a) for a in still], "changed": changed,
        "compared": compared, "not_compared": [f for f in COMPARED if f not in compared],
        "changed_fields": {f: sum(1 for c in changed if f in c["changes"]) for f in compared},
    }
