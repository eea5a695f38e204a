// Entity page: the neighbourhood graph and the map (drawn by views.js); the page reads without them.
(function () {
  "use strict";
  var graphEl = document.getElementById("graph");
  if (graphEl && window.cytoscape && window.GeoKG) {
    fetch(graphEl.dataset.api + "?iri=" + encodeURIComponent(graphEl.dataset.iri))
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (data.nodes.length < 2) { graphEl.hidden = true; graphEl.dataset.rendered = "1"; return; }
        window.GeoKG.drawGraph(graphEl, data, graphEl.dataset.iri);
      })
      .catch(function (err) { graphEl.textContent = "Graph unavailable: " + err; });
  }
  var mapEl = document.getElementById("map");
  if (mapEl && window.L && window.GeoKG) {
    window.GeoKG.drawMap(mapEl, JSON.parse(mapEl.dataset.points), mapEl.dataset.world);
  }
})();
