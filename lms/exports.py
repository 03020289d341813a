"""The one place that makes CSV (and spreadsheet) cells safe to open.

A cell that starts with = + - @ or a tab or carriage return can run as a formula when a
spreadsheet opens the file (CSV injection). Every export writes through `spreadsheet_writer` (or
passes cells through `neutralise_cell`), which prefixes such text with an apostrophe. Numbers
stay numbers, including negative ones.
"""

import csv
import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def neutralise_cell(value):
    """The value as a cell that a spreadsheet shows and never runs. None becomes empty."""
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(text):
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
