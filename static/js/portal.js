/* The portal's only script of its own (the content policy allows no inline script):
   - on a phone, the navigation folds behind the "Menu" button (without JavaScript it is shown);
   - a form that failed moves the focus to its error summary, so the problems are read first;
   - a form with data-confirm-lower asks before a progress update lowers the percent. */
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

  function confirmLowerPercent() {
    document.querySelectorAll("form[data-confirm-lower]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        const input = form.querySelector("[name=percent_complete]");
        const current = Number(form.dataset.confirmLower);
        if (!input || input.value === "") return;
        const wanted = Number(input.value);
        if (wanted < current && !window.confirm(
          "This lowers the progress from " + current + "% to " + wanted + "%. Post it?"
        )) {
          event.preventDefault();
        }
      });
    });
  }

  function start() {
    menu();
    errorSummary();
    confirmLowerPercent();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
