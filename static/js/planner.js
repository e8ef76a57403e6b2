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

  // Repeating rows (worksheet steps): [data-add-row="LIST"] appends a copy of <template data-row-template="LIST">
  // to the element #LIST, "__i__" replaced by the list's next index (data-next); [data-remove-row] removes its
  // [data-row]. Without JavaScript the page offers blank rows and "hapus" checkboxes instead (.nojs-only).
  document.documentElement.classList.add("js");
  document.addEventListener("click", function (e) {
    var add = e.target.closest && e.target.closest("[data-add-row]");
    if (add) {
      var list = document.getElementById(add.getAttribute("data-add-row"));
      var tpl = list && document.querySelector("template[data-row-template='" + list.id + "']");
      if (!tpl) return;
      var next = parseInt(list.getAttribute("data-next") || "0", 10);
      list.setAttribute("data-next", String(next + 1));
      list.insertAdjacentHTML("beforeend", tpl.innerHTML.replace(/__i__/g, String(next)));
      var rows = list.querySelectorAll("[data-row]");
      var first = rows.length && rows[rows.length - 1].querySelector("input:not([type=hidden]):not([type=checkbox]), select, textarea");
      if (first) first.focus();
      return;
    }
    var remove = e.target.closest && e.target.closest("[data-remove-row]");
    if (remove) {
      var row = remove.closest("[data-row]");
      if (row) row.parentNode.removeChild(row);
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
