/* The booth till: sells from the cached catalogue, keeps every sale in IndexedDB first,
   and uploads pending sales in batches with retry and backoff whenever the network lets it. */
"use strict";

(() => {
  const body = document.body;
  const T = JSON.parse(document.getElementById("pos-text").textContent);
  const $ = (id) => document.getElementById(id);
  const BATCH = 100;
  const BACKOFF_SECONDS = [2, 4, 8, 16, 30, 60];

  let token = null;
  let catalogue = null;
  const cart = new Map(); // "sku|lot" → quantity; the lot is known when a label was scanned or typed
  let failures = 0;
  let syncTimer = null;
  let syncing = false;

  const fen = (value) => "¥" + (value / 100).toLocaleString("zh-CN", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const el = (tag, cls, text) => {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  };

  // --- start-up -----------------------------------------------------------------------
  async function start() {
    if ("serviceWorker" in navigator) {
      // "Ready" once the worker controls this page: only then will a reload work offline.
      const controlled = () => { if (navigator.serviceWorker.controller) body.dataset.swReady = "1"; };
      navigator.serviceWorker.addEventListener("controllerchange", controlled);
      navigator.serviceWorker.register(body.dataset.sw, { scope: "./" })
        .then(() => navigator.serviceWorker.ready)
        .then(controlled)
        .catch(() => { body.dataset.swReady = "failed"; });
    }
    const fromLink = new URLSearchParams(location.hash.slice(1)).get("token");
    if (fromLink) {
      // A pairing link from the back-office: keep the token, then drop it from the address bar.
      await PosStore.set("token", fromLink);
      await PosStore.set("catalogue", null);
      history.replaceState(null, "", location.pathname);
    }
    token = await PosStore.get("token");
    window.addEventListener("online", () => { failures = 0; showNetwork(); syncSoon(0); loadCatalogue(); });
    window.addEventListener("offline", showNetwork);
    showNetwork();
    await refreshQueue();
    if (!token) return showPairing();
    await loadCatalogue();
    syncSoon(0);
    settleLeftOpen();
  }

  function showPairing(message) {
    $("till").hidden = true;
    $("pair-panel").hidden = false;
    $("pair-error").textContent = message || (navigator.onLine ? "" : T.offlineNoCatalogue);
  }

  async function pair(event) {
    event.preventDefault();
    const form = $("pair-form");
    const data = new FormData(form);
    data.set("booth", event.submitter.value);
    try {
      const response = await fetch(body.dataset.pairUrl, { method: "POST", body: data, credentials: "same-origin" });
      const answer = await response.json();
      if (!response.ok) throw new Error(answer.message || response.status);
      token = answer.token;
      await PosStore.set("token", token);
      await PosStore.set("catalogue", null);
      await loadCatalogue();
      syncSoon(0);
    } catch (error) {
      $("pair-error").textContent = T.pairFailed + error.message;
    }
  }

  async function loadCatalogue() {
    if (!token) return;
    try {
      const response = await fetch(body.dataset.catalogueUrl, { headers: { Authorization: "Bearer " + token } });
      if (response.status === 401) return tokenRejected();
      if (!response.ok) throw new Error(response.status);
      catalogue = await response.json();
      await PosStore.set("catalogue", catalogue);
    } catch (_networkOrServer) {
      catalogue = catalogue || await PosStore.get("catalogue");
    }
    if (!catalogue) return showPairing(T.offlineNoCatalogue);
    $("pair-panel").hidden = true;
    $("till").hidden = false;
    $("booth-name").textContent = catalogue.booth.name;
    $("event-name").textContent = catalogue.booth.event.name;
    $("close-link").href = body.dataset.closeUrl.replace("BOOTH", encodeURIComponent(catalogue.booth.code));
    await renderTiles();
    renderCart();
  }

  async function tokenRejected() {
    token = null;
    await PosStore.set("token", null);
    showPairing(T.tokenInvalid);
  }

  // --- products and cart --------------------------------------------------------------
  async function soldHere() {
    // Sales not yet acknowledged still took boxes off the table.
    const counts = {};
    for (const record of await PosStore.salesWithStatus("pending")) {
      for (const line of record.payload.lines) counts[line.sku] = (counts[line.sku] || 0) + line.quantity;
    }
    return counts;
  }

  async function renderTiles() {
    if (!catalogue) return;
    const query = $("search").value.trim().toLowerCase();
    const pending = await soldHere();
    const tiles = $("tiles");
    tiles.replaceChildren();
    const items = catalogue.items.filter((item) =>
      !query || item.product.toLowerCase().includes(query) || item.sku.toLowerCase().includes(query) || item.name.toLowerCase().includes(query));
    for (const item of items) {
      const left = item.remaining - (pending[item.sku] || 0);
      const tile = el("button", "pos-tile");
      tile.type = "button";
      tile.dataset.sku = item.sku;
      const noImage = () => el("div", "pos-tile-noimg", item.product.slice(0, 2));
      if (item.image_url) {
        const img = el("img");
        // A photo that cannot load (offline and never cached, or gone from storage) shows as the
        // product's name, like a product without one, not as a broken picture.
        img.addEventListener("error", () => img.replaceWith(noImage()), { once: true });
        img.src = item.image_url;
        img.alt = "";
        tile.append(img);
      } else {
        tile.append(noImage());
      }
      tile.append(el("span", "pos-tile-name", item.product), el("span", "pos-tile-sku", item.name + " · " + item.sku));
      const foot = el("span", "pos-tile-foot");
      foot.append(el("strong", "", fen(item.price_fen)), el("small", left > 0 ? "" : "text-danger", left > 0 ? `${T.remaining} ${left}` : T.oversold));
      tile.append(foot);
      tile.addEventListener("click", () => addToCart(item.sku, ""));
      tiles.append(tile);
    }
    if (!items.length) tiles.append(el("p", "text-secondary p-3", T.noResults));
  }

  const itemFor = (key) => catalogue.items.find((item) => item.sku === key.split("|")[0]);
  const lotOf = (key) => key.split("|")[1] || "";
  const cartTotal = () => [...cart].reduce((sum, [key, quantity]) => sum + itemFor(key).price_fen * quantity, 0);

  function addToCart(sku, lot) {
    const key = `${sku}|${lot}`;
    cart.set(key, (cart.get(key) || 0) + 1);
    renderCart();
  }

  /* A label's QR code holds its trace URL (…/t/LOT); a clerk may also type the lot code.
     Both find the SKU in the cached catalogue, so this works offline. */
  function addByLabel(text) {
    const code = text.trim().replace(/^.*\/t\//, "").replace(/[?#].*$/, "").toUpperCase();
    const item = code && catalogue.items.find((i) => (i.lots || []).includes(code));
    if (!item) return false;
    addToCart(item.sku, code);
    return true;
  }

  function renderCart() {
    const list = $("cart-lines");
    list.replaceChildren();
    for (const [sku, quantity] of cart) {
      const item = itemFor(sku);
      const row = el("li", "pos-cart-line");
      const name = el("button", "pos-line-name");
      name.type = "button";
      const lot = lotOf(sku);
      name.append(el("span", "", item.product),
        el("small", "d-block text-secondary", `${item.name} · ${fen(item.price_fen)}${lot ? ` · ${T.lot} ${lot}` : ""}`));
      name.addEventListener("click", () => askQuantity(sku));
      const minus = el("button", "btn btn-light", "−");
      minus.type = "button";
      minus.setAttribute("aria-label", "−1");
      minus.addEventListener("click", () => { quantity > 1 ? cart.set(sku, quantity - 1) : cart.delete(sku); renderCart(); });
      const plus = el("button", "btn btn-light", "+");
      plus.type = "button";
      plus.setAttribute("aria-label", "+1");
      plus.addEventListener("click", () => { cart.set(sku, quantity + 1); renderCart(); });
      const qty = el("span", "pos-qty", String(quantity));
      row.append(name, minus, qty, plus, el("strong", "pos-line-total", fen(item.price_fen * quantity)));
      list.append(row);
    }
    if (!cart.size) list.append(el("li", "text-secondary py-4 text-center", T.empty));
    $("cart-total").textContent = fen(cartTotal());
    $("pay-cash").disabled = $("pay-qr").disabled = !cart.size;
    showOnlineTender();
  }

  // --- the keypad: quantities, cash tendered, payment references ---------------------------
  let padDone = null;

  function openPad({ title, due, label, value, quick, mode, check, onOk }) {
    $("pad-title").textContent = title;
    $("pad-due").textContent = due || "";
    $("pad-label").textContent = label;
    const input = $("pad-value");
    input.value = value || "";
    input.inputMode = mode === "text" ? "text" : "decimal";
    const quickRow = $("pad-quick");
    quickRow.replaceChildren();
    for (const [text, fill] of quick || []) {
      const button = el("button", "btn btn-outline-dark", text);
      button.type = "button";
      button.addEventListener("click", () => { input.value = fill; update(); });
      quickRow.append(button);
    }
    const update = () => {
      const [ok, hint] = check(input.value.trim());
      $("pad-ok").disabled = !ok;
      $("pad-hint").textContent = hint;
    };
    input.oninput = update;
    padDone = () => { const v = input.value.trim(); if (check(v)[0]) { closePad(); onOk(v); } };
    $("pad").hidden = false;
    update();
    input.focus();
  }

  function closePad() { $("pad").hidden = true; padDone = null; }

  function pressKey(key) {
    const input = $("pad-value");
    input.value = key === "⌫" ? input.value.slice(0, -1) : input.value + key;
    input.dispatchEvent(new Event("input"));
  }

  const toFen = (text) => (/^\d{1,7}(\.\d{1,2})?$/.test(text) ? Math.round(parseFloat(text) * 100) : null);

  function askQuantity(sku) {
    const item = itemFor(sku);
    openPad({
      title: `${item.product} ${item.name}`, label: T.each, value: String(cart.get(sku)), mode: "number",
      check: (v) => [/^\d{1,3}$/.test(v) && Number(v) >= 0, ""],
      onOk: (v) => { Number(v) ? cart.set(sku, Number(v)) : cart.delete(sku); renderCart(); },
    });
  }

  function askCash() {
    const due = cartTotal();
    const roundUp = (step) => Math.ceil(due / step) * step;
    const quick = [[fen(due), (due / 100).toFixed(2)]];
    for (const step of [1000, 5000, 10000]) {
      const amount = roundUp(step);
      if (!quick.some(([, v]) => v === (amount / 100).toFixed(2))) quick.push([fen(amount), (amount / 100).toFixed(2)]);
    }
    openPad({
      title: T.cash, due: fen(due), label: "¥", quick, mode: "number",
      check: (v) => {
        const given = toFen(v);
        if (given === null) return [false, ""];
        return given >= due ? [true, `${T.changeDue} ${fen(given - due)}`] : [false, `${T.short} ${fen(due - given)}`];
      },
      onOk: (v) => {
        const given = toFen(v);
        completeSale({ method: "cash", tendered_fen: given, change_fen: given - due });
      },
    });
  }

  function askReference() {
    openPad({
      title: `${T.merchantQr} · ${catalogue.booth.merchant_name || catalogue.booth.name}`, due: fen(cartTotal()),
      label: T.referenceNeeded, mode: "text",
      check: (v) => [v.length >= 4 && v.length <= 64, v.length >= 4 ? "" : T.referenceNeeded],
      onOk: (v) => completeSale({ method: "merchant_qr", reference: v }),
    });
  }

  // --- a sale -------------------------------------------------------------------------
  function saleOfCart(tender) {
    const lines = [...cart].map(([key, quantity]) => {
      const line = { sku: itemFor(key).sku, quantity, unit_price_fen: itemFor(key).price_fen };
      if (lotOf(key)) line.lot = lotOf(key);
      return line;
    });
    const total = cartTotal();
    return (sequence) => ({
      uuid: crypto.randomUUID(), device_sequence: sequence, sold_at: new Date().toISOString(),
      lines, total_fen: total, tender,
    });
  }

  async function completeSale(tender) {
    const sale = await PosStore.addSale(saleOfCart(tender));
    await saleDone(sale);
    syncSoon(0);
  }

  async function saleDone(sale, title = T.saleSaved) {
    cart.clear();
    renderCart();
    showReceipt(sale, title);
    await refreshQueue();
    await renderTiles();
  }

  // --- the online tender: a QR code the buyer pays on their phone ----------------------
  /* The server records the sale itself once the money is confirmed, so the till only follows:
     it opens the payment (sending the same sale again is safe), shows the buyer's link as a
     QR code and asks every two seconds whether it was paid. */
  let online = null; // { sale, timer }

  function showOnlineTender() {
    // A shop without online payments shows no such button; offline, the button says why it is off.
    const offered = Boolean(catalogue && catalogue.booth.online_payment);
    const reason = offered && !navigator.onLine ? T.onlineOffline : "";
    $("pay-online").hidden = !offered;
    $("pay-online").disabled = !cart.size || Boolean(reason);
    $("online-hint").textContent = reason;
  }

  async function onlineCall(url, method) {
    const options = { method, headers: { "Content-Type": "application/json", Authorization: "Bearer " + token } };
    if (method === "POST" && url === body.dataset.onlineUrl) options.body = JSON.stringify(online.sale);
    const response = await fetch(url, options);
    if (response.status === 401) { await tokenRejected(); throw new Error(T.tokenInvalid); }
    const answer = await response.json();
    if (!response.ok) throw Object.assign(new Error(answer.message), { refused: response.status });
    return answer;
  }

  const onlineUrl = (uuid, action) => `${body.dataset.onlineUrl}/${uuid}${action ? "/" + action : ""}`;

  async function payOnline() {
    const sale = await PosStore.addSale(saleOfCart({ method: "online" }), "awaiting");
    online = { sale, timer: null };
    $("online-amount").textContent = fen(sale.total_fen);
    $("online-qr").replaceChildren();
    $("online-status").textContent = T.onlineOpening;
    $("online-cancel").disabled = false;
    $("online-cancel").textContent = T.onlineCancel;
    $("online").hidden = false;
    openOnline();
  }

  async function openOnline() {
    if (!online) return;
    try {
      const answer = await onlineCall(body.dataset.onlineUrl, "POST");
      const code = qrcode(0, "M");
      code.addData(answer.pay_url);
      code.make();
      const img = el("img");
      img.src = code.createDataURL(6, 2);
      img.alt = answer.pay_url;
      $("online-qr").replaceChildren(img);
      followOnline(answer);
    } catch (error) {
      if (!error.refused) return retryOnline(openOnline);
      // Refused for good (no online payments, the acquirer down): the cart stays for another tender.
      await PosStore.settle([{ uuid: online.sale.uuid, fields: { status: "cancelled", errors: [error.message] } }]);
      $("online-status").textContent = error.message;
      $("online-cancel").textContent = T.back;
      online = null;
    }
  }

  function retryOnline(step) {
    $("online-status").textContent = T.onlineLost;
    online.timer = setTimeout(step, 3000);
  }

  async function followOnline(answer) {
    if (!online) return;
    if (answer.status === "paid") return onlinePaid(answer);
    if (answer.status === "canceled") return closeOnline("cancelled");
    $("online-status").textContent = T.onlineWaiting;
    online.timer = setTimeout(pollOnline, 2000);
  }

  async function pollOnline() {
    if (!online) return;
    try {
      await followOnline(await onlineCall(onlineUrl(online.sale.uuid), "GET"));
    } catch (_offline) {
      retryOnline(pollOnline);
    }
  }

  async function onlinePaid(answer) {
    const sale = online.sale;
    await PosStore.settle([{ uuid: sale.uuid, fields: { status: "synced", orderNumber: answer.order_number, flags: [] } }]);
    clearTimeout(online.timer);
    online = null;
    $("online").hidden = true;
    // The receipt shows with its own title: a till checked in between must never read "saved on this tablet".
    await saleDone(sale, T.onlinePaid);
    loadCatalogue(); // the server counted this sale already
  }

  async function closeOnline(status) {
    await PosStore.settle([{ uuid: online.sale.uuid, fields: { status } }]);
    clearTimeout(online.timer);
    online = null;
    $("online").hidden = true;
  }

  async function cancelOnline() {
    if (!online) { $("online").hidden = true; return; }
    clearTimeout(online.timer);
    $("online-cancel").disabled = true;
    $("online-status").textContent = T.onlineCancelling;
    try {
      const answer = await onlineCall(onlineUrl(online.sale.uuid, "cancel"), "POST");
      if (answer.status === "paid") return onlinePaid(answer);
    } catch (error) {
      if (!error.refused) {
        // Not known to be closed: if the buyer still pays, the server records the sale anyway.
        $("online-status").textContent = T.onlineNotCancelled;
        await new Promise((resolve) => setTimeout(resolve, 2500));
      }
    }
    $("online-cancel").disabled = false;
    await closeOnline("cancelled");
  }

  /* Online payments left open when the till was closed: paid ones become synced sales,
     the rest are closed so that an old QR code cannot be paid by mistake. */
  async function settleLeftOpen() {
    for (const record of await PosStore.salesWithStatus("awaiting")) {
      try {
        online = { sale: record.payload, timer: null };
        const answer = await onlineCall(onlineUrl(record.uuid, "cancel"), "POST");
        const fields = answer.status === "paid" ? { status: "synced", orderNumber: answer.order_number } : { status: "cancelled" };
        await PosStore.settle([{ uuid: record.uuid, fields }]);
      } catch (error) {
        if (error.refused === 404) await PosStore.settle([{ uuid: record.uuid, fields: { status: "cancelled" } }]);
      } finally {
        online = null;
      }
    }
  }

  function showReceipt(sale, title) {
    $("receipt-title").textContent = title;
    const amounts = $("receipt-amounts");
    amounts.replaceChildren(el("strong", "", fen(sale.total_fen)));
    if (sale.tender.method === "cash") amounts.append(el("span", "ms-3", `${T.changeDue} ${fen(sale.tender.change_fen)}`));
    if (sale.tender.method === "online") amounts.append(el("span", "ms-3", T.onlineTender));
    const code = qrcode(0, "M");
    code.addData(body.dataset.receiptBase.replace("UUID", sale.uuid));
    code.make();
    const img = el("img");
    img.src = code.createDataURL(6, 2);
    img.alt = body.dataset.receiptBase.replace("UUID", sale.uuid);
    $("receipt-qr").replaceChildren(img);
    $("receipt").hidden = false;
  }

  // --- sync ---------------------------------------------------------------------------
  function syncSoon(seconds) {
    clearTimeout(syncTimer);
    syncTimer = setTimeout(sync, seconds * 1000);
  }

  async function sync() {
    if (syncing || !token) return;
    const batch = await PosStore.salesWithStatus("pending", BATCH);
    if (!batch.length) { failures = 0; return refreshQueue(); }
    syncing = true;
    showQueue(batch.length, T.syncing);
    try {
      const response = await fetch(body.dataset.salesUrl, {
        method: "POST", headers: { "Content-Type": "application/json", Authorization: "Bearer " + token },
        body: JSON.stringify({ sales: batch.map((record) => record.payload) }),
      });
      if (response.status === 401) { syncing = false; return tokenRejected(); }
      if (![200, 207, 409, 422].includes(response.status)) throw new Error(response.status);
      const answer = await response.json();
      await PosStore.settle(answer.results.filter((r) => r.uuid).map((r) => ({
        uuid: r.uuid,
        fields: ["created", "duplicate"].includes(r.outcome)
          ? { status: "synced", orderNumber: r.order_number, flags: r.flags || [] }
          : { status: "rejected", errors: r.errors || [r.outcome] },
      })));
      failures = 0;
      syncing = false;
      await refreshQueue();
      await loadCatalogue(); // what is left on the table, now that the server counted these sales
      syncSoon(batch.length === BATCH ? 0 : 15);
    } catch (_offlineOrServerDown) {
      syncing = false;
      const wait = BACKOFF_SECONDS[Math.min(failures, BACKOFF_SECONDS.length - 1)];
      failures += 1;
      await refreshQueue(wait);
      syncSoon(wait);
    }
  }

  async function refreshQueue(retryIn) {
    const pending = await PosStore.countWithStatus("pending");
    showQueue(pending, pending ? `${T.unsynced} ${pending}${retryIn ? ` · ${retryIn} ${T.retryIn}` : ""}` : T.allSynced);
    const rejected = await PosStore.salesWithStatus("rejected");
    const box = $("rejected");
    box.hidden = !rejected.length;
    box.replaceChildren(el("strong", "", `${rejected.length} ${T.rejected}`));
    for (const record of rejected.slice(0, 5)) {
      box.append(el("div", "", `#${record.payload.device_sequence} ${fen(record.payload.total_fen)}: ${(record.errors || []).join("；")}`));
    }
  }

  function showQueue(pending, text) {
    const badge = $("queue-badge");
    badge.dataset.unsynced = String(pending);
    badge.textContent = text;
    badge.className = "badge rounded-pill " + (pending ? "text-bg-warning" : "text-bg-light");
  }

  function showNetwork() {
    const badge = $("net-badge");
    const connected = navigator.onLine;
    badge.textContent = connected ? T.online : T.offline;
    badge.className = "badge rounded-pill " + (connected ? "text-bg-success" : "text-bg-danger");
    body.classList.toggle("is-offline", !connected);
    showOnlineTender();
  }

  // --- scanning labels with the camera ------------------------------------------------
  let stream = null;
  let scanning = false;

  async function startScan() {
    $("scanner").hidden = false;
    $("scan-hint").textContent = T.scanHint;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
    } catch (_noCamera) {
      $("scan-hint").textContent = T.noCamera;
      return;
    }
    const video = $("scan-video");
    video.srcObject = stream;
    await video.play();
    const detector = "BarcodeDetector" in window ? new BarcodeDetector({ formats: ["qr_code"] }) : null;
    const canvas = document.createElement("canvas");
    const context = canvas.getContext("2d", { willReadFrequently: true });
    scanning = true;
    const frame = async () => {
      if (!scanning) return;
      let text = null;
      if (detector) {
        const found = await detector.detect(video).catch(() => []);
        text = found.length ? found[0].rawValue : null;
      } else if (video.videoWidth) {
        canvas.width = video.videoWidth;
        canvas.height = video.videoHeight;
        context.drawImage(video, 0, 0);
        const found = jsQR(context.getImageData(0, 0, canvas.width, canvas.height).data, canvas.width, canvas.height);
        text = found ? found.data : null;
      }
      if (text && addByLabel(text)) return stopScan();
      if (text) $("scan-hint").textContent = T.unknownLabel;
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  }

  function stopScan() {
    scanning = false;
    if (stream) stream.getTracks().forEach((track) => track.stop());
    stream = null;
    $("scanner").hidden = true;
  }

  // --- wiring -------------------------------------------------------------------------
  $("pair-form")?.addEventListener("submit", pair);
  $("search").addEventListener("input", renderTiles);
  $("search").addEventListener("keydown", (e) => {
    if (e.key !== "Enter") return;
    if (addByLabel($("search").value)) { $("search").value = ""; renderTiles(); }
    else if ($("tiles").querySelectorAll(".pos-tile").length === 1) $("tiles").querySelector(".pos-tile").click();
  });
  $("scan").addEventListener("click", startScan);
  $("scan-close").addEventListener("click", stopScan);
  $("pay-cash").addEventListener("click", askCash);
  $("pay-qr").addEventListener("click", askReference);
  $("pay-online").addEventListener("click", payOnline);
  $("online-cancel").addEventListener("click", cancelOnline);
  $("clear-cart").addEventListener("click", () => { cart.clear(); renderCart(); });
  $("pad-cancel").addEventListener("click", closePad);
  $("pad-ok").addEventListener("click", () => padDone && padDone());
  $("pad-value").addEventListener("keydown", (e) => { if (e.key === "Enter" && padDone) padDone(); });
  document.querySelectorAll("[data-key]").forEach((key) => key.addEventListener("click", () => pressKey(key.dataset.key)));
  $("next-buyer").addEventListener("click", () => { $("receipt").hidden = true; $("search").value = ""; renderTiles(); });
  $("repair").addEventListener("click", () => showPairing());
  setInterval(() => { if (navigator.onLine && !syncing) sync(); }, 20000);
  start();
})();
