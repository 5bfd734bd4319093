/* mkdocs-postmortem: sorting and filtering of the generated incident lists, in the browser.
   Progressive enhancement: every list reads fine without it. Each row (<tr> or <li>) carries
   data-pm-* values (severity, rank, status, year, date, duration, services, title); this adds
   one filter bar above a page's first list and makes column headers with data-pm-sort sortable.
   Runs on each page Material's instant navigation loads (document$), else once on load. */
(function () {
  "use strict";

  var FILTERS = [
    ["severity", "Severity"],
    ["service", "Service"],
    ["status", "Status"],
    ["year", "Year"]
  ];

  function rowsOf(root) {
    return Array.prototype.slice.call(root.querySelectorAll(".pm-list tbody tr[data-pm-date], .pm-timeline li[data-pm-date]"));
  }

  function valuesOf(row, key) {
    if (key === "service") {
      var services = row.getAttribute("data-pm-services") || "";
      return services ? services.split(",") : [];
    }
    return [row.getAttribute("data-pm-" + key) || ""];
  }

  function choices(rows, key) {
    var seen = {};
    var order = [];
    rows.forEach(function (row) {
      valuesOf(row, key).forEach(function (value) {
        if (value && !Object.prototype.hasOwnProperty.call(seen, value)) {
          seen[value] = key === "severity" ? Number(row.getAttribute("data-pm-rank")) : value;
          order.push(value);
        }
      });
    });
    order.sort(function (a, b) {
      if (key === "severity") return seen[a] - seen[b];
      if (key === "year") return b.localeCompare(a);
      return a.localeCompare(b);
    });
    return order;
  }

  /* A heading whose section (up to the next heading of its level or above) holds only hidden lists is hidden
     too, with the note under it (a summary page's "2 incidents, newest first · its own page"). */
  function hideEmptySections(container) {
    var children = Array.prototype.slice.call(container.children);
    children.forEach(function (el, index) {
      var level = /^H([2-3])$/.exec(el.tagName);
      if (!level || el.hasAttribute("data-pm-keep")) return;
      var lists = 0;
      var shown = 0;
      var notes = [];
      for (var i = index + 1; i < children.length; i++) {
        var next = /^H([1-6])$/.exec(children[i].tagName);
        if (next && Number(next[1]) <= Number(level[1])) break;
        if (children[i].matches(".pm-list, .pm-timeline")) {
          lists++;
          if (!children[i].hidden) shown++;
        } else if (children[i].matches("p.pm-note")) {
          notes.push(children[i]);
        }
      }
      if (!lists) return;
      el.hidden = shown === 0;
      notes.forEach(function (note) {
        note.hidden = shown === 0;
      });
    });
  }

  function applyFilters(bar, rows, container) {
    var wanted = {};
    FILTERS.forEach(function (f) {
      wanted[f[0]] = bar.querySelector("select[name=pm-" + f[0] + "]").value;
    });
    var shown = 0;
    rows.forEach(function (row) {
      var ok = FILTERS.every(function (f) {
        return !wanted[f[0]] || valuesOf(row, f[0]).indexOf(wanted[f[0]]) !== -1;
      });
      row.hidden = !ok;
      if (ok) shown++;
    });
    container.querySelectorAll(".pm-list, .pm-timeline").forEach(function (list) {
      list.hidden = list.querySelectorAll("tbody tr[data-pm-date]:not([hidden]), li[data-pm-date]:not([hidden])").length === 0;
    });
    hideEmptySections(container);
    bar.querySelector(".pm-count").textContent = shown === rows.length ? rows.length + " shown" : shown + " of " + rows.length + " shown";
  }

  function filterBar(container, rows) {
    var bar = document.createElement("form");
    bar.className = "pm-filters";
    bar.setAttribute("role", "search");
    bar.setAttribute("aria-label", "Filter incidents");
    FILTERS.forEach(function (f) {
      var values = choices(rows, f[0]);
      var label = document.createElement("label");
      var select = document.createElement("select");
      select.name = "pm-" + f[0];
      select.appendChild(new Option("All", ""));
      values.forEach(function (v) {
        select.appendChild(new Option(v, v));
      });
      label.appendChild(document.createTextNode(f[1] + " "));
      label.appendChild(select);
      if (values.length < 2) label.hidden = true; // nothing to choose between
      bar.appendChild(label);
    });
    var count = document.createElement("span");
    count.className = "pm-count";
    count.setAttribute("aria-live", "polite");
    bar.appendChild(count);
    bar.addEventListener("change", function () {
      applyFilters(bar, rows, container);
    });
    bar.addEventListener("submit", function (event) {
      event.preventDefault();
    });
    return bar;
  }

  function sortKey(row, key) {
    var value = row.getAttribute("data-pm-" + key) || "";
    if (key === "rank" || key === "duration") return value === "" ? Infinity : Number(value);
    return value.toLowerCase();
  }

  function sortable(table) {
    var headers = table.querySelectorAll("th[data-pm-sort]");
    headers.forEach(function (th) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "pm-sort";
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      button.addEventListener("click", function () {
        var key = th.getAttribute("data-pm-sort");
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        headers.forEach(function (other) {
          other.removeAttribute("aria-sort");
        });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = sortKey(a, key);
          var y = sortKey(b, key);
          var order = x < y ? -1 : x > y ? 1 : 0;
          return ascending ? order : -order;
        });
        rows.forEach(function (row) {
          body.appendChild(row);
        });
      });
    });
  }

  function enhance() {
    var first = document.querySelector(".pm-list, .pm-timeline");
    if (!first || first.parentNode.querySelector(".pm-filters")) return;
    var container = first.parentNode;
    var rows = rowsOf(container);
    if (rows.length < 2) return;
    // one list: the bar goes right above it; several (one per section): above the first section's headings
    // and the note between a heading and its list
    var anchor = first;
    if (container.querySelectorAll(".pm-list, .pm-timeline").length > 1) {
      var heading = /^H[2-6]$/;
      for (var before = anchor.previousElementSibling; before; before = anchor.previousElementSibling) {
        var note = before.matches("p.pm-note") && !heading.test(anchor.tagName); // between a heading and its list
        if (!heading.test(before.tagName) && !note) break;
        anchor = before;
      }
    }
    container.insertBefore(filterBar(container, rows), anchor);
    container.querySelectorAll("table.pm-list").forEach(sortable);
    applyFilters(container.querySelector(".pm-filters"), rows, container);
  }

  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(enhance); // Material: every page, instant navigation included
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enhance);
  } else {
    enhance();
  }
})();
