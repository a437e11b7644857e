// Jiceng page helpers. Loaded as a file (no inline script: the CSP forbids it).
(function () {
  "use strict";

  // Fill birth date and sex from an 18-digit ID number, so they are never typed twice.
  function fillFromIdNumber(input) {
    var value = (input.value || "").trim().toUpperCase();
    if (!/^\d{17}[\dX]$/.test(value)) return;
    var birth = document.getElementById("f-birth_date");
    var sex = document.getElementById("f-sex");
    var y = value.substr(6, 4), m = value.substr(10, 2), d = value.substr(12, 2);
    if (birth && !birth.value) birth.value = y + "-" + m + "-" + d;
    if (sex && !sex.value) sex.value = parseInt(value.charAt(16), 10) % 2 === 1 ? "1" : "2";
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-idcard]").forEach(function (input) {
      input.addEventListener("change", function () { fillFromIdNumber(input); });
      input.addEventListener("blur", function () { fillFromIdNumber(input); });
    });
    document.querySelectorAll("[data-confirm]").forEach(function (el) {
      el.addEventListener("click", function (event) {
        if (!window.confirm(el.getAttribute("data-confirm"))) event.preventDefault();
      });
    });
    document.querySelectorAll("[data-print]").forEach(function (el) {
      el.addEventListener("click", function (event) { event.preventDefault(); window.print(); });
    });
  });
})();
