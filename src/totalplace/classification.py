"""What the money is for: classify the ledger, show coverage and what needs a person, export and import decisions.

The classifier decides each distinct label — (body, service label, expense label) — once, and, where a label
alone cannot give a function or a group, each distinct (label, description, supplier) of its rows; the ledger
view joins the decisions back to every row. See docs/classification.md.
"""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any, Callable

from .classify.classifier import Classifier, Label
from .classify.decisions import (
    DETAILS_FILE, EXPORT_COLUMNS, LABELS_FILE, DecisionFileError, ImportReport, LabelKey, classify_dir, decide_labels,
    exported_as, import_decisions,
    merge_detail, needs_detail, people_decisions, person_decision, read_stored, write_details, write_labels,
)
from .classify.classifier import Decision
from .classify.evaluate import leave_one_publisher_out, totals
from .classify.labelled import LABELLED_COLUMNS, read_labelled_set
from .classify.learned import LearnedModel
from .classify.reference import cofog_codes
from .classify.rules import RuleSet
from .engine import Engine, rows_table
from .store.ledger import EXPENSE_LABEL_SQL, PURPOSE_SQL, SERVICE_LABEL_SQL, SUPPLIER_SQL, Store, write_csv_atomic
from .workspace import Workspace

MODEL_FILE = "model.pickle"
LOW_CONFIDENCE = 0.6
_LABEL_SELECT = f"body_id, {SERVICE_LABEL_SQL.format(p='')} AS service_label, {EXPENSE_LABEL_SQL.format(p='')} AS expense_label"


def rule_set(workspace: Workspace) -> RuleSet:
    """The packaged rules after the workspace's own (`classify_rules.csv`, `body_defaults.csv` in its folder),
    read once per process while the workspace's own files are unchanged (compiling them takes a quarter second)."""
    own = [workspace.root / name for name in ("classify_rules.csv", "body_defaults.csv")]
    stamp = tuple((p.stat().st_mtime_ns, p.stat().st_size) if p.exists() else None for p in own)
    key = workspace.root.resolve()
    if _RULE_SETS.get(key, (None,))[0] != stamp:
        _RULE_SETS[key] = (stamp, RuleSet.load(workspace.root))
    return _RULE_SETS[key][1]


_RULE_SETS: dict[Path, tuple[tuple, RuleSet]] = {}


RELEARN_GROWTH = 1.25  # a model is trained again once the ledger has this many times the labels it learned from


def refresh_classification(workspace: Workspace, store: Store | None = None, full: bool = True,
                           progress: Callable[[int], None] | None = None) -> dict[str, int]:
    """Decide the ledger's labels (all again, or with `full` False only new ones) and the details of rows whose
    label leaves something open; the caller holds the store's write lock. Returns counts by method."""
    store = store or workspace.store
    register = workspace.register()
    rules = rule_set(workspace)
    people = people_decisions(store)
    with workspace.engine(macros=False) as engine:
        store.open_views(engine)
        found = engine.rows(f"SELECT DISTINCT {_LABEL_SELECT} FROM ledger_keys ORDER BY ALL")
    kinds = {b: (register.bodies[b].kind if b in register.bodies else None) for b in {r[0] for r in found}}
    labels = [Label(b, kinds[b], s, e) for b, s, e in found]

    stored = {LabelKey(r["body_id"], r["service_label"], r["expense_label"]): r for r in read_stored(store, LABELS_FILE)}
    model_path = classify_dir(store) / MODEL_FILE
    decisions: list[Decision] | None = None
    if not full and stored:
        new = [label for label in labels if LabelKey(label.body_id, label.service, label.expense) not in stored]
        new_decisions, _ = decide_labels(rules, new, people, progress=progress, learn=False)
        classifier = Classifier(rules)
        if classifier.pending(new, new_decisions):  # the model is read only when some new label needs it
            try:
                classifier.model = _load_model(model_path)
                if len(labels) > RELEARN_GROWTH * classifier.model.ledger_labels:
                    full = True  # the ledger has grown since the model learned: learn again, from all of it
            except ModelUnusable:  # none kept (none was needed before), or from another version: learn again
                full = True
        if not full:
            classifier.apply_model(new, new_decisions)
            decided = {LabelKey(label.body_id, label.service, label.expense): d for label, d in zip(new, new_decisions)}
            decisions = [decided.get(LabelKey(label.body_id, label.service, label.expense))
                         or _stored_decision(stored[LabelKey(label.body_id, label.service, label.expense)]) for label in labels]
    if decisions is None:
        decisions, model = decide_labels(rules, labels, people, progress=progress)
        _save_model(model_path, model)
    write_labels(store, labels, decisions)
    _refresh_details(workspace, store, rules, kinds, full)
    counts: dict[str, int] = {}
    for d in decisions:
        counts[d.method] = counts.get(d.method, 0) + 1
    return dict(sorted(counts.items()))


def _stored_decision(row: dict[str, Any]) -> Decision:
    return Decision(row["cofog"], row["cofog_group"], tuple(t for t in (row["themes"] or "").split("; ") if t),
                    row["method"], row["confidence"] or 0.0, row["reason"] or "")


def _refresh_details(workspace: Workspace, store: Store, rules: RuleSet, kinds: dict[str | None, str | None], full: bool) -> None:
    """Decide each (label, description, supplier) of the rows whose label leaves its function or group open;
    what a row's own words add is merged into its label's decision (they never take anything away)."""
    open_labels = [r for r in read_stored(store, LABELS_FILE) if needs_detail(_stored_decision(r))]
    by_label = {(r["body_id"], r["service_label"], r["expense_label"]): _stored_decision(r) for r in open_labels}
    with workspace.engine(macros=False) as engine:
        store.open_views(engine)
        engine.register("open_labels", _table(open_labels, ("body_id", "service_label", "expense_label"), engine))
        found = engine.rows(f"""
            SELECT DISTINCT l.body_id, l.service_label, l.expense_label,
                   {PURPOSE_SQL.format(p='l.')} AS purpose, {SUPPLIER_SQL.format(p='l.')} AS supplier,
                   coalesce(l.counterparty_type, '') AS payee
            FROM (SELECT *, {SERVICE_LABEL_SQL.format(p='')} AS service_label,
                         {EXPENSE_LABEL_SQL.format(p='')} AS expense_label FROM ledger_keys) l
            JOIN open_labels o ON o.body_id IS NOT DISTINCT FROM l.body_id
             AND o.service_label = l.service_label AND o.expense_label = l.expense_label
            WHERE {PURPOSE_SQL.format(p='l.')} <> '' OR {SUPPLIER_SQL.format(p='l.')} <> ''""")
    keys = [Label(b, kinds.get(b), s, e, purpose, supplier, payee) for b, s, e, purpose, supplier, payee in found]
    stored = {} if full else {(r["body_id"], r["service_label"], r["expense_label"], r["purpose"], r["supplier"], r["payee"]): r
                              for r in read_stored(store, DETAILS_FILE)}
    classifier = Classifier(rules)
    decisions = []
    for label in keys:
        kept = stored.get((label.body_id, label.service, label.expense, label.purpose, label.supplier, label.payee))
        if kept:
            decisions.append(_stored_decision(kept))
        else:
            decisions.append(merge_detail(by_label[(label.body_id, label.service, label.expense)], classifier.decide(label)))
    write_details(store, keys, decisions)


def _table(rows: list[dict[str, Any]], columns: tuple[str, ...], engine: Engine):
    import pyarrow as pa
    return rows_table(rows, pa.schema([(c, pa.string()) for c in columns]), engine)


def _model_stamp() -> str:
    import numpy
    import scipy

    return f"totalplace-model 2; numpy {numpy.__version__}; scipy {scipy.__version__}"


def _save_model(path: Path, model: LearnedModel | None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if model is None:
        path.unlink(missing_ok=True)
        return
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(pickle.dumps((_model_stamp(), model)))
    tmp.replace(path)


class ModelUnusable(Exception):
    """The stored model is missing, from another version, or damaged: classify everything again."""


def _load_model(path: Path) -> LearnedModel:
    # The model is written by this workspace's own runs; it is read only if it carries this version's stamp.
    # Do not copy a model.pickle from a workspace you do not trust: unpickling runs code.
    if not path.exists():
        raise ModelUnusable("no model")
    try:
        stamp, model = pickle.loads(path.read_bytes())
    except Exception as exc:  # a damaged or foreign file: rebuild rather than fail
        raise ModelUnusable(str(exc)) from exc
    if stamp != _model_stamp():
        raise ModelUnusable(f"model from {stamp}")
    return model


def refresh_after_suppliers(workspace: Workspace) -> None:
    """Classify again the rows whose payee's decision changed (after `suppliers import` or `suppliers match`)."""
    with workspace.store.writing() as store:
        refresh_classification(workspace, store, full=False)


def classify_ledger(workspace: Workspace, progress: Callable[[int], None] | None = None) -> dict[str, int]:
    """Classify every label in the ledger again (after changing rules, say); returns counts by method."""
    with workspace.store.writing() as store:
        return refresh_classification(workspace, store, full=True, progress=progress)


def count_labels(workspace: Workspace) -> int:
    """How many distinct labels the ledger has (for a progress bar)."""
    with workspace.engine(macros=False) as engine:
        workspace.store.open_views(engine)
        return engine.rows(f"SELECT count(*) FROM (SELECT DISTINCT {_LABEL_SELECT} FROM ledger_keys)")[0][0]


def classification_coverage(workspace: Workspace) -> list[dict[str, Any]]:
    """For each body (and 'all'): rows and pence, and the share of each classified — to a division, to a group —
    and by which method. Shares of pence are of gross pence (credit notes counted by their size)."""
    with workspace.engine(macros=False) as engine:
        workspace.store.open_views(engine)
        return _coverage(engine)


def _coverage(engine: Engine) -> list[dict[str, Any]]:
    rows = engine.records("""
        SELECT coalesce(body_name, '(no body)') AS body, body_id,
               count(*) AS rows, sum(amount_pence)::BIGINT AS pence, sum(abs(amount_pence))::BIGINT AS gross_pence,
               count(cofog) AS rows_classified,
               coalesce(sum(abs(amount_pence)) FILTER (WHERE cofog IS NOT NULL), 0)::BIGINT AS gross_pence_classified,
               coalesce(sum(amount_pence) FILTER (WHERE cofog IS NOT NULL), 0)::BIGINT AS pence_classified,
               coalesce(sum(abs(amount_pence)) FILTER (WHERE cofog_group IS NOT NULL), 0)::BIGINT AS gross_pence_grouped,
               coalesce(sum(abs(amount_pence)) FILTER (WHERE classification_method = 'person'), 0)::BIGINT AS by_person,
               coalesce(sum(abs(amount_pence)) FILTER (WHERE classification_method = 'rule'), 0)::BIGINT AS by_rule,
               coalesce(sum(abs(amount_pence)) FILTER (WHERE classification_method = 'body'), 0)::BIGINT AS by_body,
               coalesce(sum(abs(amount_pence)) FILTER (WHERE classification_method = 'learned'), 0)::BIGINT AS by_learned,
               count(*) FILTER (WHERE classification_method IS NULL) AS rows_not_yet_classified,
               GROUPING(body_name, body_id) = 3 AS is_total
        FROM ledger GROUP BY GROUPING SETS ((body_name, body_id), ()) ORDER BY is_total, gross_pence DESC""")
    for r in rows:
        if r.pop("is_total"):
            r["body"] = "all"
        gross = r["gross_pence"] or 0
        r["share_pence_classified_net"] = round(r["pence_classified"] / r["pence"], 4) if r["pence"] else None
        r["share_pence_classified"] = round(r["gross_pence_classified"] / gross, 4) if gross else None
        r["share_pence_grouped"] = round(r["gross_pence_grouped"] / gross, 4) if gross else None
        r["share_rows_classified"] = round(r["rows_classified"] / r["rows"], 4) if r["rows"] else None
    return rows


def review_labels(workspace: Workspace, limit: int | None = None, threshold: float = LOW_CONFIDENCE) -> list[dict[str, Any]]:
    """Labels that are unclassified or decided with low confidence, largest (gross pence) first — what a person
    should look at."""
    limit_sql = f"LIMIT {int(limit)}" if limit else ""
    with workspace.engine(macros=False) as engine:
        workspace.store.open_views(engine)
        return engine.records(f"""
            SELECT l.body_id, any_value(l.body_name) AS body_name, l.service_label, l.expense_label,
                   count(*) AS payments, sum(l.amount_pence)::BIGINT AS pence, sum(abs(l.amount_pence))::BIGINT AS gross_pence,
                   c.cofog, c.cofog_group, c.themes, c.method, c.confidence, c.reason
            FROM (SELECT *, {SERVICE_LABEL_SQL.format(p='')} AS service_label,
                         {EXPENSE_LABEL_SQL.format(p='')} AS expense_label FROM ledger) l
            LEFT JOIN label_decisions c ON c.body_id IS NOT DISTINCT FROM l.body_id
             AND c.service_label = l.service_label AND c.expense_label = l.expense_label
            WHERE c.method IS NULL OR (c.method <> 'person' AND (c.cofog IS NULL OR c.confidence < {float(threshold)}))
            GROUP BY l.body_id, l.service_label, l.expense_label, c.cofog, c.cofog_group, c.themes, c.method, c.confidence, c.reason
            ORDER BY gross_pence DESC, l.body_id, l.service_label, l.expense_label {limit_sql}""")


def list_labels(workspace: Workspace) -> list[dict[str, Any]]:
    """Every label in the ledger with its decision, payments and pence, largest first."""
    with workspace.engine(macros=False) as engine:
        workspace.store.open_views(engine)
        return engine.records(f"""
            SELECT l.body_id, any_value(l.body_name) AS body_name, l.service_label, l.expense_label,
                   count(*) AS payments, sum(l.amount_pence)::BIGINT AS pence,
                   c.cofog, c.cofog_group, c.themes, c.method, c.confidence, c.reason
            FROM (SELECT *, {SERVICE_LABEL_SQL.format(p='')} AS service_label,
                         {EXPENSE_LABEL_SQL.format(p='')} AS expense_label FROM ledger) l
            LEFT JOIN label_decisions c ON c.body_id IS NOT DISTINCT FROM l.body_id
             AND c.service_label = l.service_label AND c.expense_label = l.expense_label
            GROUP BY l.body_id, l.service_label, l.expense_label, c.cofog, c.cofog_group, c.themes, c.method, c.confidence, c.reason
            ORDER BY sum(abs(l.amount_pence)) DESC, l.body_id, l.service_label, l.expense_label""")


def spending_by_function(workspace: Workspace, groups: bool = False, body: str | None = None) -> list[dict[str, Any]]:
    """Pence by body and COFOG division (or group), with each one's share of the body's pence — the view a
    finance officer checks. Unclassified pence are a line of their own."""
    level = "coalesce(cofog_group, cofog || ' (group not known)')" if groups else "cofog"
    where = "WHERE body_id = ? OR body_name = ?" if body else ""
    params = [body, body] if body else []
    with workspace.engine(macros=False) as engine:
        workspace.store.open_views(engine)
        rows = engine.records(f"""
            SELECT coalesce(body_name, '(no body)') AS body, body_id, {level} AS cofog,
                   count(*) AS payments, sum(amount_pence)::BIGINT AS pence
            FROM ledger {where} GROUP BY ALL
            ORDER BY body, sum(amount_pence) DESC""", params)
    totals: dict[str, int] = {}
    for r in rows:
        totals[r["body"]] = totals.get(r["body"], 0) + (r["pence"] or 0)
    names = cofog_codes()
    for r in rows:
        code = (r["cofog"] or "").split(" ")[0]
        r["name"] = names[code].name if code in names else "unclassified"
        r["share"] = round(r["pence"] / totals[r["body"]], 4) if totals[r["body"]] else None
    return rows


def spending_by_theme(workspace: Workspace, body: str | None = None) -> list[dict[str, Any]]:
    """Pence by body and theme (a payment with two themes counts in both: themes overlap)."""
    where = "AND (body_id = ? OR body_name = ?)" if body else ""
    params = [body, body] if body else []
    with workspace.engine(macros=False) as engine:
        workspace.store.open_views(engine)
        return engine.records(f"""
            SELECT coalesce(body_name, '(no body)') AS body, body_id, trim(theme) AS theme,
                   count(*) AS payments, sum(amount_pence)::BIGINT AS pence
            FROM (SELECT body_name, body_id, amount_pence, unnest(string_split(themes, ';')) AS theme
                  FROM ledger WHERE themes IS NOT NULL AND themes <> '' {where})
            GROUP BY ALL ORDER BY body, pence DESC""", params)


def export_classification(workspace: Workspace, path: str | Path) -> int:
    """Write every label's decision to a CSV to correct in a spreadsheet; returns the rows written."""
    path = Path(path)
    if path.is_dir():
        raise DecisionFileError(f"{path}: is a folder; give a file name for the CSV (labels.csv, say).")
    rows = list_labels(workspace)
    people = people_decisions(workspace.store)

    def written(row: dict[str, Any]) -> dict[str, Any]:
        key = LabelKey(row["body_id"], row["service_label"], row["expense_label"])
        cofog = row["cofog"] or ("none" if row["method"] in ("unclassified", "person") else "")
        chosen = [t for t in (row["themes"] or "").split("; ") if t]
        return {**row, "cofog": cofog, "note": people.get(key, {}).get("note", ""),
                "exported_as": exported_as(cofog, row["cofog_group"] or "", chosen)}

    write_csv_atomic(path, EXPORT_COLUMNS, (written(row) for row in rows))
    return len(rows)


def import_classification(workspace: Workspace, path: str | Path) -> ImportReport:
    """Record people's decisions from a corrected export, then classify everything again."""
    current = {LabelKey(r["body_id"], r["service_label"], r["expense_label"]): r for r in list_labels(workspace)}
    with workspace.store.writing() as store:
        report = import_decisions(store, Path(path), current)
        refresh_classification(workspace, store, full=True)
    return report


def write_labelling_sample(workspace: Workspace, path: str | Path, bodies: list[str] | None = None,
                           largest: int = 20, at_random: int = 20, seed: int = 0, force: bool = False) -> dict[str, int]:
    """Write labels for people to classify by hand, as the project's labelled set was drawn: for each body (or
    the bodies named, by id or name), its `largest` labels by gross pounds and `at_random` of the rest, chosen
    with `seed`. The classifier's decisions are left out, so that people decide without them. An existing file
    (perhaps hours of people's labelling) is kept unless `force`. Returns the labels written for each body."""
    import random

    path = Path(path)
    if path.is_dir():
        raise DecisionFileError(f"{path}: is a folder; give a file name for the CSV (sample.csv, say).")
    if path.exists() and not force:
        raise DecisionFileError(f"{path}: exists (people's labels, perhaps); give another name, or --force to replace it.")
    by_body: dict[str | None, list[dict[str, Any]]] = {}
    for row in list_labels(workspace):  # largest first
        by_body.setdefault(row["body_id"], []).append(row)
    known = {b for b in by_body if b} | {rows[0]["body_name"] for rows in by_body.values() if rows[0]["body_name"]}
    unknown = [b for b in bodies or [] if b not in known]
    if unknown:
        raise DecisionFileError(f"no body {', '.join(repr(b) for b in unknown)} in the ledger; give bodies by id or name "
                                "as `totalplace classify --json` lists them (body_id, body).")
    chosen: list[dict[str, Any]] = []
    counts: dict[str, int] = {}
    for body_id, mine in by_body.items():
        name = mine[0]["body_name"] or body_id or "no body"
        if bodies and body_id not in bodies and name not in bodies:
            continue
        rest = mine[largest:]
        picked = mine[:largest] + random.Random(f"{seed}:{body_id}").sample(rest, min(at_random, len(rest)))
        chosen += [{**r, "publisher": name, "split": "held-out", "cofog": "", "cofog_group": "", "themes": "",
                    "notes": ""} for r in picked]
        if picked:
            counts[name] = len(picked)
    if not chosen:
        raise DecisionFileError("no labels to sample: the ledger has none (ingest payment files first), or --largest "
                                "and --random are both 0.")
    write_csv_atomic(path, list(LABELLED_COLUMNS), chosen)
    return counts


def ledger_labels(workspace: Workspace) -> list[Label]:
    """Every distinct label of the ledger, with its body's kind: what the learned model learns from."""
    register = workspace.register()
    with workspace.engine(macros=False) as engine:
        workspace.store.open_views(engine)
        found = engine.rows(f"SELECT DISTINCT {_LABEL_SELECT} FROM ledger_keys ORDER BY ALL")
    kinds = {b: (register.bodies[b].kind if b in register.bodies else None) for b in {r[0] for r in found}}
    return [Label(b, kinds[b], s, e) for b, s, e in found]


def evaluate_labelled(workspace: Workspace, path: str | Path) -> dict[str, Any]:
    """The classifier's scores against a hand-labelled set, leave-one-publisher-out (see classify/evaluate.py):
    for each publisher and in total (and for each split where the set has two), with the rules alone and with
    the learned model. Also how many rows nobody labelled (left out) and how many labels are not the ledger's
    (scored all the same, but the model learned nothing of their publisher's other labels)."""
    labelled = read_labelled_set(Path(path), workspace.register())
    labels = ledger_labels(workspace)
    in_ledger = {(label.body_id, label.service, label.expense) for label in labels}
    rules = rule_set(workspace)
    result: dict[str, Any] = {
        "labels": len(labelled.items), "not_labelled": labelled.not_labelled,
        "not_in_ledger": sum(1 for i in labelled.items if (i.label.body_id, i.label.service, i.label.expense) not in in_ledger),
    }
    splits = sorted({item.split for item in labelled.items})
    for name, learn in (("rules", False), ("rules_and_model", True)):
        per = leave_one_publisher_out(rules, labelled.items, labels, learn=learn)
        result[name] = {
            "publishers": [{"publisher": p, **s.as_dict()} for p, s in per.items()],
            "totals": {split or "all": totals(per, labelled.items, split).as_dict()
                       for split in ((splits if len(splits) > 1 else []) + [None])},
        }
    return result

__all__ = ["classify_ledger", "classification_coverage", "review_labels", "list_labels", "spending_by_function",
           "spending_by_theme", "export_classification", "import_classification", "refresh_classification",
           "person_decision", "write_labelling_sample", "ledger_labels", "evaluate_labelled"]
