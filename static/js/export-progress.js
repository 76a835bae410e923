// Follows an export job: polls its progress twice a second and shows the download link when done.
(function () {
  const box = document.getElementById("export-progress");
  if (!box) return;
  const bar = document.getElementById("export-bar");
  const show = (id, on) => document.getElementById(id).classList.toggle("d-none", !on);

  function render(p) {
    const pct = p.rows_total ? Math.round((100 * p.rows_done) / p.rows_total) : (p.status === "done" ? 100 : 0);
    bar.style.width = pct + "%";
    bar.textContent = pct + "%";
    bar.parentElement.setAttribute("aria-valuenow", String(pct));
    document.getElementById("export-status").textContent = p.status_label;
    if (p.rows_total !== null) {
      document.getElementById("export-rows").textContent = box.dataset.rowsLabel
        .replace("{done}", p.rows_done.toLocaleString()).replace("{total}", p.rows_total.toLocaleString());
    }
    if (p.download) {
      document.getElementById("export-download").href = p.download;
      show("export-ready", true);
      show("export-wait", false);
    }
    if (p.error) {
      document.getElementById("export-error").textContent += p.error;
      show("export-error", true);
    }
    return p.status === "done" || p.status === "failed" || p.status === "purged";
  }

  async function poll() {
    try {
      const answer = await fetch(box.dataset.url, { headers: { Accept: "application/json" } });
      if (answer.ok && render(await answer.json())) return;
    } catch (e) {
      // A dropped connection: try again on the next tick.
    }
    setTimeout(poll, 500);
  }
  poll();
})();
