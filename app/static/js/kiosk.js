// The counter kiosk: rate the officer with one tap, answer the optional short form,
// reset after 20 s idle. Every response is queued in localStorage with its own random
// idempotency key and sent when the network allows; the server remembers the keys it has
// stored, so a retry after a lost reply never creates a second response.
(function () {
  "use strict";
  var TOKEN = "kiosk.token", CONFIG = "kiosk.config", QUEUE = "kiosk.queue";
  var API = "/api/v1/public/";
  var T = {
    vi: { rate: "Ông/Bà hài lòng với sự phục vụ?", officer: "Công chức: ", more: "Xin Ông/Bà trả lời thêm (không bắt buộc)",
      send: "Gửi", skip: "Bỏ qua", thanks: "Cảm ơn Ông/Bà!", pending: "Đang chờ gửi: ", offline: " (mất mạng)",
      yes: "Có", no: "Không", revoked: "Máy khảo sát này đã bị thu hồi.",
      badtoken: "Mã thiết bị không đúng. Hãy mở lại đường dẫn cài đặt.", lang: "English" },
    en: { rate: "How satisfied are you with our service?", officer: "Officer: ", more: "A few more questions (optional)",
      send: "Send", skip: "Skip", thanks: "Thank you!", pending: "Waiting to send: ", offline: " (offline)",
      yes: "Yes", no: "No", revoked: "This kiosk has been revoked.",
      badtoken: "Unknown device token. Open the set-up link again.", lang: "Tiếng Việt" }
  };
  var lang = "vi", config = null, current = null, idleTimer = null, flushing = false;

  function $(id) { return document.getElementById(id); }
  function t(key) { return T[lang][key]; }
  function pick(vi, en) { return lang === "en" && en ? en : vi; }
  function load(name, fallback) {
    try { var v = JSON.parse(localStorage.getItem(name)); return v === null ? fallback : v; }
    catch (e) { return fallback; }
  }
  function save(name, value) { localStorage.setItem(name, JSON.stringify(value)); }
  function newKey() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function show(id) {
    var screens = document.querySelectorAll(".screen");
    for (var i = 0; i < screens.length; i++) screens[i].classList.toggle("on", screens[i].id === id);
  }
  function status() {
    var n = load(QUEUE, []).length;
    $("status").textContent = t("pending") + n + (navigator.onLine ? "" : t("offline"));
    $("status").setAttribute("data-pending", String(n));
  }

  // --- the questionnaire -------------------------------------------------------------
  function questions() {
    var out = [];
    config.questionnaire.sections.forEach(function (s) { s.questions.forEach(function (q) { out.push(q); }); });
    return out;
  }
  function ratingQuestion() { return questions().filter(function (q) { return q.rates_officer; })[0]; }
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function option(q, type, value, label) {
    var wrap = el("label", { "class": "opt" });
    wrap.appendChild(el("input", { type: type, name: "q_" + q.key, value: value }));
    wrap.appendChild(el("span", {}, label));
    return wrap;
  }
  function renderQuestion(q) {
    var set = el("fieldset", { "class": "q", id: "f-" + q.key });
    set.appendChild(el("legend", {}, pick(q.text, q.text_en)));
    var box = el("div", { "class": "choices" });
    if (q.type === "yes_no") {
      box.className = "choices two";
      box.appendChild(option(q, "radio", "yes", t("yes")));
      box.appendChild(option(q, "radio", "no", t("no")));
    } else if (q.type === "single" || q.type === "multi") {
      q.options.forEach(function (o) {
        box.appendChild(option(q, q.type === "single" ? "radio" : "checkbox", o.value, pick(o.label, o.label_en)));
      });
    } else if (q.type === "scale5") {
      var labels = lang === "en" ? config.questionnaire.scale_en : config.questionnaire.scale;
      labels.forEach(function (label, i) { box.appendChild(option(q, "radio", String(i + 1), (i + 1) + " · " + label)); });
    } else if (q.type === "number") {
      box = el("input", { type: "number", inputmode: "numeric", name: "q_" + q.key, min: q.min, max: q.max,
        "class": "num", "aria-label": pick(q.text, q.text_en) });
    } else {
      box = el("textarea", { name: "q_" + q.key, rows: "3", maxlength: "2000", "aria-label": pick(q.text, q.text_en) });
    }
    set.appendChild(box);
    if (q.condition) set.setAttribute("data-cond", JSON.stringify(q.condition));
    return set;
  }
  function collect() {
    var answers = {}, form = $("questions");
    questions().forEach(function (q) {
      if (q.rates_officer) return;
      var set = $("f-" + q.key);
      if (!set || set.classList.contains("hidden")) return;
      var inputs = form.querySelectorAll('[name="q_' + q.key + '"]'), values = [];
      for (var i = 0; i < inputs.length; i++) {
        var x = inputs[i];
        if ((x.type === "radio" || x.type === "checkbox") && !x.checked) continue;
        if (x.value !== "") values.push(x.value);
      }
      if (!values.length) return;
      answers[q.key] = q.type === "multi" ? values : (q.type === "number" || q.type === "scale5") ? parseInt(values[0], 10) : values[0];
    });
    return answers;
  }
  function holds(cond, answers) {
    var v = answers[cond.question];
    if (v === undefined) return false;
    if (cond["in"]) {
      var values = Array.isArray(v) ? v : [v];
      return values.some(function (x) { return cond["in"].map(String).indexOf(String(x)) >= 0; });
    }
    if (typeof v !== "number" || isNaN(v)) return false;
    return !(cond.min !== undefined && v < cond.min) && !(cond.max !== undefined && v > cond.max);
  }
  function refreshConditions() {
    var sets = document.querySelectorAll("#questions fieldset[data-cond]");
    for (var i = 0; i < sets.length; i++) {
      sets[i].classList.remove("hidden");
    }
    var answers = collect();
    for (var j = 0; j < sets.length; j++) {
      sets[j].classList.toggle("hidden", !holds(JSON.parse(sets[j].getAttribute("data-cond")), answers));
    }
  }

  // --- screens -------------------------------------------------------------------------
  function renderRate() {
    $("h-rate").textContent = t("rate");
    $("officer").textContent = config.officer ? t("officer") + config.officer : config.unit;
    $("lang").textContent = t("lang");
    var rates = $("rates"), labels = lang === "en" ? config.questionnaire.scale_en : config.questionnaire.scale;
    rates.textContent = "";
    labels.forEach(function (label, i) {
      var b = el("button", { type: "button", "class": "r" + (i + 1), "data-rate": String(i + 1) });
      b.appendChild(el("b", { "aria-hidden": "true" }, String(i + 1)));
      b.appendChild(document.createTextNode(label));
      rates.appendChild(b);
    });
    show("s-rate");
  }
  function startQuestions(rating) {
    current = { key: newKey(), rating: rating };
    var form = $("questions");
    form.textContent = "";
    questions().forEach(function (q) { if (!q.rates_officer) form.appendChild(renderQuestion(q)); });
    $("h-questions").textContent = t("more");
    $("send").textContent = t("send");
    $("skip").textContent = t("skip");
    refreshConditions();
    show("s-questions");
    touch();
  }
  function finish(withAnswers) {
    if (!current) return;
    var answers = withAnswers ? collect() : {};
    answers[ratingQuestion().key] = current.rating;
    var queue = load(QUEUE, []);
    queue.push({ key: current.key, version_id: config.questionnaire.version_id, answers: answers });
    save(QUEUE, queue);
    current = null;
    clearTimeout(idleTimer);
    $("h-thanks").textContent = t("thanks");
    show("s-thanks");
    status();
    flush();
    setTimeout(renderRate, Math.max(3, config.min_interval_seconds) * 1000);
  }
  function touch() {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(function () { finish(true); }, (config.idle_seconds || 20) * 1000);
  }

  // --- sending, exactly once -------------------------------------------------------------
  function flush() {
    if (flushing) return;
    var queue = load(QUEUE, []);
    if (!queue.length) { status(); return; }
    flushing = true;
    var item = queue[0];
    fetch(API + "responses", {
      method: "POST", credentials: "omit",
      headers: { "Content-Type": "application/json", "X-Device-Token": load(TOKEN, "") },
      body: JSON.stringify({ channel_code: config.channel_code, idempotency_key: item.key,
        version_id: item.version_id, answers: item.answers })
    }).then(function (r) {
      flushing = false;
      if (r.status === 200 || r.status === 201 || r.status === 422 || r.status === 409) {
        // stored, stored before, or never storable: either way it leaves the queue
        var rest = load(QUEUE, []).filter(function (x) { return x.key !== item.key; });
        save(QUEUE, rest);
        status();
        flush();
      } else if (r.status === 401 || r.status === 403) {
        $("setup-error").textContent = t(r.status === 403 ? "revoked" : "badtoken");
        show("s-setup");
      } else {
        setTimeout(flush, ((config.min_interval_seconds || 5) + 1) * 1000);  // 429, 5xx
      }
    }).catch(function () { flushing = false; status(); });
  }

  // --- survive a reload while offline ----------------------------------------------------
  // The service worker (served next to this page so it may control it) answers a reload
  // from the cache when the network is down; the page puts itself and its files there.
  // Browsers offer service workers on https:// and localhost only; elsewhere the kiosk
  // simply needs the network to reload.
  function offlineShell() {
    if (!("serviceWorker" in navigator) || !window.caches) return;
    var page = window.location.pathname;
    navigator.serviceWorker.register(page + "-sw.js", { scope: page }).then(function () {
      var files = [page], nodes = document.querySelectorAll("script[src], link[rel=stylesheet]");
      for (var i = 0; i < nodes.length; i++) files.push(nodes[i].getAttribute("src") || nodes[i].getAttribute("href"));
      return caches.open("kiosk-v1").then(function (cache) { return cache.addAll(files); });
    }).then(function () {
      document.documentElement.setAttribute("data-offline-ready", "1");
    }).catch(function () { /* offline, or not allowed here: the next load tries again */ });
  }

  // --- start ---------------------------------------------------------------------------
  function start() {
    var m = /[#&]t=([A-Za-z0-9_\-]+)/.exec(window.location.hash);
    if (m) { save(TOKEN, m[1]); history.replaceState(null, "", window.location.pathname); }
    var token = load(TOKEN, "");
    if (!token) { show("s-setup"); return; }
    fetch(API + "kiosk", { headers: { "X-Device-Token": token }, credentials: "omit" })
      .then(function (r) {
        if (r.status === 401 || r.status === 403) {
          $("setup-error").textContent = t(r.status === 403 ? "revoked" : "badtoken");
          show("s-setup");
          return null;
        }
        return r.ok ? r.json() : null;
      })
      .then(function (data) {
        if (data) { save(CONFIG, data); }
        config = data || load(CONFIG, null);
        if (config) { renderRate(); status(); flush(); }
      })
      .catch(function () { config = load(CONFIG, null); if (config) { renderRate(); status(); } else { show("s-setup"); } });
  }

  document.addEventListener("click", function (e) {
    var target = e.target.closest ? e.target.closest("button") : null;
    if (!target || !config) return;
    var root = document.documentElement;
    if (!document.fullscreenElement && root.requestFullscreen) {
      root.requestFullscreen().catch(function () { /* not allowed here: stay as is */ });
    }
    if (target.getAttribute("data-rate")) startQuestions(parseInt(target.getAttribute("data-rate"), 10));
    else if (target.id === "send") finish(true);
    else if (target.id === "skip") finish(false);
    else if (target.id === "lang") { lang = lang === "vi" ? "en" : "vi"; document.documentElement.lang = lang; renderRate(); }
  });
  document.addEventListener("change", function () { if (current) { refreshConditions(); touch(); } });
  document.addEventListener("input", function () { if (current) touch(); });
  window.addEventListener("online", flush);
  window.addEventListener("offline", status);
  setInterval(flush, 15000);
  start();
  offlineShell();
})();
