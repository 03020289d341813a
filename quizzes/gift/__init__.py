"""Moodle GIFT for the question bank: `parse` reads it, `write` writes it, and `importing` is the
one way GIFT questions are saved (the admin import, the import_gift command and the course loader
all go through `import_gift`)."""

from .importing import CATEGORY_NAME_MAX_LENGTH, ImportResult, import_gift
from .parse import GiftError, ParsedQuestion, parse_gift
from .write import ExportResult, escape, export_gift

__all__ = [
    "CATEGORY_NAME_MAX_LENGTH",
    "ExportResult",
    "GiftError",
    "ImportResult",
    "ParsedQuestion",
    "escape",
    "export_gift",
    "import_gift",
    "parse_gift",
]
