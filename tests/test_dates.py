"""Dates: every published date form becomes a date and a precision, in Python and in SQL, UK day-first."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from totalplace.dates import parse_date, parse_date_either_order
from totalplace.engine import Engine


@pytest.fixture(scope="module")
def engine():
    with Engine() as e:
        yield e


def sql_date(engine: Engine, text: str, mdy: bool = False):
    row = engine.one(
        "SELECT tp_date(trim(?, ' \t\r\n\u00a0'), ?), "
        "CASE WHEN tp_date(trim(?, ' \t\r\n\u00a0'), ?) IS NOT NULL THEN tp_date_precision(trim(?, ' \t\r\n\u00a0')) END",
        [text, mdy, text, mdy, text],
    )
    return None if row[0] is None else (row[0], row[1])


def sql_dates(engine: Engine, texts: list[str]) -> list:
    """Many texts through the SQL macros in one query (one query per value would be slow)."""
    rows = engine.one(
        "SELECT list_transform(?::VARCHAR[], lambda x: tp_date(trim(x, ' \t\r\n\u00a0'), false)), "
        "list_transform(?::VARCHAR[], lambda x: tp_date_precision(trim(x, ' \t\r\n\u00a0')))",
        [texts, texts],
    )
    return [None if d is None else (d, p) for d, p in zip(rows[0], rows[1])]


EXAMPLES = {
    "31/01/2024": (dt.date(2024, 1, 31), "day"),
    "1/2/2014": (dt.date(2014, 2, 1), "day"),
    "24/09/14": (dt.date(2014, 9, 24), "day"),
    "31-01-2024": (dt.date(2024, 1, 31), "day"),
    "01.09.2014": (dt.date(2014, 9, 1), "day"),
    "2022-05-03": (dt.date(2022, 5, 3), "day"),
    "2024-04-02 01:00:00": (dt.date(2024, 4, 2), "day"),
    "2024-04-02T23:59:59Z": (dt.date(2024, 4, 2), "day"),
    "11-Jul-2012": (dt.date(2012, 7, 11), "day"),
    "01-JUN-2012": (dt.date(2012, 6, 1), "day"),
    "11 July 2012": (dt.date(2012, 7, 11), "day"),
    "1st Sept 2014": (dt.date(2014, 9, 1), "day"),
    "20240131": (dt.date(2024, 1, 31), "day"),
    "45383": (dt.date(2024, 4, 1), "day"),
    "45383.041666666664": (dt.date(2024, 4, 1), "day"),
    "Sep 2014": (dt.date(2014, 9, 1), "month"),
    "Sept-14": (dt.date(2014, 9, 1), "month"),
    "September 2014": (dt.date(2014, 9, 1), "month"),
    "2014-09": (dt.date(2014, 9, 1), "month"),
    "201409": (dt.date(2014, 9, 1), "month"),
    "202205": (dt.date(2022, 5, 1), "month"),
}
NOT_DATES = ["0000-01-01", "0000-01-01 10:00:00", "31/12/0000", "31.12.0000", "31-Dec-0000", "30/02/2024", "13/13/2013", "2024-13-01", "hello", "12345", "99999", "25/06/2012900", "Smarch 2014", "2024"]


@pytest.mark.parametrize("text,expected", EXAMPLES.items())
def test_published_forms(engine, text, expected):
    assert parse_date(text) == expected
    assert sql_date(engine, text) == expected


@pytest.mark.parametrize("text", NOT_DATES)
def test_non_dates_are_refused(engine, text):
    assert parse_date(text) is None
    assert sql_date(engine, text) is None


def test_month_first_when_told(engine):
    assert parse_date("05/23/2022", order="mdy") == (dt.date(2022, 5, 23), "day")
    assert sql_date(engine, "05/23/2022", mdy=True) == (dt.date(2022, 5, 23), "day")
    assert parse_date("05/23/2022") is None  # day-first: there is no month 23


DAY_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%d-%b-%Y",
               "%d %B %Y", "%Y%m%d", "%Y/%m/%d", "%d-%b-%y", "%-d/%-m/%Y"]
MONTH_FORMATS = ["%b %Y", "%B %Y", "%Y-%m", "%Y%m", "%b-%y"]


days = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2069, 12, 31))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(days, st.sampled_from(DAY_FORMATS)), min_size=30, max_size=30))
def test_day_dates_round_trip(engine, cases):
    texts = [day.strftime(fmt) for day, fmt in cases]
    expected = [(day, "day") for day, _ in cases]
    assert [parse_date(t) for t in texts] == expected
    assert sql_dates(engine, texts) == expected


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(days, st.sampled_from(MONTH_FORMATS)), min_size=30, max_size=30))
def test_month_dates_round_trip(engine, cases):
    texts = [day.strftime(fmt) for day, fmt in cases]
    expected = [(day.replace(day=1), "month") for day, _ in cases]
    assert [parse_date(t) for t in texts] == expected
    assert sql_dates(engine, texts) == expected


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2099, 12, 31)),
                          st.floats(min_value=0, max_value=0.99)), min_size=30, max_size=30))
def test_excel_serials_with_time_of_day(engine, cases):
    texts = []
    for day, fraction in cases:
        serial = (day - dt.date(1899, 12, 30)).days + fraction
        texts.append(repr(serial) if fraction else str(int(serial)))
    expected = [(day, "day") for day, _ in cases]
    assert [parse_date(t) for t in texts] == expected
    assert sql_dates(engine, texts) == expected


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet="0123456789/-.: TZsepjunSEPJUNtembr١", max_size=24), min_size=50, max_size=50))
def test_sql_and_python_agree_on_any_text(engine, texts):
    assert sql_dates(engine, texts) == [parse_date(t) for t in texts]


@settings(max_examples=400, deadline=None)
@given(st.one_of(
    st.text(alphabet="0123456789/-. :TaApPmM\u00a0", max_size=22),
    st.builds(lambda d, m, y, sep: f"{d}{sep}{m}{sep}{y}", st.integers(0, 40), st.integers(0, 40),
              st.integers(0, 2100), st.sampled_from("/-.")),
    st.text(max_size=12),
))
def test_either_order_is_day_first_or_else_month_first(text):
    assert parse_date_either_order(text) == (parse_date(text) or parse_date(text, order="mdy"))
