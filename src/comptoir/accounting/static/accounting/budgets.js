/* Budget vs actual: allocated beside spent for each budget (data from the page's #budget-data JSON). */
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var canvas = document.getElementById("budget-chart");
  var source = document.getElementById("budget-data");
  if (!canvas || !source || !window.Chart) return;
  var data = JSON.parse(source.textContent);
  canvas.chart = new window.Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: [
        { label: canvas.dataset.allocated, data: data.allocated.map(Number), backgroundColor: "#a5b4fc" },
        { label: canvas.dataset.spent, data: data.spent.map(Number), backgroundColor: "#3b5bdb" }
      ]
    },
    options: { responsive: true, maintainAspectRatio: false, animation: false }
  });
});
