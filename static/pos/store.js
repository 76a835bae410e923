/* The tablet's durable memory: IndexedDB keeps the device token, the booth catalogue and
   every sale until the server has acknowledged it. A sale is written here before the
   receipt is shown, so a reload, a closed tab or a flat battery cannot lose it. */
"use strict";

const PosStore = (() => {
  const DB_NAME = "dongkou-pos";
  let opened = null;

  function open() {
    if (opened) return opened;
    opened = new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = () => {
        const db = request.result;
        db.createObjectStore("kv");
        const sales = db.createObjectStore("sales", { keyPath: "uuid" });
        sales.createIndex("status", "status");
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    return opened;
  }

  function done(tx) {
    return new Promise((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  }

  function result(request) {
    return new Promise((resolve, reject) => {
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  async function get(key) {
    const db = await open();
    return result(db.transaction("kv").objectStore("kv").get(key));
  }

  async function set(key, value) {
    const db = await open();
    const tx = db.transaction("kv", "readwrite");
    tx.objectStore("kv").put(value, key);
    return done(tx);
  }

  /* The next device sequence number and the sale are written in one transaction:
     numbers never repeat and never skip, whatever happens to the tab. A sale offered for
     online payment is kept as "awaiting" (not uploaded by the sync) until the buyer pays
     ("synced": the server recorded it) or walks away ("cancelled"). */
  async function addSale(build, status = "pending") {
    const db = await open();
    const tx = db.transaction(["kv", "sales"], "readwrite");
    const kv = tx.objectStore("kv");
    const sequence = ((await result(kv.get("sequence"))) || 0) + 1;
    const sale = build(sequence);
    kv.put(sequence, "sequence");
    tx.objectStore("sales").add({ uuid: sale.uuid, status, payload: sale, savedAt: Date.now() });
    await done(tx);
    return sale;
  }

  async function salesWithStatus(status, limit) {
    const db = await open();
    const index = db.transaction("sales").objectStore("sales").index("status");
    const all = await result(index.getAll(status));
    all.sort((a, b) => a.payload.device_sequence - b.payload.device_sequence);
    return limit ? all.slice(0, limit) : all;
  }

  async function countWithStatus(status) {
    const db = await open();
    return result(db.transaction("sales").objectStore("sales").index("status").count(status));
  }

  async function settle(outcomes) {
    const db = await open();
    const tx = db.transaction("sales", "readwrite");
    const store = tx.objectStore("sales");
    for (const outcome of outcomes) {
      const record = await result(store.get(outcome.uuid));
      if (!record) continue;
      Object.assign(record, outcome.fields);
      store.put(record);
    }
    return done(tx);
  }

  return { get, set, addSale, salesWithStatus, countWithStatus, settle };
})();
