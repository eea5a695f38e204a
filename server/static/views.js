// Drawing shared by the entity pages and the query editor's result views: local links, maps (Leaflet with an
// offline world outline), graphs (cytoscape.js). Labels are set as text, never as HTML.
(function () {
  "use strict";
  var RES = "https://w3id.org/geokg/resource/", ART = "https://w3id.org/geokg/article/";
  var COLORS = { State: "#2c7be5", UNMemberState: "#2c7be5", DeFactoState: "#2c7be5", UNObserverState: "#2c7be5",
    Person: "#c0392b", ArmsTransfer: "#a3531f", Deployment: "#a3531f", MilitaryOperation: "#a3531f",
    Statement: "#a3531f", NavalBase: "#d35400", AirBase: "#d35400", ArmyBase: "#d35400", MilitaryBase: "#d35400" };
  var MARKERS = { self: "#13233a", base: "#d35400", place: "#16a085", point: "#1f5fa8" };

  // Where an IRI of the graph is shown in this UI; null for IRIs outside it.
  function localUrl(iri) {
    if (typeof iri !== "string") { return null; }
    if (iri.indexOf(RES) === 0) { return "/resource/" + iri.slice(RES.length); }
    if (iri.indexOf(ART) === 0) { return "/article/" + iri.slice(ART.length); }
    return null;
  }

  // A link to the local page of `iri` (or a text where it has none), labelled `label`.
  function linkTo(iri, label) {
    var target = localUrl(iri);
    var el = document.createElement(target ? "a" : "span");
    if (target) { el.href = target; }
    el.textContent = label || iri;
    return el;
  }

  // A ring of longitudes made continuous where it crosses the antimeridian (Russia's, Fiji's), which Leaflet would
  // otherwise draw as lines across the whole map.
  function unwrap(ring) {
    var out = [ring[0].slice()];
    for (var i = 1; i < ring.length; i += 1) {
      var lon = ring[i][0], previous = out[i - 1][0];
      while (lon - previous > 180) { lon -= 360; }
      while (lon - previous < -180) { lon += 360; }
      out.push([lon, ring[i][1]]);
    }
    return out;
  }
  function unwrapped(geometry) {
    if (geometry.type === "Polygon") { return { type: "Polygon", coordinates: geometry.coordinates.map(unwrap) }; }
    if (geometry.type === "MultiPolygon") {
      return { type: "MultiPolygon", coordinates: geometry.coordinates.map(function (p) { return p.map(unwrap); }) };
    }
    return geometry;
  }

  // points: [{lat, lon, label, url, kind}]; the view fits them (a single point at a country's scale).
  function drawMap(el, points, worldUrl) {
    var L = window.L;
    var map = L.map(el, { worldCopyJump: true, attributionControl: false });
    fetch(worldUrl).then(function (r) { return r.json(); }).then(function (world) {
      var land = window.topojson.feature(world, world.objects.countries);
      land.features = land.features.filter(function (f) { return f.properties.name !== "Antarctica"; })
        .map(function (f) { return { type: "Feature", properties: f.properties, geometry: unwrapped(f.geometry) }; });
      L.geoJSON(land, { style: { color: "#7d8a96", weight: 0.7, fillColor: "#f4f1e8", fillOpacity: 1 } })
        .addTo(map).bringToBack();
      el.dataset.rendered = "true";
    });
    var markers = points.map(function (p) {
      var popup = document.createElement("div");
      popup.appendChild(p.url ? Object.assign(document.createElement("a"), { href: p.url, textContent: p.label })
        : document.createTextNode(p.label));
      if (p.detail) { popup.appendChild(document.createElement("br")); popup.appendChild(document.createTextNode(p.detail)); }
      return L.circleMarker([p.lat, p.lon], { radius: p.kind === "self" ? 9 : 6, color: "#13233a", weight: 1,
        fillColor: MARKERS[p.kind] || MARKERS.point, fillOpacity: 0.9 }).bindTooltip(p.label).bindPopup(popup).addTo(map);
    });
    if (points.length === 1) {
      map.setView([points[0].lat, points[0].lon], 6);
    } else {
      map.fitBounds(L.featureGroup(markers).getBounds().pad(0.25), { maxZoom: 6 });
    }
    el.dataset.markers = String(points.length);
    return map;
  }

  // data: {nodes: [{id, label, type}], edges: [{source, target, label}]}; tapping a node opens its page.
  function drawGraph(el, data, focus) {
    var degree = {};
    data.edges.forEach(function (e) { degree[e.source] = (degree[e.source] || 0) + 1; degree[e.target] = (degree[e.target] || 0) + 1; });
    var elements = data.nodes.map(function (n) {
      return { data: { id: n.id, label: n.label, color: COLORS[n.type] || "#7f8c8d", focus: n.id === focus,
        size: Math.min(14 + 3 * (degree[n.id] || 0), 34) } };
    }).concat(data.edges.map(function (e, i) {
      return { data: { id: "e" + i, source: e.source, target: e.target, label: e.label || "" } };
    }));
    var cy = window.cytoscape({
      container: el, elements: elements, maxZoom: 2, minZoom: 0.2,
      layout: { name: "cose", animate: false, nodeRepulsion: 400000, idealEdgeLength: 110, nodeOverlap: 40,
        componentSpacing: 80, padding: 30, randomize: false },
      style: [
        { selector: "node", style: { "background-color": "data(color)", label: "data(label)", "font-size": 12,
          "text-wrap": "wrap", "text-max-width": 110, width: "data(size)", height: "data(size)", "text-valign": "bottom",
          "text-margin-y": 3, "text-background-color": "#fff", "text-background-opacity": 0.85,
          "text-background-padding": 2, color: "#1d2733" } },
        { selector: "node[?focus]", style: { "border-width": 3, "border-color": "#13233a", "font-weight": "bold" } },
        { selector: "edge", style: { width: 1.5, "line-color": "#b8c4d0", "target-arrow-color": "#b8c4d0",
          "target-arrow-shape": "triangle", "curve-style": "bezier", label: "data(label)", "font-size": 9,
          color: "#5b6b7c", "text-rotation": "autorotate", "text-background-color": "#fff",
          "text-background-opacity": 0.85, "text-background-padding": 1 } }
      ]
    });
    cy.on("tap", "node", function (ev) {
      var target = localUrl(ev.target.id());
      if (target) { window.location = target; }
    });
    el.dataset.rendered = String(cy.nodes().length);
    return cy;
  }

  window.GeoKG = { localUrl: localUrl, linkTo: linkTo, drawMap: drawMap, drawGraph: drawGraph };
})();
