"""Writers that lay synthetic payments out the ways real publishers do (each modelled on a real file).

  lga_csv          LGA/opendatacommunities schema, UTF-8, CRLF (Trafford 2026-27)
  preamble_cp1252  cp1252 with £ in header and amounts, report preamble, Total row, trailing blank rows,
                   no body column (Lambeth 2012 and Hyndburn 2017)
  bvacop_csv       UTF-8 with BOM, statistics.data.gov.uk body URIs, quoted "1,100.00" amounts (Trafford 2014)
  csv_named_xls    a CSV named .xls, cp1252, dd.mm.yyyy dates, £ amounts (Manchester 2014)
  monthly_xlsx     one sheet per month, Excel dates, float noise in amounts, TOTAL header (Lancashire PCC)
  icb_xlsx         an NHS ICB's payments: ICB, Payment Date, Supplier, Amount (NHS ICB compilation)
  ods              an OpenDocument spreadsheet (ODS is accepted; no real file here uses it)

Every writer returns what it wrote — rows, total pence, declared total — so tests can check the ledger
against it to the penny.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable
from xml.sax.saxutils import escape

import xlsxwriter

from .payments import SYNTHETIC_LABEL, Payment, pounds_text


@dataclass(frozen=True)
class DemoBody:
    code: str
    name: str
    snac: str
    slug: str
    uri_kind: str  # opendatacommunities path segment, e.g. "county-council"


@dataclass
class Written:
    path: Path
    layout: str
    rows: int
    total_pence: int
    declared_total_pence: int | None = None
    body_given: str | None = None  # the --body to pass, for layouts with no body column
    sheets: int = 1


def _csv_writer(f: io.TextIOBase, newline: str = "\r\n") -> "csv._writer":
    return csv.writer(f, lineterminator=newline)


def write_lga_csv(path: Path, body: DemoBody, rows: Iterable[Payment]) -> Written:
    count = total = 0
    uri = f"https://opendatacommunities.org/id/{body.uri_kind}/{body.slug}"
    with path.open("w", encoding="utf-8", newline="") as f:
        w = _csv_writer(f)
        w.writerow(["OrganisationLabel", "OrganisationURI", "EffectiveDate", "OrganisationalUnit", "BeneficiaryName",
                    "BeneficiaryOtherID", "PaymentDate", "TransactionNumber", "Amount", "IrrecoverableVATAmount",
                    "Purpose", "ProclassLabel", "ProclassCode", "VATRegistrationNumber"])
        for p in rows:
            end = (p.date.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
            w.writerow([body.name, uri, end.isoformat(), p.service, p.supplier, p.supplier_id, p.date.isoformat(),
                        f"51{p.number:08d}", pounds_text(p.amount_pence), "0.00", p.description, p.expense_type,
                        p.expense_code, "NA" if p.supplier_id == "REDACTED" else f"GB{p.number % 999999999:09d}"])
            count += 1
            total += p.amount_pence
    return Written(path, "lga_csv", count, total)


def write_preamble_cp1252(path: Path, body: DemoBody, rows: Iterable[Payment]) -> Written:
    count = total = 0
    with path.open("w", encoding="cp1252", newline="") as f:
        w = _csv_writer(f)
        w.writerow([f"{body.name} - Payments over £500 ({SYNTHETIC_LABEL})", "", "", "", "", ""])
        w.writerow(["", "", "", "", "", ""])
        w.writerow(["Report Date: 02/07/2024 16:59:18", "", "", "", "", ""])
        w.writerow(["Invoice Threshold Nett Amt: 500", "", "", "", "", ""])
        w.writerow(["", "", "", "", "", ""])
        w.writerow(["Department", "Supplier Name", "Payment Date", "Net Amount(£)", "Expense Type", "Description"])
        for p in rows:
            w.writerow([p.directorate, p.supplier, p.date.strftime("%d/%m/%Y"),
                        pounds_text(p.amount_pence, currency=True, thousands=True), p.expense_type, p.description])
            count += 1
            total += p.amount_pence
        w.writerow(["", "", "", "", "", ""])
        w.writerow(["Total", "", "", pounds_text(total, currency=True, thousands=True), "", ""])
        w.writerow(["", "", "", "", "", ""])
        w.writerow(["", "", "", "", "", ""])
    return Written(path, "preamble_cp1252", count, total, declared_total_pence=total, body_given=body.name)


def write_bvacop_csv(path: Path, body: DemoBody, rows: Iterable[Payment]) -> Written:
    count = total = 0
    uri = f"http://statistics.data.gov.uk/id/local-authority/{body.snac}"
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = _csv_writer(f)
        w.writerow(["Body", "Body name", "Date", "Transaction number", "Invoice Number", "Amount", "Supplier Name",
                    "Supplier ID", "VAT Registration Number", "Expense Area", "Expense Type", "Expense Code"])
        for p in rows:
            w.writerow([uri, body.name, p.date.strftime("%d/%m/%Y"), f"19{p.number:08d}", p.service.upper(),
                        pounds_text(p.amount_pence, thousands=True), p.supplier.upper(), p.supplier_id, "",
                        p.directorate.upper(), p.expense_type.upper(), p.expense_code])
            count += 1
            total += p.amount_pence
    return Written(path, "bvacop_csv", count, total)


def write_csv_named_xls(path: Path, body: DemoBody, rows: Iterable[Payment]) -> Written:
    count = total = 0
    with path.open("w", encoding="cp1252", newline="") as f:
        w = _csv_writer(f)
        w.writerow(["Body Name", "Service Area", "Expenses Type", "Invoice Payment Date", "Transaction Number",
                    "Net Amount", "Supplier Name"])
        for p in rows:
            w.writerow([body.name, p.directorate, p.expense_type, p.date.strftime("%d.%m.%Y"), f"190{p.number:07d}",
                        pounds_text(p.amount_pence, currency=True, thousands=True), p.supplier])
            count += 1
            total += p.amount_pence
    return Written(path, "csv_named_xls", count, total)


def write_monthly_xlsx(path: Path, body: DemoBody, rows: Iterable[Payment]) -> Written:
    """One sheet per calendar month, as the Lancashire PCC publishes; amounts carry binary float noise."""
    by_month: dict[tuple[int, int], list[Payment]] = {}
    for p in rows:
        by_month.setdefault((p.date.year, p.date.month), []).append(p)
    count = total = 0
    workbook = _workbook(path)
    date_format = workbook.add_format({"num_format": "dd/mm/yyyy"})
    for (year, month), payments in sorted(by_month.items()):
        sheet = workbook.add_worksheet(dt.date(year, month, 1).strftime("%b %y").upper())
        sheet.write_row(0, 0, ["* Expenditure Category", "* Date", "TOTAL", "* SUPPLIER FINAL"])
        for r, p in enumerate(payments, start=1):
            sheet.write_string(r, 0, f"{p.category} - {p.expense_type}")
            sheet.write_datetime(r, 1, dt.datetime.combine(p.date, dt.time()), date_format)
            sheet.write_number(r, 2, (p.amount_pence - 7) / 100 + 0.07)  # a sum, as Excel computes it
            sheet.write_string(r, 3, p.supplier.upper())
            count += 1
            total += p.amount_pence
    workbook.close()
    return Written(path, "monthly_xlsx", count, total, body_given=body.name, sheets=len(by_month))


def write_icb_xlsx(path: Path, body: DemoBody, rows: Iterable[Payment]) -> Written:
    count = total = 0
    workbook = _workbook(path)
    date_format = workbook.add_format({"num_format": "dd/mm/yyyy"})
    sheet = workbook.add_worksheet(body.name[:31])
    sheet.write_row(0, 0, ["ICB", "Payment Date", "Supplier", "Amount"])
    for r, p in enumerate(rows, start=1):
        sheet.write_string(r, 0, body.name)
        sheet.write_datetime(r, 1, dt.datetime.combine(p.date, dt.time()), date_format)
        sheet.write_string(r, 2, p.supplier.upper())
        sheet.write_number(r, 3, p.amount_pence / 100)
        count += 1
        total += p.amount_pence
    workbook.close()
    return Written(path, "icb_xlsx", count, total)


def write_ods(path: Path, body: DemoBody, rows: Iterable[Payment]) -> Written:
    count = total = 0
    cells: list[str] = []
    header = ["Body Name", "Payment Date", "Supplier Name", "Amount", "Service Area"]
    cells.append("<table:table-row>" + "".join(_ods_text(h) for h in header) + "</table:table-row>")
    for p in rows:
        cells.append(
            "<table:table-row>" + _ods_text(body.name)
            + f'<table:table-cell office:value-type="date" office:date-value="{p.date.isoformat()}"/>'
            + _ods_text(p.supplier)
            + f'<table:table-cell office:value-type="float" office:value="{p.amount_pence / 100}"/>'
            + _ods_text(p.service) + "</table:table-row>"
        )
        count += 1
        total += p.amount_pence
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="Payments">'
        + "".join(cells)
        + "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype", date_time=FIXED_TIME.timetuple()[:6]), "application/vnd.oasis.opendocument.spreadsheet")
        zip_member(z, "META-INF/manifest.xml", manifest.encode())
        zip_member(z, "content.xml", content.encode())
    return Written(path, "ods", count, total)


FIXED_TIME = dt.datetime(2024, 1, 1, 0, 0, 0)


def _workbook(path: Path) -> xlsxwriter.Workbook:
    """A workbook whose bytes depend only on its content (no creation time), so a seed gives the same file."""
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    workbook.set_properties({"created": FIXED_TIME, "comments": SYNTHETIC_LABEL})
    return workbook


def zip_member(z: zipfile.ZipFile, name: str, data: bytes) -> None:
    """Add a member with a fixed timestamp, so the archive's bytes depend only on its content."""
    info = zipfile.ZipInfo(name, date_time=FIXED_TIME.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    z.writestr(info, data)


def _ods_text(value: str) -> str:
    return f'<table:table-cell office:value-type="string"><text:p>{escape(value)}</text:p></table:table-cell>'


Writer = Callable[[Path, DemoBody, Iterable[Payment]], Written]
LAYOUTS: dict[str, tuple[Writer, str]] = {
    "lga_csv": (write_lga_csv, ".csv"),
    "preamble_cp1252": (write_preamble_cp1252, ".csv"),
    "bvacop_csv": (write_bvacop_csv, ".csv"),
    "csv_named_xls": (write_csv_named_xls, ".xls"),
    "monthly_xlsx": (write_monthly_xlsx, ".xlsx"),
    "icb_xlsx": (write_icb_xlsx, ".xlsx"),
    "ods": (write_ods, ".ods"),
}
