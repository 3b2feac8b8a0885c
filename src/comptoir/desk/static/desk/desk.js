/* The desk's behaviour, as a static file (the Content-Security-Policy allows no inline script):
   - selects marked data-autosubmit submit their form on change;
   - "/" focuses the quick search, Escape leaves it; arrow keys move through its results;
   - line grids (table[data-line-grid]) add and remove rows from their <template>, renumbering the fields;
   - a grid with data-balance shows Σdebit − Σcredit live;
   - buttons with data-confirm ask before submitting. */
(function () {
  "use strict";

  function parseAmount(text) {
    if (!text) return 0;
    var cleaned = String(text).replace(/[\s\u00a0\u202f]/g, "").replace(",", ".");
    var value = Number(cleaned);
    return isFinite(value) ? value : NaN;
  }

  function renumber(grid) {
    var rows = grid.querySelectorAll("tbody tr[data-row]");
    rows.forEach(function (row, index) {
      row.querySelectorAll("[name]").forEach(function (field) {
        field.name = field.name.replace(/^(\w+)-(\d+|__prefix__)-/, "$1-" + index + "-");
        if (field.id) field.id = field.id.replace(/^(\w+)-(\d+|__prefix__)-/, "$1-" + index + "-");
        var list = field.getAttribute("list");
        if (list) field.setAttribute("list", list.replace(/^(\w+)-(\d+|__prefix__)-/, "$1-" + index + "-"));
      });
      row.querySelectorAll("datalist[id]").forEach(function (list) {
        list.id = list.id.replace(/^(\w+)-(\d+|__prefix__)-/, "$1-" + index + "-");
      });
      row.querySelectorAll("label[for]").forEach(function (label) {
        label.htmlFor = label.htmlFor.replace(/^(\w+)-(\d+|__prefix__)-/, "$1-" + index + "-");
      });
      var number = row.querySelector("[data-row-number]");
      if (number) number.textContent = index + 1;
    });
    var count = grid.querySelector("input[data-row-count]");
    if (count) count.value = rows.length;
  }

  function updateBalance(grid) {
    var out = document.getElementById(grid.dataset.balance);
    if (!out) return;
    var debit = 0, credit = 0, bad = false;
    grid.querySelectorAll("input[data-debit]").forEach(function (f) { var v = parseAmount(f.value); if (isNaN(v)) bad = true; else debit += v; });
    grid.querySelectorAll("input[data-credit]").forEach(function (f) { var v = parseAmount(f.value); if (isNaN(v)) bad = true; else credit += v; });
    var fmt = new Intl.NumberFormat(document.documentElement.lang || undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    var totalDebit = document.getElementById(grid.dataset.balance + "-debit");
    var totalCredit = document.getElementById(grid.dataset.balance + "-credit");
    if (totalDebit) totalDebit.textContent = fmt.format(debit);
    if (totalCredit) totalCredit.textContent = fmt.format(credit);
    var diff = Math.round((debit - credit) * 10000) / 10000;
    out.classList.toggle("off", bad || diff !== 0);
    out.classList.toggle("on", !bad && diff === 0 && debit > 0);
    var empty = !bad && debit === 0 && credit === 0;
    out.textContent = empty ? "" : bad ? out.dataset.invalid : diff === 0 ? out.dataset.balanced : out.dataset.difference + " " + fmt.format(diff);
  }

  function addRow(grid) {
    var template = grid.querySelector("template");
    var body = grid.querySelector("tbody");
    body.appendChild(template.content.cloneNode(true));
    renumber(grid);
    var rows = body.querySelectorAll("tr[data-row]");
    var first = rows[rows.length - 1].querySelector("input, select");
    if (first) first.focus();
    if (window.htmx) window.htmx.process(rows[rows.length - 1]);
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("select[data-autosubmit]")) target.form.requestSubmit();
  });

  document.addEventListener("input", function (event) {
    var grid = event.target.closest && event.target.closest("table[data-balance]");
    if (grid) updateBalance(grid);
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button");
    if (!button) return;
    if (button.hasAttribute("data-add-row")) {
      event.preventDefault();
      addRow(document.getElementById(button.getAttribute("data-add-row")));
    } else if (button.hasAttribute("data-remove-row")) {
      event.preventDefault();
      var grid = button.closest("table[data-line-grid]");
      var row = button.closest("tr");
      var next = row.nextElementSibling || row.previousElementSibling;
      row.remove();
      renumber(grid);
      updateBalance(grid);
      var focusable = next && next.querySelector("input, select");
      if (focusable) focusable.focus();
    } else if (button.dataset.confirm && !window.confirm(button.dataset.confirm)) {
      event.preventDefault();
    }
  });

  document.addEventListener("keydown", function (event) {
    var search = document.getElementById("quick-search");
    var tag = (event.target.tagName || "").toLowerCase();
    var typing = tag === "input" || tag === "textarea" || tag === "select" || event.target.isContentEditable;
    if (event.key === "/" && !typing && search) {
      event.preventDefault();
      search.focus();
      return;
    }
    if (event.key === "Escape" && event.target === search) {
      search.value = "";
      document.getElementById("search-results").innerHTML = "";
      search.blur();
      return;
    }
    if ((event.key === "ArrowDown" || event.key === "ArrowUp") && event.target.closest && event.target.closest(".search")) {
      var links = Array.prototype.slice.call(document.querySelectorAll("#search-results a"));
      if (!links.length) return;
      event.preventDefault();
      var index = links.indexOf(document.activeElement);
      index = event.key === "ArrowDown" ? Math.min(index + 1, links.length - 1) : index - 1;
      (index < 0 ? search : links[index]).focus();
    }
    // Alt+N adds a row to the line grid the focus is in.
    if (event.altKey && (event.key === "n" || event.key === "N")) {
      var grid = event.target.closest && event.target.closest("table[data-line-grid]");
      if (grid) { event.preventDefault(); addRow(grid); }
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("table[data-balance]").forEach(updateBalance);
  });
})();
