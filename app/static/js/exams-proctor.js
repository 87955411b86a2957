/* Proctor room: refresh the progress table every 10 s from the room's JSON endpoint.
   Without JavaScript the "Tải lại" link does the same. Only text is written (textContent). */
(function () {
  "use strict";
  var table = document.getElementById("room");
  if (!table || !window.fetch) { return; }
  var url = table.getAttribute("data-status-url");
  var updated = document.getElementById("room-updated");
  var FIELDS = ["state_label", "started", "last_save", "deadline", "answered", "total"];

  function apply(row, data) {
    FIELDS.forEach(function (name) {
      var cell = row.querySelector('[data-field="' + name + '"]');
      if (cell) { cell.textContent = String(data[name]); }
    });
    var actions = row.querySelector(".room-actions");
    if (!actions) { return; }
    var open = data.state === "in_progress";
    actions.hidden = !open;
    if (open && !actions.querySelector("form") && !actions.querySelector(".reload-hint")) {
      var hint = document.createElement("a");
      hint.className = "reload-hint small";
      hint.href = window.location.pathname;
      hint.textContent = table.getAttribute("data-reload-text") || "";
      actions.appendChild(hint);
    }
  }

  function refresh() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) {
        if (!body) { return; }
        body.rows.forEach(function (data) {
          var row = table.querySelector('tr[data-person="' + data.person_id + '"]');
          if (row) { apply(row, data); }
        });
        if (updated) { updated.textContent = body.updated; }
      })
      .catch(function () { /* keep the last view; the next tick retries */ });
  }

  window.setInterval(refresh, 10000);
})();
