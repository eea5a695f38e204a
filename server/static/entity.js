// Entity page: neighbourhood graph (cytoscape.js) and map (Leaflet with an offline world outline).
(function () {
  "use strict";
  var RES = "https://w3id.org/geokg/resource/", ART = "https://w3id.org/geokg/article/";
  var COLORS = { State: "#2c7be5", UNMemberState: "#2c7be5", DeFactoState: "#2c7be5", UNObserverState: "#2c7be5",
    Person: "#c0392b", ArmsTransfer: "#a3531f", Deployment: "#a3531f", MilitaryOperation: "#a3531f",
    Statement: "#a3531f", NavalBase: "#d35400", AirBase: "#d35400", ArmyBase: "#d35400" };

  function localUrl(iri) {
    if (iri.indexOf(RES) === 0) { return "/resource/" + iri.slice(RES.length); }
    if (iri.indexOf(ART) === 0) { return "/article/" + iri.slice(ART.length); }
    return null;
  }

  var graphEl = document.getElementById("graph");
  if (graphEl && window.cytoscape) {
    var url = graphEl.dataset.api + "?iri=" + encodeURIComponent(graphEl.dataset.iri);
    fetch(url).then(function (r) { return r.json(); }).then(function (data) {
      var elements = data.nodes.map(function (n) {
        return { data: { id: n.id, label: n.label, color: COLORS[n.type] || "#7f8c8d", focus: n.id === graphEl.dataset.iri } };
      }).concat(data.edges.map(function (e, i) {
        return { data: { id: "e" + i, source: e.source, target: e.target, label: e.label } };
      }));
      var cy = window.cytoscape({
        container: graphEl, elements: elements, maxZoom: 1.6, minZoom: 0.2,
        layout: { name: "cose", animate: false, nodeRepulsion: 9000, idealEdgeLength: 90, padding: 30 },
        style: [
          { selector: "node", style: { "background-color": "data(color)", label: "data(label)", "font-size": 10,
            "text-wrap": "ellipsis", "text-max-width": 120, width: 18, height: 18 } },
          { selector: "node[?focus]", style: { width: 30, height: 30, "border-width": 3, "border-color": "#13233a" } },
          { selector: "edge", style: { width: 1.5, "line-color": "#b8c4d0", "target-arrow-color": "#b8c4d0",
            "target-arrow-shape": "triangle", "curve-style": "bezier", label: "data(label)", "font-size": 8,
            color: "#5b6b7c" } }
        ]
      });
      cy.on("tap", "node", function (ev) {
        var target = localUrl(ev.target.id());
        if (target) { window.location = target; }
      });
      graphEl.dataset.rendered = String(cy.nodes().length);
    }).catch(function (err) { graphEl.textContent = "Graph unavailable: " + err; });
  }

  var mapEl = document.getElementById("map");
  if (mapEl && window.L) {
    var points = JSON.parse(mapEl.dataset.points);
    var map = window.L.map(mapEl, { worldCopyJump: true, attributionControl: false });
    fetch(mapEl.dataset.world).then(function (r) { return r.json(); }).then(function (world) {
      var land = window.topojson.feature(world, world.objects.countries);
      window.L.geoJSON(land, { style: { color: "#7d8a96", weight: 0.7, fillColor: "#f4f1e8", fillOpacity: 1 } }).addTo(map);
      mapEl.dataset.rendered = "true";
    });
    var markers = points.map(function (p) {
      return window.L.circleMarker([p[0], p[1]], { radius: 7, color: "#13233a", fillColor: "#d35400", fillOpacity: 0.9 })
        .bindTooltip(p[2]).addTo(map);
    });
    var group = window.L.featureGroup(markers);
    if (points.length === 1) { map.setView([points[0][0], points[0][1]], 6); } else { map.fitBounds(group.getBounds().pad(0.3)); }
  }
})();
