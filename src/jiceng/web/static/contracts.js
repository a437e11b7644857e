// Contract pages: load panels into the home and resident pages, and the signature pad.
// A file, not inline script (the CSP forbids inline script).
(function () {
  "use strict";

  function loadFragments() {
    document.querySelectorAll("[data-contracts-fragment]").forEach(function (box) {
      if (box.getAttribute("data-loaded")) return;
      box.setAttribute("data-loaded", "1");
      fetch(box.getAttribute("data-contracts-fragment"), { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          if (html === null) return;
          var template = document.createElement("template");
          template.innerHTML = html;
          template.content.querySelectorAll("script").forEach(function (s) { s.remove(); });
          box.replaceChildren(template.content);
        })
        .catch(function () { /* keep the fallback link */ });
    });
  }

  function signaturePad(pad) {
    var canvas = pad.querySelector("canvas");
    var field = pad.querySelector("input[name=signature_data]");
    var clear = pad.querySelector("[data-signature-clear]");
    var ctx = canvas.getContext("2d");
    var drawing = false, drawn = false;
    ctx.lineWidth = 2.5;
    ctx.lineCap = "round";
    ctx.strokeStyle = "#111";

    function point(event) {
      var rect = canvas.getBoundingClientRect();
      return { x: (event.clientX - rect.left) * canvas.width / rect.width, y: (event.clientY - rect.top) * canvas.height / rect.height };
    }
    canvas.addEventListener("pointerdown", function (event) {
      drawing = true;
      var p = point(event);
      ctx.beginPath();
      ctx.moveTo(p.x, p.y);
      canvas.setPointerCapture(event.pointerId);
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!drawing) return;
      var p = point(event);
      ctx.lineTo(p.x, p.y);
      ctx.stroke();
      drawn = true;
    });
    function finish() {
      if (!drawing) return;
      drawing = false;
      if (drawn) field.value = canvas.toDataURL("image/png");
    }
    canvas.addEventListener("pointerup", finish);
    canvas.addEventListener("pointerleave", finish);
    clear.addEventListener("click", function () {
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      field.value = "";
      drawn = false;
    });
  }

  function start() {
    loadFragments();
    document.querySelectorAll("[data-signature-pad]").forEach(signaturePad);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
