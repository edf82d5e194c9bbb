"""A hand-labelled set of labels: what people decided, label by label, to measure the classifier against.

The project's own (tests/classify/labelled_labels.csv: 638 real labels of 15 publishers) is described in
docs/classification.md; `totalplace classify sample` draws one from a workspace for people to label, and
`totalplace classify evaluate` scores the classifier against it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from ..reference.register import Register
from .classifier import Label
from .decisions import DecisionFileError, read_csv_text, read_decision
from .rules import NOT_A_FUNCTION

# The columns of a labelled set, as `classify sample` writes them; a person fills cofog, cofog_group, themes
# and notes.
LABELLED_COLUMNS = ("publisher", "split", "body_id", "body_name", "service_label", "expense_label", "payments",
                    "pence", "cofog", "cofog_group", "themes", "notes")
NEEDED = ("publisher", "body_id", "service_label", "expense_label", "cofog", "cofog_group", "themes")
SPLITS = ("dev", "held-out")


@dataclass(frozen=True)
class Labelled:
    publisher: str
    split: str  # 'dev' (looked at while rules were written) or 'held-out' (never)
    label: Label
    cofog: str | None  # None: a person could not classify it
    cofog_group: str | None
    themes: tuple[str, ...]


def read_labelled(path: Path, register: Register) -> list[Labelled]:
    """A hand-labelled set (the columns of LABELLED_COLUMNS; split, body_name, payments, pence and notes may be
    left out). An empty cofog or `none` says a person could not classify the label. Each mistake raises a
    DecisionFileError naming the file, row and column."""
    reader = csv.DictReader(io.StringIO(read_csv_text(path), newline=""))
    missing = [c for c in NEEDED if c not in (reader.fieldnames or [])]
    if missing:
        raise DecisionFileError(f"{path}: the header must have the columns {', '.join(NEEDED)} (missing: "
                                f"{', '.join(missing)}); `totalplace classify sample` writes a file that has them.")
    items = []
    for number, row in enumerate(reader, start=2):
        where = f"{path}, row {number}"
        publisher = (row.get("publisher") or "").strip()
        if not publisher:
            raise DecisionFileError(f"{where}, column publisher: empty; give the publisher (scores are by publisher).")
        split = (row.get("split") or "").strip() or "held-out"
        if split not in SPLITS:
            raise DecisionFileError(f"{where}, column split: '{split}' must be one of {', '.join(SPLITS)} (or empty: held-out).")
        cofog, group, chosen = read_decision(row, where)
        body_id = (row.get("body_id") or "").strip()
        body = register.bodies.get(body_id)
        label = Label(body_id or None, body.kind if body else None, row.get("service_label") or "", row.get("expense_label") or "")
        items.append(Labelled(publisher, split, label, cofog if cofog and cofog != NOT_A_FUNCTION else None,
                              group or None, chosen))
    if not items:
        raise DecisionFileError(f"{path}: no labels in it.")
    return items
