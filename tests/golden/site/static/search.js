/* netnotes search page: matches the query against window.NETNOTES_SEARCH, which
   static/search-index.js sets (a script, so it loads from file:// too). Entries are
   [url, title, subtitle, words]; every word of the query must occur in title or words. */
(function () {
  "use strict";
  var index = window.NETNOTES_SEARCH || [];
  var input = document.getElementById("search-input");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  if (!input || !list) { return; }
  var root = list.getAttribute("data-root") || "";
  var LIMIT = 100;
  input.parentNode.hidden = false;

  function fold(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  var titles = index.map(function (entry) { return fold(entry[1]); });

  function search(query) {
    var words = fold(query).split(/\s+/).filter(Boolean);
    list.textContent = "";
    if (!words.length) { status.textContent = index.length + " entries to search."; return; }
    var hits = [];
    index.forEach(function (entry, i) {
      var title = titles[i];
      var haystack = title + " " + entry[3];
      if (!words.every(function (w) { return haystack.indexOf(w) !== -1; })) { return; }
      var rank = title.indexOf(words[0]) === 0 ? 0 : (title.indexOf(words[0]) !== -1 ? 1 : 2);
      hits.push([rank, i]);
    });
    hits.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
    hits.slice(0, LIMIT).forEach(function (hit) {
      var entry = index[hit[1]];
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = root + entry[0];
      link.textContent = entry[1];
      item.appendChild(link);
      if (entry[2]) {
        var sub = document.createElement("small");
        sub.textContent = entry[2];
        item.appendChild(sub);
      }
      list.appendChild(item);
    });
    status.textContent = hits.length === 0 ? "Nothing found." :
      (hits.length > LIMIT ? "First " + LIMIT + " of " + hits.length + " matches." :
        hits.length + (hits.length === 1 ? " match." : " matches."));
  }

  function fromHash() {
    var match = /^#q=(.*)$/.exec(window.location.hash);
    if (match) {
      input.value = decodeURIComponent(match[1]);
    }
    search(input.value);
  }

  input.addEventListener("input", function () {
    try {  /* keep the query in the address, so Back and reload keep it too */
      window.history.replaceState(null, "", input.value ? "#q=" + encodeURIComponent(input.value) : "#");
    } catch (ignored) { /* some browsers refuse this on file:// */ }
    search(input.value);
  });
  window.addEventListener("hashchange", fromHash);
  fromHash();
  input.focus();
}());
