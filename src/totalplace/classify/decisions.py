"""Every label's classification, kept in the store, with people's decisions that always win.

Stored as:
  store/classify/labels.parquet   one row per distinct (body, service label, expense label): the decision in force
  store/classify/details.parquet  one row per (label, description, supplier) where the row's own words add to
                                  its label's decision: a group the label could not give, or a function
  store/classify/people.json      the decisions people made, by (body, service label, expense label)
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import pyarrow as pa
import pyarrow.parquet as pq

from ..engine import rows_table
from ..store.ledger import Store, read_rows, write_json_atomic
from .classifier import Classifier, Decision, Label
from .learned import Example, LearnedModel
from .reference import cofog_codes, themes
from .rules import NOT_A_FUNCTION, RuleSet

LABELS_FILE = "labels.parquet"
DETAILS_FILE = "details.parquet"
PEOPLE_FILE = "people.json"
TRAINING_CONFIDENCE = 0.7
EXPORT_COLUMNS = ["body_id", "body_name", "service_label", "expense_label", "payments", "pence", "cofog", "cofog_group",
                  "themes", "method", "confidence", "reason", "note", "exported_as"]
_DECISION_FIELDS = [("cofog", pa.string()), ("cofog_group", pa.string()), ("themes", pa.string()),
                    ("method", pa.string()), ("confidence", pa.float64()), ("reason", pa.string())]
LABEL_SCHEMA = pa.schema([("body_id", pa.string()), ("service_label", pa.string()), ("expense_label", pa.string()),
                          *_DECISION_FIELDS])
DETAIL_SCHEMA = pa.schema([("body_id", pa.string()), ("service_label", pa.string()), ("expense_label", pa.string()),
                           ("purpose", pa.string()), ("supplier", pa.string()), ("payee", pa.string()), *_DECISION_FIELDS])


class DecisionFileError(ValueError):
    """A decisions file that cannot be imported, naming the file, row and column."""


@dataclass(frozen=True)
class LabelKey:
    body_id: str | None
    service_label: str
    expense_label: str


def classify_dir(store: Store) -> Path:
    return store.root / "classify"


def people_decisions(store: Store) -> dict[LabelKey, dict[str, Any]]:
    path = classify_dir(store) / PEOPLE_FILE
    if not path.exists():
        return {}
    try:
        return {LabelKey(d["body_id"], d["service_label"], d["expense_label"]): d
                for d in json.loads(path.read_text(encoding="utf-8"))}
    except (ValueError, KeyError, TypeError) as exc:
        raise DecisionFileError(f"{path}: people's decisions cannot be read ({exc}); restore it from a backup, or "
                                "remove it and import your corrected export again.") from exc


def person_decision(person: dict[str, Any]) -> Decision:
    cofog = person.get("cofog") or None
    if cofog == NOT_A_FUNCTION:
        return Decision(None, None, tuple(person.get("themes") or ()), "person", 1.0,
                        "a person decided no function can be told" + (f": {person['note']}" if person.get("note") else ""))
    return Decision(cofog, person.get("cofog_group") or None, tuple(person.get("themes") or ()), "person", 1.0,
                    person.get("note") or "decided by a person", trainable=True)


def training_examples(labels: list[Label], decisions: list[Decision]) -> list[Example]:
    """What the learned model learns from: people's decisions, and the rules' confident ones made from the
    labels' own words (never a body's default: a fire authority's 'computer software' teaches nothing)."""
    examples = []
    for label, d in zip(labels, decisions):
        if not d.trainable or (d.method == "rule" and d.confidence < TRAINING_CONFIDENCE):
            continue
        examples.append(Example(label, d.cofog or NOT_A_FUNCTION, d.cofog_group))
    return examples


def decide_labels(rules: RuleSet, labels: list[Label], people: dict[LabelKey, dict[str, Any]],
                  extra_examples: list[Example] = (), progress: Callable[[int], None] | None = None,
                  learn: bool = True) -> tuple[list[Decision], LearnedModel | None]:
    """Decide labels: people first, then rules and body defaults, then the learned model for the rest."""
    classifier = Classifier(rules)
    decisions = classifier.decide_many(labels, progress)
    for i, label in enumerate(labels):
        person = people.get(LabelKey(label.body_id, label.service, label.expense))
        if person is not None:
            decisions[i] = person_decision(person)
    model = None
    if learn and classifier.pending(labels, decisions):  # nothing to ask a model: none is trained
        model = LearnedModel.fit(training_examples(labels, decisions) + list(extra_examples))
        if model is not None:
            model.ledger_labels = len(labels)
            classifier.model = model
            classifier.apply_model(labels, decisions)
    return decisions, model


def needs_detail(decision: Decision) -> bool:
    """Whether a row's own description and supplier could add to its label's decision."""
    if decision.method == "person":
        return False
    if decision.cofog is None:
        return not decision.reason.startswith("no function can be told")
    return decision.cofog_group is None


def merge_detail(label_decision: Decision, detail: Decision) -> Decision:
    """A row's decision from its label's and what its own description and supplier add — never less.

    A row's words may give the group its label left open (within the label's division), or a function to a
    label that had none; they never replace the label's function (a description of 'library books' under
    Adult Social Care is still adult social care).
    """
    themes = tuple(sorted(set(label_decision.themes) | set(detail.themes)))
    if label_decision.cofog is not None:
        if detail.cofog == label_decision.cofog and detail.cofog_group and not label_decision.cofog_group:
            return Decision(label_decision.cofog, detail.cofog_group, themes, label_decision.method,
                            label_decision.confidence,
                            f"{label_decision.reason}; group from the row: {_words_of(detail)}")
        return Decision(label_decision.cofog, label_decision.cofog_group, label_decision.themes, label_decision.method,
                        label_decision.confidence, label_decision.reason)
    if detail.cofog is not None and detail.method == "rule":
        return Decision(detail.cofog, detail.cofog_group, themes, "rule", detail.confidence,
                        f"from the row's own words: {detail.reason} (the label: {label_decision.reason})")
    return Decision(None, None, label_decision.themes, label_decision.method, label_decision.confidence,
                    label_decision.reason)


def _words_of(decision: Decision) -> str:
    parts = [p for p in decision.reason.split("; ") if p.startswith(("purpose ", "supplier ", "payee ", "group from supplier"))]
    return "; ".join(parts) or decision.reason


def write_labels(store: Store, labels: list[Label], decisions: list[Decision]) -> None:
    rows = [{"body_id": label.body_id, "service_label": label.service, "expense_label": label.expense, **d.to_dict()}
            for label, d in zip(labels, decisions)]
    _write(store, LABELS_FILE, rows_table(rows, LABEL_SCHEMA))


def write_details(store: Store, labels: list[Label], decisions: list[Decision]) -> None:
    rows = [{"body_id": label.body_id, "service_label": label.service, "expense_label": label.expense,
             "purpose": label.purpose, "supplier": label.supplier, "payee": label.payee, **d.to_dict()}
            for label, d in zip(labels, decisions)]
    _write(store, DETAILS_FILE, rows_table(rows, DETAIL_SCHEMA))


def read_stored(store: Store, name: str) -> list[dict[str, Any]]:
    path = classify_dir(store) / name
    return read_rows(path) if path.exists() else []


def _write(store: Store, name: str, table: pa.Table) -> None:
    folder = classify_dir(store)
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{name}.tmp"
    pq.write_table(table, tmp)
    tmp.replace(folder / name)


@dataclass
class ImportReport:
    rows: int
    recorded: int
    unchanged: int
    cleared: int


def exported_as(cofog: str, group: str, chosen: tuple[str, ...] | list[str]) -> str:
    """What an export said of a label, so an import records only what a person changed."""
    return f"{cofog}|{group}|{'; '.join(sorted(chosen))}"


def _division(value: str) -> str:
    """'3' → '03', '3.1' → '03.1': what a spreadsheet makes of a code with a leading zero, put back."""
    head, dot, tail = value.partition(".")
    return (head.zfill(2) if head.isdigit() else head) + dot + tail


def read_decision(row: dict[str, Any], where: str) -> tuple[str, str, tuple[str, ...]]:
    """A person's (cofog, cofog_group, themes) from a spreadsheet row's columns of those names, checked: cofog a
    division or 'none' (or empty), the group in it, themes known. `where` ('FILE, row N') starts each error."""
    cofog = _division((row.get("cofog") or "").strip())
    group = _division((row.get("cofog_group") or "").strip())
    if cofog.lower() == NOT_A_FUNCTION:
        cofog = NOT_A_FUNCTION  # 'None', 'NONE': as a spreadsheet may write it
    if cofog and cofog != NOT_A_FUNCTION and cofog not in cofog_codes():
        raise DecisionFileError(f"{where}, column cofog: '{cofog}' is not a COFOG division "
                                "(write 01 to 10, or none where no function can be told).")
    if "." in cofog and not group:
        cofog, group = cofog.split(".")[0], cofog  # a group written in the cofog column
    cofog = cofog.split(".")[0] if cofog != NOT_A_FUNCTION else cofog
    if group and (group not in cofog_codes() or "." not in group):
        raise DecisionFileError(f"{where}, column cofog_group: '{group}' is not a COFOG group (write e.g. 10.2).")
    if group and cofog == NOT_A_FUNCTION:
        raise DecisionFileError(f"{where}, column cofog_group: '{group}' given where cofog says none.")
    if group and cofog and group.split(".")[0] != cofog:
        raise DecisionFileError(f"{where}, column cofog_group: '{group}' is not in division {cofog}.")
    cofog = cofog or (group.split(".")[0] if group else "")
    chosen = tuple(sorted(t.strip() for t in (row.get("themes") or "").split(";") if t.strip()))
    for theme in chosen:
        if theme not in themes():
            raise DecisionFileError(f"{where}, column themes: '{theme}' is not a theme "
                                    f"(one of {', '.join(themes())}; separate several with ';').")
    return cofog, group, chosen


def read_csv_text(path: Path) -> str:
    """A CSV's text, or a DecisionFileError that says what is wrong with the path and what to do."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise DecisionFileError(f"{path}: no such file.") from exc
    except IsADirectoryError as exc:
        raise DecisionFileError(f"{path}: is a folder; give the CSV file.") from exc
    except UnicodeDecodeError as exc:
        raise DecisionFileError(f"{path}: not UTF-8 text; save it from the spreadsheet as 'CSV UTF-8'.") from exc


def import_decisions(store: Store, path: Path, current: dict[LabelKey, dict[str, Any]]) -> ImportReport:
    """Read people's decisions from a CSV (as `classify export` writes it, corrected in a spreadsheet).

    A row is recorded when a person changed its cofog, cofog_group or themes from what the export said (its
    `exported_as` column; without one, from the decision in force), or it was a person's already; `cofog`
    'none' says no function can be told; an empty cofog and cofog_group clears a person's decision. Every row
    must name a label of the ledger. Nothing is recorded unless every row is valid.
    """
    reader = csv.DictReader(io.StringIO(read_csv_text(path), newline=""))
    needed = {"body_id", "service_label", "expense_label", "cofog", "cofog_group", "themes"}
    missing = needed - set(reader.fieldnames or [])
    if missing:
        raise DecisionFileError(f"{path}: the header must have the columns {', '.join(sorted(needed))} "
                                f"(missing: {', '.join(sorted(missing))}).")
    people = people_decisions(store)
    now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    report = ImportReport(0, 0, 0, 0)
    for number, row in enumerate(reader, start=2):
        report.rows += 1
        key = LabelKey((row.get("body_id") or "").strip() or None, row.get("service_label") or "", row.get("expense_label") or "")
        if key not in current:
            raise DecisionFileError(
                f"{path}, row {number}: no label of the ledger has body_id '{key.body_id or ''}', service_label "
                f"'{key.service_label}' and expense_label '{key.expense_label}'; the label columns must stay as exported.")
        cofog, group, chosen = read_decision(row, f"{path}, row {number}")
        if not cofog:
            if people.pop(key, None) is not None:
                report.cleared += 1
            continue
        decision = {"body_id": key.body_id, "service_label": key.service_label, "expense_label": key.expense_label,
                    "cofog": cofog, "cofog_group": group or None, "themes": list(chosen), "note": (row.get("note") or "").strip()}
        before = people.get(key)
        if before is not None:
            if all(before.get(k) == v for k, v in decision.items()):
                report.unchanged += 1  # the person's decision as it was: keep it, and when it was made
            else:
                people[key] = {**decision, "decided_at": now}
                report.recorded += 1
            continue
        said = row.get("exported_as")
        if said is None:
            was = current[key]
            was_cofog = was.get("cofog") or NOT_A_FUNCTION
            said = exported_as(was_cofog, was.get("cofog_group") or "", [t for t in (was.get("themes") or "").split("; ") if t])
        if exported_as(cofog, group, chosen) == said:
            report.unchanged += 1  # not changed by a person: the classifier's, which may change with the rules
            continue
        people[key] = {**decision, "decided_at": now}
        report.recorded += 1
    folder = classify_dir(store)
    folder.mkdir(parents=True, exist_ok=True)
    ordered = sorted(people.values(), key=lambda d: (d["body_id"] or "", d["service_label"], d["expense_label"]))
    write_json_atomic(folder / PEOPLE_FILE, ordered, store.tmp_dir)
    return report
