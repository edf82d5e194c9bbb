"""The command line: a thin shell whose output people and scripts can rely on."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from totalplace.cli import app
from totalplace.demo.place import write_demo_place

runner = CliRunner()
REPO = Path(__file__).resolve().parents[2]


def run(*args: str, ok: bool = True):
    result = runner.invoke(app, [str(a) for a in args], catch_exceptions=False, env={"COLUMNS": "200"})
    if ok:
        assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """A workspace holding the demo place's files, built through the CLI."""
    root = tmp_path_factory.mktemp("cli")
    written = write_demo_place(root / "place", rows_per_file=200)
    ws = root / "ws"
    run("init", ws, "--name", "cli test")
    run("reference", "load", root / "place" / "reference", "-w", ws)
    for w in written:
        args = ["ingest", w.path, "-w", ws, "--json"] + (["--body", w.body_given] if w.body_given else [])
        out = json.loads(run(*args).stdout)
        assert [r["status"] for r in out] == ["loaded"]
    return ws, written


def test_ingest_json_has_the_documented_fields(demo, tmp_path):
    ws, written = demo
    result = run("ingest", written[2].path, "-w", ws, "--json", "--body", written[2].body_given)
    (entry,) = json.loads(result.stdout)
    assert set(entry) >= {"file", "sha256", "status", "body", "format", "encoding", "sheets", "rows_read",
                          "rows_loaded", "rows_rejected", "rows_skipped", "skipped_reasons", "loaded_pence",
                          "rejected_pence", "declared_total_pence", "difference_pence", "columns", "error"}
    assert entry["status"] == "already_loaded"
    assert entry["rows_loaded"] == written[2].rows
    assert entry["declared_total_pence"] == written[2].total_pence and entry["difference_pence"] == 0
    assert entry["columns"]["amount"] == "Net Amount(£)"


def test_sources_lists_each_file_with_its_accounting(demo):
    ws, written = demo
    manifests = json.loads(run("sources", "-w", ws, "--json").stdout)
    assert len(manifests) == len(written)
    for m in manifests:
        assert m["rows_read"] == m["rows_loaded"] + m["rows_rejected"] + m["rows_skipped"]
    table = run("sources", "-w", ws, "--detail").stdout
    assert "northtown_over_500_2024-06.csv" in table and "Net Amount(£)" in table


def test_rejects_and_skipped_rows_can_be_listed(demo):
    ws, _ = demo
    assert json.loads(run("rejects", "-w", ws, "--json").stdout) == []
    skipped = json.loads(run("rejects", "-w", ws, "--skipped", "--file", "northtown", "--json", "--limit", "0").stdout)
    assert {r["reason"] for r in skipped} == {"preamble before the header", "blank row", "header row", "total row"}
    total = [r for r in skipped if r["reason"] == "total row"][0]
    assert total["raw"][0] == "Total"
    as_csv = list(csv.DictReader(io.StringIO(run("rejects", "-w", ws, "--skipped", "--csv").stdout)))
    assert as_csv and set(as_csv[0]) == {"file", "sheet", "row", "status", "reason", "detail", "amount_pence", "raw"}


def test_ledger_summary_and_exports_agree(demo, tmp_path):
    ws, written = demo
    summary = json.loads(run("ledger", "summary", "-w", ws, "--json").stdout)
    assert summary["rows_loaded"] == sum(w.rows for w in written)
    assert summary["loaded_pence"] == sum(w.total_pence for w in written)
    run("ledger", "export", tmp_path / "out.csv", "-w", ws)
    run("ledger", "export", tmp_path / "out.parquet", "-w", ws)
    run("ledger", "export", tmp_path / "out.xlsx", "-w", ws)
    rows = list(csv.DictReader((tmp_path / "out.csv").open(encoding="utf-8")))
    assert len(rows) == summary["rows_loaded"]
    assert sum(int(r["amount_pence"]) for r in rows) == summary["loaded_pence"]
    assert {"body_id", "payment_date", "supplier", "file", "sheet", "row", "amount_gbp", "extra"} <= set(rows[0])
    table = pq.read_table(tmp_path / "out.parquet")
    assert table.num_rows == summary["rows_loaded"]
    sheet = load_workbook(tmp_path / "out.xlsx", read_only=True).active
    assert sum(1 for _ in sheet.iter_rows()) == summary["rows_loaded"] + 1


def test_export_to_an_unknown_format_is_refused(demo, tmp_path):
    ws, _ = demo
    result = run("ledger", "export", tmp_path / "out.json", "-w", ws, ok=False)
    assert result.exit_code == 2 and "export to .csv, .parquet or .xlsx" in result.output


def test_user_mistakes_get_a_message_not_a_traceback(tmp_path):
    result = run("sources", "-w", tmp_path / "nowhere", ok=False)
    assert result.exit_code == 2
    assert "is not a totalplace workspace" in result.output and "Traceback" not in result.output
    run("init", tmp_path / "ws")
    result = run("reference", "load", tmp_path, "-w", tmp_path / "ws", ok=False)
    assert result.exit_code == 2 and "uk_local_authorities_mysociety.csv" in result.output
    bad = tmp_path / "nobody.csv"
    bad.write_text("Supplier,Date,Amount\nA,01/01/2024,5\n")
    result = run("ingest", bad, "-w", tmp_path / "ws", ok=False)
    assert result.exit_code == 1 and "--body" in result.output


def test_demo_generate_writes_any_size(tmp_path):
    out = tmp_path / "big.csv"
    run("demo", "generate", out, "--layout", "preamble_cp1252", "--rows", "1234", "--seed", "9")
    first = out.read_bytes()
    run("demo", "generate", out, "--layout", "preamble_cp1252", "--rows", "1234", "--seed", "9")
    assert out.read_bytes() == first  # deterministic by seed
    assert first.count(b"\r\n") == 1234 + 10


def _commands(group=app, prefix=""):
    import typer.main

    click_group = typer.main.get_command(group)
    for name, command in click_group.commands.items():
        if hasattr(command, "commands"):
            for sub in command.commands:
                yield f"{prefix}{name} {sub}"
        else:
            yield f"{prefix}{name}"


def test_every_command_is_documented():
    docs = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    missing = [c for c in _commands() if not re.search(rf"`totalplace {re.escape(c)}\b", docs)]
    assert missing == [], f"commands missing from docs/cli.md: {missing}"


def test_square_brackets_in_data_are_shown_as_text(tmp_path):
    ws = tmp_path / "ws"
    run("init", ws)
    path = tmp_path / "brackets.csv"
    path.write_text("Body,Date,Supplier [/b],Amount [net]\nDemoshire,01/02/2024,SMITH [/b] LTD,oops\n"
                    + "".join(f"Demoshire,01/02/2024,[bold]S{i},2.00\n" for i in range(9)))
    run("ingest", path, "-w", ws, "--body", "Demoshire")
    shown = run("rejects", "-w", ws).stdout
    assert "SMITH [/b] LTD" in shown
    detail = run("sources", "-w", ws, "--detail").stdout
    assert "Supplier [/b]" in detail and "Amount [net]" in detail


def test_rejects_options_are_checked(demo):
    ws, _ = demo
    assert run("rejects", "-w", ws, "--limit", "-1", ok=False).exit_code == 2
    both = run("rejects", "-w", ws, "--json", "--csv", ok=False)
    assert both.exit_code == 2 and "choose one of --json and --csv" in both.output


def test_forget_and_its_mistakes(demo, tmp_path):
    ws = tmp_path / "ws"
    run("init", ws)
    path = tmp_path / "f.csv"
    path.write_text("Supplier,Date,Amount\nA,01/02/2024,5\n")
    (entry,) = json.loads(run("ingest", path, "-w", ws, "--body", "X", "--json").stdout)
    missing = run("forget", "nope.csv", "-w", ws, ok=False)
    assert missing.exit_code == 2 and "no ingested file" in missing.output
    gone = json.loads(run("forget", "f.csv", "-w", ws, "--json").stdout)
    assert gone == [{"file": "f.csv", "source_id": entry["source_id"], "rows_loaded": 1}]


def test_the_demo_will_not_write_into_another_studys_workspace(tmp_path):
    run("init", tmp_path / "study", "--name", "Trafford study")
    refused = run("demo", "run", tmp_path / "study", ok=False)
    assert refused.exit_code == 2 and "already a workspace ('Trafford study')" in refused.output


def test_demo_generate_wants_the_layouts_extension(tmp_path):
    wrong = run("demo", "generate", tmp_path / "x.csv", "--layout", "monthly_xlsx", ok=False)
    assert wrong.exit_code == 2 and ".xlsx" in wrong.output


def test_suppliers_export_correct_import_and_the_persons_decision_survives(demo, tmp_path):
    ws, written = demo
    listed = json.loads(run("suppliers", "-w", ws, "--json").stdout)
    by_name = {s["supplier"]: s for s in listed}
    assert by_name["Demoshire County Council"]["body_id"] == "DMC"
    assert by_name["REDACTED PERSONAL DATA"]["counterparty_type"] == "individual"
    out = tmp_path / "suppliers.csv"
    run("suppliers", "export", out, "-w", ws)
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == len(listed)
    for row in rows:  # a person decides two suppliers differently
        if row["supplier"] == "Demoshire Credit Union":
            row.update(counterparty_type="charity", note="a credit union is a mutual; we count it with charities")
        if row["supplier"] == "Demoshire Police":
            row.update(counterparty_type="police", body_id="")
    with out.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    result = run("suppliers", "import", out, "-w", ws)
    assert "2 decisions recorded" in result.stdout
    run("suppliers", "match", "-w", ws)  # the matcher runs again; the people's decisions stand
    after = {s["supplier"]: s for s in json.loads(run("suppliers", "-w", ws, "--json").stdout)}
    assert (after["Demoshire Credit Union"]["counterparty_type"], after["Demoshire Credit Union"]["method"]) == ("charity", "person")
    assert after["Demoshire Police"]["counterparty_type"] == "police"
    unmatched = json.loads(run("suppliers", "-w", ws, "--unmatched", "--json").stdout)
    assert "Demoshire Police" in {s["supplier"] for s in unmatched}  # public, but no body named


def test_suppliers_import_mistakes_name_row_and_column(demo, tmp_path):
    ws, _ = demo
    bad = tmp_path / "bad.csv"
    bad.write_text("supplier,counterparty_type,body_id\nA Ltd,private,\nB Ltd,goverment,\n")
    result = run("suppliers", "import", bad, "-w", ws, ok=False)
    assert result.exit_code == 2 and "row 3, column counterparty_type: 'goverment'" in result.output
    bad.write_text("supplier,counterparty_type,body_id\nA Ltd,council,DMX\n")
    result = run("suppliers", "import", bad, "-w", ws, ok=False)
    assert "row 2, column body_id: 'DMX' is not a body in the register" in result.output


def test_places_commands(tmp_path):
    from totalplace.demo.place import write_register

    ws = tmp_path / "ws"
    run("init", ws)
    run("reference", "load", write_register(tmp_path / "reference")[0].parent, "-w", ws)
    shown = json.loads(run("places", "show", "Demoshire", "-w", ws, "--json").stdout)
    assert shown["kind"] == "county" and {d["name"] for d in shown["districts"]} == {"Northtown", "Southvale"}
    assert "Northtown" in run("places", "children", "E10999001", "-w", ws).stdout
    assert len(json.loads(run("places", "list", "--kind", "county", "-w", ws, "--json").stdout)) == 1
    missing = run("places", "show", "Atlantis", "-w", ws, ok=False)
    assert missing.exit_code == 2 and "no place is called" in missing.output


def test_classify_shows_coverage_and_spending_by_function(demo):
    ws, _ = demo
    coverage = {r["body"]: r for r in json.loads(run("classify", "-w", ws, "--json").stdout)}
    pcc = coverage["Police and Crime Commissioner for Demoshire"]
    assert (pcc["share_pence_classified"], pcc["by_body"]) == (1.0, pcc["gross_pence"])
    assert coverage["all"]["rows"] == sum(r["rows"] for name, r in coverage.items() if name != "all")
    functions = json.loads(run("classify", "functions", "-w", ws, "--body", "E23999001", "--json").stdout)
    assert [(r["cofog"], r["share"]) for r in functions] == [("03", 1.0)]
    themes = json.loads(run("classify", "themes", "-w", ws, "--body", "E23999001", "--json").stdout)
    by_theme = {r["theme"]: r for r in themes}
    assert by_theme["community-safety"]["payments"] == pcc["rows"]  # all policing is community safety
    assert set(by_theme) == {"community-safety", "capital-and-assets"} and by_theme["capital-and-assets"]["payments"] < pcc["rows"]
    review = json.loads(run("classify", "--review", "-w", ws, "--json").stdout)
    gross = [r["gross_pence"] for r in review]
    assert gross == sorted(gross, reverse=True) and all(r["cofog"] is None or r["confidence"] < 0.6 for r in review)


def test_classify_export_correct_import_and_the_persons_decision_survives(demo, tmp_path):
    ws, _ = demo
    out = tmp_path / "labels.csv"
    run("classify", "export", out, "-w", ws)
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    changed = []
    for row in rows:
        if row["service_label"] == "RESOURCES" and row["expense_label"] == "VEHICLES AND PLANT" and not changed:
            row.update(cofog="04", cofog_group="04.5", themes="capital-and-assets", note="the county's gritter fleet")
            changed.append((row["body_id"], row["service_label"], row["expense_label"]))
    assert changed, "the demo has a RESOURCES / VEHICLES AND PLANT label"
    with out.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    assert "1 decisions recorded" in run("classify", "import", out, "-w", ws).stdout
    run("classify", "run", "-w", ws)  # the rules run again; the person's decision stands
    export = tmp_path / "ledger.csv"
    run("ledger", "export", export, "-w", ws)
    body, service, expense = changed[0]
    ledger = [r for r in csv.DictReader(export.open(encoding="utf-8"))
              if r["body_id"] == body and " / ".join(x for x in (r["directorate"], r["service_area"]) if x) == service
              and " / ".join(x for x in (r["expense_category"], r["expense_type"]) if x) == expense]
    assert ledger and {(r["cofog"], r["cofog_group"], r["themes"], r["classification_method"]) for r in ledger} == \
        {("04", "04.5", "capital-and-assets", "person")}
    assert {r["classification_reason"] for r in ledger} == {"the county's gritter fleet"}


@pytest.mark.parametrize(("values", "message"), [
    ("11,,", "row 2, column cofog: '11' is not a COFOG division"),
    ("01,04.5,", "row 2, column cofog_group: '04.5' is not in division 01"),
    ("01,01.3,it", "row 2, column themes: 'it' is not a theme"),
    ("none,01.3,", "row 2, column cofog_group: '01.3' given where cofog says none"),
])
def test_classify_import_mistakes_name_row_and_column(demo, tmp_path, values, message):
    ws, _ = demo
    exported = tmp_path / "labels.csv"
    run("classify", "export", exported, "-w", ws)
    first = next(csv.DictReader(exported.open(encoding="utf-8")))
    bad = tmp_path / "bad.csv"
    with bad.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["body_id", "service_label", "expense_label", "cofog", "cofog_group", "themes"])
        writer.writerow([first["body_id"], first["service_label"], first["expense_label"], *values.split(",")])
    result = run("classify", "import", bad, "-w", ws, ok=False)
    assert result.exit_code == 2 and message in result.output


def test_classify_import_wants_the_labels_as_exported_and_forgives_a_spreadsheets_ways(demo, tmp_path):
    ws, _ = demo
    exported = tmp_path / "labels.csv"
    run("classify", "export", exported, "-w", ws)
    rows = list(csv.DictReader(exported.open(encoding="utf-8")))
    renamed = dict(rows[0], service_label=rows[0]["service_label"] + " (edited)")
    bad = tmp_path / "bad.csv"
    with bad.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerow(renamed)
    result = run("classify", "import", bad, "-w", ws, ok=False)
    assert "row 2: no label of the ledger has body_id" in result.output
    # a spreadsheet drops leading zeros; a group may be written in the cofog column; unchanged rows are not recorded
    target = next(r for r in rows if r["method"] == "rule" and r["cofog"] != "05")
    edited = [dict(r) for r in rows]
    for r in edited:
        if (r["body_id"], r["service_label"], r["expense_label"]) == (target["body_id"], target["service_label"], target["expense_label"]):
            r.update(cofog="5.1", cofog_group="", themes="")
        elif r["cofog"].startswith("0"):
            r["cofog"] = r["cofog"].lstrip("0")  # what a spreadsheet does to 03
    good = tmp_path / "good.csv"
    with good.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(edited)
    out = run("classify", "import", good, "-w", ws).stdout
    assert "1 decisions recorded" in out
    after = {(r["body_id"], r["service_label"], r["expense_label"]): r for r in json.loads(run("classify", "--review", "-w", ws, "--json", "--limit", "0").stdout)}
    exported_again = tmp_path / "again.csv"
    run("classify", "export", exported_again, "-w", ws)
    again = {(r["body_id"], r["service_label"], r["expense_label"]): r for r in csv.DictReader(exported_again.open(encoding="utf-8"))}
    decided = again[(target["body_id"], target["service_label"], target["expense_label"])]
    assert (decided["cofog"], decided["cofog_group"], decided["method"]) == ("05", "05.1", "person")
    assert (target["body_id"], target["service_label"], target["expense_label"]) not in after  # a person's: not for review
    people = Path(ws) / "store" / "classify" / "people.json"
    before = people.read_text()
    out = run("classify", "import", exported_again, "-w", ws).stdout  # importing the export again changes nothing
    assert "0 decisions recorded" in out and people.read_text() == before  # not even when they were made


def test_classify_sample_draws_labels_for_people_and_evaluate_scores_the_classifier_against_them(demo, tmp_path):
    ws, _ = demo
    sample = tmp_path / "sample.csv"
    out = run("classify", "sample", sample, "-w", ws, "--largest", "3", "--random", "2").stdout
    rows = list(csv.DictReader(sample.open(encoding="utf-8")))
    exported = tmp_path / "labels.csv"
    run("classify", "export", exported, "-w", ws)
    decisions = {(r["body_id"], r["service_label"], r["expense_label"]): r for r in csv.DictReader(exported.open(encoding="utf-8"))}
    per_body = {}
    for r in rows:
        per_body[r["body_id"]] = per_body.get(r["body_id"], 0) + 1
    assert list(rows[0]) == ["publisher", "split", "body_id", "body_name", "service_label", "expense_label", "payments",
                             "pence", "cofog", "cofog_group", "themes", "notes"]
    assert {r["cofog"] for r in rows} == {""}  # people label without seeing the classifier's decisions
    assert all(n == min(5, sum(1 for k in decisions if k[0] == b)) for b, n in per_body.items())
    assert f"Wrote {len(rows)} labels of {len(per_body)} bodies" in out
    again = tmp_path / "again.csv"
    run("classify", "sample", again, "-w", ws, "--largest", "3", "--random", "2")
    assert again.read_text(encoding="utf-8") == sample.read_text(encoding="utf-8")  # the same seed, the same sample

    # a person who agrees with every decision the rules and body defaults made, and says none where they found
    # none; the labels a model or a person decided (an earlier test records one) are deleted, as not labelled
    labelled = tmp_path / "labelled.csv"
    rows = [r for r in rows if decisions[(r["body_id"], r["service_label"], r["expense_label"])]["method"]
            in ("rule", "body", "unclassified")]
    with labelled.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        for r in rows:
            d = decisions[(r["body_id"], r["service_label"], r["expense_label"])]
            writer.writerow({**r, "cofog": d["cofog"], "cofog_group": d["cofog_group"], "themes": d["themes"]})
    result = json.loads(run("classify", "evaluate", labelled, "-w", ws, "--json").stdout)
    everything = result["rules_and_model"]["totals"]["all"]
    by_people = sum(1 for r in rows if decisions[(r["body_id"], r["service_label"], r["expense_label"])]["cofog"] != "none")
    assert result["labels"] == everything["labels"] == len(rows)
    assert everything["classified_by_people"] == by_people and everything["forced"] == 0
    assert len(rows) >= 15 and everything["division_right"] == by_people and everything["division_accuracy"] == 1.0
    assert {p["publisher"] for p in result["rules_and_model"]["publishers"]} == {r["publisher"] for r in rows}
    assert "division" in run("classify", "evaluate", labelled, "-w", ws).stdout


@pytest.mark.parametrize("change, message", [
    ({"cofog": "11"}, "row 2, column cofog: '11' is not a COFOG division"),
    ({"split": "train"}, "row 2, column split: 'train' must be one of dev, held-out"),
    ({"publisher": ""}, "row 2, column publisher: empty"),
])
def test_classify_evaluate_mistakes_name_row_and_column(demo, tmp_path, change, message):
    ws, _ = demo
    sample = tmp_path / "sample.csv"
    run("classify", "sample", sample, "-w", ws, "--largest", "1", "--random", "0")
    rows = list(csv.DictReader(sample.open(encoding="utf-8")))
    rows[0].update(change)
    with sample.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    result = run("classify", "evaluate", sample, "-w", ws, ok=False)
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output
    missing = tmp_path / "missing.csv"
    missing.write_text("publisher,body_id\nA,B\n", encoding="utf-8")
    result = run("classify", "evaluate", missing, "-w", ws, ok=False)
    assert result.exit_code == 2 and "missing: service_label, expense_label, cofog, cofog_group, themes" in result.output


def _write_rows(path: Path, rows: list[dict], encoding: str = "utf-8") -> None:
    with path.open("w", encoding=encoding, newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def test_classify_sample_takes_each_bodys_largest_then_others_at_random_and_keeps_labelled_files(demo, tmp_path):
    ws, _ = demo
    exported = tmp_path / "labels.csv"
    run("classify", "export", exported, "-w", ws)
    labels = list(csv.DictReader(exported.open(encoding="utf-8")))  # largest first
    body_id = max({r["body_id"] for r in labels}, key=lambda b: sum(1 for r in labels if r["body_id"] == b))
    mine = [(r["service_label"], r["expense_label"]) for r in labels if r["body_id"] == body_id]
    name = next(r["body_name"] for r in labels if r["body_id"] == body_id)
    assert len(mine) > 8
    sample = tmp_path / "sample.csv"
    for chosen in (body_id, name):  # by id or by name
        run("classify", "sample", sample, "-w", ws, "--body", chosen, "--largest", "3", "--random", "4", "--force")
        rows = list(csv.DictReader(sample.open(encoding="utf-8")))
        got = [(r["service_label"], r["expense_label"]) for r in rows]
        assert {r["body_id"] for r in rows} == {body_id} and {r["publisher"] for r in rows} == {name}
        assert got[:3] == mine[:3] and set(got[3:]) <= set(mine[3:]) and len(set(got)) == 7
    result = run("classify", "sample", sample, "-w", ws, ok=False)  # people's labels are not overwritten
    assert result.exit_code == 2 and "exists" in result.output and "--force" in result.output
    result = run("classify", "sample", tmp_path / "other.csv", "-w", ws, "--body", "Nowhere", "--body", "XX1", ok=False)
    assert result.exit_code == 2 and "no body 'Nowhere', 'XX1' in the ledger" in result.output
    result = run("classify", "sample", tmp_path / "none.csv", "-w", ws, "--largest", "0", "--random", "0", ok=False)
    assert result.exit_code == 2 and "no labels to sample" in result.output and not (tmp_path / "none.csv").exists()


def test_classify_evaluate_leaves_out_rows_nobody_labelled_and_forgives_a_spreadsheets_ways(demo, tmp_path):
    ws, _ = demo
    sample = tmp_path / "sample.csv"
    run("classify", "sample", sample, "-w", ws, "--largest", "2", "--random", "0")
    rows = list(csv.DictReader(sample.open(encoding="utf-8")))
    result = run("classify", "evaluate", sample, "-w", ws, ok=False)  # straight after sample: nothing labelled
    assert result.exit_code == 2 and "no label in it has a cofog" in result.output
    rows[0].update(cofog="3", cofog_group="3.2")  # a spreadsheet drops the leading zeros
    rows[1].update(cofog="None")
    _write_rows(sample, rows, encoding="utf-8-sig")  # and saves with a byte-order mark
    result = json.loads(run("classify", "evaluate", sample, "-w", ws, "--json").stdout)
    assert (result["labels"], result["not_labelled"], result["not_in_ledger"]) == (2, len(rows) - 2, 0)
    everything = result["rules_and_model"]["totals"]["all"]
    assert (everything["classified_by_people"], everything["not_classifiable"]) == (1, 1)


@pytest.mark.parametrize("change, message", [
    (lambda rows: rows[1].update(publisher=rows[0]["publisher"], split="dev"),
     "row 3, column split: 'dev', but row 2 puts"),
    (lambda rows: rows[1].update({k: rows[0][k] for k in ("body_id", "service_label", "expense_label")}),
     "row 3: the same label as row 2"),
    (lambda rows: rows[0].update(body_id="XX1"), "row 2, column body_id: 'XX1' is not a body of the workspace's register"),
    (lambda rows: rows[0].update(cofog="", themes="housing"), "row 2, column cofog: empty, but themes are given"),
])
def test_classify_evaluate_refuses_a_labelled_set_that_would_score_wrongly(demo, tmp_path, change, message):
    ws, _ = demo
    sample = tmp_path / "sample.csv"
    run("classify", "sample", sample, "-w", ws, "--largest", "2", "--random", "0")
    rows = list(csv.DictReader(sample.open(encoding="utf-8")))
    for r in rows:
        r["cofog"] = "01"
    change(rows)
    _write_rows(sample, rows)
    result = run("classify", "evaluate", sample, "-w", ws, ok=False)
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output
