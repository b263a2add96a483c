// Draws the dashboard's two bar charts from the figures the page also shows as tables.
// Chart.js is vendored (static/vendor/chartjs); without it or without JavaScript the tables stay.
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source || typeof window.Chart === "undefined") return;
  var data = JSON.parse(source.textContent);
  function draw(canvasId, part) {
    var canvas = document.getElementById(canvasId);
    if (!canvas) return;
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: part.labels,
        datasets: [
          { label: data.labels.offers, data: part.offers, backgroundColor: "#2a7ab0" },
          { label: data.labels.needs, data: part.needs, backgroundColor: "#d9822b" }
        ]
      },
      options: {
        responsive: true,
        animation: false,
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } }
      }
    });
  }
  draw("chart-category", data.category);
  draw("chart-region", data.region);
})();
