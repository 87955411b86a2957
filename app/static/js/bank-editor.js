/* Question editor: live preview as the examinee sees it (no key), sections per question
 * type, repeated rows, image upload at the cursor. Without JavaScript the form still works:
 * "Xem trước" renders the preview on the server, "Thêm …" buttons add rows.
 * The preview markup mirrors the `preview` macro of app/bank/templates/bank/_macros.html. */
(function () {
  "use strict";

  var form = document.getElementById("question-form");
  var pane = document.getElementById("live-preview");
  if (!form || !pane) {
    return;
  }
  var LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  var CHOICE = ["single_choice", "situational", "multiple_response"];
  var SHUFFLED = CHOICE.concat(["matching"]);
  // The same allow-list as app/bank/content.py (nh3 on the server).
  var ALLOWED = {
    b: [], i: [], em: [], strong: [], u: [], sub: [], sup: [], p: [], br: [], ul: [], ol: [],
    li: [], table: [], thead: [], tbody: [], tr: [], th: ["colspan", "rowspan"],
    td: ["colspan", "rowspan"], img: ["src", "alt", "width", "height"], code: [], pre: [],
    span: []
  };
  var DROPPED = ["script", "style"];

  function t(key) {
    return pane.dataset[key] || "";
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  function safeUrl(value) {
    var v = value.trim();
    return /^(https?:|data:image\/|\/(?!\/))/i.test(v);
  }

  function copyClean(source, target) {
    source.childNodes.forEach(function (node) {
      if (node.nodeType === Node.TEXT_NODE) {
        target.appendChild(document.createTextNode(node.textContent));
        return;
      }
      if (node.nodeType !== Node.ELEMENT_NODE) {
        return;
      }
      var tag = node.tagName.toLowerCase();
      if (DROPPED.indexOf(tag) >= 0) {
        return;
      }
      if (!Object.prototype.hasOwnProperty.call(ALLOWED, tag)) {
        copyClean(node, target); // unknown tag: keep its text, like nh3
        return;
      }
      var copy = document.createElement(tag);
      ALLOWED[tag].forEach(function (name) {
        var value = node.getAttribute(name);
        if (value !== null && (name !== "src" || safeUrl(value))) {
          copy.setAttribute(name, value);
        }
      });
      copyClean(node, copy);
      target.appendChild(copy);
    });
  }

  /* Parse with DOMParser (inert: nothing runs, nothing loads), copy only allowed parts. */
  function cleanHtml(html) {
    var doc = new DOMParser().parseFromString("<body>" + html + "</body>", "text/html");
    var fragment = document.createDocumentFragment();
    copyClean(doc.body, fragment);
    return fragment;
  }

  function plainText(text) {
    var fragment = document.createDocumentFragment();
    text.split("\n").forEach(function (line, index) {
      if (index) {
        fragment.appendChild(document.createElement("br"));
      }
      fragment.appendChild(document.createTextNode(line));
    });
    return fragment;
  }

  function value(name) {
    var field = form.elements[name];
    return field ? field.value : "";
  }

  function rows(list) {
    var body = form.querySelector('[data-rows="' + list + '"]');
    if (!body) {
      return [];
    }
    return Array.prototype.map.call(body.querySelectorAll(".bank-row"), function (row) {
      var data = {};
      row.querySelectorAll("input, textarea").forEach(function (input) {
        var key = input.name.replace(/^\w+-\d+-/, "");
        data[key] = input.value.trim();
      });
      return data;
    });
  }

  function choiceList(options, kind) {
    var list = el("ol", "bank-options list-unstyled");
    options.forEach(function (option) {
      var item = el("li", "form-check");
      var input = el("input", "form-check-input");
      input.type = kind === "multiple_response" ? "checkbox" : "radio";
      input.disabled = true;
      input.setAttribute("aria-hidden", "true");
      var label = el("span", "form-check-label");
      label.appendChild(cleanHtml(option));
      item.append(input, " ", label);
      list.appendChild(item);
    });
    return list;
  }

  function answerBox(tag) {
    var box = el(tag, "form-control bank-answer");
    box.disabled = true;
    box.setAttribute("aria-label", t("answer"));
    if (tag === "input") {
      box.type = "text";
      box.placeholder = t("answer");
    } else {
      box.rows = 4;
    }
    return box;
  }

  function matching() {
    var pairs = rows("pairs");
    var answers = pairs.map(function (p) { return p.answer; }).filter(Boolean);
    answers = answers.filter(function (a, i) { return answers.indexOf(a) === i; }).sort();
    var table = el("table", "table table-sm bank-matching");
    var body = el("tbody");
    pairs.filter(function (p) { return p.prompt; }).forEach(function (pair) {
      var row = el("tr");
      var prompt = el("td");
      prompt.appendChild(cleanHtml(pair.prompt));
      var cell = el("td");
      var select = el("select", "form-select form-select-sm");
      select.disabled = true;
      select.appendChild(el("option", "", t("choose")));
      answers.forEach(function (answer) {
        select.appendChild(el("option", "", answer));
      });
      cell.appendChild(select);
      row.append(prompt, cell);
      body.appendChild(row);
    });
    table.appendChild(body);
    return table;
  }

  function body(kind) {
    if (CHOICE.indexOf(kind) >= 0) {
      var options = rows("options").map(function (o) { return o.text; }).filter(Boolean);
      return choiceList(options, kind);
    }
    if (kind === "true_false") {
      return choiceList([t("true"), t("false")], kind);
    }
    if (kind === "short_answer" || kind === "numerical") {
      return answerBox("input");
    }
    if (kind === "matching") {
      return matching();
    }
    return answerBox("textarea");
  }

  function render() {
    var kind = value("qtype");
    var stem = el("div", "bank-stem mb-3");
    var text = value("stem");
    stem.appendChild(value("stem_format") === "html" ? cleanHtml(text) : plainText(text));
    var parts = [stem];
    if (kind === "multiple_response") {
      parts.push(el("p", "small text-muted", t("pickAll")));
    }
    parts.push(body(kind));
    var shuffle = form.elements.shuffle;
    if (shuffle && shuffle.checked && SHUFFLED.indexOf(kind) >= 0) {
      parts.push(el("p", "small text-muted mb-0", t("shuffled")));
    }
    pane.replaceChildren.apply(pane, parts);
  }

  function showSections() {
    var kind = value("qtype");
    form.querySelectorAll("[data-types]").forEach(function (node) {
      node.hidden = node.dataset.types.split(" ").indexOf(kind) < 0;
    });
  }

  function addRow(list) {
    var body = form.querySelector('[data-rows="' + list + '"]');
    var last = body.querySelector(".bank-row:last-child");
    var index = body.querySelectorAll(".bank-row").length;
    if (!last || index >= 26) {
      return;
    }
    var copy = last.cloneNode(true);
    var rename = function (text) { return text.replace(/^(\w+)-\d+-/, "$1-" + index + "-"); };
    copy.querySelectorAll("input, textarea, select").forEach(function (input) {
      input.name = rename(input.name);
      input.id = rename(input.id);
      input.value = "";
      input.classList.remove("is-invalid");
    });
    copy.querySelectorAll("label").forEach(function (label) {
      label.htmlFor = rename(label.htmlFor);
    });
    copy.querySelectorAll(".invalid-feedback").forEach(function (node) { node.remove(); });
    copy.querySelectorAll("[data-letter]").forEach(function (node) {
      node.textContent = LETTERS.charAt(index) || String(index + 1);
    });
    body.appendChild(copy);
    copy.querySelector("input, textarea").focus();
  }

  function insertAtCursor(textarea, text) {
    var start = textarea.selectionStart || textarea.value.length;
    var end = textarea.selectionEnd || start;
    textarea.value = textarea.value.slice(0, start) + text + textarea.value.slice(end);
    textarea.selectionStart = textarea.selectionEnd = start + text.length;
  }

  function upload(input) {
    var status = document.getElementById("image-status");
    var file = input.files && input.files[0];
    if (!file) {
      return;
    }
    var data = new FormData();
    data.append("image", file);
    data.append("csrf_token", value("csrf_token"));
    status.textContent = t("uploading");
    fetch(form.dataset.uploadUrl, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-CSRFToken": value("csrf_token") }
    })
      .then(function (response) {
        return response.json().then(function (json) { return { ok: response.ok, json: json }; });
      })
      .then(function (result) {
        if (!result.ok) {
          status.textContent = result.json.error || t("uploadFailed");
          return;
        }
        insertAtCursor(form.elements.stem, '<img src="' + result.json.url + '" alt="">');
        input.value = "";
        status.textContent = t("uploaded");
        render();
      })
      .catch(function () {
        status.textContent = t("uploadFailed");
      });
  }

  form.addEventListener("input", render);
  form.addEventListener("change", function (event) {
    if (event.target.name === "qtype") {
      showSections();
    }
    if (event.target.name === "image") {
      upload(event.target);
    }
    render();
  });
  form.querySelectorAll("[data-add-row]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      event.preventDefault();
      addRow(button.dataset.addRow);
      render();
    });
  });
  showSections();
  render();
})();
