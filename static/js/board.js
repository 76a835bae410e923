// The venue board: big figures and a township chart that refresh themselves from the
// public JSON endpoint, so a screen at a fair can run all day untouched.
document.addEventListener("DOMContentLoaded", function () {
  var body = document.body;
  var yuan = function (fen) { return "¥" + (fen / 100).toLocaleString("zh-CN", { minimumFractionDigits: 2, maximumFractionDigits: 2 }); };
  var chart = null;

  function render(figures) {
    document.querySelectorAll("[data-figure]").forEach(function (el) {
      var value = figures[el.dataset.figure];
      el.textContent = el.dataset.money ? yuan(value) : value.toLocaleString("zh-CN");
    });
    var labels = figures.townships.map(function (t) { return t.label; });
    var values = figures.townships.map(function (t) { return t.sales_fen / 100; });
    if (typeof Chart !== "undefined") {
      if (!chart) {
        chart = new Chart(document.getElementById("townships-chart"), {
          type: "bar",
          data: { labels: labels, datasets: [{ data: values, backgroundColor: "#ffa94d" }] },
          options: { animation: false, maintainAspectRatio: false, plugins: { legend: { display: false } },
            scales: { x: { ticks: { color: "#fff", font: { size: 16 } } }, y: { ticks: { color: "#fff" } } } }
        });
      } else {
        chart.data.labels = labels;
        chart.data.datasets[0].data = values;
        chart.update();
      }
    }
    document.getElementById("updated").textContent = new Date().toLocaleTimeString("zh-CN");
  }

  function refresh() {
    fetch(body.dataset.source, { headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (figures) { if (figures) { render(figures); } })
      .catch(function () { /* keep the last figures on screen while the network is down */ });
  }

  render(JSON.parse(document.getElementById("board-data").textContent));
  setInterval(refresh, (parseInt(body.dataset.refreshSeconds, 10) || 30) * 1000);
});
