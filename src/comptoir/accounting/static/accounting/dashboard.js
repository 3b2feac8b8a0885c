/* The accounting dashboard's charts (the Content-Security-Policy allows no inline script): reads the figures the
   page carries in <script type="application/json" id="accounting-dashboard-data"> and draws, with Chart.js (the
   global `Chart`, loaded before this file), the revenue and expenses by month as bars and the month-end cash as a
   line. Amounts arrive as decimal strings; the axes and tooltips show them in the base currency. */
(function () {
  "use strict";

  var COLORS = { revenue: "#3b5bdb", expense: "#e67700", cash: "#2b8a3e" };

  function draw() {
    var source = document.getElementById("accounting-dashboard-data");
    if (!source || !window.Chart) return;
    var data = JSON.parse(source.textContent);
    var lang = document.documentElement.lang || undefined;
    var money = new Intl.NumberFormat(lang, {
      style: "currency",
      currency: data.currency,
      minimumFractionDigits: data.places,
      maximumFractionDigits: data.places
    });
    var compact = new Intl.NumberFormat(lang, { notation: "compact", maximumFractionDigits: 1 });
    var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

    function dataset(key, extra) {
      var series = data.series[key];
      var base = {
        label: series.label,
        data: series.values.map(Number),
        backgroundColor: COLORS[key],
        borderColor: COLORS[key]
      };
      return Object.assign(base, extra || {});
    }

    function options() {
      return {
        responsive: true,
        animation: still ? false : undefined,
        interaction: { mode: "index", intersect: false },
        scales: { y: { ticks: { callback: function (value) { return compact.format(value); } } } },
        plugins: {
          legend: { position: "bottom" },
          tooltip: {
            callbacks: {
              label: function (item) { return item.dataset.label + ": " + money.format(item.parsed.y); }
            }
          }
        }
      };
    }

    var revenue = document.getElementById("accounting-revenue-chart");
    if (revenue) {
      new window.Chart(revenue, {
        type: "bar",
        data: { labels: data.labels, datasets: [dataset("revenue"), dataset("expense")] },
        options: options()
      });
    }
    var cash = document.getElementById("accounting-cash-chart");
    if (cash) {
      new window.Chart(cash, {
        type: "line",
        data: {
          labels: data.labels,
          datasets: [dataset("cash", { backgroundColor: "rgba(43, 138, 62, 0.12)", fill: true, tension: 0.25 })]
        },
        options: options()
      });
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
