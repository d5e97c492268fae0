/* netnotes serve: reload the page when the site has been rebuilt.
   Only in pages served by `netnotes serve`; a built site never has this file.
   The page's own generation comes with it (Server-Timing); the server answers `?after=N` once
   the site's generation is not N (or after 25 s, with N again), so the page reloads as soon as
   a rebuild is done, even one done before this script ran. */
(function () {
  "use strict";
  if (!/^https?:$/.test(window.location.protocol)) { return; }
  var seen = null;
  try {
    var page = window.performance.getEntriesByType("navigation")[0];
    (page && page.serverTiming || []).forEach(function (entry) {
      if (entry.name === "generation") { seen = entry.description; }
    });
  } catch (e) { seen = null; }
  function poll() {
    var url = "/__netnotes__/generation" + (seen === null ? "" : "?after=" + encodeURIComponent(seen));
    fetch(url, { cache: "no-store" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (g) {
        if (g === null) { window.setTimeout(poll, 3000); return; }
        if (seen !== null && g !== seen) { window.location.reload(); return; }
        seen = g;
        window.setTimeout(poll, 0);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  poll();
})();
