/* netnotes dashboard: the header search box, sortable tables and the contacts filter.
   Hand-written and dependency-free; every page still reads fine without it. */
(function () {
  "use strict";

  function fold(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  /* Header search: jump to the search page with the query in the fragment
     (form submission is off by the page's Content-Security-Policy). */
  var quick = document.querySelector("form.quick-search");
  if (quick) {
    quick.hidden = false;
    quick.addEventListener("submit", function (event) {
      event.preventDefault();
      var q = quick.elements.q.value.trim();
      window.location.href = quick.getAttribute("data-target") + (q ? "#q=" + encodeURIComponent(q) : "");
    });
  }

  /* Sortable tables: click a column header's button; sorts on each cell's data-sort. A header
     with data-first-sort="descending" (a score: highest first) starts the other way round. */
  function sortKey(row, column) {
    var cell = row.cells[column];
    return cell ? (cell.getAttribute("data-sort") || cell.textContent.trim()) : "";
  }

  function makeSortable(table) {
    var heads = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(heads, function (th, column) {
      var button = th.querySelector("button");
      if (!button) { return; }
      button.addEventListener("click", function () {
        var current = th.getAttribute("aria-sort");
        var ascending = current ? current !== "ascending" : th.getAttribute("data-first-sort") !== "descending";
        Array.prototype.forEach.call(heads, function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.forEach(function (row, i) { row.dataset.order = row.dataset.order || String(i); });
        rows.sort(function (a, b) {
          var order = sortKey(a, column).localeCompare(sortKey(b, column), undefined, { numeric: true });
          return (ascending ? order : -order) || Number(a.dataset.order) - Number(b.dataset.order);
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), makeSortable);

  /* Filters above a table: free text (all words must appear) plus exact-match selects. */
  function makeFilter(box) {
    var table = document.getElementById(box.getAttribute("data-filter-for"));
    if (!table) { return; }
    box.hidden = false;
    var controls = box.querySelectorAll("[data-filter]");
    var shown = box.querySelector(".shown");
    var rows = table.tBodies[0].rows;
    function apply() {
      var words = [];
      var exact = [];
      Array.prototype.forEach.call(controls, function (control) {
        var name = control.getAttribute("data-filter");
        if (name === "text") {
          words = fold(control.value).split(/\s+/).filter(Boolean);
        } else if (control.value) {
          exact.push([name, control.value]);
        }
      });
      var count = 0;
      Array.prototype.forEach.call(rows, function (row) {
        var text = row.getAttribute("data-text") || "";
        var ok = words.every(function (w) { return text.indexOf(w) !== -1; }) &&
          exact.every(function (pair) { return row.getAttribute("data-" + pair[0]) === pair[1]; });
        row.hidden = !ok;
        if (ok) { count += 1; }
      });
      if (shown) { shown.textContent = count + " of " + rows.length + " shown"; }
    }
    Array.prototype.forEach.call(controls, function (control) {
      control.addEventListener("input", apply);
      control.addEventListener("change", apply);
    });
    /* A link like contacts.html#status=overdue presets the filters. */
    window.location.hash.replace(/^#/, "").split("&").forEach(function (pair) {
      var parts = pair.split("=");
      var control = box.querySelector("[data-filter='" + parts[0].replace(/[^a-z]/g, "") + "']");
      if (control && parts.length === 2) { control.value = decodeURIComponent(parts[1]); }
    });
    apply();
  }
  Array.prototype.forEach.call(document.querySelectorAll("[data-filter-for]"), makeFilter);
}());
