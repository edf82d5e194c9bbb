"""Deciding labels: single-purpose bodies, the strongest rule, ambiguity, no function, the learned fallback."""

from __future__ import annotations

import pytest

from totalplace.classify.classifier import Classifier, Label
from totalplace.classify.decisions import person_decision, training_examples
from totalplace.classify.learned import Example, LearnedModel
from totalplace.classify.rules import RuleSet


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier(RuleSet.load())


def council(service: str, expense: str = "") -> Label:
    return Label("LDS", "council", service, expense)


def test_a_fire_authority_spends_on_fire_whatever_its_labels_say(classifier):
    d = classifier.decide(Label("E31000023", "fire", "", "lfrs.expenditure.supplies & services.computer software"))
    assert (d.cofog, d.cofog_group, d.method, d.confidence) == ("03", "03.2", "body", 0.95)
    assert "fire and rescue authority" in d.reason


def test_police_spending_is_community_safety(classifier):
    d = classifier.decide(Label("E23000003", "police", "", "Police - Other Third Party Payments"))
    assert (d.cofog_group, d.themes) == ("03.1", ("community-safety",))


def test_an_icb_payment_takes_its_group_from_the_payee(classifier):
    gp = classifier.decide(Label("E54000043", "nhs_icb", supplier="PRIORY MEDICAL CENTRE"))
    trust = classifier.decide(Label("E54000043", "nhs_icb", supplier="GLOUCESTERSHIRE HOSPITALS NHS FOUNDATION TRUST"))
    other = classifier.decide(Label("E54000043", "nhs_icb", supplier="SOME SUPPLIES LTD"))
    assert (gp.cofog_group, trust.cofog_group, other.cofog, other.cofog_group) == ("07.2", "07.3", "07", None)
    assert "group from supplier" in gp.reason


def test_a_service_area_speaks_over_its_directorate(classifier):
    d = classifier.decide(council("Adults and Health / Services For Older People Under 65 P/Dis", "Third Party Payments"))
    assert (d.cofog, d.cofog_group, d.themes, d.method) == ("10", "10.1", ("disability",), "rule")


def test_an_expense_that_names_a_service_beats_a_broad_directorate(classifier):
    d = classifier.decide(Label("MAN", "council", "Childrens Services", "HOME TO SCHOOL TRANSPORT"))
    assert d.cofog_group == "09.6" and "children-and-young-people" in d.themes


def test_a_directorate_of_two_functions_cannot_decide_alone(classifier):
    alone = classifier.decide(council("Children's Social Care & Lifelong Learning", "Supplies and Services"))
    assert alone.cofog is None and alone.reason.startswith("ambiguous") and "name several functions" in alone.reason
    helped = classifier.decide(council("Children's Social Care & Lifelong Learning", "Independent Fostering Agencies"))
    assert helped.cofog_group == "10.4" and "set aside as ambiguous" in helped.reason


def test_a_balance_sheet_code_has_no_function(classifier):
    d = classifier.decide(council("Balance Sheet / Balance Sheet", "NON-BUDGETED / General Debits"))
    assert d.cofog is None and d.method == "unclassified" and d.reason.startswith("no function can be told")


def test_no_rule_is_said(classifier):
    d = classifier.decide(council("Aireview House", "External services"))
    assert (d.cofog, d.reason) == (None, "no rule matched 'Aireview House / External services'")


def test_a_bodys_own_default_is_used_where_no_rule_speaks(classifier):
    d = classifier.decide(Label("GPA", "central_government", "Head Lease Rent", "Rent"))
    assert (d.cofog_group, d.method, d.confidence) == ("01.3", "body", 0.6)
    assert "capital-and-assets" in d.themes


def test_a_persons_decision_is_theirs():
    d = person_decision({"cofog": "08", "cofog_group": "08.2", "themes": ["capital-and-assets"], "note": "Skipton Town Hall is a concert venue"})
    assert (d.cofog, d.cofog_group, d.method, d.confidence, d.reason) == ("08", "08.2", "person", 1.0, "Skipton Town Hall is a concert venue")
    none = person_decision({"cofog": "none", "themes": [], "note": ""})
    assert none.cofog is None and none.reason == "a person decided no function can be told"


def test_the_learned_model_decides_only_what_no_rule_does_and_says_how_sure(classifier):
    # a publisher whose cost centres carry a code the rules do not know, next to words they do
    labels = [council(f"ZQ{n} Refuse Collection Round {n}") for n in range(30)] + \
             [council(f"XK{n} Library Branch {n}") for n in range(30)]
    decisions = classifier.decide_many(labels)
    examples = training_examples(labels, decisions)
    assert len(examples) == 60 and {e.division for e in examples} == {"05", "08"}
    model = LearnedModel.fit(examples)
    learned = Classifier(classifier.rules, model)
    (unknown,) = learned.decide_many([council("ZQ99 Round 99")])
    assert unknown.method == "learned" and unknown.cofog == "05"
    assert unknown.reason.startswith("learned from labels the rules decided: 05.1 Waste management")
    (ruled,) = learned.decide_many([council("XK1 Highways Maintenance")])
    assert ruled.method == "rule"  # a rule spoke: the model is not asked


def test_a_model_is_trained_only_when_a_label_needs_one(classifier):
    from totalplace.classify.decisions import decide_labels

    known = [council(f"ZQ{n} Refuse Collection Round {n}") for n in range(30)] + \
            [council(f"XK{n} Library Branch {n}") for n in range(30)]
    decisions, model = decide_labels(classifier.rules, known, {})
    assert model is None and {d.method for d in decisions} == {"rule"}  # every label decided: nothing to learn for
    decisions, model = decide_labels(classifier.rules, known + [council("ZQ99 Round 99")], {})
    assert model is not None and decisions[-1].method == "learned" and decisions[-1].cofog == "05"


def test_the_model_needs_enough_examples_of_more_than_one_kind():
    assert LearnedModel.fit([Example(council("A"), "05", "05.1")] * 100) is None
    assert LearnedModel.fit([Example(council("A"), "05", None), Example(council("B"), "08", None)] * 10) is None


def test_a_model_not_sure_enough_leaves_the_label_unclassified_and_says_so(classifier):
    labels = [council(f"Refuse Collection {n}") for n in range(30)] + [council(f"Library {n}") for n in range(30)]
    model = LearnedModel.fit(training_examples(labels, classifier.decide_many(labels)))
    unsure = Classifier(classifier.rules, model, model_threshold=0.99)
    (d,) = unsure.decide_many([council("Qwerty Asdf")])
    assert d.cofog is None and "is not confident" in d.reason


def test_a_label_with_no_words_is_never_guessed(classifier):
    labels = [council(f"Refuse Collection {n}") for n in range(30)] + [council(f"Library {n}") for n in range(30)]
    model = LearnedModel.fit(training_examples(labels, classifier.decide_many(labels)))
    (d,) = Classifier(classifier.rules, model, model_threshold=0.0).decide_many([Label("LBH", "council")])
    assert (d.cofog, d.reason) == (None, "no rule matched '(no labels)'")


@pytest.mark.parametrize(("service", "expense", "code"), [
    # service lines of CIPFA's Service Reporting Code of Practice, as councils name them
    ("Place / School Crossing Patrols", "Employees", "04.5"),
    ("Highways / Gully Emptying", "Contract Payments", "04.5"),
    ("Neighbourhoods / Civic Amenity Sites", "Contractors", "05.1"),
    ("Coroners", "Post Mortem Fees", "03.3"),
    ("People / Short Breaks", "Private Contractors", "10.4"),
    ("People / Semi Independent Living", "Placements", "10.4"),
    ("Adult Services", "Deferred Payments", "10"),
    ("Democratic Services / Electoral Registration Officer", "Printing", "01.1"),
    # cost-centre names cut at 20 characters
    ("Hale Lib Building", "Gas", "08.2"),
    ("Oldfield Brow Prim", "Catering Provisions", "09.1"),
])
def test_the_general_vocabulary_of_councils_services(classifier, service, expense, code):
    d = classifier.decide(Label("XYZ", "council", service, expense))
    assert (d.cofog_group or d.cofog) == code, d.reason


@pytest.mark.parametrize(("service", "expense"), [
    ("People", "Supplies and Services"),  # adults and children: no function by itself
    ("Economy and Environment", "Private Contractors"),
    ("Resources", "Student Loans"),  # payroll deductions are not spending on a function
    ("Director of Ops", "Consultants"),  # operations, not older people's services
    ("Place", "Pool Cars"),  # not swimming pools
])
def test_a_directorate_of_several_services_or_a_deduction_from_pay_says_no_function(classifier, service, expense):
    d = classifier.decide(Label("XYZ", "council", service, expense))
    assert d.cofog is None, d.reason


def test_a_childrens_directorate_gives_its_theme_whatever_the_function(classifier):
    d = classifier.decide(council("Childrens Services", "Building Works"))
    assert d.cofog is None and set(d.themes) == {"children-and-young-people", "capital-and-assets"}
