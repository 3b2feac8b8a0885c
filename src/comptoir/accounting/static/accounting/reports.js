/* The report pages' behaviour (a static file: the Content-Security-Policy allows no inline script):
   - a section's header button (data-report-toggle="<path>") collapses or expands the section: the rows whose
     data-path starts with a collapsed section's path are hidden; its header and subtotal stay;
   - "Expand all" / "Collapse all" (data-report-expand / data-report-collapse) do it for every section;
   - "Print" (data-report-print) opens the browser's print dialog. */
(function () {
  "use strict";

  function refresh(table) {
    var collapsed = Array.prototype.map.call(
      table.querySelectorAll("button[data-report-toggle][aria-expanded='false']"),
      function (button) { return button.getAttribute("data-report-toggle"); }
    );
    table.querySelectorAll("tbody tr[data-path]").forEach(function (row) {
      var path = row.getAttribute("data-path");
      row.hidden = collapsed.some(function (section) { return path.indexOf(section) === 0; });
    });
  }

  function setAll(expanded) {
    document.querySelectorAll("table[data-report]").forEach(function (table) {
      table.querySelectorAll("button[data-report-toggle]").forEach(function (button) {
        button.setAttribute("aria-expanded", expanded ? "true" : "false");
      });
      refresh(table);
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button");
    if (!button) return;
    if (button.hasAttribute("data-report-toggle")) {
      var expanded = button.getAttribute("aria-expanded") !== "false";
      button.setAttribute("aria-expanded", expanded ? "false" : "true");
      refresh(button.closest("table"));
    } else if (button.hasAttribute("data-report-expand")) {
      setAll(true);
    } else if (button.hasAttribute("data-report-collapse")) {
      setAll(false);
    } else if (button.hasAttribute("data-report-print")) {
      window.print();
    }
  });
})();
