/* Scoring sheet: keep the draft in localStorage on every tap and send it to the API when
   online. The hidden client_key travels with every send, so a draft or submit resent after a
   lost connection lands on the same sheet exactly once. Without this script the page still
   works with plain form posts. */
(function () {
  "use strict";
  var form = document.getElementById("assess-sheet");
  if (!form || !window.fetch || !window.localStorage || form.dataset.locked === "1") return;

  var d = form.dataset;
  var storeKey = "assess-sheet:" + d.round + ":" + d.person;
  var keyInput = form.querySelector(".assess-client-key");
  var stateEl = form.querySelector(".save-state");
  var csrf = form.querySelector('input[name="csrf_token"]').value;
  var sending = false;
  var timer = null;

  function show(text, offline) {
    stateEl.textContent = text;
    stateEl.classList.toggle("offline", !!offline);
  }

  function load() {
    try {
      return JSON.parse(localStorage.getItem(storeKey) || "null");
    } catch (e) {
      return null;
    }
  }

  function field(name) {
    var el = form.querySelector('[name="' + name + '"]');
    return el ? el.value : "";
  }

  function collect(submit) {
    var scores = {};
    var notes = {};
    form.querySelectorAll("fieldset.criterion").forEach(function (fs) {
      var key = fs.dataset.key;
      var checked = fs.querySelector("input.level-radio:checked");
      if (checked) scores[key] = parseInt(checked.value, 10);
      var note = fs.querySelector("textarea");
      if (note && note.value.trim()) notes[key] = note.value;
    });
    return {
      round_id: parseInt(d.round, 10),
      person_id: parseInt(d.person, 10),
      method: field("method"),
      scenario: field("scenario"),
      client_key: keyInput.value,
      scores: scores,
      notes: notes,
      submit: !!submit,
      pending: true,
    };
  }

  function restore(saved) {
    keyInput.value = saved.client_key;
    Object.keys(saved.scores || {}).forEach(function (key) {
      var radio = form.querySelector(
        'input[name="score-' + key + '"][value="' + saved.scores[key] + '"]'
      );
      if (radio) radio.checked = true;
    });
    Object.keys(saved.notes || {}).forEach(function (key) {
      var note = form.querySelector('textarea[name="note-' + key + '"]');
      if (note) note.value = saved.notes[key];
    });
  }

  function send() {
    var saved = load();
    if (!saved || !saved.pending || sending) return;
    sending = true;
    var body = Object.assign({}, saved);
    delete body.pending;
    fetch(d.api, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body),
    })
      .then(function (resp) {
        return resp.json().then(function (json) {
          return { ok: resp.ok, json: json };
        });
      })
      .then(function (res) {
        var current = load();
        if (res.ok && res.json.state === "submitted") {
          localStorage.removeItem(storeKey);
          window.location.assign(d.next);
          return;
        }
        var unchanged = current && JSON.stringify(current) === JSON.stringify(saved);
        if (unchanged) {
          current.pending = false;
          localStorage.setItem(storeKey, JSON.stringify(current));
        }
        // Taps made while this send was in flight are still only on this device.
        if (!res.ok) show(res.json.error.message, true);
        else show(unchanged || !current ? d.msgSaved : d.msgLocal, false);
      })
      .catch(function () {
        show(d.msgOffline, true);
      })
      .finally(function () {
        sending = false;
        var current = load();
        if (current && current.pending && JSON.stringify(current) !== JSON.stringify(saved)) {
          clearTimeout(timer);
          timer = setTimeout(send, 400);
        }
      });
  }

  function remember(submit) {
    localStorage.setItem(storeKey, JSON.stringify(collect(submit)));
    show(d.msgLocal, !navigator.onLine);
    clearTimeout(timer);
    timer = setTimeout(send, 400);
  }

  var saved = load();
  if (saved && saved.pending) restore(saved);
  else if (saved) keyInput.value = saved.client_key;
  form.addEventListener("change", function () {
    remember(false);
  });
  form.addEventListener("submit", function (event) {
    var submitting = event.submitter && event.submitter.value === "submit";
    if (!navigator.onLine) {
      event.preventDefault();
      remember(submitting);
      return;
    }
    if (submitting) localStorage.removeItem(storeKey);
  });
  window.addEventListener("online", send);
  setInterval(send, 10000);
  send();
})();
