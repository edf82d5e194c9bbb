"""Finding the header and the meaning of each column, from headers first and content where needed."""

from __future__ import annotations

from totalplace.sources.headers import clean_header, header_key, load_synonyms
from totalplace.sources.layout import detect_layout, find_header

SYN = load_synonyms()


def test_header_cleaning_and_keys():
    assert clean_header("\ufeffName:  ") == "Name"
    assert clean_header("* SUPPLIER FINAL") == "SUPPLIER FINAL"
    assert header_key("Net Amount(£)") == "net amount"
    assert header_key("IrrecoverableVATAmount") == "irrecoverable vat amount"
    assert header_key("OrganisationURI") == "organisation uri"
    assert header_key("Invoice Line Value (net of VAT)") == "invoice line value net of vat"


def test_header_found_below_a_preamble():
    records = [["Lambeth Invoices Over Specified Nett Amount", "", ""], ["", "", ""], ["Report Date: 02/07/2012", "", ""],
               ["Body", "Supplier Name", "Invoice Nett Amount"], ["Lambeth", "A Ltd", "1534.24"]]
    assert find_header(records, SYN) == 3


def test_typos_are_read_as_the_nearest_synonym():
    layout = detect_layout([["", "", "Directotate", "Service divison label", "Supplier", "Transaction Date", "Amount"],
                            ["INSERTED DETAIL", "", "Resources", "ICT", "X Ltd", "2022-09-01", "6277.22"]], SYN)
    assert layout.header_of("directorate") == "Directotate"
    assert layout.header_of("service_area") == "Service divison label"
    assert any("near match" in n for n in layout.notes)
    assert layout.headers[:2] == ["column 1", "column 2"]  # empty headers get names; their content is kept


def test_duplicate_headers_split_into_code_and_description():
    layout = detect_layout([
        ["Supplier Name", "Payment Date", "Account Code", "Account Code", "Cost Centre Code", "Cost Centre Code", "Amount"],
        ["Brenntag Uk Ltd", "24/03/2017", "1740", "Chlorination and Purification", "D105", "Craven Swimming Pool", "696.06"],
        ["F G Marshall Ltd", "31/03/2017", "1130", "Artwork Services", "R190", "Bereavement Services", "665.52"],
    ], SYN)
    assert layout.header_of("expense_code") == "Account Code"
    assert layout.header_of("expense_type") == "Account Code (2)"
    assert layout.header_of("service_code") == "Cost Centre Code"
    assert layout.header_of("service_area") == "Cost Centre Code (2)"


def test_amount_found_by_content_when_the_header_says_nothing():
    layout = detect_layout([["Category", "When", "Sum", "Who"],
                            ["Police - Dog Expenses", "2024-08-15", "719.0", "ANIMAL RELATED SERVICES"],
                            ["Training", "2024-08-06", "-2470.7", "THIRD PARTY"]], SYN)
    assert layout.header_of("amount") == "Sum"
    assert layout.header_of("payment_date") == "When"
    assert "amount column chosen by its content: 'Sum'" in layout.notes


def test_a_supplier_id_column_full_of_names_is_the_supplier():
    layout = detect_layout([["Nstrg(T)", "Supplier ID(T)", "Amount", "Updated"],
                            ["Schools", "Barclaycard - Global Commercial Payments", "15.00", "2022-08-08"]], SYN)
    assert layout.header_of("supplier") == "Supplier ID(T)"


def test_month_first_dates_are_noticed():
    layout = detect_layout([["Supplier", "Date", "Amount"], ["A", "05/23/2022", "1"], ["B", "06/30/2022", "2"]], SYN)
    assert layout.date_order == "mdy"


def test_a_misnamed_amount_column_is_not_trusted():
    layout = detect_layout([["Supplier", "Amount", "Paid", "Date"], ["A", "see note", "12.50", "01/01/2024"],
                            ["B", "n/a", "3.00", "02/01/2024"]], SYN)
    assert layout.header_of("amount") == "Paid"
