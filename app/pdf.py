"""HTML to PDF with WeasyPrint, the one place that loads it.

Loaded on first use: WeasyPrint with Pango and fontTools is the largest import of the app
(half its start-up time and about 40 MB), and most processes — web workers serving pages,
the job worker's parent — never lay out a PDF."""


def pdf_from_html(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html).write_pdf()
