// Behaviour that used to sit in inline handlers (onchange, onclick): the Content-Security-Policy
// allows scripts from this site only, never inline ones.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // <select data-autosubmit>: submit its form on change (the language picker).
    document.querySelectorAll("[data-autosubmit]").forEach(function (el) {
      el.addEventListener("change", function () { el.form.submit(); });
    });
    // <button data-print>: print the page (the calendar's print view).
    document.querySelectorAll("[data-print]").forEach(function (el) {
      el.addEventListener("click", function () { window.print(); });
    });
  });
})();
