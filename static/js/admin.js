/* Names for the admin's unnamed controls, so a screen reader announces each field:
   - the cells of tabular inline rows and of a list's editable columns carry no <label>: name
     them after their column and row;
   - a date-and-time field's two boxes have no <label> of their own: name them after the
     field, "date" and "time";
   - select2's autocomplete boxes name themselves after their (often empty) selection: name
     them after the field's label, and make its list of chosen items plain text.
   Runs on load and whenever the admin adds a row or select2 draws a box. */
(function () {
  "use strict";

  function text(element) {
    return element ? element.textContent.replace(/\s+/g, " ").trim() : "";
  }

  function labelFor(control) {
    if (control.id) {
      const label = document.querySelector('label[for="' + control.id + '"]');
      if (label && text(label)) return text(label);
    }
    const cell = control.closest("td");
    const row = control.closest("tr");
    const table = control.closest("table");
    if (cell && row && table) {
      const column = Array.prototype.indexOf.call(row.children, cell);
      const header = table.querySelectorAll("thead tr > th")[column];
      const number = text(row.querySelector("td.original p")) || text(row.querySelector("th")) ||
        "row " + (row.rowIndex);
      if (header && text(header)) return text(header) + " (" + number + ")";
    }
    return "";
  }

  function nameControls(root) {
    root.querySelectorAll(".inline-group td input:not([type=hidden]), .inline-group td select, " +
        ".inline-group td textarea, #result_list td input:not([type=hidden]), #result_list td select")
      .forEach(function (control) {
        if (control.labels && control.labels.length) return;
        if (control.getAttribute("aria-label")) return;
        const name = labelFor(control);
        if (name) control.setAttribute("aria-label", name);
      });
  }

  function nameDateTimes(root) {
    root.querySelectorAll("p.datetime input:not([type=hidden])").forEach(function (input) {
      if ((input.labels && input.labels.length) || input.getAttribute("aria-label")) return;
      const row = input.closest(".form-row, .fieldBox");
      const field = text(row && row.querySelector("label")).replace(/:$/, "");
      const part = /_1$/.test(input.id) ? "time" : "date";
      input.setAttribute("aria-label", field ? field + ", " + part : part);
    });
  }

  function nameSelect2(container) {
    const select = container.previousElementSibling;
    if (!select || select.tagName !== "SELECT") return;
    const name = labelFor(select);
    const combobox = container.querySelector('.select2-selection[role="combobox"]');
    if (combobox && name) {
      combobox.removeAttribute("aria-labelledby");
      combobox.setAttribute("aria-label", name);
    }
    const rendered = container.querySelector('.select2-selection__rendered[role="textbox"]');
    if (rendered && name) rendered.setAttribute("aria-label", name);
    const search = container.querySelector(".select2-search__field");
    if (search && name) search.setAttribute("aria-label", name);
    const chosen = container.querySelector("ul.select2-selection__rendered");
    if (chosen) {
      chosen.setAttribute("role", "none");
      chosen.querySelectorAll(":scope > li").forEach(function (item) {
        item.setAttribute("role", "none");
      });
    }
  }

  // A wide table of inline rows scrolls sideways on a phone: a keyboard must reach it too.
  function scrollableInlines(root) {
    root.querySelectorAll(".inline-group").forEach(function (group) {
      if (group.querySelector(".tabular") && !group.hasAttribute("tabindex")) {
        group.setAttribute("tabindex", "0");
        group.setAttribute("role", "region");
        group.setAttribute("aria-label", text(group.querySelector("h2")) || "Related records");
      }
    });
  }

  function fix(root) {
    nameControls(root);
    nameDateTimes(root);
    scrollableInlines(root);
    // The filter widget's search icon carries an aria-label, allowed on an image only.
    root.querySelectorAll(".search-label-icon[aria-label]").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
    root.querySelectorAll("span.select2-container").forEach(nameSelect2);
  }

  let pending = false;
  const observer = new MutationObserver(function () {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () {
      pending = false;
      observer.disconnect();
      fix(document);
      observer.observe(document.body, { childList: true, subtree: true });
    });
  });

  function start() {
    fix(document);
    observer.observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
