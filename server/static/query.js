// Query page: YASGUI editor bound to this server's endpoint, with prefixes and the example gallery.
(function () {
  "use strict";
  var el = document.getElementById("yasgui");
  if (!el || !window.Yasgui) { return; }
  var examples = JSON.parse(document.getElementById("examples").textContent);
  var prefixes = JSON.parse(document.getElementById("prefixes").textContent);
  function withPrefixes(query) {
    // Declare the prefixes the query uses (gkg: and rdfs: always, for editing).
    var used = Object.keys(prefixes).filter(function (p) {
      return p === "gkg" || p === "rdfs" || new RegExp("(^|[^\\w])" + p + ":").test(query);
    });
    return used.map(function (p) { return "PREFIX " + p + ": <" + prefixes[p] + ">"; }).join("\n") + "\n\n" + query;
  }
  var yasgui = new window.Yasgui(el, {
    requestConfig: { endpoint: el.dataset.endpoint, method: "POST" },
    copyEndpointOnNewTab: false,
    persistenceId: null,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: el.dataset.endpoint }]; } }
  });
  var tab = yasgui.getTab();
  tab.setQuery(withPrefixes(examples[0]));
  document.querySelectorAll("button.example").forEach(function (button) {
    button.addEventListener("click", function () {
      var current = yasgui.getTab();
      current.setQuery(withPrefixes(examples[Number(button.dataset.index)]));
      current.query();
    });
  });
  // The download links run the editor's current query in the chosen format.
  document.querySelectorAll("a.download").forEach(function (a) {
    a.addEventListener("click", function () {
      a.href = el.dataset.endpoint + "?query=" + encodeURIComponent(yasgui.getTab().getQuery()) +
        "&format=" + a.dataset.format + "&download=1";
    });
  });
  window.geokgYasgui = yasgui;
})();
