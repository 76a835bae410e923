"""The booth sync API's payloads, validated with pydantic; the same models write the OpenAPI schemas.

Validation messages go back to the tablet, with the field they concern, in the language the
tablet asks for (Chinese unless it sends Accept-Language). Our own checks raise a code that
``explain`` puts into words like pydantic's own error types.
"""

import hashlib
import json
from datetime import datetime
from typing import Annotated, Literal

from flask_babel import lazy_gettext as _l
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

MAX_LINES_PER_SALE = 50
MAX_SALES_PER_BATCH = 500
# One booth sale is a few boxes; anything past this is a typing slip, not a sale.
MAX_QUANTITY = 999
MAX_FEN = 10_000_000


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class SaleLine(_Strict):
    sku: str = Field(min_length=1, max_length=32, description="SKU code from the booth catalogue")
    quantity: int = Field(gt=0, le=MAX_QUANTITY)
    unit_price_fen: int = Field(gt=0, le=MAX_FEN, description="the price charged, in fen")
    lot: str | None = Field(default=None, max_length=32, description="lot code when the box was scanned")


class CashTender(_Strict):
    method: Literal["cash"]
    tendered_fen: int = Field(ge=0, le=MAX_FEN, description="cash handed over by the buyer")
    change_fen: int = Field(ge=0, le=MAX_FEN, description="change given back")


class MerchantQrTender(_Strict):
    method: Literal["merchant_qr"]
    reference: str = Field(
        min_length=4,
        max_length=64,
        description="the payment reference shown on the buyer's phone or the booth's collection app",
    )


class OnlineTender(_Strict):
    method: Literal["online"] = Field(
        description="paid on the buyer's phone through the shop's payment page; "
        "open it with POST /pos/online-payments, never by syncing it"
    )


Tender = Annotated[CashTender | MerchantQrTender | OnlineTender, Field(discriminator="method")]
TENDER_METHODS = ("cash", "merchant_qr", "online")
# The order's payment method for each tender: an online tender is paid through the acquirer.
ORDER_PAYMENT_METHOD = {"online": "stripe"}


class SaleIn(_Strict):
    uuid: str = Field(
        pattern=r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
        description="generated on the tablet when the sale is made; resending it is safe",
    )
    device_sequence: int = Field(gt=0, lt=2**31, description="the tablet's own running number for its sales")
    sold_at: datetime = Field(description="the tablet's clock at the sale, ISO 8601 with offset")
    lines: list[SaleLine] = Field(min_length=1, max_length=MAX_LINES_PER_SALE)
    total_fen: int = Field(gt=0, le=MAX_FEN)
    tender: Tender

    @field_validator("uuid")
    @classmethod
    def _lower(cls, value: str) -> str:
        return value.lower()

    @field_validator("sold_at")
    @classmethod
    def _with_offset(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("timezone_required")
        return value

    @model_validator(mode="after")
    def _adds_up(self) -> "SaleIn":
        if sum(line.quantity * line.unit_price_fen for line in self.lines) != self.total_fen:
            raise ValueError("total_mismatch")
        if isinstance(self.tender, CashTender):
            if self.tender.tendered_fen < self.total_fen:
                raise ValueError("short_tendered")
            if self.tender.tendered_fen - self.total_fen != self.tender.change_fen:
                raise ValueError("wrong_change")
        return self

    def payload_hash(self) -> str:
        """A fingerprint of what was sold, independent of key order and spacing."""
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()


_MESSAGES = {
    "missing": _l("缺少此项"),
    "extra_forbidden": _l("不认识的字段，请删除"),
    "int_type": _l("需要整数"),
    "int_parsing": _l("需要整数"),
    "int_from_float": _l("需要整数（单位为分）"),
    "string_type": _l("需要文字"),
    "greater_than": _l("必须大于 {gt}"),
    "greater_than_equal": _l("不能小于 {ge}"),
    "less_than": _l("必须小于 {lt}"),
    "less_than_equal": _l("不能大于 {le}"),
    "string_too_short": _l("太短（至少 {min_length} 个字符）"),
    "string_too_long": _l("太长（最多 {max_length} 个字符）"),
    "too_short": _l("至少需要 {min_length} 项"),
    "too_long": _l("最多 {max_length} 项"),
    "string_pattern_mismatch": _l("格式不对，应为 UUID（如 1b4e28ba-2fa1-11d2-883f-0016d3cca427）"),
    "datetime_parsing": _l("时间格式不对，应为 ISO 8601，如 2026-10-17T10:30:00+08:00"),
    "datetime_type": _l("时间格式不对，应为 ISO 8601，如 2026-10-17T10:30:00+08:00"),
    "union_tag_invalid": _l("付款方式只能是 cash、merchant_qr 或 online"),
    "union_tag_not_found": _l("缺少付款方式 method（cash、merchant_qr 或 online）"),
    "model_type": _l("需要一个对象"),
    "dict_type": _l("需要一个对象"),
    "list_type": _l("需要一个列表"),
    "literal_error": _l("取值不对"),
    # Our own checks (the validators above).
    "timezone_required": _l("sold_at 需要带时区，例如 2026-10-17T10:30:00+08:00"),
    "total_mismatch": _l("total_fen 不等于各行 数量×单价 之和"),
    "short_tendered": _l("收款金额少于应收金额"),
    "wrong_change": _l("找零金额应等于 收款 − 应收"),
}


def explain(error: ValidationError) -> list[str]:
    """Each problem as "field: what is wrong", in the reader's language."""
    reasons = []
    for item in error.errors(include_url=False):
        where = ".".join(str(part) for part in item["loc"] if part not in TENDER_METHODS)
        kind = str(item["ctx"]["error"]) if item["type"] == "value_error" else item["type"]
        template = _MESSAGES.get(kind)
        text = str(template).format(**item.get("ctx", {})) if template else item["msg"]
        reasons.append(f"{where}: {text}" if where else text)
    return reasons
