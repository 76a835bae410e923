/* The staff's live board of an event: sales by booth and by hour, refreshed from JSON. */
document.addEventListener("DOMContentLoaded", () => {
  const root = document.getElementById("booth-board");
  const yuan = (fen) => "¥" + (fen / 100).toLocaleString("zh-CN", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const charts = {};

  function chart(id, type, labels, values, color) {
    if (typeof Chart === "undefined") return;
    if (charts[id]) {
      charts[id].data.labels = labels;
      charts[id].data.datasets[0].data = values;
      charts[id].update();
      return;
    }
    charts[id] = new Chart(document.getElementById(id), {
      type, data: { labels, datasets: [{ data: values, backgroundColor: color, borderColor: color }] },
      options: { animation: false, maintainAspectRatio: false, plugins: { legend: { display: false } },
        indexAxis: type === "bar" && id === "booths-chart" ? "y" : "x",
        scales: { x: { ticks: { autoSkip: true } } } },
    });
  }

  function render(board) {
    document.querySelectorAll("[data-board]").forEach((el) => {
      const value = board[el.dataset.board];
      el.textContent = el.dataset.money ? yuan(value) : value.toLocaleString("zh-CN");
    });
    chart("booths-chart", "bar", board.booths.map((b) => b.name), board.booths.map((b) => b.total_fen / 100), "#ffa94d");
    chart("hours-chart", "bar", board.hours.map((h) => h.hour), board.hours.map((h) => h.total_fen / 100), "#2b8a3e");
    const rows = document.getElementById("booth-rows");
    if (board.booths.length) {
      rows.replaceChildren(...board.booths.map((b) => {
        const tr = document.createElement("tr");
        for (const [text, right] of [[b.name, false], [String(b.count), true], [yuan(b.total_fen), true]]) {
          const td = document.createElement("td");
          td.textContent = text;
          if (right) td.className = "text-end";
          tr.append(td);
        }
        return tr;
      }));
    }
    document.getElementById("board-updated").textContent = new Date().toLocaleTimeString("zh-CN");
  }

  render(JSON.parse(document.getElementById("booth-board-data").textContent));
  setInterval(() => {
    fetch(root.dataset.source, { headers: { Accept: "application/json" } })
      .then((r) => (r.ok ? r.json() : null))
      .then((board) => board && render(board))
      .catch(() => { /* keep the last figures while the network is down */ });
  }, (parseInt(root.dataset.refreshSeconds, 10) || 20) * 1000);
});
