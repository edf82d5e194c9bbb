"""Revenue outturn (RS) lines mapped to COFOG, line by line, and found in both years' returns."""

from __future__ import annotations

import pytest
from python_calamine import CalamineWorkbook

from totalplace.classify.outturn import KINDS, find_line, outturn_lines
from totalplace.classify.reference import cofog_codes


def test_every_line_has_a_kind_and_real_codes_and_a_note():
    for line in outturn_lines().values():
        assert line.kind in KINDS, line
        assert line.cofog is None or line.cofog in cofog_codes(), line
        assert line.cofog_group is None or (line.cofog_group in cofog_codes() and line.cofog_group.startswith(line.cofog)), line
        assert line.note, line


def test_the_service_lines_map_as_a_finance_officer_expects():
    expected = {190: ("09", None), 290: ("04", "04.5"), 330: ("10", "10.4"), 360: ("10", None), 390: ("07", "07.4"),
                490: ("10", "10.6"), 509: ("08", None), 590: ("05", None), 599: ("06", "06.2"), 601: ("03", "03.1"),
                602: ("03", "03.2"), 690: ("01", None), 698: (None, None), 711: ("10", "10.6"), 981: ("06", "06.1")}
    for number, codes in expected.items():
        line = outturn_lines()[number]
        assert (line.cofog, line.cofog_group) == codes, line
    counted = {n for n, line in outturn_lines().items() if line.counted}
    assert {190, 290, 360, 711, 712, 713, 981} <= counted and not {699, 749, 714, 721, 786, 851, 931} & counted


def test_lines_are_found_by_number_or_by_either_years_name():
    assert find_line("whatever", 390.0).line == 390
    assert find_line("Flexible use of Capital Receipts (4)").line == 767
    assert find_line("Parish precepts ").line == 721
    assert find_line("NET CURRENT EXPENDITURE(TOTAL OF LINES 699to748)").line == 749
    assert find_line("Interest payable and similar charges").line == 781
    assert find_line("Interest payable and similar charges ", section="Icelandic bank impairment").line == 951
    assert find_line("Not a line of the return") is None


@pytest.mark.real
def test_every_column_of_both_real_returns_is_mapped(real):
    folder = real / "reference_finance"
    rows = CalamineWorkbook.from_path(folder / "MHCLG_RS_2017-18_data_by_LA.xlsx").get_sheet_by_name("RS LA Data 2017-18").to_python()
    columns = [(number, name) for number, name in zip(rows[5][5:], rows[6][5:]) if name]
    assert len(columns) == 95
    assert [(n, name) for n, name in columns if find_line(name, n) is None] == []
    assert [find_line(name, n).line for n, name in columns[:13]] == [190, 290, 330, 360, 390, 490, 509, 590, 599, 601, 602, 690, 698]
    book = CalamineWorkbook.from_path(folder / "MHCLG_RS_2014-15_data_by_LA.xls")
    for sheet in ("RS LA Data 2014-15 (1)", "RS LA Data 2014-15 (2)"):
        rows = book.get_sheet_by_name(sheet).to_python()
        section, found = "", []
        for heading, name in zip(rows[4][6:], rows[5][6:]):
            section = heading or section
            if name:
                found.append(find_line(name, section=section))
        assert len(found) == 84 and None not in found
        assert [line.line for line in found[:13]] == [190, 290, 330, 360, 390, 490, 509, 590, 599, 601, 602, 690, 698]
        numbers = [line.line for line in found]
        assert {781, 786, 951, 952} <= set(numbers) and len(set(numbers)) == 84
