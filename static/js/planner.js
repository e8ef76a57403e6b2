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

  // Realisation grid ([data-rgrid]): each cell is its own form and saves itself (htmx "cellsave") when the
  // focus leaves it changed. Tab moves right, Enter (and the arrows) move to the same period of the next
  // indicator, Esc puts the saved value back. Without this file each cell is a plain form (Enter submits).
  function cellForm(el) { return el && el.closest ? el.closest("form[data-cell]") : null; }
  function cellFields(form) { return Array.prototype.slice.call(form.querySelectorAll("input:not([type=hidden]), select")); }
  function savedValue(el) { return el.hasAttribute("data-saved") ? el.getAttribute("data-saved") : el.defaultValue; }
  function cellDirty(form) { return cellFields(form).some(function (el) { return el.value !== savedValue(el); }); }
  function saveCell(form) {
    if (form.getAttribute("data-sending") || !cellDirty(form) || !window.htmx) return;
    form.setAttribute("data-sending", "1");
    window.htmx.trigger(form, "cellsave");
  }
  function focusField(el) { if (el) { el.focus(); if (el.select) el.select(); } }
  function neighbourCell(form, step) {
    var grid = form.closest("[data-rgrid]");
    var forms = Array.prototype.slice.call(grid.querySelectorAll("form[data-cell]"));
    var period = form.closest("[data-period]").getAttribute("data-period");
    var same = forms.filter(function (f) { return f.closest("[data-period]").getAttribute("data-period") === period; });
    var j = same.indexOf(form) + step;
    if (j >= 0 && j < same.length) return cellFields(same[j])[0];
    var k = forms.indexOf(form) + step;  // no such period further on: the next cell in reading order
    return k >= 0 && k < forms.length ? cellFields(forms[k])[0] : null;
  }
  document.addEventListener("keydown", function (e) {
    var form = cellForm(e.target);
    if (!form) return;
    var cell = form.closest(".rc");
    if (e.key === "Escape") {
      e.preventDefault();
      cellFields(form).forEach(function (el) { el.value = savedValue(el); });
      cell.classList.remove("dirty", "has-error");
      var msg = cell.querySelector(".field-error");
      if (msg) msg.parentNode.removeChild(msg);
      return;
    }
    var down = e.key === "Enter" || e.key === "ArrowDown", up = e.key === "ArrowUp";
    if (!(down || up) || (e.target.tagName === "SELECT" && e.key !== "Enter")) return;
    e.preventDefault();
    var inner = cellFields(form), i = inner.indexOf(e.target);
    if (e.key === "Enter" && i < inner.length - 1) { focusField(inner[i + 1]); return; }  // numerator, then denominator
    var next = neighbourCell(form, up ? -1 : 1);
    if (next) { focusField(next); } else { saveCell(form); }  // leaving the cell saves it (focusout)
  });
  document.addEventListener("focusout", function (e) {
    var form = cellForm(e.target);
    if (form && !(e.relatedTarget && form.contains(e.relatedTarget))) saveCell(form);
  });
  document.addEventListener("htmx:afterRequest", function (e) {
    var form = cellForm(e.target);  // a failed request (no swap) must not block the next save of the cell
    if (form) form.removeAttribute("data-sending");
  });
  document.addEventListener("input", function (e) {
    var form = cellForm(e.target);
    if (form) form.closest(".rc").classList.toggle("dirty", cellDirty(form));
  });
  document.addEventListener("change", function (e) {
    var form = cellForm(e.target);
    if (form && e.target.tagName === "SELECT") form.closest(".rc").classList.toggle("dirty", cellDirty(form));
  });

  // Evidence uploads: a file over the limit is refused in place before it is sent.
  document.addEventListener("change", function (e) {
    var input = e.target;
    if (!input.matches || !input.matches("input[type=file][data-max-bytes]")) return;
    var max = Number(input.getAttribute("data-max-bytes")), file = input.files && input.files[0];
    var msg = input.parentNode.querySelector(".field-error");
    var tooBig = file && file.size > max;
    input.closest(".field").classList.toggle("has-error", !!tooBig);
    if (msg) msg.textContent = tooBig ? "Berkas terlalu besar (" + (file.size / 1048576).toFixed(1).replace(".", ",") + " MB); batasnya " + String(max / 1048576).replace(".", ",") + " MB." : "";
    if (tooBig) input.value = "";
  });

  // Print buttons (no inline handlers: the Content-Security-Policy allows no inline script).
  document.addEventListener("click", function (e) {
    if (e.target.closest && e.target.closest("[data-print]")) { e.preventDefault(); window.print(); }
  });

  // On a phone a wide table scrolls inside its own box: let the keyboard reach and scroll it too (WCAG 2.1.1).
  function focusableScrollers() {
    document.querySelectorAll("main table").forEach(function (table) {
      if (getComputedStyle(table).overflowX === "auto" && !table.hasAttribute("tabindex")) table.setAttribute("tabindex", "0");
    });
  }
  focusableScrollers();
  document.addEventListener("htmx:afterSettle", focusableScrollers);

  // A server error (5xx) or a lost connection during an htmx request shows a message instead of nothing.
  function say(text) {
    var flash = document.getElementById("flash");
    if (flash) { flash.innerHTML = ""; var p = document.createElement("p"); p.className = "flash error"; p.setAttribute("role", "alert"); p.textContent = text; flash.appendChild(p); }
  }
  document.addEventListener("htmx:responseError", function () { say("Terjadi kesalahan di server; perubahan tidak disimpan. Coba lagi."); });
  document.addEventListener("htmx:sendError", function () { say("Server tidak dapat dihubungi; perubahan tidak disimpan."); });
})();
