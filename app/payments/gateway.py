"""The only module that talks to Stripe. Everything else sees plain values, so another
acquirer (Stripe does not onboard mainland-China merchants) can be added beside it."""

import json
import time
from dataclasses import dataclass

WEBHOOK_TOLERANCE_SECONDS = 300


class GatewayError(Exception):
    """The acquirer refused or could not be reached; the message is safe to log."""


class InvalidWebhook(Exception):
    """Missing, malformed, wrongly signed, tampered or stale webhook."""


@dataclass(frozen=True)
class IntentState:
    id: str
    status: str  # Stripe's words: succeeded, processing, requires_payment_method, canceled …
    amount_fen: int
    currency: str
    order_number: str | None
    # Set when the PaymentIntent pays a booth sale shown as a QR code at the till.
    booth_sale: str | None = None


@dataclass(frozen=True)
class NewIntent:
    id: str
    client_secret: str


def _sdk():
    # Imported when a payment is first handled, not with the app: the SDK and the aiohttp it
    # brings weigh 15 MB, which a process that never takes a payment need not carry.
    import stripe

    return stripe


def intent_state(intent: dict) -> IntentState:
    """Our view of a PaymentIntent, as retrieved or as carried by a webhook event."""
    metadata = intent.get("metadata") or {}
    return IntentState(
        intent["id"],
        intent["status"],
        int(intent["amount"]),
        str(intent["currency"]).upper(),
        metadata.get("order_number") or None,
        metadata.get("booth_sale") or None,
    )


class StripeGateway:
    name = "stripe"

    def __init__(
        self,
        secret_key: str,
        webhook_secret: str,
        api_base: str | None = None,
        method_types: tuple[str, ...] = ("card", "alipay", "wechat_pay"),
    ):
        self._secret_key, self._api_base = secret_key, api_base
        self._webhook_secret = webhook_secret
        self.method_types = method_types
        self._sdk_client = None

    @property
    def _client(self):
        if self._sdk_client is None:
            options = {"base_addresses": {"api": self._api_base}} if self._api_base else {}
            # A client per gateway rather than the module-global api_key: tests and, later,
            # several merchant accounts can live in one process.
            self._sdk_client = _sdk().StripeClient(self._secret_key, max_network_retries=2, **options)
        return self._sdk_client

    def create_intent(self, key: str, amount_fen: int, currency: str, metadata: dict[str, str]) -> NewIntent:
        """A PaymentIntent for what ``metadata`` names (an order's attempt, a booth sale); the
        key, derived from it, makes a retried call return the same PaymentIntent."""
        params = {
            "amount": amount_fen,  # CNY has two decimals: fen are Stripe's minor unit already
            "currency": currency.lower(),
            "payment_method_types": list(self.method_types),
            "metadata": metadata,
        }
        if "wechat_pay" in self.method_types:
            params["payment_method_options"] = {"wechat_pay": {"client": "web"}}
        try:
            intent = self._client.v1.payment_intents.create(
                params=params,  # type: ignore[arg-type]  # built as a plain dict: the method types vary
                options={"idempotency_key": key},
            )
        except _sdk().StripeError as exc:
            raise GatewayError(f"create PaymentIntent failed: {exc.user_message or exc}") from exc
        return NewIntent(intent["id"], intent["client_secret"])

    def retrieve_intent(self, intent_id: str) -> IntentState:
        try:
            return intent_state(self._client.v1.payment_intents.retrieve(intent_id).to_dict())
        except _sdk().StripeError as exc:
            raise GatewayError(f"retrieve PaymentIntent failed: {exc}") from exc

    def cancel_intent(self, intent_id: str) -> None:
        try:
            self._client.v1.payment_intents.cancel(intent_id)
        except _sdk().StripeError as exc:
            raise GatewayError(f"cancel PaymentIntent failed: {exc}") from exc

    def refund(self, intent_id: str, amount_fen: int, idempotency_key: str) -> str:
        try:
            refund = self._client.v1.refunds.create(
                params={"payment_intent": intent_id, "amount": amount_fen}, options={"idempotency_key": idempotency_key}
            )
        except _sdk().StripeError as exc:
            raise GatewayError(f"refund failed: {exc.user_message or exc}") from exc
        return refund["id"]

    def parse_webhook(self, payload: bytes, signature: str | None) -> dict:
        """Verify the signature and age, then return the event as plain JSON."""
        if not signature:
            raise InvalidWebhook("missing Stripe-Signature header")
        try:
            _sdk().WebhookSignature.verify_header(
                payload.decode("utf-8"), signature, self._webhook_secret, WEBHOOK_TOLERANCE_SECONDS
            )
            # The SDK refuses only old timestamps; one from the future is as suspect (a signed
            # event kept to be replayed later), so the same tolerance holds ahead too.
            stamp = int(dict(part.split("=", 1) for part in signature.split(",") if "=" in part)["t"])
            if stamp > time.time() + WEBHOOK_TOLERANCE_SECONDS:
                raise ValueError(f"timestamp {stamp} is more than {WEBHOOK_TOLERANCE_SECONDS} s in the future")
            event = json.loads(payload)
        except (_sdk().SignatureVerificationError, UnicodeDecodeError, ValueError, KeyError) as exc:
            raise InvalidWebhook(str(exc)) from exc
        if not isinstance(event, dict) or not isinstance(event.get("id"), str) or "type" not in event:
            raise InvalidWebhook("not a Stripe event")
        return event


def gateway_from_config(config) -> StripeGateway | None:
    """The configured Stripe gateway, or None when the shop runs with offline methods only."""
    if not (config.get("STRIPE_SECRET_KEY") and config.get("STRIPE_WEBHOOK_SECRET")):
        return None
    methods = tuple(m.strip() for m in config.get("STRIPE_PAYMENT_METHOD_TYPES", "card").split(",") if m.strip())
    return StripeGateway(
        config["STRIPE_SECRET_KEY"], config["STRIPE_WEBHOOK_SECRET"], config.get("STRIPE_API_BASE"), methods
    )
