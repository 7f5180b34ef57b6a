// Learning: progressive enhancement only; every page works without this file.
(function () {
  "use strict";
  // Attendance list: a button that ticks everyone (handy when the whole group is there).
  document.querySelectorAll("ul.attendance-list[data-check-all]").forEach(function (list) {
    var boxes = list.querySelectorAll("input[type=checkbox]:not([disabled])");
    if (!boxes.length) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button button-secondary";
    button.textContent = list.getAttribute("data-check-all");
    button.addEventListener("click", function () {
      boxes.forEach(function (box) { box.checked = true; });
      boxes[0].focus();
    });
    list.parentNode.insertBefore(button, list);
  });

  // Typed work is not lost by leaving the page: a form marked data-unsaved-warning asks the browser to
  // confirm leaving once something was typed, until the form itself is sent.
  document.querySelectorAll("form[data-unsaved-warning]").forEach(function (form) {
    var dirty = false;
    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("submit", function () { dirty = false; });
    window.addEventListener("beforeunload", function (event) {
      if (dirty) { event.preventDefault(); event.returnValue = ""; }
    });
  });
})();
