"""The statement and the village notice as printed documents, always in Chinese: they are the
county's paper records, signed and pinned to the notice board, whoever printed them. Their
PDFs are laid out by the job worker (app.printing)."""

from flask import render_template
from flask_babel import force_locale

from app.domain.money import capital_amount
from app.settlement.models import Statement
from app.settlement.notice import Notice
from app.settlement.queries import LineView


def statement_html(statement: Statement, lines: list[LineView]) -> str:
    with force_locale("zh_CN"):
        return render_template(
            "settlement/statement_pdf.html", statement=statement, lines=lines, capital_amount=capital_amount
        )


def notice_html(notice: Notice) -> str:
    with force_locale("zh_CN"):
        return render_template("settlement/notice_pdf.html", notice=notice)
