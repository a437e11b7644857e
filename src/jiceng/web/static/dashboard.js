// Supervision dashboard (no inline script: the CSP forbids it).
//  * period selectors submit their form when changed;
//  * charts: an element with data-chart (JSON written by the server) and data-kind
//    ("trend": the rate in every kept period with the target; "ranking": child divisions)
//    is drawn with Plotly, served locally at /assets/plotly.min.js.
(function () {
  "use strict";

  function autosubmit() {
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
  }

  var COLOURS = { met: "#2e7d32", near: "#f9a825", below: "#c62828", none: "#90a4ae" };

  function percent(value) { return value === null || value === undefined ? null : Math.round(value * 1000) / 10; }

  function trend(el, data) {
    var x = data.trend.map(function (p) { return p.x; });
    var traces = [{
      x: x, y: data.trend.map(function (p) { return percent(p.y); }), type: "scatter", mode: "lines+markers", name: data.name,
      text: data.trend.map(function (p) { return p.n + "/" + p.d; }), hovertemplate: "%{x}: %{y}% (%{text})<extra></extra>"
    }];
    var targets = data.trend.map(function (p) { return percent(p.target); });
    if (targets.some(function (v) { return v !== null; })) {
      traces.push({ x: x, y: targets, type: "scatter", mode: "lines", name: "目标 / target", line: { dash: "dot", color: "#888" } });
    }
    window.Plotly.newPlot(el, traces, { margin: { t: 10, r: 10, b: 40, l: 45 }, yaxis: { ticksuffix: "%", rangemode: "tozero" }, height: 280,
      legend: { orientation: "h" } }, { displaylogo: false, responsive: true });
  }

  function ranking(el, data) {
    if (!data.ranking.length) return;
    var rows = data.ranking.slice().reverse();
    window.Plotly.newPlot(el, [{
      type: "bar", orientation: "h", y: rows.map(function (r) { return r.x; }), x: rows.map(function (r) { return percent(r.y); }),
      marker: { color: rows.map(function (r) { return COLOURS[r.status] || COLOURS.none; }) }, hovertemplate: "%{y}: %{x}%<extra></extra>"
    }], { margin: { t: 10, r: 10, b: 30, l: 120 }, xaxis: { ticksuffix: "%", rangemode: "tozero" }, height: Math.max(200, 22 * rows.length + 60) },
    { displaylogo: false, responsive: true });
  }

  function charts() {
    if (typeof window.Plotly === "undefined") return;
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var raw = el.getAttribute("data-chart");
      if (!raw) return;
      var data = JSON.parse(raw);
      if (el.getAttribute("data-kind") === "trend") trend(el, data); else ranking(el, data);
      el.setAttribute("data-drawn", "1");
    });
  }

  function ready() { autosubmit(); charts(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready); else ready();
})();
