// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";

  // Selects in a form marked data-autosubmit submit it on change (organisation/year switcher).
  document.addEventListener("change", function (e) {
    var form = e.target.closest && e.target.closest("form[data-autosubmit]");
    if (form) { form.requestSubmit ? form.requestSubmit() : form.submit(); }
  });

  // Target grids: Enter and the arrow keys move between cells, like a spreadsheet.
  document.addEventListener("keydown", function (e) {
    var input = e.target;
    var grid = input.closest && input.closest("[data-grid]");
    if (grid && input.tagName === "INPUT") {
      var cells = Array.prototype.slice.call(grid.querySelectorAll("input:not([type=hidden]):not([disabled])"));
      var i = cells.indexOf(input);
      var step = 0;
      if (e.key === "Enter" || e.key === "ArrowDown") step = 1;
      if (e.key === "ArrowUp") step = -1;
      if (step && !(e.key === "Enter" && i === cells.length - 1)) {
        e.preventDefault();
        var next = cells[i + step];
        if (next) { next.focus(); next.select(); }
        return;
      }
    }
    // Esc cancels an inline edit form.
    if (e.key === "Escape") {
      var form = input.closest && input.closest("form[data-esc-cancel]");
      var cancel = form && form.querySelector("[data-cancel]");
      if (cancel) { e.preventDefault(); cancel.click(); }
    }
  });

  // A server error (5xx) or a lost connection during an htmx request shows a message instead of nothing.
  function say(text) {
    var flash = document.getElementById("flash");
    if (flash) { flash.innerHTML = ""; var p = document.createElement("p"); p.className = "flash error"; p.setAttribute("role", "alert"); p.textContent = text; flash.appendChild(p); }
  }
  document.addEventListener("htmx:responseError", function () { say("Terjadi kesalahan di server; perubahan tidak disimpan. Coba lagi."); });
  document.addEventListener("htmx:sendError", function () { say("Server tidak dapat dihubungi; perubahan tidak disimpan."); });
})();
