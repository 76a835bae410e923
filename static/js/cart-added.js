// The cart says once what was just added: its address loses the "added" part, so reloading the
// cart or coming back to it later does not announce the same box again.
(function () {
  var url = new URL(window.location.href);
  if (url.searchParams.has("added")) {
    url.searchParams.delete("added");
    window.history.replaceState(window.history.state, "", url.pathname + url.search + url.hash);
  }
})();
