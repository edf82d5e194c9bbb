"""The normalising SQL's fast paths give exactly what the rules they stand in for give, on any text."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from totalplace.engine import Engine, sql_string
from totalplace.sources.normalise import TRIM, _trimmed, extra_sql, pence_sql

# the trim as it was before the fast path: the set where a cell holds a tab or a non-breaking space, else trim()
REFERENCE_TRIM = f"CASE WHEN contains(c0, chr(160)) OR contains(c0, chr(9)) THEN trim(c0, {sql_string(TRIM)}) ELSE trim(c0) END"
SPACES = " \t\r\n\u00a0\u2003\u3000\u1680\u202f\u200b\x0b"


@pytest.fixture(scope="module")
def engine():
    with Engine() as e:
        yield e


def _pairs(engine: Engine, fast: str, reference: str, values: list[str | None]) -> list[tuple]:
    return engine.rows(
        f"SELECT c0, {fast}, {reference} FROM (SELECT unnest(?::VARCHAR[]) AS c0)", [values]
    )


AMOUNTS = ["676.81", "-354.48", "£676.81", "-£354.48", "1,100.00", "-£16,902.11", "500", "12.5", "007.50", "-0.00",
           "0", ".5", "5.", "1,234,567.89", "12,50", "1,2345.00", "9999999999999.99", "99999999999999.99",
           "1,234,567,890.12", "£-5", "(1,234.56)", "1,234.56-", "123.45 CR", "GBP 12.00", "1.5E+06",
           "558.82000000000005", "1.005", " 12.00", "12.00 ", "\u00a012.00", "+12.00", "1_000", "", None, "£", "-", ".",
           "12.345", "0.001", "£1,234", "1,234", "٣"]


def test_pence_fast_path_matches_the_money_rule(engine):
    for text, fast, rule in _pairs(engine, pence_sql("c0"), "tp_pence(c0)", AMOUNTS):
        assert fast == rule, text


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet="0123456789,.£-()+ CRGBPeE_\u00a0\t", max_size=24), min_size=50, max_size=50))
def test_pence_fast_path_matches_the_money_rule_on_any_text(engine, texts):
    for text, fast, rule in _pairs(engine, pence_sql("c0"), "tp_pence(c0)", texts):
        assert fast == rule, text


TRIMS = ["abc", " abc ", "\tabc", "abc\t", "\u00a0abc\u00a0", "abc\u00a0", "a\u00a0b", "\u2003abc\u2003", "abc\u3000",
         "\nabc\n", "abc\r\n", "a\tb ", " ", "", None, "é", " é ", "e\u0301", "abc\u200b", "\x0babc", "😀", " 😀 ",
         "x\u0600 ", "~", "!", "\x7f", "a\x7f"]


def test_trim_fast_path_matches_the_trim(engine):
    for text, fast, reference in _pairs(engine, _trimmed(0), REFERENCE_TRIM, TRIMS):
        assert fast == reference, repr(text)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet=SPACES + "ab~!é\u0301😀\x7f", max_size=8), min_size=50, max_size=50))
def test_trim_fast_path_matches_the_trim_on_any_text(engine, texts):
    for text, fast, reference in _pairs(engine, _trimmed(0), REFERENCE_TRIM, texts):
        assert fast == reference, repr(text)


def _merged(columns: list[tuple[str, str]]) -> str:
    pairs = ", ".join(f"{sql_string(h)}, {v}" for h, v in columns)
    return f"NULLIF(json_merge_patch('{{}}', json_object({pairs}))::VARCHAR, '{{}}')"


VALUE = st.one_of(st.none(), st.text(alphabet='ab "\\/\t\n\x01\u00e9\u2028😀{}:,', min_size=1, max_size=6))


@settings(max_examples=80, deadline=None)
@given(st.lists(st.text(alphabet='Ab "\\é:,\t', min_size=1, max_size=5), min_size=1, max_size=4, unique=True),
       st.lists(VALUE, min_size=4, max_size=4))
def test_extra_json_is_the_merged_json_object(engine, headers, values):
    columns = [(h, f"c{i}") for i, h in enumerate(headers)]
    select = ", ".join(f"?::VARCHAR AS c{i}" for i in range(len(headers)))
    fast, merged = engine.one(f"SELECT {extra_sql(columns)}, {_merged(columns)} FROM (SELECT {select})",
                              values[: len(headers)])
    assert fast == merged


def test_extra_json_with_equal_headers_falls_back_to_the_merge(engine):
    columns = [("a", "'1'"), ("a", "'2'")]
    assert extra_sql(columns) == _merged(columns)
    assert extra_sql([]) == "NULL::VARCHAR"
