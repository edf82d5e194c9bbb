"""Supplier names to counterparties, on a small register built here (the real one is tested in tests/real)."""

from __future__ import annotations

import pytest

from totalplace.match.matcher import Matcher
from totalplace.match.names import kind_and_core, normalise
from totalplace.reference.register import Body, Register, packaged_bodies


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    bodies = [
        Body("HAG", "Harrogate Borough Council", "council", gss="E07000165", names=["Harrogate"], end_date="2023-04-01"),
        Body("CMD", "London Borough of Camden", "council", gss="E09000007", names=["Camden", "London Borough of Camden"]),
        Body("HRY", "London Borough of Haringey", "council", gss="E09000014", names=["Haringey"]),
        Body("BDG", "London Borough of Barking and Dagenham", "council", gss="E09000002", names=["Barking and Dagenham"]),
        Body("LAN", "Lancashire County Council", "council", gss="E10000017", names=["Lancashire"]),
        Body("E23000003", "Police and Crime Commissioner for Lancashire", "police",
             names=["Lancashire Constabulary", "Lancashire Police", "Lancashire PCC"]),
        Body("E31000023", "Lancashire Fire and Rescue Authority", "fire", names=["Lancashire Fire and Rescue Service"]),
        Body("RCB", "York and Scarborough Teaching Hospitals NHS Foundation Trust", "nhs_trust", codes=["RCB"]),
    ]
    return Matcher(Register(bodies + packaged_bodies()))


@pytest.mark.parametrize("supplier,kind,body,method", [
    ("Harrogate Borough Council", "council", "HAG", "alias"),
    ("LB CAMDEN", "council", "CMD", "alias"),
    ("L B Haringey", "council", "HRY", "alias"),
    ("LONDON BOROUGH HARINGEY", "council", "HRY", "alias"),
    ("LONDON BOROUGH OF BARKING AND DAGEN", "council", "BDG", "fuzzy"),
    ("LANCASHIRE COUNTY COUNCIL (200398)", "council", "LAN", "alias"),
    ("Lancashire Constabulary", "police", "E23000003", "alias"),
    ("Office of the Police and Crime Commissioner for Lancashire", "police", "E23000003", "alias"),
    ("LANCASHIRE FIRE & RESCUE SERVICE", "fire", "E31000023", "alias"),
    ("YORK AND SCARBOROUGH TEACHING HOSPITALS NHS FOUNDATION TRUST", "nhs", "RCB", "alias"),
    ("H M Revenue & Customs", "tax_statutory", "HMRC", "alias"),
    ("(DD) Department of Levelling Up, Housing & Comm...", "central_government", "MHCLG", "fuzzy"),
    ("NETWORK RAIL PROPERTY DIVISION", "other_public", "NETWORKRAIL", "fuzzy"),
    ("SUPPLY CHAIN COORDINATION LIMITED", "nhs", "SCCL", "alias"),
    ("Bristol Magistrates Court", "central_government", "HMCTS", "rule"),
])
def test_public_bodies_are_found(matcher, supplier, kind, body, method):
    decision = matcher.match(supplier)
    assert (decision.counterparty_type, decision.body_id, decision.method) == (kind, body, method)


@pytest.mark.parametrize("supplier,kind", [
    ("Police Mutual", "private"),
    ("Council Supplies Ltd", "private"),
    ("The Wildlife Trust", "charity"),
    ("LANCASHIRE CONSTABULARY SPORTS & SOCIAL CLUB", "charity"),
    ("Lancashire Police Federation", "private"),
    ("St Mary's PCC", "charity"),
    ("Refugee Council", "unknown"),
    ("Greater Manchester Police Benevolent Fund", "charity"),
    ("Skipton Town Council", "council"),
    ("Red Architectural Pension Scheme", "unknown"),
    ("Greater Manchester Pension Fund", "pension_fund"),
    ("University of Leeds", "private"),
    ("Trafford Housing Trust", "private"),
    ("Biffa Waste Services Ltd", "private"),
    ("Mr J Smith", "individual"),
    ("Age UK Trafford", "charity"),
    ("Kids Academy", "unknown"),
    ("Abbey Hill Academy", "other_public"),
])
def test_hard_negatives_and_kinds(matcher, supplier, kind):
    decision = matcher.match(supplier)
    assert decision.counterparty_type == kind
    if kind not in ("council", "pension_fund", "other_public"):
        assert decision.body_id is None and not decision.is_public


def test_a_strong_cue_without_a_register_body_is_public_but_names_no_body(matcher):
    decision = matcher.match("Anytown Borough Council")
    assert (decision.counterparty_type, decision.body_id, decision.method) == ("council", None, "rule")
    assert matcher.match("Anytown Police Sports Club").is_public is False


def test_redacted_payees_are_individuals(matcher):
    assert matcher.match("REDACTED PERSONAL DATA", redacted=True).counterparty_type == "individual"


def test_normalising_and_cues():
    assert normalise("R.B KENSINGTON & CHELSEA") == "royal borough of kensington and chelsea"
    assert normalise("Lancashire Care NHS Foundation Trus") == "lancashire care nhs foundation trust"
    assert normalise("Government Actuary`s Department") == "government actuarys department"
    assert kind_and_core("london borough of barking and dagenham") == ("council", "barking and dagenham", True)
    assert kind_and_core("refugee council") == ("council", "refugee", False)
