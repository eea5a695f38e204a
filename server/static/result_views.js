// Views of query results beside YASR's table: a map (WKT or latitude/longitude columns), a chart (a label or a date,
// and a number), a timeline (a date column) and a graph (subject/predicate/object-like rows, or IRIs in two
// columns); the one that fits best is chosen for each new result, the others stay selectable. The table links the
// graph's IRIs to their local pages and shows values without language tags and datatypes. All drawn with the
// npm libraries served by this server (Leaflet, Chart.js, cytoscape.js), through views.js.
(function () {
  "use strict";
  var Yasr = window.Yasgui && window.Yasgui.Yasr;
  if (!Yasr || !window.GeoKG) { return; }
  var G = window.GeoKG;
  var XSD = "http://www.w3.org/2001/XMLSchema#";
  var NUMERIC = ["integer", "decimal", "double", "float", "int", "long", "short", "nonNegativeInteger",
    "positiveInteger", "unsignedInt"].map(function (t) { return XSD + t; });
  var DATES = ["date", "dateTime", "gYear", "gYearMonth"].map(function (t) { return XSD + t; });
  var ISO_DATE = /^-?\d{4}(-\d{2}(-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?)?)?$/;
  var WKT_POINT = /^\s*(?:<[^>]*>\s*)?POINT\s*\(\s*(-?[\d.]+)\s+(-?[\d.]+)\s*\)\s*$/i;
  var MAX_ROWS = { map: 10000, chart: 200, timeline: 2000, graph: 1500 };

  function esc(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" }[c];
    });
  }

  // ------------------------------------------------------------------ reading the results
  function table(yasr) {
    var r = yasr.results;
    if (!r || r.getError() || !r.getVariables) { return null; }
    var bindings = r.getBindings();
    if (!bindings || !bindings.length) { return null; }
    return { vars: r.getVariables(), rows: bindings };
  }

  // The share of rows whose value of `v` passes `test` (rows without one are not counted).
  function share(t, v, test) {
    var seen = 0, passed = 0;
    t.rows.forEach(function (row) {
      if (row[v]) { seen += 1; if (test(row[v])) { passed += 1; } }
    });
    return seen ? passed / seen : 0;
  }
  function isNumber(b) { return b.type !== "uri" && NUMERIC.indexOf(b.datatype) >= 0 || (!b.datatype && b.type === "typed-literal" && !isNaN(Number(b.value))); }
  function isDate(b) { return b.type !== "uri" && (DATES.indexOf(b.datatype) >= 0 || (!b.datatype && ISO_DATE.test(b.value) && b.value.length >= 4)); }
  function isPoint(b) { return b.type !== "uri" && WKT_POINT.test(b.value); }
  function isIri(b) { return b.type === "uri"; }
  function columns(t, test) { return t.vars.filter(function (v) { return share(t, v, test) >= 0.9; }); }
  function text(b) { return b ? (b.type === "uri" ? b.value.replace(/^.*[#/]/, "") : b.value) : ""; }

  // The row's first IRI with a local page, and the row's first textual value: what a marker or a point stands for.
  function rowLink(t, row) {
    for (var i = 0; i < t.vars.length; i += 1) {
      var b = row[t.vars[i]];
      if (b && isIri(b) && G.localUrl(b.value)) { return b.value; }
    }
    return null;
  }
  // The column that names a row: textual, not an IRI where one is; with `distinct`, the one with the most distinct
  // values (the base rather than its operator), else the first (a timeline's lanes: the supplier).
  function labelColumn(t, exclude, distinct) {
    var candidates = t.vars.filter(function (v) {
      return exclude.indexOf(v) < 0 && share(t, v, function (b) { return !isNumber(b) && !isDate(b) && !isPoint(b); }) >= 0.9;
    });
    var literal = candidates.filter(function (v) { return share(t, v, function (b) { return !isIri(b); }) >= 0.9; });
    var pool = literal.length ? literal : candidates;
    if (distinct) {
      var count = function (v) { var seen = {}; t.rows.forEach(function (r) { if (r[v]) { seen[r[v].value] = 1; } }); return Object.keys(seen).length; };
      pool = pool.slice().sort(function (a, b) { return count(b) - count(a); });
    }
    return pool[0] || null;
  }
  function rowSummary(t, row, skip) {
    return t.vars.filter(function (v) { return skip.indexOf(v) < 0 && row[v]; }).map(function (v) {
      return v + ": " + text(row[v]);
    }).join(" · ");
  }

  function dateValue(value) {  // milliseconds since 1970 of the first day of a date, month or year
    var m = /^(-?\d{4})(?:-(\d{2}))?(?:-(\d{2}))?/.exec(value);
    return m ? Date.UTC(Number(m[1]), m[2] ? Number(m[2]) - 1 : 0, m[3] ? Number(m[3]) : 1) : NaN;
  }

  // ------------------------------------------------------------------ the views
  function mapFit(t) {
    if (!t || t.rows.length > MAX_ROWS.map) { return null; }
    var wkt = columns(t, isPoint)[0];
    if (wkt) { return { wkt: wkt }; }
    var lat = t.vars.filter(function (v) { return /^(lat|latitude)$/i.test(v); })[0];
    var lon = t.vars.filter(function (v) { return /^(lon|lng|long|longitude)$/i.test(v); })[0];
    if (lat && lon && share(t, lat, function (b) { return !isNaN(Number(b.value)); }) >= 0.9) { return { lat: lat, lon: lon }; }
    return null;
  }

  function chartFit(t) {
    if (!t || t.rows.length > MAX_ROWS.chart) { return null; }
    var numbers = columns(t, isNumber);
    if (!numbers.length) { return null; }
    var date = columns(t, isDate).filter(function (v) { return numbers.indexOf(v) < 0; })[0];
    if (date) { return { x: date, y: numbers[0], line: true }; }
    var label = labelColumn(t, numbers, true);
    return label ? { x: label, y: numbers[0], line: false } : null;
  }

  function timelineFit(t) {
    if (!t || t.rows.length > MAX_ROWS.timeline) { return null; }
    var date = columns(t, isDate)[0];
    return date ? { date: date, lane: labelColumn(t, [date]) } : null;
  }

  function graphFit(t) {
    if (!t || t.rows.length > MAX_ROWS.graph) { return null; }
    var iris = columns(t, isIri);
    if (t.vars.length >= 3 && iris.indexOf(t.vars[0]) >= 0 && iris.indexOf(t.vars[1]) >= 0) {
      return { s: t.vars[0], p: t.vars[1], o: t.vars[2] };
    }
    return iris.length >= 2 ? { s: iris[0], o: iris[1] } : null;
  }

  function View(yasr, name, label, fit, draw) {
    this.yasr = yasr;
    this.label = label;
    this.priority = 5;
    this.name = name;
    this.fit = function () { return fit(table(yasr)); };
    this.drawView = draw;
  }
  View.prototype.canHandleResults = function () { return !!this.fit(); };
  var ICONS = { map: "\u25CE", chart: "\u2587", timeline: "\u22EF", graph: "\u2B21" };
  View.prototype.getIcon = function () {
    var icon = document.createElement("span");
    icon.className = "view-icon";
    icon.textContent = ICONS[this.name];
    return icon;
  };
  View.prototype.draw = function () {
    var el = document.createElement("div");
    el.className = "result-view result-" + this.name;
    this.yasr.resultsEl.appendChild(el);
    this.drawView(el, table(this.yasr), this.fit());
  };
  View.prototype.destroy = function () {
    if (this.chart) { this.chart.destroy(); this.chart = null; }
  };

  function drawMap(el, t, fit) {
    var points = [];
    t.rows.forEach(function (row) {
      var lat, lon;
      if (fit.wkt) {
        var m = row[fit.wkt] && WKT_POINT.exec(row[fit.wkt].value);
        if (!m) { return; }
        lon = Number(m[1]); lat = Number(m[2]);
      } else {
        if (!row[fit.lat] || !row[fit.lon]) { return; }
        lat = Number(row[fit.lat].value); lon = Number(row[fit.lon].value);
      }
      var label = labelColumn(t, [fit.wkt || fit.lat, fit.lon || ""], true);
      var iri = rowLink(t, row);
      points.push({ lat: lat, lon: lon, label: label ? text(row[label]) : iri || "", url: iri ? G.localUrl(iri) : null,
        detail: rowSummary(t, row, [fit.wkt, fit.lat, fit.lon, label]), kind: "point" });
    });
    el.classList.add("map");
    G.drawMap(el, points, document.getElementById("yasgui").dataset.world);
  }

  function drawChart(el, t, fit) {
    var rows = t.rows.filter(function (r) { return r[fit.x] && r[fit.y]; });
    if (fit.line) { rows.sort(function (a, b) { return dateValue(a[fit.x].value) - dateValue(b[fit.x].value); }); }
    var canvas = document.createElement("canvas");
    el.style.height = fit.line ? "360px" : Math.max(200, 24 * rows.length + 60) + "px";
    el.appendChild(canvas);
    var self = this;
    this.chart = new window.Chart(canvas, {
      type: fit.line ? "line" : "bar",
      data: { labels: rows.map(function (r) { return text(r[fit.x]); }),
        datasets: [{ label: fit.y, data: rows.map(function (r) { return Number(r[fit.y].value); }),
          backgroundColor: "#5b8fd0", borderColor: "#1f5fa8" }] },
      options: { indexAxis: fit.line ? "x" : "y", maintainAspectRatio: false, animation: false,
        plugins: { legend: { display: false } },
        onClick: function (_ev, items) {
          var iri = items.length ? rowLink(t, rows[items[0].index]) : null;
          if (iri) { window.location = G.localUrl(iri); }
        } }
    });
    el.dataset.rendered = String(rows.length);
    return self;
  }

  function drawTimeline(el, t, fit) {
    var counts = {};
    t.rows.forEach(function (r) { var k = fit.lane && r[fit.lane] ? text(r[fit.lane]) : ""; counts[k] = (counts[k] || 0) + 1; });
    var lanes = Object.keys(counts).sort(function (a, b) { return counts[b] - counts[a] || a.localeCompare(b); }).slice(0, 25);
    var rows = t.rows.filter(function (r) { return r[fit.date] && !isNaN(dateValue(r[fit.date].value)); });
    var points = rows.map(function (r) {
      var lane = fit.lane && r[fit.lane] ? text(r[fit.lane]) : "";
      var y = lanes.indexOf(lane);
      return { x: dateValue(r[fit.date].value), y: y < 0 ? lanes.length : y, row: r };
    });
    var names = lanes.concat(points.some(function (p) { return p.y === lanes.length; }) ? ["other"] : []);
    var canvas = document.createElement("canvas");
    el.style.height = Math.max(220, 26 * names.length + 80) + "px";
    el.appendChild(canvas);
    this.chart = new window.Chart(canvas, {
      type: "scatter",
      data: { datasets: [{ data: points, backgroundColor: "rgba(163, 83, 31, .75)", pointRadius: 5, pointHoverRadius: 7 }] },
      options: { maintainAspectRatio: false, animation: false, plugins: { legend: { display: false },
        tooltip: { callbacks: { label: function (ctx) {
          return new Date(ctx.raw.x).toISOString().slice(0, 10) + " · " + rowSummary(t, ctx.raw.row, [fit.date]);
        } } } },
        scales: {
          x: { type: "linear", ticks: { callback: function (v) { return new Date(v).toISOString().slice(0, 7); } } },
          y: { type: "linear", min: -0.5, max: names.length - 0.5, reverse: true,
            ticks: { stepSize: 1, autoSkip: false, callback: function (v) { return names[v] === undefined ? "" : names[v] || "(none)"; } } }
        },
        onClick: function (_ev, items) {
          var iri = items.length ? rowLink(t, points[items[0].index].row) : null;
          if (iri) { window.location = G.localUrl(iri); }
        } }
    });
    el.dataset.rendered = String(points.length);
  }

  function drawGraph(el, t, fit) {
    var nodes = {}, edges = [];
    function node(b) {
      var id = b.type === "uri" ? b.value : "literal:" + b.value;
      if (!nodes[id]) { nodes[id] = { id: id, label: text(b).slice(0, 60), type: b.type === "uri" ? "" : "literal" }; }
      return id;
    }
    t.rows.forEach(function (r) {
      if (!r[fit.s] || !r[fit.o]) { return; }
      edges.push({ source: node(r[fit.s]), target: node(r[fit.o]), label: fit.p && r[fit.p] ? text(r[fit.p]) : fit.o });
    });
    el.classList.add("graph");
    G.drawGraph(el, { nodes: Object.keys(nodes).map(function (k) { return nodes[k]; }), edges: edges }, null);
  }

  var VIEWS = [["map", "Map", mapFit, drawMap], ["chart", "Chart", chartFit, drawChart],
    ["timeline", "Timeline", timelineFit, drawTimeline], ["graph", "Graph", graphFit, drawGraph]];
  VIEWS.forEach(function (v) {
    Yasr.registerPlugin(v[0], function (yasr) { return new View(yasr, v[0], v[1], v[2], v[3]); });
  });

  // The table: the graph's IRIs link to their local pages, shown prefixed; other IRIs open in a new window.
  var Table = Yasr.plugins.table;
  class LocalTable extends Table {
    getUriLinkFromBinding(binding, prefixes) {
      var shown = binding.value;
      Object.keys(prefixes || {}).some(function (p) {
        if (shown.indexOf(prefixes[p]) === 0) { shown = p + ":" + shown.slice(prefixes[p].length); return true; }
        return false;
      });
      var local = G.localUrl(binding.value);
      if (local) { return "<a class='iri local' href='" + esc(local) + "'>" + esc(shown) + "</a>"; }
      if (!/^https?:\/\//.test(binding.value)) { return esc(shown); }
      return "<a class='iri' target='_blank' rel='noopener noreferrer' href='" + esc(binding.value) + "'>" + esc(shown) + "</a>";
    }
  }
  Yasr.registerPlugin("table", LocalTable);
  Yasr.defaults.plugins.table.dynamicConfig = { compact: true };
  Yasr.defaults.pluginOrder = ["table", "map", "chart", "timeline", "graph", "response"];

  // For each new result (not when the user picks a view), the best fitting view: map, chart, timeline, graph, table.
  var draw = Yasr.prototype.draw;
  Yasr.prototype.draw = function () {
    if (this.results && this.results !== this.geokgChosenFor) {
      this.geokgChosenFor = this.results;
      var t = table(this);
      var best = VIEWS.filter(function (v) { return v[2](t); })[0];
      this.selectedPlugin = best ? best[0] : "table";
    }
    return draw.call(this);
  };
})();
