/* netnotes serve: reload the page when the site has been rebuilt.
   Only in pages served by `netnotes serve`; a built site never has this file.
   The server answers `?after=N` once the site's generation is not N (or after 25 s, with N
   again), so the page reloads as soon as a rebuild is done. */
(function () {
  "use strict";
  if (!/^https?:$/.test(window.location.protocol)) { return; }
  var seen = null;
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
