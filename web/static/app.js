// Rectify's only script: the plan editor's "add a measure" button. The
// page works without it (the editor starts with empty rows).
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var button = document.getElementById("add-measure");
  var rows = document.getElementById("plan-rows");
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
});
