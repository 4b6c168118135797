/* The station kiosk (触屏一体机): category → service → phone on the keypad → order.
   Vanilla JS, no framework, no CDN. After data-idle-seconds without a touch the page reloads
   its start address (location.replace: nothing of the previous resident stays on screen or in
   the history). */
(function () {
  "use strict";
  var body = document.body;
  var idleMs = (parseInt(body.dataset.idleSeconds, 10) || 60) * 1000;
  var startUrl = body.dataset.startUrl;
  var orderUrl = body.dataset.orderUrl;
  var state = { step: "start", trail: ["start"], item: null, phone: "", busy: false };
  var timer = null;

  function $(sel, root) { return (root || document).querySelector(sel); }
  function $all(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }

  function show(step) {
    $all("[data-step]").forEach(function (el) { el.hidden = el.dataset.step !== step; });
    state.step = step;
    window.scrollTo(0, 0);
  }
  function go(step) { state.trail.push(step); show(step); }
  function back() {
    if (state.trail.length > 1) { state.trail.pop(); }
    show(state.trail[state.trail.length - 1]);
  }
  function reset() {
    // A reload of the start address: every field, the result and the QR code are gone.
    window.location.replace(startUrl);
  }
  function pristine() { return state.step === "start" && !state.phone && !state.item; }
  function touched() {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(function () { if (!pristine()) { reset(); } else { touched(); } }, idleMs);
  }

  function renderPhone() {
    var p = state.phone;
    var shown = p.slice(0, 3) + (p.length > 3 ? " " + p.slice(3, 7) : "") + (p.length > 7 ? " " + p.slice(7) : "");
    $("[data-k-phone]").textContent = shown;
    $("[data-k-submit]").disabled = p.length !== 11 || state.busy;
    $("[data-k-error]").textContent = "";
  }

  function submit() {
    if (state.busy || state.phone.length !== 11 || !state.item) { return; }
    state.busy = true;
    renderPhone();
    var data = new FormData($("[data-k-form]"));
    data.append("menu_item", state.item);
    data.append("phone", state.phone);
    fetch(orderUrl, { method: "POST", body: data, credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json().then(function (j) { return { status: r.status, body: j }; }); })
      .then(function (res) {
        state.busy = false;
        if (!res.body.ok) {
          renderPhone();
          $("[data-k-error]").textContent = res.body.message;
          return;
        }
        ["number", "service", "village", "phone", "time"].forEach(function (k) {
          $('[data-k-out="' + k + '"]').textContent = res.body[k];
        });
        $("[data-k-qr]").innerHTML = res.body.qr;  // an SVG made by the server
        state.trail = ["start", "done"];
        show("done");
      })
      .catch(function () {
        state.busy = false;
        renderPhone();
        $("[data-k-error]").textContent = document.documentElement.lang.indexOf("en") === 0
          ? "Could not reach the server. Please try again or ask the station's staff."
          : "网络不通，请再试一次，或找站里的工作人员。";
      });
  }

  document.addEventListener("click", function (e) {
    var el = e.target.closest("button");
    if (!el) { return; }
    if (el.dataset.kCategory) { go("category-" + el.dataset.kCategory); }
    else if (el.dataset.kItem) {
      state.item = el.dataset.kItem;
      $("[data-k-chosen]").textContent = el.dataset.kTitle;
      go("phone");
      renderPhone();
    }
    else if (el.dataset.kDigit !== undefined) {
      if (state.phone.length < 11) { state.phone += el.dataset.kDigit; }
      renderPhone();
    }
    else if (el.hasAttribute("data-k-delete")) { state.phone = state.phone.slice(0, -1); renderPhone(); }
    else if (el.hasAttribute("data-k-clear")) { state.phone = ""; renderPhone(); }
    else if (el.hasAttribute("data-k-submit")) { submit(); }
    else if (el.hasAttribute("data-k-back")) { back(); }
    else if (el.hasAttribute("data-k-print")) { window.print(); }
    else if (el.hasAttribute("data-k-home")) { if (pristine()) { show("start"); } else { reset(); } }
  });
  ["pointerdown", "touchstart", "keydown"].forEach(function (type) {
    document.addEventListener(type, touched, { passive: true });
  });
  // A kiosk has no use for the browser's context menu (a long press on a touch screen).
  document.addEventListener("contextmenu", function (e) { e.preventDefault(); });
  touched();
})();
