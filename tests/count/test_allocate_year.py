"""Sharing money exactly, and reading financial years."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from totalplace.count.allocate import allocate
from totalplace.count.year import FinancialYear, YearError


@given(st.integers(min_value=-10**13, max_value=10**13),
       st.dictionaries(st.text(min_size=1, max_size=4), st.integers(min_value=0, max_value=10**7), min_size=1, max_size=40)
       .filter(lambda w: sum(w.values()) > 0))
def test_shares_add_up_to_the_sum_to_the_penny(pence, weights):
    shares = allocate(pence, weights)
    assert sum(shares.values()) == pence
    total = sum(weights.values())
    for key, share in shares.items():  # each share within a penny of its exact value
        assert abs(Fraction(share) - Fraction(pence * weights[key], total)) < 1


def test_leftover_pence_go_to_the_largest_remainders_then_by_code():
    assert allocate(100, {"a": 1, "b": 1, "c": 1}) == {"a": 34, "b": 33, "c": 33}
    assert allocate(-100, {"a": 1, "b": 1, "c": 1}) == {"a": -34, "b": -33, "c": -33}
    assert allocate(10, {"x": Fraction(1, 3), "y": Fraction(2, 3)}) == {"x": 3, "y": 7}
    with pytest.raises(ValueError):
        allocate(5, {"a": 0})


def test_financial_years():
    assert FinancialYear.parse("2017-18").label == "2017-18"
    assert FinancialYear.parse("2017/2018").first_day.isoformat() == "2017-04-01"
    assert FinancialYear.parse("2014").last_day.isoformat() == "2015-03-31"
    assert FinancialYear.parse("1999-00").label == "1999-00"
    for bad in ("2017-19", "17-18", "next year"):
        with pytest.raises(YearError):
            FinancialYear.parse(bad)
