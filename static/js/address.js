// The address picker: each level lists the divisions of the one above it, and the checkout's
// delivery fee follows the province (of a saved address, or of the one being picked).
(function () {
  "use strict";
  var card = document.getElementById("address-card") || document.getElementById("address-form");
  if (!card) return;
  var regionsUrl = card.dataset.regionsUrl;
  var quoteUrl = card.dataset.quoteUrl;
  var level = function (name) { return card.querySelector("[data-level=" + name + "]"); };
  var province = level("province"), city = level("city"), county = level("county");

  function fill(select, code) {
    var placeholder = select.options[0];
    select.innerHTML = "";
    select.appendChild(placeholder);
    if (!code) return Promise.resolve();
    return fetch(regionsUrl.replace("CODE", code)).then(function (r) { return r.json(); }).then(function (rows) {
      rows.forEach(function (row) { select.add(new Option(row.name, row.code)); });
    });
  }

  function chosenProvince() {
    var saved = card.querySelector("input[name=address_id]:checked");
    if (saved && saved.value !== "new") return saved.dataset.province;
    return province ? province.value : "";
  }

  function requote() {
    if (!quoteUrl) return;
    fetch(quoteUrl + "?province=" + encodeURIComponent(chosenProvince()))
      .then(function (r) { return r.json(); })
      .then(function (q) {
        document.getElementById("delivery-fee").textContent = q.fee;
        document.getElementById("order-total").textContent = q.total;
        var warning = document.getElementById("delivery-unserved");
        warning.textContent = q.message;
        warning.hidden = !q.message;
      });
  }

  if (province) {
    province.addEventListener("change", function () {
      fill(city, province.value); fill(county, ""); requote();
    });
    city.addEventListener("change", function () { fill(county, city.value); });
    // A level picked before this script ran (a slow line, the browser restoring a form) fired
    // its change unheard; fill what hangs below it now, or the buyer is left with an empty list.
    if (province.value && city.options.length <= 1) fill(city, province.value);
    if (city.value && county.options.length <= 1) fill(county, city.value);
  }
  card.querySelectorAll("input[name=address_id]").forEach(function (radio) {
    radio.addEventListener("change", function () {
      var fresh = document.getElementById("new-address");
      if (fresh) fresh.hidden = radio.value !== "new";
      requote();
    });
  });
})();
