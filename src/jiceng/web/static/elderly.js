// TCM constitution questionnaire (老年人中医药健康管理服务记录表): live scoring as the
// questions are answered. The server recomputes everything on save (jiceng.elderly.tcm);
// this only shows the result early. No inline script: the CSP forbids it.
(function () {
  "use strict";

  var MEASURED = [9, 28];
  var PINGHE_REVERSED = [2, 4, 5, 13];
  var CONTRADICTORY = [["yinxu", "yangxu"]];

  function num(id) {
    var el = document.getElementById(id);
    if (!el || el.value.trim() === "") return null;
    var v = parseFloat(el.value);
    return isNaN(v) ? null : v;
  }

  function scoreBmi(bmi) {
    if (bmi < 24) return 1;
    if (bmi < 25) return 2;
    if (bmi < 26) return 3;
    if (bmi < 28) return 4;
    return 5;
  }

  function scoreWaist(w) {
    if (w < 80) return 1;
    if (w < 86) return 2;
    if (w < 91) return 3;
    if (w <= 105) return 4;
    return 5;
  }

  function scoreColds(n) {
    if (n < 2) return 1;
    if (n <= 4) return 2;
    if (n <= 6) return 3;
    if (n < 12) return 4;
    return 5;
  }

  function scoreAllergies(n) {
    if (n === 0) return 1;
    if (n <= 2) return 2;
    if (n <= 4) return 3;
    return 4;
  }

  function bmi() {
    var h = num("f-height_cm"), w = num("f-weight_kg");
    if (!h || !w) return null;
    var m = h / 100;
    return Math.round((w / (m * m) + Number.EPSILON) * 10) / 10;
  }

  function checked(name) {
    var el = document.querySelector("input[name='" + name + "']:checked");
    return el ? parseInt(el.value, 10) : null;
  }

  function setRadio(name, value) {
    var el = document.querySelector("input[name='" + name + "'][value='" + value + "']");
    if (el) el.checked = true;
  }

  function applyCounts() {
    var colds = num("f-colds_per_year");
    if (colds !== null && colds >= 0) setRadio("q14", scoreColds(Math.floor(colds)));
    var allergies = num("f-allergies_per_year");
    if (allergies !== null && allergies >= 0) {
      var s = scoreAllergies(Math.floor(allergies));
      if (!(checked("q17") === 5 && s === 4)) setRadio("q17", s);
    }
  }

  function answers() {
    var result = {};
    for (var q = 1; q <= 33; q++) {
      if (MEASURED.indexOf(q) >= 0) continue;
      var a = checked("q" + q);
      if (a !== null) result[q] = a;
    }
    var b = bmi(), w = num("f-waist_cm");
    var q9 = document.getElementById("tcm-q9"), q28 = document.getElementById("tcm-q28");
    if (b !== null) { result[9] = scoreBmi(b); if (q9) q9.textContent = result[9] + " (BMI " + b.toFixed(1) + ")"; }
    else if (q9) q9.textContent = "—";
    if (w !== null) { result[28] = scoreWaist(w); if (q28) q28.textContent = result[28] + " (" + w + " cm)"; }
    else if (q28) q28.textContent = "—";
    return result;
  }

  function resultOf(code, sum, others) {
    if (code === "pinghe") {
      var highest = Math.max.apply(null, others);
      if (sum >= 17 && highest <= 8) return "yes";
      if (sum >= 17 && highest <= 10) return "basically";
      return "no";
    }
    if (sum >= 11) return "yes";
    if (sum >= 9) return "tendency";
    return "no";
  }

  function update() {
    var table = document.getElementById("tcm-results");
    if (!table) return;
    applyCounts();
    var given = answers();
    var labels = document.getElementById("tcm-labels").dataset;
    var rows = Array.prototype.slice.call(table.querySelectorAll("tr[data-constitution]"));
    var sums = {}, complete = true;
    rows.forEach(function (row) {
      var code = row.getAttribute("data-constitution");
      var items = row.getAttribute("data-items").split(",").map(Number);
      var sum = 0;
      items.forEach(function (q) {
        if (given[q] === undefined) { complete = false; return; }
        sum += (code === "pinghe" && PINGHE_REVERSED.indexOf(q) >= 0) ? 6 - given[q] : given[q];
      });
      sums[code] = { sum: sum, n: items.length, name: row.getAttribute("data-name"), row: row };
    });
    var biased = Object.keys(sums).filter(function (c) { return c !== "pinghe"; });
    var others = biased.map(function (c) { return sums[c].sum; });
    var results = {};
    Object.keys(sums).forEach(function (code) {
      var s = sums[code];
      var out = s.row.querySelector(".result"), score = s.row.querySelector(".score"), conv = s.row.querySelector(".converted");
      if (!complete) { score.textContent = "—"; out.textContent = "—"; conv.textContent = "—"; s.row.className = ""; return; }
      results[code] = resultOf(code, s.sum, others);
      score.textContent = String(s.sum);
      out.textContent = labels[results[code]];
      conv.textContent = String(Math.round((s.sum - s.n) / (s.n * 4) * 10000) / 100);
      s.row.className = "result-" + results[code];
    });
    conclude(complete, sums, results, biased);
  }

  function byScore(codes, sums) {
    var order = Object.keys(sums);
    return codes.slice().sort(function (a, b) { return (sums[b].sum - sums[a].sum) || (order.indexOf(a) - order.indexOf(b)); });
  }

  function names(codes, sums) { return codes.map(function (c) { return sums[c].name; }).join("、"); }

  function conclude(complete, sums, results, biased) {
    var main = document.getElementById("tcm-main");
    var tie = document.getElementById("tcm-tie"), contra = document.getElementById("tcm-contradiction");
    var undet = document.getElementById("tcm-undeterminable");
    var identified = [];
    if (!complete) {
      main.textContent = "—";
      tie.hidden = true; contra.hidden = true; undet.hidden = true;
      showGuidance([]);
      return;
    }
    var positive = byScore(biased.filter(function (c) { return results[c] === "yes"; }), sums);
    var tendencies = byScore(biased.filter(function (c) { return results[c] === "tendency"; }), sums);
    var contradiction = CONTRADICTORY.some(function (pair) { return results[pair[0]] === "yes" && results[pair[1]] === "yes"; });
    var mainType = null, tied = [];
    if (results.pinghe !== "no") {
      mainType = "pinghe";
      identified.push("pinghe");
    } else {
      var candidates = positive.length ? positive : tendencies;
      if (candidates.length) {
        var top = sums[candidates[0]].sum;
        tied = candidates.filter(function (c) { return sums[c].sum === top; });
        if (tied.length === 1) { mainType = candidates[0]; tied = []; }
      }
    }
    identified = identified.concat(positive, tendencies);
    undet.hidden = identified.length > 0;
    main.textContent = mainType ? sums[mainType].name + (results.pinghe === "basically" ? "（" + document.getElementById("tcm-labels").dataset.basically + "）" : "") : (tied.length ? names(tied, sums) + " ?" : "—");
    var mixed = positive.filter(function (c) { return c !== mainType; });
    document.getElementById("tcm-mixed-line").hidden = mixed.length === 0;
    document.getElementById("tcm-mixed").textContent = names(mixed, sums);
    document.getElementById("tcm-tendency-line").hidden = tendencies.length === 0;
    document.getElementById("tcm-tendency").textContent = names(tendencies, sums);
    tie.hidden = tied.length === 0;
    var select = document.getElementById("f-main_type");
    if (select) {
      Array.prototype.forEach.call(select.options, function (o) { o.disabled = o.value !== "" && tied.indexOf(o.value) < 0; });
      if (tied.indexOf(select.value) < 0) select.value = "";
    }
    contra.hidden = !contradiction;
    showGuidance(identified);
  }

  function showGuidance(identified) {
    document.querySelectorAll("tr[data-guidance-for]").forEach(function (row) {
      var shown = identified.indexOf(row.getAttribute("data-guidance-for")) >= 0;
      row.hidden = !shown;
      if (!shown) {
        row.querySelectorAll("input[type=checkbox]").forEach(function (b) { b.checked = false; });
        row.querySelectorAll("input:not([type])").forEach(function (i) { i.value = ""; });
      }
    });
  }

  function quickEntry(input) {
    var digits = input.value.replace(/[^1-5]/g, "");
    if (digits !== input.value) input.value = digits;
    var i = 0;
    for (var q = 1; q <= 33 && i < digits.length; q++) {
      if (MEASURED.indexOf(q) >= 0) continue;
      setRadio("q" + q, digits.charAt(i));
      i += 1;
    }
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var section = document.getElementById("tcm-section");
    if (!section) return;
    section.addEventListener("change", update);
    ["f-colds_per_year", "f-allergies_per_year"].forEach(function (id) {
      var el = document.getElementById(id);
      if (el) el.addEventListener("input", update);
    });
    ["f-height_cm", "f-weight_kg", "f-waist_cm"].forEach(function (id) {
      var el = document.getElementById(id);
      if (el) el.addEventListener("input", update);
    });
    var quick = document.getElementById("tcm-quick");
    if (quick) quick.addEventListener("input", function () { quickEntry(quick); });
    document.querySelectorAll(".guidance-all").forEach(function (button) {
      button.addEventListener("click", function () {
        document.querySelectorAll("input[name='guidance_" + button.getAttribute("data-for") + "']").forEach(function (box) {
          if (box.value !== "6") box.checked = true;
        });
      });
    });
    update();
  });
})();
