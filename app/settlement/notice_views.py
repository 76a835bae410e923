"""The public notice (公示): per village and month, on the web and as the PDF for the notice
board; and a household's own check by the code on its payout slip. No account needed."""

from datetime import date

from flask import abort, redirect, render_template, request, url_for

from app.extensions import limiter
from app.printing import printed
from app.settlement import bp, documents, notice
from app.settlement.forms import CheckCodeForm
from app.settlement.refusals import SettlementError


def _month(text: str) -> date:
    try:
        return date.fromisoformat(f"{text}-01")
    except ValueError:
        abort(404)


@bp.get("/notice")
def notice_index():
    return render_template("settlement/notice_index.html", townships=notice.villages_with_notices())


@bp.get("/notice/villages/<int:village_id>")
def village_notice_latest(village_id: int):
    months = notice.notice_months(village_id)
    if not months:
        return render_template("settlement/notice.html", notice=None, months=[], village_id=village_id), 200
    return redirect(url_for("settlement.village_notice", village_id=village_id, month=f"{months[0]:%Y-%m}"))


@bp.get("/notice/villages/<int:village_id>/<month>")
def village_notice(village_id: int, month: str):
    figures = notice.village_notice(village_id, _month(month))
    return render_template(
        "settlement/notice.html", notice=figures, months=notice.notice_months(village_id), village_id=village_id
    )


@bp.get("/notice/villages/<int:village_id>/<month>.pdf")
def village_notice_pdf(village_id: int, month: str):
    figures = notice.village_notice(village_id, _month(month))
    return printed(documents.notice_html(figures), f"notice-{village_id}-{month}.pdf")


# A code is ten characters of 31: guessing is hopeless, and the limit keeps it so.
@bp.route("/notice/check", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def check_code():
    form = CheckCodeForm()
    found, status = None, 200
    if request.method == "POST" and form.validate_on_submit():
        try:
            found = notice.household_check(form.code.data)
        except SettlementError as refusal:
            form.code.errors.append(refusal.message)
            status = 400
    elif request.method == "POST":
        status = 400
    return render_template("settlement/check.html", form=form, found=found), status
