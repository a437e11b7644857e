// Health-check form helpers (no inline script: the CSP forbids it).
// Computes BMI, the self-care total and band, and the liquor equivalent as values are
// typed, so they are never entered twice; shows follow-up fields only when they apply.
(function () {
  "use strict";

  function num(id) {
    var el = document.getElementById(id);
    if (!el || el.value.trim() === "") return null;
    var v = parseFloat(el.value.replace("，", "."));
    return isNaN(v) ? null : v;
  }

  function roundHalfUp(value, places) {
    var f = Math.pow(10, places);
    return Math.round((value + Number.EPSILON) * f) / f;
  }

  function bmi() {
    var h = num("f-height_cm"), w = num("f-weight_kg");
    if (!h || !w || h <= 0 || w <= 0) return null;
    var m = h / 100;
    return roundHalfUp(w / (m * m), 1);
  }

  function updateBmi() {
    var out = document.getElementById("bmi-out");
    var value = bmi();
    if (out) out.textContent = value === null ? "—" : value.toFixed(1);
    document.dispatchEvent(new CustomEvent("jiceng:measurements", { detail: { bmi: value, waist: num("f-waist_cm") } }));
  }

  function selfCareLevel(total) {
    if (total <= 3) return 0;
    if (total <= 8) return 1;
    if (total <= 18) return 2;
    return 3;
  }

  function updateSelfCare() {
    var table = document.getElementById("self-care");
    if (!table) return;
    var total = 0, answered = 0;
    table.querySelectorAll("input[type=radio]:checked").forEach(function (r) {
      total += parseInt(r.getAttribute("data-points"), 10);
      answered += 1;
    });
    var out = document.getElementById("self-care-total");
    var level = document.getElementById("self-care-level");
    if (answered === 5) {
      out.textContent = String(total);
      var labels = (level.getAttribute("data-labels") || "").split("|");
      level.textContent = labels[selfCareLevel(total)] || "";
    } else {
      out.textContent = "—";
      level.textContent = "";
    }
  }

  function updateLiquor() {
    var out = document.getElementById("liquor-out");
    if (!out) return;
    var parts = [["f-alcohol_baijiu", 1], ["f-alcohol_beer", 0.1], ["f-alcohol_wine", 0.25], ["f-alcohol_huangjiu", 0.2]];
    var total = 0, any = false;
    parts.forEach(function (p) {
      var v = num(p[0]);
      if (v !== null) { total += v * p[1]; any = true; }
    });
    out.textContent = any ? String(roundHalfUp(total, 1)) : "—";
  }

  function controllerValues(form, name) {
    var values = [];
    form.querySelectorAll("[name='" + name + "']").forEach(function (el) {
      if ((el.type === "checkbox" || el.type === "radio")) {
        if (el.checked) values.push(el.value);
      } else if (el.value) {
        values.push(el.value);
      }
    });
    return values;
  }

  function applyVisibility(form, clear) {
    form.querySelectorAll("[data-show-if]").forEach(function (box) {
      var rule = box.getAttribute("data-show-if").split("=");
      var wanted = rule[1].split(",");
      var shown = controllerValues(form, rule[0]).some(function (v) { return wanted.indexOf(v) >= 0; });
      box.hidden = !shown;
      if (!shown && clear) {
        box.querySelectorAll("input, select").forEach(function (el) {
          if (el.type === "checkbox" || el.type === "radio") el.checked = false;
          else el.value = "";
        });
      }
    });
  }

  function exclusiveChecks(form) {
    form.querySelectorAll("input[type=checkbox][data-exclusive]").forEach(function (none) {
      var group = form.querySelectorAll("input[type=checkbox][name='" + none.name + "']");
      group.forEach(function (box) {
        box.addEventListener("change", function () {
          if (!box.checked) return;
          group.forEach(function (other) {
            if (box === none ? other !== none : other === none) other.checked = false;
          });
        });
      });
    });
  }

  function loadPanels() {
    document.querySelectorAll("[data-panel-src]").forEach(function (panel) {
      if (panel.getAttribute("data-loaded")) return;
      panel.setAttribute("data-loaded", "1");
      fetch(panel.getAttribute("data-panel-src"), { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          if (html === null) return;
          panel.innerHTML = html;
          panel.hidden = html.trim() === "";
        });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    loadPanels();
    var form = document.getElementById("check-form");
    if (!form) return;
    ["f-height_cm", "f-weight_kg", "f-waist_cm"].forEach(function (id) {
      var el = document.getElementById(id);
      if (el) el.addEventListener("input", updateBmi);
    });
    ["f-alcohol_baijiu", "f-alcohol_beer", "f-alcohol_wine", "f-alcohol_huangjiu"].forEach(function (id) {
      var el = document.getElementById(id);
      if (el) el.addEventListener("input", updateLiquor);
    });
    var table = document.getElementById("self-care");
    if (table) table.addEventListener("change", updateSelfCare);
    form.addEventListener("change", function () { applyVisibility(form, true); });
    exclusiveChecks(form);
    applyVisibility(form, false);
    updateBmi();
    updateSelfCare();
    updateLiquor();
  });
})();
