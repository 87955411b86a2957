// Citizens' form: show a follow-up question only when its condition holds.
// Without JavaScript every question is shown and the server ignores non-applicable ones.
(function () {
  "use strict";
  function valueOf(key) {
    var inputs = document.querySelectorAll('[name="q_' + key + '"]');
    var out = [];
    for (var i = 0; i < inputs.length; i++) {
      var el = inputs[i];
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) continue;
      if (el.value !== "") out.push(el.value);
    }
    return out;
  }
  function holds(cond) {
    var values = valueOf(cond.question);
    if (!values.length) return false;
    if (cond["in"]) {
      return values.some(function (v) { return cond["in"].map(String).indexOf(v) >= 0; });
    }
    var n = parseInt(values[0], 10);
    if (isNaN(n)) return false;
    if (cond.min !== undefined && n < cond.min) return false;
    if (cond.max !== undefined && n > cond.max) return false;
    return true;
  }
  function refresh() {
    var sets = document.querySelectorAll("fieldset[data-cond]");
    for (var i = 0; i < sets.length; i++) {
      var cond = JSON.parse(sets[i].getAttribute("data-cond"));
      sets[i].classList.toggle("hidden", !holds(cond));
    }
  }
  document.addEventListener("change", refresh);
  document.addEventListener("input", refresh);
  refresh();
  // A dossier code can arrive in the link's fragment (#c=CODE), never sent to the server.
  var box = document.getElementById("dossier_code");
  var m = /[#&]c=([A-Za-z0-9.\-]+)/.exec(window.location.hash);
  if (box && m && !box.value) { box.value = m[1]; history.replaceState(null, "", window.location.pathname); }
})();
