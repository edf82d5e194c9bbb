"""`totalplace classify`: what the money is for — coverage, review, spending by function and theme, decisions."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ..classification import (
    classification_coverage, classify_ledger, count_labels, evaluate_labelled, export_classification,
    import_classification, review_labels, spending_by_function, spending_by_theme, write_labelling_sample,
)
from ..classify.decisions import DecisionFileError
from ..workspace import open_workspace
from .options import CsvOption, JsonOption, WorkspaceOption, one_format
from .render import console, errors, esc, friendly_errors, pounds, print_csv, print_json, table

app = typer.Typer(help="What the money is for: each payment's COFOG function and Total Place themes.")
COVERAGE_COLUMNS = ["body", "body_id", "rows", "pence", "gross_pence", "share_pence_classified", "share_pence_grouped",
                    "share_rows_classified", "by_person", "by_rule", "by_body", "by_learned"]
REVIEW_COLUMNS = ["body_id", "body_name", "service_label", "expense_label", "payments", "pence", "cofog", "cofog_group",
                  "themes", "method", "confidence", "reason"]


def _share(value: float | None) -> str:
    return "" if value is None else f"{value:.1%}"


@app.callback(invoke_without_command=True)
@friendly_errors
def classify(
    ctx: typer.Context,
    workspace: WorkspaceOption = Path("."),
    review: Annotated[bool, typer.Option("--review", help="List the unclassified and low-confidence labels, largest first.")] = False,
    limit: Annotated[Optional[int], typer.Option("--limit", min=0, help="With --review: at most this many (0: all). Default 40 in a table, all for --json/--csv.")] = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
) -> None:
    """Coverage: for each body, the share of its pounds and payments classified, and how."""
    if ctx.invoked_subcommand is not None:
        return
    one_format(as_json, as_csv)
    ws = open_workspace(workspace)
    if review:
        if limit is None:
            limit = 0 if (as_json or as_csv) else 40
        rows = review_labels(ws, limit=limit or None)
        if as_json:
            print_json(rows)
        elif as_csv:
            print_csv(rows, REVIEW_COLUMNS)
        else:
            t = table(f"{len(rows)} labels to review, largest first" + (" (use --limit 0 for all)" if limit and len(rows) == limit else ""),
                      [("body", "left"), ("service", "left"), ("expense", "left"), ("paid", "right"), ("decision", "left"), ("why", "left")])
            for r in rows:
                decision = (r["cofog_group"] or r["cofog"] or "unclassified") + (f" {r['confidence']:.2f}" if r["cofog"] else "")
                t.add_row(esc(r["body_name"] or r["body_id"]), esc(r["service_label"]), esc(r["expense_label"]),
                          pounds(r["pence"]), esc(decision), esc(r["reason"]))
            console.print(t)
            console.print("Correct them with `totalplace classify export FILE`, edit, then `totalplace classify import FILE`.")
        return
    rows = classification_coverage(ws)
    if as_json:
        print_json(rows)
        return
    if as_csv:
        print_csv(rows, COVERAGE_COLUMNS)
        return
    t = table("Classified by function (shares of gross pounds: credit notes counted by their size)",
              [("body", "left"), ("paid", "right"), ("£ classified", "right"), ("£ to a group", "right"),
               ("payments classified", "right"), ("how (£)", "left")])
    for r in rows:
        gross = r["gross_pence"] or 0
        how = " ".join(f"{name} {r[key] / gross:.0%}" for name, key in
                       (("rule", "by_rule"), ("body", "by_body"), ("learned", "by_learned"), ("person", "by_person"))
                       if gross and r[key] / gross >= 0.005)
        name = f"[bold]{esc(r['body'])}[/]" if r["body"] == "all" else esc(r["body"])
        t.add_row(name, pounds(r["pence"]), _share(r["share_pence_classified"]), _share(r["share_pence_grouped"]),
                  f"{_share(r['share_rows_classified'])} of {r['rows']:,}", how)
    console.print(t)
    waiting = sum(r["rows_not_yet_classified"] for r in rows if r["body"] != "all")
    if waiting:
        console.print(f"[yellow]{waiting:,} payments have no classification yet[/] (ingested before classification, or "
                      "a run stopped): run `totalplace classify run`.")
    console.print("`totalplace classify --review` lists what is unclassified or uncertain, largest first.")


@app.command()
@friendly_errors
def run(workspace: WorkspaceOption = Path(".")) -> None:
    """Classify every label again (after changing the workspace's rules, say; ingest classifies new labels itself)."""
    ws = open_workspace(workspace)
    total = count_labels(ws)
    columns = (TextColumn("classifying labels"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=errors, transient=True, disable=not errors.is_terminal) as progress:
        task = progress.add_task("classifying", total=total)
        counts = classify_ledger(ws, progress=lambda n: progress.advance(task, n))
    console.print(f"{total:,} labels: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()), highlight=False)


@app.command()
@friendly_errors
def functions(
    workspace: WorkspaceOption = Path("."),
    body: Annotated[Optional[str], typer.Option("--body", help="Only this body (its id or name as the ledger shows it).")] = None,
    groups: Annotated[bool, typer.Option("--groups", help="By COFOG group, not division.")] = False,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
) -> None:
    """Pounds by body and COFOG division (or group), with each one's share of the body's spending."""
    one_format(as_json, as_csv)
    rows = spending_by_function(open_workspace(workspace), groups=groups, body=body)
    if as_json:
        print_json(rows)
        return
    if as_csv:
        print_csv(rows, ["body", "body_id", "cofog", "name", "payments", "pence", "share"])
        return
    t = table("Spending by function", [("body", "left"), ("COFOG", "left"), ("function", "left"), ("payments", "right"),
                                       ("paid", "right"), ("share", "right")])
    last = None
    for r in rows:
        t.add_row(esc(r["body"]) if r["body"] != last else "", esc(r["cofog"] or "—"), esc(r["name"]),
                  f"{r['payments']:,}", pounds(r["pence"]), _share(r["share"]))
        last = r["body"]
    console.print(t)


@app.command()
@friendly_errors
def themes(
    workspace: WorkspaceOption = Path("."),
    body: Annotated[Optional[str], typer.Option("--body", help="Only this body (its id or name as the ledger shows it).")] = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
) -> None:
    """Pounds by body and Total Place theme (themes overlap: a payment may count in two)."""
    one_format(as_json, as_csv)
    rows = spending_by_theme(open_workspace(workspace), body=body)
    if as_json:
        print_json(rows)
        return
    if as_csv:
        print_csv(rows, ["body", "body_id", "theme", "payments", "pence"])
        return
    t = table("Spending by theme (themes overlap)", [("body", "left"), ("theme", "left"), ("payments", "right"), ("paid", "right")])
    last = None
    for r in rows:
        t.add_row(esc(r["body"]) if r["body"] != last else "", esc(r["theme"]), f"{r['payments']:,}", pounds(r["pence"]))
        last = r["body"]
    console.print(t)


@app.command()
@friendly_errors
def export(
    file: Annotated[Path, typer.Argument(help="A CSV to correct in a spreadsheet and import back.")],
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Write every label's decision to a CSV (body_id, service_label, expense_label, cofog, cofog_group, themes, … note)."""
    count = export_classification(open_workspace(workspace), file)
    console.print(f"Wrote {count:,} labels to {esc(file)}. Correct cofog (a division, or none), cofog_group and themes "
                  "(separated by ';'), add a note, then `totalplace classify import` it.", highlight=False)


@app.command("import")
@friendly_errors
def import_(
    file: Annotated[Path, typer.Argument(help="A corrected export.")],
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Record people's decisions from a corrected export; a person's decision wins over the rules, always."""
    try:
        report = import_classification(open_workspace(workspace), file)
    except DecisionFileError as exc:
        raise typer.BadParameter(str(exc)) from exc
    console.print(f"Read {report.rows:,} rows: {report.recorded:,} decisions recorded, {report.cleared:,} cleared, "
                  f"{report.unchanged:,} the same as the classifier's (not recorded).")


@app.command()
@friendly_errors
def sample(
    file: Annotated[Path, typer.Argument(help="The CSV to write, for people to label.")],
    workspace: WorkspaceOption = Path("."),
    body: Annotated[Optional[list[str]], typer.Option("--body", help="Only this body (id or name); repeat for several.")] = None,
    largest: Annotated[int, typer.Option("--largest", min=0, help="Each body's largest labels by gross pounds.")] = 20,
    at_random: Annotated[int, typer.Option("--random", min=0, help="And this many of its other labels, at random.")] = 20,
    seed: Annotated[int, typer.Option("--seed", help="Chooses the random ones; the same seed, the same sample.")] = 0,
    force: Annotated[bool, typer.Option("--force", help="Replace FILE if it exists (it may hold people's labels).")] = False,
) -> None:
    """Draw labels for people to classify by hand (the classifier's decisions left out), to measure it with `evaluate`."""
    try:
        counts = write_labelling_sample(open_workspace(workspace), file, body, largest, at_random, seed, force)
    except DecisionFileError as exc:
        raise typer.BadParameter(str(exc)) from exc
    labels, bodies = sum(counts.values()), len(counts)
    console.print(f"Wrote {labels:,} label{'s' if labels != 1 else ''} of {bodies:,} bod{'ies' if bodies != 1 else 'y'} "
                  f"to {esc(file)}. For each label people classify, write cofog (a division or group, or none where no "
                  "function can be told), cofog_group and themes; rows left with no cofog are not scored. Then "
                  "`totalplace classify evaluate` it.", highlight=False)


@app.command()
@friendly_errors
def evaluate(
    file: Annotated[Path, typer.Argument(help="Labels classified by people (as `classify sample` writes them).")],
    workspace: WorkspaceOption = Path("."),
    as_json: JsonOption = False,
) -> None:
    """Score the classifier against labels people classified, publisher by publisher (leave-one-publisher-out)."""
    try:
        result = evaluate_labelled(open_workspace(workspace), file)
    except DecisionFileError as exc:
        raise typer.BadParameter(str(exc)) from exc
    if as_json:
        print_json(result)
        return
    scores = result["rules_and_model"]
    t = table(f"The classifier against {result['labels']:,} labels people classified (leave-one-publisher-out)",
              [("publisher", "left"), ("labels", "right"), ("division", "right"), ("decided", "right"),
               ("group", "right"), ("forced", "right"), ("themes P/R", "right")])
    rows = [(r["publisher"], r) for r in scores["publishers"]] + [(f"[bold]{k}[/]", v) for k, v in scores["totals"].items()]
    def score(value: float | None, digits: int = 3) -> str:
        return "—" if value is None else f"{value:.{digits}f}"

    for name, r in rows:
        t.add_row(name if name.startswith("[bold]") else esc(name), f"{r['labels']:,}",
                  f"{score(r['division_accuracy'])} ({r['division_right']}/{r['classified_by_people']})",
                  score(r["accuracy_where_decided"]), score(r["group_accuracy"]),
                  f"{r['forced']}/{r['not_classifiable']}", f"{score(r['theme_precision'], 2)} / {score(r['theme_recall'], 2)}")
    console.print(t)
    if result["not_labelled"]:
        console.print(f"{result['not_labelled']:,} rows have no cofog (nobody labelled them): left out.", highlight=False)
    if result["not_in_ledger"]:
        console.print(f"[yellow]{result['not_in_ledger']:,} labels are not labels of this workspace's ledger[/]: scored all "
                      "the same, but the model learned nothing of their publishers' other labels. Evaluate in the "
                      "workspace the labels were drawn from.", highlight=False)
    alone = result["rules"]["totals"]["all"]
    console.print("division: accuracy on the labels people classified (right/classified); decided: the same where the "
                  "classifier gave a function; group: where both gave one; forced: labels people could not classify "
                  f"that the classifier gave a function. Rules alone: division {score(alone['division_accuracy'])}. "
                  "See docs/classification.md.", highlight=False)
