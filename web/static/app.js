// Rectify's only script. Every page works without it:
// - the plan editor's "add a measure" button (the editor starts with empty
//   rows);
// - evidence uploads: a dropped file, and a progress bar while a large file
//   goes up by XMLHttpRequest (without the script the form posts as is).
"use strict";

// The phone menu: a real button that opens and closes the navigation.
function initMenu() {
  var button = document.querySelector(".nav-toggle");
  var nav = document.getElementById("main-nav");
  if (!button || !nav) {
    return;
  }
  button.hidden = false;
  button.addEventListener("click", function () {
    var open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", String(open));
    nav.classList.toggle("open", open);
  });
}
document.documentElement.classList.add("js");

function initPlanEditor(root) {
  var button = root.querySelector("#add-measure");
  var rows = root.querySelector("#plan-rows");
  if (!button || !rows) {
    return;
  }
  button.hidden = false;
  button.addEventListener("click", function () {
    var all = rows.querySelectorAll("fieldset.plan-row");
    var last = all[all.length - 1];
    var next = 0;
    all.forEach(function (row) {
      next = Math.max(next, Number(row.dataset.index) + 1);
    });
    var row = last.cloneNode(true);
    row.dataset.index = String(next);
    row.querySelectorAll("[name]").forEach(function (field) {
      field.name = field.name.replace(/^m\d+\./, "m" + next + ".");
      if (field.tagName === "SELECT") {
        Array.prototype.forEach.call(field.options, function (o) {
          o.selected = false;
        });
        if (!field.multiple) {
          field.selectedIndex = field.name.endsWith(".kind") ? 1 : 0;
        }
      } else {
        field.value = "";
      }
    });
    var legend = row.querySelector("legend");
    if (legend) {
      legend.textContent = legend.textContent.replace(/\d+/, String(all.length + 1));
    }
    rows.appendChild(row);
    var title = row.querySelector("textarea");
    if (title) {
      title.focus();
    }
  });
}

// initUploads wires every evidence upload form under root.
function initUploads(root) {
  root.querySelectorAll("form[data-upload]").forEach(function (form) {
    var input = form.querySelector("input[type=file]");
    var title = form.querySelector("input[name=title]");
    var drop = form.querySelector("[data-drop]");
    var bar = form.querySelector(".progress");
    var button = form.querySelector("button[type=submit]");
    if (!input || !drop || !bar) {
      return;
    }
    var progress = bar.querySelector("progress");
    var text = bar.querySelector(".progress-text");
    // A file's name (without its extension) is a fair default title.
    var suggestTitle = function () {
      if (title && !title.value && input.files && input.files.length) {
        title.value = input.files[0].name.replace(/\.[^.]*$/, "");
      }
    };
    input.addEventListener("change", suggestTitle);
    var hint = drop.querySelector(".drop-hint");
    if (hint) {
      hint.hidden = false;
    }
    ["dragenter", "dragover"].forEach(function (type) {
      drop.addEventListener(type, function (e) {
        e.preventDefault();
        drop.classList.add("over");
      });
    });
    ["dragleave", "dragend"].forEach(function (type) {
      drop.addEventListener(type, function () {
        drop.classList.remove("over");
      });
    });
    drop.addEventListener("drop", function (e) {
      e.preventDefault();
      drop.classList.remove("over");
      if (e.dataTransfer && e.dataTransfer.files.length) {
        input.files = e.dataTransfer.files;
        suggestTitle();
      }
    });
    if (!window.FormData || !("upload" in new XMLHttpRequest())) {
      return; // the plain form posts
    }
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      bar.hidden = false;
      progress.value = 0;
      text.textContent = form.dataset.uploading || "";
      button.disabled = true;
      xhr.upload.addEventListener("progress", function (ev) {
        if (ev.lengthComputable) {
          var pct = Math.floor((ev.loaded * 100) / ev.total);
          progress.value = pct;
          text.textContent = (form.dataset.uploading || "") + " " + pct + "%";
        }
      });
      xhr.addEventListener("load", function () {
        if (xhr.status >= 200 && xhr.status < 300 && xhr.responseURL) {
          // Stored: the server's redirect, as after a plain post, back to
          // the row the form was on (XHR drops the redirect's fragment).
          var back = form.querySelector("input[name=back]");
          var at = back ? back.value.indexOf("#") : -1;
          window.location.assign(xhr.responseURL + (at >= 0 ? back.value.slice(at) : ""));
          return;
        }
        // Refused: the page that answered shows the message and the input.
        var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
        document.title = doc.title;
        document.body.replaceWith(document.adoptNode(doc.body));
        initMenu();
        init(document);
        initRefusal();
      });
      xhr.addEventListener("error", function () {
        text.textContent = form.dataset.failed || "";
        button.disabled = false;
      });
      xhr.send(new FormData(form));
    });
  });
}

function init(root) {
  initPlanEditor(root);
  initUploads(root);
}

// initRefusal brings a refused form into view: the page repeats the
// message at its top (#refusal); here the field it is about is marked,
// gets the message beside it, and takes the focus, so the refusal is never
// only somewhere off-screen.
function initRefusal() {
  var summary = document.getElementById("refusal");
  if (!summary) {
    return;
  }
  // The message sits in the refused form (a page may hold forms of the
  // same name for several problems).
  var message = document.getElementById("form-error");
  var form = message ? message.closest("form") : null;
  if (!form || !message) {
    return;
  }
  var details = form.closest("details");
  if (details) {
    details.open = true;
  }
  var field = summary.dataset.field ? form.querySelector('[name="' + summary.dataset.field + '"]') : null;
  if (field) {
    field.setAttribute("aria-invalid", "true");
    var beside = document.createElement("span");
    beside.className = "field-error";
    beside.id = "field-error";
    beside.textContent = message.textContent;
    field.setAttribute("aria-describedby", beside.id);
    field.insertAdjacentElement("afterend", beside);
    field.focus({ preventScroll: true });
  } else {
    message.focus({ preventScroll: true });
  }
  form.scrollIntoView({ block: "center" });
}

document.addEventListener("DOMContentLoaded", function () {
  initMenu();
  initRefusal();
  init(document);
});
