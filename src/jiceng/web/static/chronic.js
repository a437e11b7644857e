// Chronic-disease pages (no inline script: the CSP forbids it).
//  * panels: elements with data-chronic-src load a server-rendered fragment;
//  * the follow-up form: the category, next visit date, BMI and the urgent-referral
//    alert are computed by the server's rules (one implementation) as values are typed;
//  * the patient's BP/glucose timeline with Plotly (served locally at /assets/plotly.min.js).
(function () {
  "use strict";

  function loadPanels() {
    document.querySelectorAll("[data-chronic-src]").forEach(function (panel) {
      if (panel.getAttribute("data-loaded")) return;
      panel.setAttribute("data-loaded", "1");
      fetch(panel.getAttribute("data-chronic-src"), { credentials: "same-origin", headers: { Accept: "text/html" } })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          if (html !== null) {
            panel.innerHTML = html;
            panel.setAttribute("data-ready", "1");
          }
        })
        .catch(function () { /* keep the plain link */ });
    });
  }

  function setText(id, text) {
    var el = document.getElementById(id);
    if (el) el.textContent = text;
  }

  function show(id, text) {
    var el = document.getElementById(id);
    if (!el) return;
    el.textContent = text || "";
    el.hidden = !text;
  }

  function visitForm() {
    var form = document.getElementById("visit-form");
    if (!form) return;
    var url = form.getAttribute("data-preview-url");
    var timer = null;
    var sequence = 0;

    function update() {
      var mine = ++sequence;
      var data = new FormData(form);
      fetch(url, { method: "POST", body: data, credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (result) {
          if (!result || mine !== sequence) return;
          setText("computed-bmi", result.bmi === null || result.bmi === undefined ? "—" : String(result.bmi));
          var a = result.assessment;
          if (!a) {
            setText("computed-category", "—");
            setText("computed-reasons", "");
            setText("computed-next-date", "—");
            setText("computed-next-kind", "");
            show("urgent-alert", "");
            show("referral-alert", "");
            form.removeAttribute("data-computed");
            return;
          }
          setText("computed-category", a.category_label);
          setText("computed-reasons", a.reasons.join("、"));
          setText("computed-next-date", a.next_visit_date);
          setText("computed-next-kind", a.next_visit_kind);
          show("urgent-alert", a.urgent ? a.alert : "");
          show("referral-alert", !a.urgent && a.referral ? a.alert : "");
          var category = document.getElementById("computed-category");
          if (category) category.className = a.computed_category === "1" ? "good" : "bad";
          form.setAttribute("data-computed", a.computed_category + "|" + a.next_visit_date);
        })
        .catch(function () { /* the server checks everything again on save */ });
    }

    function schedule() {
      if (timer) window.clearTimeout(timer);
      timer = window.setTimeout(update, 150);
    }

    form.addEventListener("input", schedule);
    form.addEventListener("change", schedule);
    // "None" excludes the other symptoms, and the other way round.
    form.querySelectorAll("input[name=symptoms]").forEach(function (box) {
      box.addEventListener("change", function () {
        if (!box.checked) return;
        form.querySelectorAll("input[name=symptoms]").forEach(function (other) {
          if ((box.value === "1") !== (other.value === "1")) other.checked = false;
        });
      });
    });
    update();
  }

  function timeline() {
    var el = document.getElementById("chronic-timeline");
    if (!el || typeof window.Plotly === "undefined") return;
    var labels = (el.getAttribute("data-labels") || "SBP|DBP|FPG").split("|");
    fetch(el.getAttribute("data-src"), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data || !data.dates.length) return;
        var bp = { x: [], sbp: [], dbp: [] }, glucose = { x: [], y: [] };
        data.dates.forEach(function (day, i) {
          if (data.sbp[i] !== null) { bp.x.push(day); bp.sbp.push(data.sbp[i]); bp.dbp.push(data.dbp[i]); }
          if (data.fpg[i] !== null) { glucose.x.push(day); glucose.y.push(data.fpg[i]); }
        });
        var hasBp = bp.x.length > 0, hasGlucose = glucose.x.length > 0;
        var traces = [];
        if (hasBp) {
          traces.push({ x: bp.x, y: bp.sbp, name: labels[0], mode: "lines+markers", line: { color: "#b42318" } });
          traces.push({ x: bp.x, y: bp.dbp, name: labels[1], mode: "lines+markers", line: { color: "#175cd3" } });
        }
        if (hasGlucose) {
          traces.push({ x: glucose.x, y: glucose.y, name: labels[2], mode: "lines+markers", yaxis: hasBp ? "y2" : "y", line: { color: "#067647", dash: "dot" } });
        }
        var layout = { height: 300, margin: { l: 45, r: 45, t: 10, b: 35 }, legend: { orientation: "h" }, shapes: [] };
        if (hasBp) {
          layout.yaxis = { title: "mmHg", zeroline: false };
          layout.shapes.push({ type: "line", xref: "paper", x0: 0, x1: 1, y0: 140, y1: 140, line: { color: "#b42318", width: 1, dash: "dash" } });
          layout.shapes.push({ type: "line", xref: "paper", x0: 0, x1: 1, y0: 90, y1: 90, line: { color: "#175cd3", width: 1, dash: "dash" } });
        }
        if (hasGlucose) {
          var axis = { title: "mmol/L", zeroline: false, rangemode: "tozero" };
          if (hasBp) {
            axis.overlaying = "y";
            axis.side = "right";
            axis.showgrid = false;
            layout.yaxis2 = axis;
          } else {
            layout.yaxis = axis;
          }
          layout.shapes.push({ type: "line", xref: "paper", yref: hasBp ? "y2" : "y", x0: 0, x1: 1, y0: 7, y1: 7, line: { color: "#067647", width: 1, dash: "dash" } });
        }
        window.Plotly.newPlot(el, traces, layout, { displaylogo: false, responsive: true, modeBarButtonsToRemove: ["lasso2d", "select2d"] });
        el.setAttribute("data-ready", "1");
      })
      .catch(function () { /* the visit table below shows the same values */ });
  }

  document.addEventListener("DOMContentLoaded", function () {
    loadPanels();
    visitForm();
    timeline();
  });
  if (document.readyState !== "loading") {
    loadPanels();
  }
})();
