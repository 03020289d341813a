"""The one place that makes CSV (and spreadsheet) cells safe to open.

A cell that starts with = + - @ or a tab or carriage return can run as a formula when a
spreadsheet opens the file (CSV injection). Every export writes through `spreadsheet_writer` (or
passes cells through `neutralise_cell`), which prefixes such text with an apostrophe. Numbers
stay numbers, including negative ones.
"""

import csv
import re
import zipfile

from django.http import StreamingHttpResponse
from django.utils.http import content_disposition_header

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")


FORMULA_FIRST_CHARACTERS = frozenset(FORMULA_STARTS)


def neutralise_cell(value):
    """The value as a cell that a spreadsheet shows and never runs. None becomes empty. Called
    for every cell of an export (hundreds of thousands), so plain text and numbers go first."""
    kind = type(value)
    if kind is str:
        text = value
    elif kind is int or kind is float:  # not bool: type(True) is bool
        return value
    elif value is None:
        return ""
    elif isinstance(value, int | float) and not isinstance(value, bool):
        return value
    else:
        text = str(value)
    if text[:1] in FORMULA_FIRST_CHARACTERS and not PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


class SafeCsvWriter:
    """csv.writer whose every cell goes through neutralise_cell."""

    def __init__(self, file, **options):
        self._writer = csv.writer(file, **options)

    def writerow(self, row):
        return self._writer.writerow([neutralise_cell(cell) for cell in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def spreadsheet_writer(file, **options):
    return SafeCsvWriter(file, **options)


# --- streamed downloads: CSV and XLSX ------------------------------------------------------------
# Reports stream every row (20,000 learners and more) without holding the file in memory. XLSX is
# written here rather than with openpyxl or XlsxWriter: both took about 2.5 s for 20,000 rows of
# 15 cells on our machine, while the handful of XML parts a one-sheet workbook needs take a tenth
# of that (strings are inline, so no shared-string table has to be built first). The file opens
# in Excel, LibreOffice and openpyxl (the tests read it back with openpyxl).

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
# Characters XML 1.0 forbids (control characters other than tab, newline and carriage return).
XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(value):
    """Text made safe inside an XML element or attribute value (quoted with "): illegal characters
    dropped, & < > and " escaped. Chained str.replace: four times faster than str.translate
    with a table, which counts at hundreds of thousands of cells."""
    text = XML_ILLEGAL.sub("", value)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


class _Echo:
    """A write-only file that hands back what is written (for csv.writer in a generator)."""

    def write(self, value):
        return value


def stream_csv(header, rows):
    """The CSV file as chunks of text: a UTF-8 byte order mark (so Excel reads it as UTF-8), the
    header, then the rows, every cell neutralised."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([neutralise_cell(cell) for cell in header])
    chunk = []
    for row in rows:
        chunk.append(writer.writerow([neutralise_cell(cell) for cell in row]))
        if len(chunk) >= 500:
            yield "".join(chunk)
            chunk = []
    if chunk:
        yield "".join(chunk)


def _column_letter(index):
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _xlsx_row(number, row, letters):
    """One <row> of the sheet: numbers as numbers, text (neutralised) inline, empty cells left out.
    One loop rather than a call per cell: an export has hundreds of thousands of cells."""
    cells = [f'<row r="{number}">']
    for letter, value in zip(letters, row, strict=False):  # a row may be shorter than the header
        value = neutralise_cell(value)  # a str, an int or a float (True becomes "True")
        if type(value) is not str:
            cells.append(f'<c r="{letter}{number}"><v>{value}</v></c>')
        elif value:
            text = xml_text(value)
            cells.append(
                f'<c r="{letter}{number}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
            )
    cells.append("</row>")
    return "".join(cells)


XLSX_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        'Target="worksheets/sheet1.xml"/></Relationships>'
    ),
}


def _workbook_xml(sheet_name):
    name = XML_ILLEGAL.sub("", re.sub(r"[\[\]:*?/\\]", " ", sheet_name))[:31] or "Report"
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<sheets><sheet name="{xml_text(name)}" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )


class ChunkSink:
    """A write-only, unseekable file for ZipFile that hands back what was written since the last
    take(): a ZIP (an XLSX here, a bundle of certificates in certificates) streams as it is made."""

    def __init__(self):
        self._chunks = []

    def write(self, data):
        self._chunks.append(bytes(data))
        return len(data)

    def flush(self):
        pass

    def take(self):
        data = b"".join(self._chunks)
        self._chunks = []
        return data


def stream_xlsx(header, rows, sheet_name="Report"):
    """A one-sheet XLSX workbook as chunks of bytes: the header row, then the rows. Text cells are
    neutralised as in CSV (a spreadsheet never runs them) and stored as text, never as formulas."""
    sink = ChunkSink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, xml in XLSX_PARTS.items():
            archive.writestr(name, xml)
        archive.writestr("xl/workbook.xml", _workbook_xml(sheet_name))
        letters = [_column_letter(i) for i in range(len(header))]
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                b'<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
                b'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews><sheetData>'
            )
            sheet.write(_xlsx_row(1, header, letters).encode())
            chunk = []
            for number, row in enumerate(rows, start=2):
                if len(row) > len(letters):
                    letters += [_column_letter(i) for i in range(len(letters), len(row))]
                chunk.append(_xlsx_row(number, row, letters))
                if len(chunk) >= 500:
                    sheet.write("".join(chunk).encode())
                    chunk = []
                    yield sink.take()
            sheet.write("".join(chunk).encode())
            sheet.write(b"</sheetData></worksheet>")
        yield sink.take()
    yield sink.take()


def download_response(kind, filename, header, rows, sheet_name="Report"):
    """A streamed CSV or XLSX download (`kind` "csv" or "xlsx") of the header and rows."""
    if kind == "xlsx":
        response = StreamingHttpResponse(
            stream_xlsx(header, rows, sheet_name), content_type=XLSX_CONTENT_TYPE
        )
    else:
        response = StreamingHttpResponse(stream_csv(header, rows), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, f"{filename}.{kind}")
    response["Cache-Control"] = "private, no-store"
    return response
