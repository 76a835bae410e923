"""The booth tablets' API: the catalogue to cache, the sales to sync, and the online tender
(a QR code the buyer pays on their phone)."""

from flask import current_app, g, request, url_for

from app.api import bp
from app.api.auth import device_required, problem
from app.api.refusals import ApiRefusal
from app.extensions import csrf
from app.payments.gateway import gateway_from_config
from app.pos import online_tender
from app.pos.queries import booth_catalogue
from app.records import spoken


@bp.get("/pos/catalogue")
@device_required
def pos_catalogue():
    return booth_catalogue(
        g.device.booth,
        lambda path: url_for("site.media", filename=path),
        online_payment=gateway_from_config(current_app.config) is not None,
    )


@bp.post("/pos/sales")
@csrf.exempt
@device_required
def pos_sales():
    # The sync and its schemas (pydantic) load with the first batch, not in every page server.
    from app.pos.schemas import MAX_SALES_PER_BATCH
    from app.pos.sync import CONFLICT, CREATED, DUPLICATE, record_booth_sales

    body = request.get_json(silent=True)
    sales = body.get("sales") if isinstance(body, dict) and set(body) == {"sales"} else None
    if not isinstance(sales, list) or not 1 <= len(sales) <= MAX_SALES_PER_BATCH:
        return problem(400, ApiRefusal("bad_batch", max=MAX_SALES_PER_BATCH))
    results = record_booth_sales(g.device, sales)
    answers = [r.as_json(lambda uuid: url_for("pos.receipt_page", uuid=uuid, _external=True)) for r in results]
    stored = sum(r.outcome in (CREATED, DUPLICATE) for r in results)
    if stored == len(results):
        status = 200
    elif stored:
        status = 207
    else:
        status = 409 if any(r.outcome == CONFLICT for r in results) else 422
    summary = {
        outcome: sum(r.outcome == outcome for r in results) for outcome in (CREATED, DUPLICATE, CONFLICT, "invalid")
    }
    return {"results": answers, "summary": summary}, status


def _online_answer(payment) -> dict:
    """What the till needs to show and follow an online payment."""
    status = {"succeeded": "paid", "canceled": "canceled"}.get(payment.status, "pending")
    answer = {
        "uuid": payment.sale_uuid,
        "status": status,
        "amount_fen": payment.amount_fen,
        "pay_url": url_for("payments.pay_booth_sale", token=payment.link_token, _external=True),
    }
    number = online_tender.order_number(payment) if status == "paid" else None
    if number:
        answer.update(
            order_number=number, receipt_url=url_for("pos.receipt_page", uuid=payment.sale_uuid, _external=True)
        )
    if payment.flag:
        answer["flag"] = spoken(payment.flag)
    return answer


def _refused(refusal: online_tender.OnlineTenderRefused):
    status = {"unavailable": 503, "gateway_failed": 503, "uuid_taken": 409, "not_found": 404}.get(refusal.code, 422)
    return problem(status, refusal)


@bp.post("/pos/online-payments")
@csrf.exempt
@device_required
def pos_open_online_payment():
    try:
        payment = online_tender.open_online_payment(
            g.device, request.get_json(silent=True), gateway_from_config(current_app.config)
        )
    except online_tender.OnlineTenderRefused as refusal:
        return _refused(refusal)
    return _online_answer(payment), 200


@bp.get("/pos/online-payments/<sale_uuid>")
@device_required
def pos_online_payment(sale_uuid: str):
    return _with_payment(sale_uuid, online_tender.refresh)


@bp.post("/pos/online-payments/<sale_uuid>/cancel")
@csrf.exempt
@device_required
def pos_cancel_online_payment(sale_uuid: str):
    return _with_payment(sale_uuid, online_tender.cancel)


def _with_payment(sale_uuid: str, step):
    """Apply ``step`` (ask the acquirer, or cancel) to this booth's online payment of a sale."""
    try:
        payment = online_tender.payment_of_device(g.device, sale_uuid)
    except online_tender.OnlineTenderRefused as refusal:
        return _refused(refusal)
    return _online_answer(step(payment, gateway_from_config(current_app.config)))
