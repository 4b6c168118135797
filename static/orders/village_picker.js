/* Village picker for /orders/new/: the town select and the name search fill the village select
   from /orders/villages/ without reloading. Without JavaScript the form's GET buttons do the same
   on the server. No dependencies. */
(function () {
  "use strict";
  var form = document.getElementById("village-picker");
  if (!form || !window.fetch) return;
  var town = form.querySelector("#id_town");
  var query = form.querySelector("#id_q");
  var village = form.querySelector("#id_village");
  var status = document.getElementById("picker-status");
  var url = form.getAttribute("data-options-url");
  var msg = function (name) { return form.getAttribute("data-msg-" + name) || ""; };
  var timer = null;
  var seq = 0;
  Array.prototype.forEach.call(form.querySelectorAll(".js-hide"), function (el) {
    el.hidden = true;
  });

  function fill(villages, showTown, capped) {
    village.innerHTML = "";
    var first = document.createElement("option");
    first.value = "";
    first.textContent = capped ? msg("capped")
      : villages.length ? msg("count").replace("%s", villages.length)
      : msg("none");
    // One match is the choice: nothing to pick from.
    if (villages.length !== 1) village.appendChild(first);
    villages.forEach(function (v) {
      var opt = document.createElement("option");
      opt.value = v.id;
      opt.textContent = showTown ? v.name + "（" + v.town + "）" : v.name;
      village.appendChild(opt);
    });
    village.disabled = !villages.length;
    status.textContent = villages.length === 1 ? msg("one")
      : (capped || !villages.length) ? first.textContent : "";
  }

  function load(params, showTown) {
    var mine = ++seq;
    status.textContent = msg("loading");
    fetch(url + "?" + params, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) { if (mine === seq) fill(data.villages, showTown, data.capped); })
      .catch(function () { status.textContent = msg("failed"); });
  }

  town.addEventListener("change", function () {
    query.value = "";
    if (town.value) load("town=" + encodeURIComponent(town.value), false);
    else fill([], false, false);
  });
  query.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var q = query.value.trim();
      if (!q) return;
      town.value = "";
      load("q=" + encodeURIComponent(q), true);
    }, 250);
  });
  village.addEventListener("change", function () {
    if (village.value) form.submit();
  });
})();
