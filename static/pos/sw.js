/* The booth app's service worker: the till must open with no network at all.
   The shell and its assets are cached at install; the page itself is fetched fresh when
   the network answers and served from the cache when it does not. API calls are never
   touched here: sales live in IndexedDB and are synced by the page. */
"use strict";

const SHELL = "dongkou-pos-shell-v3";
const PHOTOS = "dongkou-pos-photos-v1";
const ASSETS = [
  "/pos/",
  "/static/pos/pos.css",
  "/static/pos/store.js",
  "/static/pos/pos.js",
  "/static/vendor/qrcode-generator/qrcode.js",
  "/static/vendor/jsqr/jsQR.js",
  "/static/pos/icon-192.png",
  "/bootstrap/static/css/bootstrap.min.css",
  "/bootstrap/static/css/font/bootstrap-icons.min.css",
  "/bootstrap/static/css/font/fonts/bootstrap-icons.woff2",
  "/pos/manifest.webmanifest",
];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll(ASSETS)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => ![SHELL, PHOTOS].includes(k)).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

async function networkFirst(request) {
  const cache = await caches.open(SHELL);
  try {
    const response = await fetch(request);
    // A redirect means "sign in first": keep the last good till rather than a login page.
    if (response.ok && !response.redirected) await cache.put("/pos/", response.clone());
    return response;
  } catch (_offline) {
    return (await cache.match("/pos/")) || Response.error();
  }
}

/* Answer from the cache at once and refresh it behind the scenes, so a new version of the
   till reaches the tablet on the next start without ever making it wait for the network. */
async function staleWhileRevalidate(event, name) {
  const cache = await caches.open(name);
  const hit = await cache.match(event.request, { ignoreSearch: true });
  const refresh = fetch(event.request).then((response) => {
    if (response.ok) return cache.put(event.request, response.clone()).then(() => response);
    return response;
  });
  if (hit) {
    event.waitUntil(refresh.catch(() => undefined));
    return hit;
  }
  return refresh;
}

async function cacheFirst(request, name) {
  const cache = await caches.open(name);
  const hit = await cache.match(request, { ignoreSearch: true });
  if (hit) return hit;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin || url.pathname.startsWith("/api/")) return;
  if (event.request.mode === "navigate" && url.pathname === "/pos/") {
    event.respondWith(networkFirst(event.request));
  } else if (url.pathname.startsWith("/media/")) {
    event.respondWith(cacheFirst(event.request, PHOTOS));
  } else if (url.pathname.startsWith("/static/") || url.pathname.startsWith("/bootstrap/")) {
    event.respondWith(staleWhileRevalidate(event, SHELL));
  }
});
