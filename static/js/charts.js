// Draws the report charts from the JSON block the page carries; amounts arrive in fen.
document.addEventListener("DOMContentLoaded", function () {
  var source = document.getElementById("chart-data");
  if (!source || typeof Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var palette = ["#e8590c", "#2b8a3e", "#1c7ed6", "#f59f00", "#ae3ec9", "#0ca678", "#e03131", "#5c940d"];
  var yuan = function (fen) { return "¥" + (fen / 100).toLocaleString("zh-CN", { maximumFractionDigits: 0 }); };
  document.querySelectorAll("canvas.chart").forEach(function (canvas) {
    var series = canvas.dataset.series;
    var kind = canvas.dataset.kind;
    new Chart(canvas, {
      type: kind,
      data: {
        labels: data[series],
        datasets: [{
          data: data[series + "_values"].map(function (fen) { return fen / 100; }),
          backgroundColor: kind === "line" ? "rgba(232, 89, 12, .15)" : palette,
          borderColor: kind === "line" ? "#e8590c" : "#fff",
          fill: kind === "line",
          tension: 0.25
        }]
      },
      options: {
        animation: false,
        plugins: {
          legend: { display: kind === "doughnut" },
          tooltip: { callbacks: { label: function (ctx) { return yuan(ctx.raw * 100); } } }
        },
        scales: kind === "doughnut" ? {} : { y: { ticks: { callback: function (v) { return yuan(v * 100); } } } }
      }
    });
  });
});
