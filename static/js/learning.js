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
})();
