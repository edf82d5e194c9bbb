"""The hand-labelled set, and how far two people labelling the same labels independently agree."""

from __future__ import annotations

import csv
from pathlib import Path

from totalplace.classify.reference import cofog_codes, themes

HERE = Path(__file__).resolve().parent


def _rows(name: str) -> list[dict[str, str]]:
    with (HERE / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _valid(row: dict[str, str]) -> bool:
    """A division ('none': a person could not classify it), a group in it, known themes, and a note saying why."""
    division, group = row["cofog"], row["cofog_group"]
    chosen = [t.strip() for t in row["themes"].split(";") if t.strip()]
    return ((division == "none" or (division in cofog_codes() and "." not in division))
            and (not group or (group in cofog_codes() and group.split(".")[0] == division))
            and all(t in themes() for t in chosen) and bool(row["notes"].strip()))


def _classified(row: dict[str, str]) -> bool:
    return row["cofog"] != "none"


def test_the_labelled_set_is_well_formed_and_what_the_issue_asks_for():
    rows = _rows("labelled_labels.csv")
    keys = {(r["body_id"], r["service_label"], r["expense_label"]) for r in rows}
    assert len(keys) == len(rows) == 638
    assert len({r["publisher"] for r in rows}) == 15
    assert {r["publisher"] for r in rows if r["split"] == "held-out"} == {"Darlington", "Stockport", "Tameside"}
    assert all(_valid(r) for r in rows)
    assert sum(1 for r in rows if _classified(r)) == 528


def test_two_people_agree_on_most_divisions():
    first = {(r["body_id"], r["service_label"], r["expense_label"]): r for r in _rows("labelled_labels.csv")}
    second = _rows("agreement_labels.csv")
    assert len(second) == 180 and all(_valid(r) for r in second)
    pairs = [(first[(r["body_id"], r["service_label"], r["expense_label"])], r) for r in second]
    classified = [(a, b) for a, b in pairs if _classified(a)]
    agree = sum(1 for a, b in classified if a["cofog"] == b["cofog"]) / len(classified)
    both = [(a, b) for a, b in classified if _classified(b)]
    where_both = sum(1 for a, b in both if a["cofog"] == b["cofog"]) / len(both)
    assert (round(agree, 3), round(where_both, 3)) == (0.947, 0.986)
