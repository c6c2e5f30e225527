"""Exports of the statistics: one table as CSV or XLSX, and the yearly Task Force report as one
PDF. Everything exported is released figures (suppression applied), the filters are written at
the top, and there is no personal data to leave out: the tables hold counts, shares and days.
Every cell goes through referral_portal.exports.safe_cell, so no spreadsheet reads a formula.
"""

from io import BytesIO
from xml.sax.saxutils import escape

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER, landscape
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, TableStyle
from reportlab.platypus import Table as PdfTable

from referral_portal import times
from referral_portal.exports import csv_response, safe_cell

from . import suppression
from .statistics import Statistics, released_rows
from .tables import Table

SUPPRESSION_RULE = (
    f'Counts from 1 to {suppression.THRESHOLD - 1} are shown as "{suppression.FEWER_THAN}". '
    f'Other counts marked "{suppression.SUPPRESSED}" are withheld so that a small count cannot '
    "be worked out from the totals. Shares and medians are withheld when they would reveal one."
)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def preamble(stats: Statistics, table: Table, as_of: str) -> list[list[str]]:
    """What the file is: its title, when it was made and when its figures were computed (the
    page it came from says the same: reports/freshness.py), the filters, and the suppression
    rule."""
    made = times.when(timezone.now())
    return [
        [f"New York State victim confirmation: {table.title}"],
        ["Produced", made],
        ["Figures as of", as_of],
        *([label, value] for label, value in stats.filters.described()),
        ["Suppression", SUPPRESSION_RULE],
        *([["Note", table.note]] if table.note else []),
        [],
    ]


def filename(table: Table, stats: Statistics, extension: str) -> str:
    f = stats.filters
    return f"victim-confirmation-{table.slug}-{f.start:%Y%m%d}-{f.end:%Y%m%d}.{extension}"


def csv_export(stats: Statistics, table: Table, as_of: str):
    rows = [*preamble(stats, table, as_of), *released_rows(stats, table)]
    return csv_response(filename(table, stats, "csv"), rows[0], rows[1:])


def _typed(text: str):
    return int(text) if text.isdigit() else safe_cell(text)


def xlsx_export(stats: Statistics, table: Table, as_of: str) -> HttpResponse:
    book = Workbook()
    sheet = book.active
    sheet.title = table.slug[:31]
    top = preamble(stats, table, as_of)
    for row in top:
        sheet.append([safe_cell(value) for value in row])
    sheet["A1"].font = Font(bold=True)
    for number, row in enumerate(released_rows(stats, table)):
        sheet.append([_typed(value) for value in row])
        if number == 0:
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 40
    out = BytesIO()
    book.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename(table, stats, "xlsx")}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- the yearly Task Force report -----------------------------------------------------------
def _pdf_table(rows: list[list[str]], styles) -> PdfTable:
    small = styles["BodyText"].clone("cell", fontSize=7, leading=8.5)
    data = [[Paragraph(escape(str(value)), small) for value in row] for row in rows]
    table = PdfTable(data, repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6edf3")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))  # fmt: skip
    return table


def _pdf_chart(chart) -> Drawing:
    scale = 0.75
    drawing = Drawing(chart.width * scale, chart.height * scale)
    for label, y in chart.categories:
        drawing.add(String(2, (chart.height - y) * scale, label[:40], fontSize=7))
    for bar in chart.bars:
        drawing.add(
            Rect(
                bar.x * scale,
                (chart.height - bar.y - bar.height) * scale,
                bar.width * scale,
                bar.height * scale,
                fillColor=colors.HexColor(bar.colour),
                strokeColor=None,
            )
        )
        drawing.add(
            String(
                bar.text_x * scale,
                (chart.height - bar.y - bar.height + 3) * scale,
                bar.text,
                fontSize=7,
            )
        )
    return drawing


def task_force_pdf(stats: Statistics, year: int, as_of: str) -> HttpResponse:
    styles = getSampleStyleSheet()
    out = BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=landscape(LETTER),
        leftMargin=0.5 * inch,
        rightMargin=0.5 * inch,
        topMargin=0.5 * inch,
        bottomMargin=0.5 * inch,
        title=f"Victim confirmation: report to the Interagency Task Force, {year}",
    )
    story = [
        Paragraph(f"Human-trafficking victim confirmation in New York State, {year}",
                  styles["Title"]),
        Paragraph("Report to the Interagency Task Force on Human Trafficking", styles["Heading2"]),
        Paragraph(escape(f"Period: {stats.filters.period_label}. Figures as of {as_of}. "
                         f"Produced {timezone.localtime():%B %-d, %Y}."), styles["BodyText"]),
        Paragraph(escape(SUPPRESSION_RULE), styles["BodyText"]),
        Spacer(1, 12),
    ]  # fmt: skip
    for chart, table in stats.charts():
        story += [
            Paragraph(escape(chart.title), styles["Heading3"]),
            _pdf_chart(chart),
            _pdf_table(released_rows(stats, table), styles),
            Spacer(1, 12),
        ]
    story.append(PageBreak())
    for table in stats.tables:
        story += [Paragraph(escape(table.title), styles["Heading3"])]
        if table.note:
            story.append(Paragraph(escape(table.note), styles["BodyText"]))
        story += [_pdf_table(released_rows(stats, table), styles), Spacer(1, 12)]
    document.build(story)
    response = HttpResponse(out.getvalue(), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="victim-confirmation-task-force-{year}.pdf"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
