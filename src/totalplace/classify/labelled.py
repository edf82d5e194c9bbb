"""A hand-labelled set of labels: what people decided, label by label, to measure the classifier against.

The project's own (tests/classify/labelled_labels.csv: 638 real labels of 15 publishers) is described in
docs/classification.md.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from ..reference.register import Register
from .classifier import Label


@dataclass(frozen=True)
class Labelled:
    publisher: str
    split: str  # 'dev' or 'held-out'
    label: Label
    cofog: str | None
    cofog_group: str | None
    themes: tuple[str, ...]


def read_labelled(path: Path, register: Register) -> list[Labelled]:
    """A hand-labelled set: publisher, split, body_id, service_label, expense_label, cofog, cofog_group, themes."""
    text = path.read_text(encoding="utf-8")
    items = []
    for row in csv.DictReader(io.StringIO(text, newline="")):
        body = register.bodies.get(row["body_id"])
        label = Label(row["body_id"], body.kind if body else None, row["service_label"], row["expense_label"])
        items.append(Labelled(row["publisher"], row["split"], label, row["cofog"] or None, row["cofog_group"] or None,
                              tuple(sorted(t.strip() for t in row["themes"].split(";") if t.strip()))))
    return items
