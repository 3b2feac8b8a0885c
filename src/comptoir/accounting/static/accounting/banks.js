/* The reconciliation screen's htmx answers: a refused action (422) replaces the workspace as an accepted one does
   (it carries the refusal next to its field), and the focus moves to what the answer marks with data-autofocus
   (the outcome, the refusal, the matches of the line chosen), so the keyboard stays where the work is. */
(function () {
  "use strict";

  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status === 422) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.addEventListener("htmx:afterSettle", function () {
    var target = document.querySelector("#reconciliation [data-autofocus]");
    if (target) target.focus();
  });
})();
