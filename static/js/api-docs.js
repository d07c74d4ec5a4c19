/* Swagger UI draws each operation's summary as a button with a link inside it (nested
   controls a screen reader cannot reach): the link's href goes, the button still opens it.
   Runs whenever Swagger UI draws. */
(function () {
  "use strict";
  function fix() {
    document.querySelectorAll(".opblock-summary-control a[href]").forEach(function (link) {
      link.removeAttribute("href");
    });
  }
  const observer = new MutationObserver(fix);
  document.addEventListener("DOMContentLoaded", function () {
    const root = document.getElementById("swagger-ui");
    if (root) observer.observe(root, { childList: true, subtree: true });
  });
})();
