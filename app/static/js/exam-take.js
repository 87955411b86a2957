/* Test page: save every change in the background, count down to the server's deadline,
   warn about unsaved answers. Without this script the page still works with form posts. */
(function () {
  "use strict";
  var root = document.querySelector(".exam");
  var form = document.getElementById("exam-form");
  if (!root || !form || !window.fetch) return;

  var seqInput = form.querySelector(".exam-seq");
  var csrf = form.querySelector('input[name="csrf_token"]').value;
  var api = root.dataset.api;
  var stateEl = document.querySelector(".save-state");
  var msg = root.dataset;
  var pending = {}; // item id -> {response, flagged, version}
  var version = 0;
  var running = false;
  var backoff = 1000;
  var finishing = false;

  function show(text, kind) {
    stateEl.textContent = text;
    stateEl.className = "save-state small mb-2 " + (kind || "");
  }

  function readQuestion(fs) {
    var type = fs.dataset.type;
    var flag = fs.querySelector('input[name^="f-"]');
    var response = null;
    var selects = fs.querySelectorAll("select");
    if (selects.length) {
      response = {};
      selects.forEach(function (s) {
        if (s.value) response[s.name.split("-").pop()] = s.value;
      });
      if (!Object.keys(response).length) response = null;
    } else if (fs.querySelector('input[type="checkbox"][name^="r-"]')) {
      response = [];
      fs.querySelectorAll('input[type="checkbox"][name^="r-"]:checked').forEach(function (c) {
        response.push(c.value);
      });
      if (!response.length) response = null;
    } else if (fs.querySelector('input[type="radio"]')) {
      var checked = fs.querySelector('input[type="radio"]:checked');
      response = checked ? checked.value : null;
    } else {
      var text = fs.querySelector('input[name^="r-"], textarea');
      response = text && text.value.trim() !== "" ? text.value : null;
    }
    return { type: type, response: response, flagged: !!(flag && flag.checked) };
  }

  function markCell(item, data) {
    var cell = document.querySelector('.nav-cell[data-item="' + item + '"]');
    if (!cell) return;
    cell.classList.remove("answered", "flagged", "empty");
    cell.classList.add(data.flagged ? "flagged" : data.response === null ? "empty" : "answered");
  }

  function queue(fs) {
    var item = fs.dataset.item;
    var data = readQuestion(fs);
    version += 1;
    pending[item] = { response: data.response, flagged: data.flagged, version: version };
    markCell(item, data);
    show(msg.msgSaving, "text-muted");
    pump();
  }

  function request(method, url, body) {
    return fetch(url, {
      method: method,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, Accept: "application/json" },
      body: body ? JSON.stringify(body) : undefined,
    });
  }

  function same(a, b) {
    return JSON.stringify(a) === JSON.stringify(b);
  }

  function refreshSeq(item) {
    return request("GET", api).then(function (r) {
      if (!r.ok) throw new Error("refresh " + r.status);
      return r.json();
    }).then(function (att) {
      seqInput.value = att.seq;
      if (att.state !== "in_progress") window.location.href = root.dataset.result;
      att.questions.forEach(function (q) {
        var p = pending[q.item_id];
        if (String(q.item_id) === String(item) && p && same(q.response, p.response) && q.flagged === p.flagged) {
          delete pending[q.item_id]; // the lost acknowledgement had in fact been saved
        }
      });
    });
  }

  function sendOne(item) {
    var p = pending[item];
    var body = { response: p.response, flagged: p.flagged, seq: parseInt(seqInput.value, 10) };
    return request("PUT", api + "/answers/" + item, body).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (data) {
        if (r.ok) {
          seqInput.value = data.seq;
          if (pending[item] && pending[item].version === p.version) delete pending[item];
          backoff = 1000;
          show(msg.msgSaved + " " + new Date().toLocaleTimeString("vi-VN"), "text-success");
          return;
        }
        var code = data.error && data.error.code;
        if (r.status === 409 && code === "stale_seq") return refreshSeq(item);
        if (r.status === 409) { window.location.href = root.dataset.result; throw new Error("over"); }
        if (r.status === 422 || r.status === 413) {
          delete pending[item];
          show((data.error && data.error.message) || msg.msgInvalid, "text-danger");
          return;
        }
        throw new Error("HTTP " + r.status);
      });
    });
  }

  function pump() {
    if (running) return;
    var items = Object.keys(pending);
    if (!items.length) return;
    running = true;
    sendOne(items[0]).then(function () {
      running = false;
      pump();
    }, function () {
      running = false;
      show(msg.msgOffline, "text-danger fw-bold");
      setTimeout(pump, backoff);
      backoff = Math.min(backoff * 2, 30000);
    });
  }

  function drained() {
    return new Promise(function (resolve) {
      (function wait() {
        if (!Object.keys(pending).length && !running) resolve();
        else { pump(); setTimeout(wait, 200); }
      })();
    });
  }

  form.addEventListener("change", function (e) {
    var fs = e.target.closest(".question");
    if (fs) queue(fs);
  });
  var typing = {};
  form.addEventListener("input", function (e) {
    var fs = e.target.closest(".question");
    if (!fs || e.target.type === "radio" || e.target.type === "checkbox") return;
    clearTimeout(typing[fs.dataset.item]);
    typing[fs.dataset.item] = setTimeout(function () { queue(fs); }, 800);
  });

  form.addEventListener("submit", function (e) {
    if (!Object.keys(pending).length && !running) return;
    e.preventDefault();
    var submitter = e.submitter;
    drained().then(function () { form.requestSubmit(submitter); });
  });

  window.addEventListener("beforeunload", function (e) {
    if (Object.keys(pending).length && !finishing) {
      e.preventDefault();
      e.returnValue = msg.msgUnsaved;
      return msg.msgUnsaved;
    }
  });

  // Countdown driven by the server's deadline, corrected for this computer's clock.
  var countdown = document.querySelector(".countdown");
  var deadline = Date.parse(root.dataset.deadline);
  var offset = Date.parse(root.dataset.serverTime) - Date.now();
  function tick() {
    var left = Math.floor((deadline - (Date.now() + offset)) / 1000);
    if (left <= 0) {
      countdown.textContent = "0:00";
      if (!finishing) timeUp();
      return;
    }
    var h = Math.floor(left / 3600), m = Math.floor((left % 3600) / 60), s = left % 60;
    countdown.textContent = (h ? h + ":" + String(m).padStart(2, "0") : m) + ":" + String(s).padStart(2, "0");
    countdown.classList.toggle("text-danger", left <= 300);
    setTimeout(tick, 1000);
  }
  function timeUp() {
    finishing = true;
    show(msg.msgTimeUp, "text-danger fw-bold");
    drained().then(function () {
      return request("POST", api + "/finish", { seq: parseInt(seqInput.value, 10) });
    }).catch(function () {}).then(function () {
      window.location.href = root.dataset.result;
    });
  }
  if (countdown && !isNaN(deadline)) tick();
})();
