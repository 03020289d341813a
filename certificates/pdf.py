"""Certificate PDFs (WeasyPrint). Being written: see certificates helper."""


def render_certificate_pdf(certificate):
    raise NotImplementedError
