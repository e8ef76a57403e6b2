// The cascading view (pohon kinerja): pan, zoom, fit, PNG export and print of the server-drawn SVG.
// Hand-written, no library; the page works without it (the SVG scrolls and prints as it is).
(function () {
  "use strict";
  if (window.plannerCascade) { window.plannerCascade.init(); return; }

  function setup(viewer) {
    if (viewer.dataset.ready) return;
    viewer.dataset.ready = "1";
    var svg = viewer.querySelector("svg");
    if (!svg) return;
    var full = svg.viewBox.baseVal;
    var W = full.width, H = full.height;
    var view = { x: 0, y: 0, w: W, h: H };
    svg.removeAttribute("width");
    svg.removeAttribute("height");
    svg.style.width = "100%";
    svg.style.height = "100%";

    function apply() { svg.setAttribute("viewBox", [view.x, view.y, view.w, view.h].join(" ")); }
    function scale() { return view.w / viewer.clientWidth; } // SVG units per screen pixel
    function zoom(f, cx, cy) {
      var w = Math.min(Math.max(view.w * f, 80), W * 4);
      var k = w / view.w;
      cx = cx === undefined ? view.x + view.w / 2 : cx;
      cy = cy === undefined ? view.y + view.h / 2 : cy;
      view.x = cx - (cx - view.x) * k; view.y = cy - (cy - view.y) * k;
      view.w = w; view.h = view.h * k;
      apply();
    }
    function actual() { // 1 SVG unit = 1 screen pixel, from the top left
      view = { x: 0, y: 0, w: viewer.clientWidth, h: viewer.clientHeight };
      apply();
    }
    function fit() {
      var ratio = viewer.clientWidth / viewer.clientHeight;
      view = W / H > ratio ? { x: 0, y: 0, w: W, h: W / ratio } : { x: 0, y: 0, w: H * ratio, h: H };
      apply();
    }
    // Open fitted to the screen when the text stays readable that way, else at real size.
    if (Math.min(viewer.clientWidth / W, viewer.clientHeight / H) >= 0.6) fit(); else actual();

    viewer.addEventListener("wheel", function (e) {
      e.preventDefault();
      var r = viewer.getBoundingClientRect();
      var cx = view.x + (e.clientX - r.left) * scale(), cy = view.y + (e.clientY - r.top) * scale();
      zoom(e.deltaY > 0 ? 1.15 : 1 / 1.15, cx, cy);
    }, { passive: false });
    var drag = null;
    viewer.addEventListener("pointerdown", function (e) {
      if (e.target.closest("a")) return; // links and the collapse buttons keep their clicks
      drag = { x: e.clientX, y: e.clientY, vx: view.x, vy: view.y };
      viewer.setPointerCapture(e.pointerId);
      viewer.classList.add("dragging");
    });
    viewer.addEventListener("pointermove", function (e) {
      if (!drag) return;
      view.x = drag.vx - (e.clientX - drag.x) * scale();
      view.y = drag.vy - (e.clientY - drag.y) * scale();
      apply();
    });
    viewer.addEventListener("pointerup", function () { drag = null; viewer.classList.remove("dragging"); });

    var controls = document.querySelector(".cascade-controls");
    if (controls) controls.addEventListener("click", function (e) {
      var b = e.target.closest("button");
      if (!b) return;
      if (b.dataset.zoom === "in") zoom(1 / 1.25);
      else if (b.dataset.zoom === "out") zoom(1.25);
      else if (b.dataset.zoom === "fit") fit();
      else if (b.dataset.zoom === "reset") actual();
      else if (b.dataset.export === "png") png(svg, W, H, b.dataset.filename || "pohon-kinerja.png");
      // [data-print] is handled by planner.js for every page (handling it here too opened the dialog twice).
    });
    // Print the whole tree, whatever part is on screen.
    window.addEventListener("beforeprint", function () { svg.setAttribute("viewBox", [0, 0, W, H].join(" ")); });
    window.addEventListener("afterprint", apply);
  }

  // PNG from the SVG through a canvas (2× for sharp text, within the browsers' canvas limits).
  function png(svg, W, H, filename) {
    var copy = svg.cloneNode(true);
    copy.setAttribute("viewBox", [0, 0, W, H].join(" "));
    copy.setAttribute("width", W); copy.setAttribute("height", H);
    copy.querySelectorAll("a.toggle").forEach(function (a) { a.remove(); });
    // The page styles the picture from css/cascade-svg.css; a picture on its own carries those rules inside.
    var style = document.createElementNS("http://www.w3.org/2000/svg", "style");
    style.textContent = Array.prototype.filter.call(document.styleSheets, function (sheet) {
      return sheet.href && sheet.href.indexOf("cascade-svg.css") !== -1;
    }).map(function (sheet) {
      return Array.prototype.map.call(sheet.cssRules, function (r) { return r.cssText; }).join("\n");
    }).join("\n");
    copy.insertBefore(style, copy.firstChild);
    var data = new XMLSerializer().serializeToString(copy);
    var img = new Image();
    var k = Math.min(2, 16000 / Math.max(W, H));
    img.onload = function () {
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(W * k); canvas.height = Math.round(H * k);
      var ctx = canvas.getContext("2d");
      ctx.fillStyle = "#ffffff"; ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
      canvas.toBlob(function (blob) {
        var a = document.createElement("a");
        a.href = URL.createObjectURL(blob); a.download = filename;
        document.body.appendChild(a); a.click(); a.remove();
        setTimeout(function () { URL.revokeObjectURL(a.href); }, 1000);
      }, "image/png");
    };
    img.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(data);
  }

  function init() { document.querySelectorAll("[data-cascade]").forEach(setup); }
  window.plannerCascade = { init: init, png: png };
  init();
  document.addEventListener("htmx:afterSettle", init);
})();
