/* Import wizard: upload with a progress bar (XMLHttpRequest upload events). Without
 * JavaScript the form posts normally and the browser shows the preview page. */
(function () {
  "use strict";

  var form = document.getElementById("import-form");
  var box = document.getElementById("import-progress");
  var bar = document.getElementById("import-progress-bar");
  var text = document.getElementById("import-progress-text");
  if (!form || !box || !bar || !window.FormData) {
    return;
  }

  function show(response, url) {
    document.open();
    document.write(response);
    document.close();
    if (url && window.history && window.history.replaceState) {
      window.history.replaceState(null, "", url);
    }
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var button = form.querySelector('button[type="submit"]');
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action || window.location.href);
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) {
        var percent = Math.round((e.loaded / e.total) * 100);
        bar.value = percent;
        text.textContent = percent + "%";
      }
    });
    xhr.upload.addEventListener("load", function () {
      bar.value = 100;
      text.textContent = box.dataset.checking || "100%";
    });
    xhr.addEventListener("load", function () {
      show(xhr.responseText, xhr.responseURL);
    });
    xhr.addEventListener("error", function () {
      button.disabled = false;
      text.textContent = box.dataset.failed || "";
    });
    box.hidden = false;
    button.disabled = true;
    xhr.send(new FormData(form));
  });
})();
