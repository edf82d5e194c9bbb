"""The rules files: read, checked (mistakes named by file, row and column), compiled, and found in label text."""

from __future__ import annotations

import pytest

from totalplace.classify.reference import cofog_codes, themes
from totalplace.classify.rules import RuleFileError, RuleSet, normalise_label, read_body_defaults, read_rules

HEADER = "rule,field,pattern,cofog,themes,weight,bodies,note\n"


def test_the_packaged_rules_and_defaults_load_and_use_only_real_codes_and_themes():
    rules = RuleSet.load()
    assert len(rules.rules) > 100
    for rule in rules.rules:
        assert rule.cofog in cofog_codes() or rule.cofog in ("", "none"), rule.source
        assert all(t in themes() for t in rule.themes), rule.source
    kinds = {d.body_kind: d for d in rules.defaults if d.body_kind}
    assert (kinds["fire"].cofog, kinds["fire"].fixed) == ("03.2", True)
    assert (kinds["police"].cofog, kinds["police"].themes) == ("03.1", ("community-safety",))


def test_cofog_reference_has_ten_divisions_and_their_groups():
    codes = cofog_codes()
    divisions = [c for c in codes.values() if not c.is_group]
    assert [d.code for d in divisions] == [f"{n:02d}" for n in range(1, 11)]
    assert len(codes) - len(divisions) == 69
    assert all(c.division in codes for c in codes.values())
    assert codes["10.2"].name == "Old age" and codes["03.2"].plain_label == "Fire and rescue"


@pytest.mark.parametrize(("row", "message"), [
    ("x,servic,waste,05.1,,3,,", "rules.csv, row 2, column field: 'servic' is not one of"),
    ("x,service,waste(,05.1,,3,,", "rules.csv, row 2, column pattern: 'waste(' is not a regular expression"),
    ("x,service,waste,5.1,,3,,", "rules.csv, row 2, column cofog: '5.1' is not a COFOG division or group"),
    ("x,service,waste,05.1,rubbish,3,,", "rules.csv, row 2, column themes: 'rubbish' is not a theme"),
    ("x,service,waste,05.1,,4,,", "rules.csv, row 2, column weight: '4' must be 1, 2 or 3"),
    ("x,service,waste,05.1,,3,counsel,", "rules.csv, row 2, column bodies: 'counsel' is neither a kind of body"),
    ("x,service,waste,,,3,,", "rules.csv, row 2: the rule gives neither a cofog nor themes"),
])
def test_a_mistake_in_a_rules_file_names_the_row_and_column(row, message):
    with pytest.raises(RuleFileError) as caught:
        read_rules(HEADER + row + "\n")
    assert message in str(caught.value)


def test_a_rules_file_needs_its_header_and_skips_comments():
    with pytest.raises(RuleFileError, match="missing: weight"):
        read_rules("rule,field,pattern,cofog,themes,bodies,note\n")
    rules = read_rules(HEADER + "# a comment line,,,,,,,\nwaste,service,refuse,05.1,,3,,\n")
    assert [r.rule for r in rules] == ["waste"]


def test_body_defaults_need_one_of_kind_and_id():
    with pytest.raises(RuleFileError, match="row 2: give one of body_kind and body_id"):
        read_body_defaults("body_kind,body_id,cofog,themes,fixed,note\nfire,E31000023,03.2,,yes,\n")
    with pytest.raises(RuleFileError, match="row 2, column fixed: 'maybe' must be yes or no"):
        read_body_defaults("body_kind,body_id,cofog,themes,fixed,note\nfire,,03.2,,maybe,\n")


def test_labels_are_normalised_the_way_rules_are_written():
    assert normalise_label("Children's Social Care & Lifelong Learning") == "childrens social care and lifelong learning"
    assert normalise_label("Hospitality + Trading Services") == "hospitality and trading services"
    assert normalise_label("SOCIAL CARE  : Nursing Homes") == "social care nursing homes"


def test_a_rule_inside_a_longer_match_gives_way():
    rules = RuleSet.load()
    found = {h.rule.rule for h in rules.hits("expense", "Third Party Payments / Residential Care Dementia", "council")}
    assert "mental-health" in found and "care-homes" not in found


def test_the_longest_alternative_of_a_rule_is_matched():
    rules = RuleSet.load()
    (hit,) = [h for h in rules.hits("service", "Housing General Fund", "council") if h.rule.rule == "housing-general"]
    assert hit.text == "housing general fund"


def test_rules_for_some_bodies_only_apply_to_them():
    rules = RuleSet.load()
    assert any(h.rule.rule == "pharmacy-payee" for h in rules.hits("supplier", "Well Pharmacy", "nhs_icb"))
    assert not rules.hits("supplier", "Well Pharmacy", "council")
    assert any(h.rule.rule == "trafford-prefixes-yp" for h in rules.hits("service", "YP:HOLY FAMILY", "council", "TRF"))
    assert not any(h.rule.rule == "trafford-prefixes-yp" for h in rules.hits("service", "YP:HOLY FAMILY", "council", "LDS"))


def test_a_workspaces_own_rules_come_first(tmp_path):
    (tmp_path / "classify_rules.csv").write_text(HEADER + "nstrg,label,nstrg,03.2,,3,,Lancashire's code for the fire stations\n")
    rules = RuleSet.load(tmp_path)
    assert rules.rules[0].rule == "nstrg" and rules.rules[0].source.endswith("classify_rules.csv row 2")
    (tmp_path / "classify_rules.csv").write_text(HEADER + "nstrg,label,nstrg,3.2,,3,,\n")
    with pytest.raises(RuleFileError, match=r"classify_rules.csv, row 2, column cofog"):
        RuleSet.load(tmp_path)


@pytest.mark.real
def test_cofog_names_are_the_uns(real):
    import csv

    with (real / "reference_finance" / "cofog.csv").open(encoding="utf-8", newline="") as f:
        un = {r["Code"]: r["Description_EN"].strip() for r in csv.DictReader(f) if r["Code"].count(".") <= 1}
    assert {code: c.name for code, c in cofog_codes().items()} == un


def test_a_rules_file_that_is_not_text_or_not_a_file_says_so(tmp_path):
    bad = tmp_path / "classify_rules.csv"
    bad.write_bytes("rule,field,pattern,cofog,themes,weight,bodies,note\n".encode("utf-16"))
    with pytest.raises(RuleFileError, match="not UTF-8 text"):
        RuleSet.load(tmp_path)
    bad.unlink()
    bad.mkdir()
    with pytest.raises(RuleFileError, match="cannot be read"):
        RuleSet.load(tmp_path)


def test_a_workspace_rule_overrides_the_packaged_rules_it_overlaps(tmp_path):
    (tmp_path / "classify_rules.csv").write_text(HEADER + "our-fostering,label,fostering,09,,3,,\n")
    from totalplace.classify.classifier import Classifier, Label

    d = Classifier(RuleSet.load(tmp_path)).decide(Label("X", "council", "Fostering"))
    assert (d.cofog, d.cofog_group) == ("09", None) and "our-fostering" in d.reason


def test_a_function_is_never_swallowed_by_a_theme_rule():
    from totalplace.classify.classifier import Classifier, Label

    c = Classifier(RuleSet.load())
    assert c.decide(Label("X", "council", "", "Electricity Street Lighting")).cofog_group == "06.4"
    assert c.decide(Label("X", "council", "Gas Servicing Council Housing")).cofog_group == "06.1"


def test_a_workspaces_rules_are_read_once_until_its_own_files_change(tmp_path):
    import totalplace as tp
    from totalplace.classification import rule_set

    ws = tp.init_workspace(tmp_path / "ws", "rules")
    first = rule_set(ws)
    assert rule_set(ws) is first
    (ws.root / "classify_rules.csv").write_text(HEADER + "nstrg,label,nstrg,03.2,,3,,Lancashire's fire stations\n")
    changed = rule_set(ws)
    assert changed is not first and changed.rules[0].rule == "nstrg"
    (ws.root / "classify_rules.csv").write_text(HEADER + "nstrg,label,nstrg,3.2,,3,,\n")
    with pytest.raises(RuleFileError, match=r"classify_rules.csv, row 2, column cofog"):
        rule_set(ws)  # a mistake is found however often it is asked
    with pytest.raises(RuleFileError):
        rule_set(ws)
