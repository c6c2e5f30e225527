"""CSV exports that a spreadsheet cannot turn into formulas (ASVS V1.2.10 / 4.0.3 V5.3.5).

A cell starting with = + - @ TAB or CR is read as a formula by Excel, LibreOffice and Google
Sheets (=HYPERLINK(...) can exfiltrate a row; =cmd|... has run commands). Such a cell gets a
leading apostrophe, which spreadsheets show as text. Every export in the portal goes through
csv_response() or safe_cell().
"""

import csv
from collections.abc import Iterable

from django.http import StreamingHttpResponse

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


class _Echo:
    def write(self, value):
        return value


def csv_rows(header: Iterable, rows: Iterable[Iterable]) -> Iterable[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        yield writer.writerow([safe_cell(cell) for cell in row])


def csv_response(filename: str, header: Iterable, rows: Iterable[Iterable]):
    """A streamed CSV download; `filename` is built by the caller from safe parts only."""
    response = StreamingHttpResponse(csv_rows(header, rows), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
