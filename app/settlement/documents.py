"""The statement and the village notice as printed PDFs, always in Chinese: they are the
county's paper records, signed and pinned to the notice board, whoever printed them."""

from flask import render_template
from flask_babel import force_locale

from app.domain.money import capital_amount
from app.pdf import pdf_from_html
from app.settlement.models import Statement
from app.settlement.notice import Notice
from app.settlement.queries import LineView


def statement_pdf(statement: Statement, lines: list[LineView]) -> bytes:
    with force_locale("zh_CN"):
        html = render_template(
            "settlement/statement_pdf.html", statement=statement, lines=lines, capital_amount=capital_amount
        )
    return pdf_from_html(html)


def notice_pdf(notice: Notice) -> bytes:
    with force_locale("zh_CN"):
        html = render_template("settlement/notice_pdf.html", notice=notice)
    return pdf_from_html(html)
