"""A hand-labelled set of labels: what people decided, label by label, to measure the classifier against.

The project's own (tests/classify/labelled_labels.csv: 638 real labels of 15 publishers) is described in
docs/classification.md; `totalplace classify sample` draws one from a workspace for people to label, and
`totalplace classify evaluate` scores the classifier against it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
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
    cofog: str | None  # None: a person could not classify it (cofog 'none')
    cofog_group: str | None
    themes: tuple[str, ...]


@dataclass
class LabelledSet:
    items: list[Labelled] = field(default_factory=list)
    not_labelled: int = 0  # rows with an empty cofog: nobody has labelled them yet


def read_labelled(path: Path, register: Register) -> list[Labelled]:
    """The labels people classified in a labelled set (see read_labelled_set)."""
    return read_labelled_set(path, register).items


def read_labelled_set(path: Path, register: Register) -> LabelledSet:
    """A hand-labelled set: the columns of LABELLED_COLUMNS (split, body_name, payments, pence and notes may be
    left out). `cofog` is a division or group, or `none` where a person could not classify the label; a row
    whose cofog is empty has not been labelled and is left out (counted). Each mistake raises a
    DecisionFileError naming the file, row and column: a bad code or theme, a body not in the register, a label
    given twice, a publisher in two splits."""
    reader = csv.DictReader(io.StringIO(read_csv_text(path), newline=""))
    missing = [c for c in NEEDED if c not in (reader.fieldnames or [])]
    if missing:
        raise DecisionFileError(f"{path}: the header must have the columns {', '.join(NEEDED)} (missing: "
                                f"{', '.join(missing)}); `totalplace classify sample` writes a file that has them.")
    result = LabelledSet()
    seen: dict[tuple[str | None, str, str], int] = {}
    splits: dict[str, tuple[str, int]] = {}
    for number, row in enumerate(reader, start=2):
        if not any((value or "").strip() for value in row.values() if isinstance(value, str)):
            continue  # an empty row, as spreadsheets leave at the end
        where = f"{path}, row {number}"
        publisher = (row.get("publisher") or "").strip()
        if not publisher:
            raise DecisionFileError(f"{where}, column publisher: empty; give the publisher (scores are by publisher).")
        split = (row.get("split") or "").strip() or "held-out"
        if split not in SPLITS:
            raise DecisionFileError(f"{where}, column split: '{split}' must be one of {', '.join(SPLITS)} (or empty: held-out).")
        first_split, first_row = splits.setdefault(publisher, (split, number))
        if split != first_split:
            raise DecisionFileError(f"{where}, column split: '{split}', but row {first_row} puts {publisher} in "
                                    f"'{first_split}'; a publisher is scored in one split.")
        body_id = (row.get("body_id") or "").strip() or None
        if body_id is not None and body_id not in register.bodies:
            raise DecisionFileError(f"{where}, column body_id: '{body_id}' is not a body of the workspace's register; "
                                    "write it as `totalplace classify sample` or `classify export` does.")
        key = (body_id, row.get("service_label") or "", row.get("expense_label") or "")
        if key in seen:
            raise DecisionFileError(f"{where}: the same label as row {seen[key]} (body_id, service_label and "
                                    "expense_label); give each label once.")
        seen[key] = number
        cofog, group, chosen = read_decision(row, where)
        if not cofog:
            if chosen:
                raise DecisionFileError(f"{where}, column cofog: empty, but themes are given; write a division, a "
                                        "group, or none where no function can be told.")
            result.not_labelled += 1
            continue
        body = register.bodies.get(body_id) if body_id else None
        result.items.append(Labelled(publisher, split, Label(body_id, body.kind if body else None, key[1], key[2]),
                                     None if cofog == NOT_A_FUNCTION else cofog, group or None, chosen))
    if not result.items:
        raise DecisionFileError(f"{path}: no label in it has a cofog; write a division, a group, or none (no "
                                "function can be told) for each label people classified.")
    return result
