// Behaviour that used to sit in inline handlers (onchange, onclick): the Content-Security-Policy
// allows scripts from this site only, never inline ones.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // <select data-autosubmit>: submit its form on change (the language picker).
    document.querySelectorAll("[data-autosubmit]").forEach(function (el) {
      el.addEventListener("change", function () { el.form.submit(); });
    });
    // <button data-copy="#input" data-copied="…">: copy the input's text (the calendar's
    // subscribe address, a tracking link). Hidden without JavaScript: the input is readonly
    // and selectable instead.
    document.querySelectorAll("[data-copy]").forEach(function (el) {
      var source = document.querySelector(el.getAttribute("data-copy"));
      if (!source) return;
      el.hidden = false;
      el.addEventListener("click", function () {
        var done = function () { el.textContent = el.getAttribute("data-copied"); };
        source.select();
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(source.value).then(done, function () {
            if (document.execCommand("copy")) done();
          });
        } else if (document.execCommand("copy")) {
          done();
        }
      });
    });
    // <input data-select-all>: one tap selects the whole address, ready to copy by hand.
    document.querySelectorAll("[data-select-all]").forEach(function (el) {
      el.addEventListener("focus", function () { el.select(); });
    });
    // <button data-share="url" data-title="…">: the phone's share sheet where there is one.
    document.querySelectorAll("[data-share]").forEach(function (el) {
      if (!navigator.share) return;
      el.hidden = false;
      el.addEventListener("click", function () {
        navigator.share({ title: el.getAttribute("data-title"), url: el.getAttribute("data-share") })
          .catch(function () {});
      });
    });
    // A table or chart wider than the screen scrolls in its own box: let the keyboard reach
    // it (tabindex), so it can be scrolled without a mouse or a finger.
    document.querySelectorAll(".table-wrap, .chart-box").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
      }
    });
    // A form sent back with errors: focus its error summary, so it is read out first and the
    // links in it lead to each field (templates/includes/error_summary.html).
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
      // A link to a field puts the cursor in it (a fragment link alone only scrolls).
      summary.querySelectorAll("a[href^='#']").forEach(function (link) {
        link.addEventListener("click", function (event) {
          var field = document.getElementById(link.getAttribute("href").slice(1));
          if (field) { event.preventDefault(); field.focus(); field.scrollIntoView({ block: "center" }); }
        });
      });
    }
    // <button data-print>: print the page (the calendar's print view).
    document.querySelectorAll("[data-print]").forEach(function (el) {
      el.addEventListener("click", function () { window.print(); });
    });
  });
})();
