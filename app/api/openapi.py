"""The OpenAPI 3.1 document of /api/v1; request schemas come from the same pydantic models
that validate the requests, so the document cannot drift from the code."""

from functools import cache

from app.api import bp

_ERROR = {
    "type": "object",
    "required": ["error", "message"],
    "properties": {"error": {"type": "string"}, "message": {"type": "string"}},
}
_RESULT = {
    "type": "object",
    "required": ["uuid", "outcome"],
    "properties": {
        "uuid": {"type": ["string", "null"]},
        "outcome": {
            "enum": ["created", "duplicate", "conflict", "invalid"],
            "description": "created: stored now; duplicate: stored earlier with the same content; "
            "conflict: the UUID belongs to a different sale; invalid: see errors",
        },
        "order_number": {"type": "string"},
        "receipt_url": {"type": "string"},
        "flags": {
            "type": "array",
            "items": {"type": "string"},
            "description": "why staff will look at this stored sale (over allocation, price, clock)",
        },
        "errors": {"type": "array", "items": {"type": "string"}},
    },
}
_ONLINE_PAYMENT = {
    "type": "object",
    "required": ["uuid", "status", "amount_fen", "pay_url"],
    "properties": {
        "uuid": {"type": "string"},
        "status": {
            "enum": ["pending", "paid", "canceled"],
            "description": "pending: waiting for the buyer; paid: the sale is recorded (order_number); "
            "canceled: the QR code can no longer be paid",
        },
        "amount_fen": {"type": "integer"},
        "pay_url": {"type": "string", "description": "the payment page for the buyer's phone: show it as a QR code"},
        "order_number": {"type": "string"},
        "receipt_url": {"type": "string"},
        "flag": {"type": "string", "description": "paid money that could not become the sale: staff refund it"},
    },
}
_BATCH_ANSWER = {
    "type": "object",
    "required": ["results", "summary"],
    "properties": {
        "results": {"type": "array", "items": {"$ref": "#/components/schemas/SaleResult"}},
        "summary": {"type": "object", "additionalProperties": {"type": "integer"}},
    },
}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


@cache
def document() -> dict:
    from pydantic.json_schema import models_json_schema

    from app.pos.schemas import MAX_SALES_PER_BATCH, SaleIn

    _, defs = models_json_schema([(SaleIn, "validation")], ref_template="#/components/schemas/{model}")
    schemas = {
        **defs["$defs"],
        "Error": _ERROR,
        "SaleResult": _RESULT,
        "SalesBatchAnswer": _BATCH_ANSWER,
        "OnlinePayment": _ONLINE_PAYMENT,
    }
    error = {"$ref": "#/components/schemas/Error"}
    online = _json({"$ref": "#/components/schemas/OnlinePayment"}, "the online payment and its state")
    uuid_parameter = {"name": "sale_uuid", "in": "path", "required": True, "schema": {"type": "string"}}
    unauthorized = _json({"$ref": "#/components/schemas/Error"}, "missing, unknown or revoked device token")
    batch_answer = {"$ref": "#/components/schemas/SalesBatchAnswer"}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "洞口消费扶贫商城 API",
            "version": "1.0.0",
            "description": "Booth tablets cache their catalogue and sync sales made online or offline.",
        },
        "servers": [{"url": "/api/v1"}],
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "deviceToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "a booth tablet's token, issued by county staff",
                }
            },
        },
        "security": [{"deviceToken": []}],
        "paths": {
            "/pos/catalogue": {
                "get": {
                    "operationId": "getBoothCatalogue",
                    "summary": "The booth and the SKUs it sells, to cache offline",
                    "responses": {
                        "200": _json({"type": "object", "required": ["booth", "items"]}, "the catalogue"),
                        "401": unauthorized,
                    },
                }
            },
            "/pos/sales": {
                "post": {
                    "operationId": "syncBoothSales",
                    "summary": "Store a batch of booth sales exactly once (idempotent on each sale's uuid)",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["sales"],
                                    "additionalProperties": False,
                                    "properties": {
                                        "sales": {
                                            "type": "array",
                                            "minItems": 1,
                                            "maxItems": MAX_SALES_PER_BATCH,
                                            "items": {"$ref": "#/components/schemas/SaleIn"},
                                        }
                                    },
                                }
                            }
                        },
                    },
                    "responses": {
                        "200": _json(batch_answer, "every sale stored, now or earlier"),
                        "207": _json(batch_answer, "some sales stored, others refused: see each result"),
                        "400": _json({"$ref": "#/components/schemas/Error"}, "the body is not a batch"),
                        "401": unauthorized,
                        "409": _json(batch_answer, "nothing stored; at least one uuid belongs to a different sale"),
                        "422": _json(batch_answer, "nothing stored; every sale was invalid"),
                    },
                }
            },
            "/pos/online-payments": {
                "post": {
                    "operationId": "openOnlinePayment",
                    "summary": "Offer a sale for payment on the buyer's phone (tender method online); "
                    "the sale is recorded by the server once paid. Sending it again returns the same payment",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SaleIn"}}},
                    },
                    "responses": {
                        "200": online,
                        "401": unauthorized,
                        "409": _json(error, "the uuid belongs to a different sale"),
                        "422": _json(error, "the sale is invalid, or its tender is not online"),
                        "503": _json(error, "the shop takes no online payments, or the acquirer is unreachable"),
                    },
                }
            },
            "/pos/online-payments/{sale_uuid}": {
                "get": {
                    "operationId": "getOnlinePayment",
                    "summary": "Whether the buyer has paid (asks the acquirer while the payment is open)",
                    "parameters": [uuid_parameter],
                    "responses": {
                        "200": online,
                        "401": unauthorized,
                        "404": _json(error, "no such online payment at this booth"),
                    },
                }
            },
            "/pos/online-payments/{sale_uuid}/cancel": {
                "post": {
                    "operationId": "cancelOnlinePayment",
                    "summary": "Close an unpaid online payment; if it was paid meanwhile, the sale stands",
                    "parameters": [uuid_parameter],
                    "responses": {
                        "200": online,
                        "401": unauthorized,
                        "404": _json(error, "no such online payment at this booth"),
                    },
                }
            },
        },
    }


@bp.get("/openapi.json")
def openapi_document():
    return document()
