/* The portal's only script of its own (the content policy allows no inline script):
   - on a phone, the navigation folds behind the "Menu" button (without JavaScript it is shown);
   - a form that failed moves the focus to its error summary, so the problems are read first;
   - on a phone, table cells are labelled with their column's name;
   - comment rows added in place (htmx) put the focus on the first empty one. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function menu() {
    const button = document.querySelector(".menu-button");
    const nav = document.getElementById("site-nav");
    if (!button || !nav) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      const open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", String(open));
      nav.classList.toggle("is-open", open);
    });
  }

  function errorSummary() {
    const summary = document.querySelector("[data-error-summary]");
    if (summary) summary.focus();
  }


  // On a phone the cells of a table stack; each shows its column's name (CSS reads data-label).
  function labelCells() {
    document.querySelectorAll("table").forEach(function (table) {
      const headers = Array.prototype.map.call(
        table.querySelectorAll("thead tr:last-child > th"),
        function (th) { return th.textContent.replace(/\s+/g, " ").trim(); }
      );
      if (!headers.length) return;
      table.querySelectorAll("tbody tr").forEach(function (row) {
        Array.prototype.forEach.call(row.children, function (cell, index) {
          if (!cell.hasAttribute("data-label") && headers[index]) {
            cell.setAttribute("data-label", headers[index]);
          }
        });
      });
    });
  }

  // After comment rows were added in place, the first empty row takes the focus.
  function focusNewRow(event) {
    const form = event.detail.elt && event.detail.elt.closest
      ? document.querySelector(".answer-form") : null;
    if (!form) return;
    const empty = Array.prototype.find.call(
      form.querySelectorAll(".comment-row textarea"), function (t) { return !t.value; }
    );
    if (empty) empty.focus();
  }

  function start() {
    document.body.addEventListener("htmx:afterSettle", focusNewRow);
    labelCells();
    document.body.addEventListener("htmx:afterSwap", labelCells);
    menu();
    errorSummary();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
