// Training mode: after any change the trainee saves (an htmx POST on the plan or worksheet page), ask the live
// feedback panel to refresh itself ("training-refresh"), so the score follows the work without a reload.
(function () {
  "use strict";
  document.addEventListener("htmx:afterRequest", function (e) {
    var cfg = e.detail && e.detail.requestConfig;
    if (!cfg || (cfg.verb || "").toLowerCase() === "get" || !e.detail.successful) return;
    if (!document.querySelector("[hx-trigger*='training-refresh']")) return;
    document.body.dispatchEvent(new CustomEvent("training-refresh"));
  });
})();
