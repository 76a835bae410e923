"""The booth tablets' API: the catalogue to cache, and the sales to sync."""

from flask import g, request, url_for

from app.api import bp
from app.api.auth import device_required, problem
from app.api.refusals import ApiRefusal
from app.extensions import csrf
from app.pos.queries import booth_catalogue
from app.pos.schemas import MAX_SALES_PER_BATCH
from app.pos.sync import CONFLICT, CREATED, DUPLICATE, record_booth_sales


@bp.get("/pos/catalogue")
@device_required
def pos_catalogue():
    return booth_catalogue(g.device.booth, lambda path: url_for("site.media", filename=path))


@bp.post("/pos/sales")
@csrf.exempt
@device_required
def pos_sales():
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
