"""Whose spending a file is: its published body values matched to the register, or the body given."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..engine import Engine
from ..reference.register import Body, Register
from .errors import IngestError
from .layout import TableLayout
from .overrides import Override


def require_body(name: str, layout: TableLayout, override: Override | None, body_given: bool) -> None:
    """Fail early, before any work, when nothing says whose spending the file is."""
    if body_given or "body" in layout.roles or "body_name" in layout.roles:
        return
    if override is not None and override.layout.body:
        return
    raise IngestError(
        f"{name}: the file does not say which body made these payments (no column such as 'Body', "
        "'Body Name' or 'Organisation'). Say whose spending it is with --body NAME|CODE, "
        "e.g. --body 'Hyndburn' or --body E07000120, or set body in an override file."
    )


@dataclass
class BodyChoice:
    body_id: str | None
    body_name: str
    how: str


def describe_body(body: Body) -> str:
    return f"{body.name} ({body.body_id})"


def resolve_bodies(
    register: Register, name: str, pairs: list[tuple[str | None, str | None]], given: str | None, on: dt.date | None,
    warnings: list[str],
) -> list[dict[str, Any]]:
    """Map each (published body code, published body name) pair to a body.

    A value the register knows is that body. `given` (--body) is the body of rows whose body cell is empty or
    not in the register (Stockport writes 'SMBC'); it never replaces a body the file names and the register
    knows — that is warned about instead. Returns the file's body map (one entry per pair: the published
    values, body_id, body_name and how it was decided); appends warnings.
    """
    given_choice = _given_choice(register, given, on, warnings) if given else None
    entries: list[dict[str, Any]] = []
    unresolved: list[str] = []
    kept_own: set[str] = set()
    for code, label in pairs or ([(None, None)] if given_choice else []):
        choice = _from_register(register, code, label, on)
        if choice is not None:
            if given_choice is not None and choice.body_id != given_choice.body_id:
                kept_own.add(describe_choice(choice))
        elif given_choice is not None:
            choice = given_choice
        elif label or code:
            unresolved.append(str(label or code))
            choice = BodyChoice(None, str(label or code), "as published, not in the register")
        entries.append(_map_entry(code, label, choice))
    if kept_own:
        warnings.append(f"--body '{given}' was not used for rows that name their own body: {', '.join(sorted(kept_own))}")
    blanks = [e for e in entries if e["body_name"] is None]
    named = {(e["body_id"], e["body_name"]) for e in entries if e["body_name"] is not None}
    if blanks:
        if len(named) == 1:
            body_id, body_name = next(iter(named))
            for e in blanks:
                e.update(body_id=body_id, body_name=body_name, how="the file's only body (the row's body cell is empty)")
        else:
            raise IngestError(
                f"{name}: some rows do not say which body paid (the body column is empty) and the file names "
                f"{len(named)} bodies. Say whose spending the file is with --body NAME|CODE."
            )
    if unresolved:
        warnings.append(
            f"body {', '.join(repr(u) for u in sorted(set(unresolved)))} not found in the register"
            f"{_no_register_hint(register)}; recorded as published. Use --body to say which body it is."
        )
    return entries


def _no_register_hint(register: Register) -> str:
    return "" if len(register) else " (no register is loaded: run `totalplace reference load DIR`)"


def _given_choice(register: Register, given: str, on: dt.date | None, warnings: list[str]) -> BodyChoice:
    body, candidates = register.resolve(given, on)
    if body is not None:
        return BodyChoice(body.body_id, body.name, f"given ({given})")
    if len(candidates) > 1:
        warnings.append(f"--body '{given}' could mean {', '.join(describe_body(b) for b in candidates)}; "
                        "recorded as given. Use a code to choose one.")
    else:
        near = register.nearest(given)
        guess = f" (did you mean {' or '.join(describe_body(b) for b in near)}?)" if near else ""
        warnings.append(f"--body '{given}' is not in the register{_no_register_hint(register)}{guess}: recorded as given")
    return BodyChoice(None, given, "given, not in the register")


def _from_register(register: Register, code: str | None, label: str | None, on: dt.date | None) -> BodyChoice | None:
    for value in (code, label):
        if value:
            body, _ = register.resolve(value, on)
            if body is not None:
                return BodyChoice(body.body_id, body.name, f"register: '{value}'")
    return None


def describe_choice(choice: BodyChoice) -> str:
    return f"{choice.body_name} ({choice.body_id})" if choice.body_id else choice.body_name


def _map_entry(code: str | None, label: str | None, choice: BodyChoice | None) -> dict[str, Any]:
    return {
        "published_code": code,
        "published_name": label,
        "body_id": choice.body_id if choice else None,
        "body_name": choice.body_name if choice else None,
        "how": choice.how if choice else None,
    }


def distinct_body_pairs(engine: Engine, files: list[Path]) -> list[tuple[str | None, str | None]]:
    """The distinct (published body code, published body name) pairs of a file's loaded rows."""
    if not files:
        return []
    rows = engine.rows(
        f"SELECT DISTINCT body_code_published, body_name_published FROM read_parquet({Engine.parquet_list(files)}) "
        "WHERE status = 'loaded' ORDER BY ALL"
    )
    return [(r[0], r[1]) for r in rows]




def describe_bodies(body_map: list[dict[str, Any]]) -> str | None:
    """The bodies of a file for people: 'Leeds City Council (LDS)'; several are joined with '; '."""
    bodies = sorted({(e["body_name"], e["body_id"]) for e in body_map if e["body_name"]}, key=lambda b: b[0])
    return "; ".join(f"{n} ({i})" if i else n for n, i in bodies) or None
