"""Money: every way publishers write an amount becomes the same integer pence, in Python and in SQL."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from totalplace.engine import Engine
from totalplace.money import MAX_POUNDS, format_pounds, parse_pence


@pytest.fixture(scope="module")
def engine():
    with Engine() as e:
        yield e


def sql_pence(engine: Engine, text: str):
    return engine.one("SELECT tp_pence(?)", [text])[0]


EXAMPLES = {
    "1234.56": 123456,
    "1,234.56 ": 123456,
    "£2,681.94": 268194,
    "-£16,902.11": -1690211,
    "£-16,902.11": -1690211,
    "(1,234.56)": -123456,
    "1,234.56-": -123456,
    "123.45 CR": -12345,
    "558.82000000000005": 55882,
    "2430.9100000000003": 243091,
    "672.4499999999999": 67245,
    "1.5E+06": 150000000,
    "+12": 1200,
    ".5": 50,
    "GBP 12.00": 1200,
    "\u00a0500.00\u00a0": 50000,
    "0.005": 1,
    "-0.005": -1,
    "5303.57 ": 530357,
}
NOT_AMOUNTS = ["1e22", "1E+30", "9e31", "3E31", "92233720368547758.00", "", "   ", "abc", "12,50", "1_000", "--5", "(-5)", "1.2.3", "£", "5 e3", "PRIVATE RESIDENTIAL CARE", "1,00,000"]


@pytest.mark.parametrize("text,pence", EXAMPLES.items())
def test_published_forms_parse_to_pence(engine, text, pence):
    assert parse_pence(text) == pence
    assert sql_pence(engine, text) == pence


@pytest.mark.parametrize("text", NOT_AMOUNTS)
def test_non_amounts_are_refused(engine, text):
    assert parse_pence(text) is None
    assert sql_pence(engine, text) is None


def _render(pence: int, style: int) -> str:
    sign, whole, part = ("-" if pence < 0 else ""), abs(pence) // 100, abs(pence) % 100
    plain, grouped = f"{whole}.{part:02d}", f"{whole:,}.{part:02d}"
    if not sign:
        return [plain, grouped, f"£{grouped}", f" {grouped} ", f"GBP {plain}", f"+{plain}"][style % 6]
    return [f"-{plain}", f"-£{grouped}", f"£-{grouped}", f"({grouped})", f"{grouped}-", f"{plain} CR"][style % 6]


@settings(max_examples=400, deadline=None)
@given(st.integers(min_value=-(MAX_POUNDS * 100 - 1), max_value=MAX_POUNDS * 100 - 1), st.integers(min_value=0, max_value=5))
def test_every_rendering_round_trips(engine, pence, style):
    text = _render(pence, style)
    assert parse_pence(text) == pence
    assert sql_pence(engine, text) == pence


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=-10**11, max_value=10**11))
def test_excel_float_noise_rounds_to_the_penny(pence):
    noisy = (pence - 7) / 100 + 0.07  # a sum computed in binary floating point, as Excel stores it
    assert parse_pence(repr(noisy)) == pence


@settings(max_examples=80, deadline=None)
@given(st.lists(st.text(alphabet="0123456789,.£-()+ CRGBPeE_\u00a0\t١", max_size=40), min_size=50, max_size=50))
def test_sql_and_python_agree_on_any_text(engine, texts):
    in_sql = engine.one("SELECT list_transform(?::VARCHAR[], lambda x: tp_pence(x))", [texts])[0]
    assert in_sql == [parse_pence(t) for t in texts]


def test_format_pounds():
    assert format_pounds(123456) == "£1,234.56"
    assert format_pounds(-5) == "-£0.05"
    assert format_pounds(None) == ""


@pytest.mark.parametrize("text", ["7e9.", "0E54", "80e-220592", "1e-7", "5e400", "0.0000005", "-0", "00012"])
def test_odd_numbers_get_the_same_answer_in_sql_and_python(engine, text):
    assert sql_pence(engine, text) == parse_pence(text)


@settings(max_examples=500, deadline=None)
@given(st.one_of(
    st.text(alphabet="0123456789.-", max_size=20),
    st.builds(lambda sign, pounds, point, pence: f"{sign}{pounds}{point}{pence}", st.sampled_from(["", "-", "+"]),
              st.integers(0, 10**16), st.sampled_from(["", "."]), st.sampled_from(["", "0", "5", "05", "50", "99", "995"])),
))
def test_the_plain_shape_gives_what_the_rule_gives(text):
    from totalplace.money import _SPACES, _by_the_rule

    trimmed = text.strip(_SPACES)
    assert parse_pence(text) == (_by_the_rule(trimmed) if trimmed else None)
