// Mounts Stripe's Payment Element on our own payment page and confirms the PaymentIntent.
// The order becomes paid only when our server hears it from Stripe (webhook or retrieve).
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("payment-form");
  if (!form || typeof Stripe === "undefined") {
    return;
  }
  var stripe = Stripe(form.dataset.publishableKey, { locale: form.dataset.locale });
  var elements = stripe.elements({ clientSecret: form.dataset.clientSecret });
  var paymentElement = elements.create("payment");
  var message = document.getElementById("payment-message");
  var button = document.getElementById("pay-button");
  document.getElementById("payment-element").textContent = "";
  paymentElement.mount("#payment-element");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    button.disabled = true;
    message.textContent = "";
    stripe.confirmPayment({ elements: elements, confirmParams: { return_url: form.dataset.returnUrl } })
      .then(function (result) {
        if (result.error) {
          message.textContent = result.error.message;
          button.disabled = false;
        }
      });
  });
});
