/* netnotes serve: reload the page when the site has been rebuilt.
   Only in pages served by `netnotes serve`; a built site never has this file. */
(function () {
  "use strict";
  if (!/^https?:$/.test(window.location.protocol)) { return; }
  var seen = null;
  function poll() {
    fetch("/__netnotes__/generation", { cache: "no-store" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (g) {
        if (g === null) { return; }
        if (seen !== null && g !== seen) { window.location.reload(); return; }
        seen = g;
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  poll();
})();
