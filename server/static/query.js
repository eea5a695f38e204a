// Query page: YASGUI bound to this server's endpoint (its absolute URL), opening the query of the page's link
// (/query?query=..., ?example=NAME, or YASGUI's #query=...), showing every failed query's message with its HTTP
// status, and completing prefixes, classes, properties and entities from this server only.
(function () {
  "use strict";
  var el = document.getElementById("yasgui");
  if (!el || !window.Yasgui) { return; }
  var Yasgui = window.Yasgui, Yasqe = Yasgui.Yasqe, Yasr = Yasgui.Yasr;
  var endpoint = el.dataset.endpoint;
  var page = JSON.parse(document.getElementById("query-page").textContent);

  // ------------------------------------------------------------------ what the endpoint answered
  // YASQE keeps only the text of a failed response; its status and the row cap's headers are noted here.
  var last = null;
  var fetchFirst = window.fetch.bind(window);
  window.fetch = function (input, init) {
    var url = typeof input === "string" ? input : input.url;
    var answer = fetchFirst(input, init);
    if (url.indexOf(endpoint) === 0) {
      answer.then(function (r) {
        last = { status: r.status, statusText: r.statusText, truncated: r.headers.get("X-GeoKG-Truncated") === "true",
          limit: r.headers.get("X-GeoKG-Row-Limit") };
      }, function () { last = null; });
    }
    return answer;
  };

  Yasr.defaults.errorRenderers = [function (error) {
    var box = document.createElement("div");
    box.className = "query-error";
    var head = document.createElement("strong");
    head.textContent = last && last.status >= 400 ? "HTTP " + last.status + " " + last.statusText : "The query failed";
    var message = document.createElement("pre");
    message.textContent = error.text || "no answer from the endpoint";
    box.appendChild(head);
    box.appendChild(message);
    return Promise.resolve(box);
  }];

  // ------------------------------------------------------------------ completion, from this server only
  var prefixes = page.prefixes;
  var terms = fetch(el.dataset.terms).then(function (r) { return r.json(); });
  function iriCompleter(name, from, kind) {
    Yasqe.forkAutocompleter(from, { name: name, bulk: true, persistenceId: null, autoShow: true,
      get: function () { return terms.then(function (t) { return t[kind]; }); } }, false);
  }
  Yasqe.registerAutocompleter({
    name: "localPrefixes", bulk: true, autoShow: true, persistenceId: null,
    isValidCompletionPosition: Yasqe.Autocompleters.prefixes.isValidCompletionPosition,
    preProcessToken: Yasqe.Autocompleters.prefixes.preProcessToken,
    postProcessSuggestion: Yasqe.Autocompleters.prefixes.postProcessSuggestion,
    onInitialize: Yasqe.Autocompleters.prefixes.onInitialize,
    get: function () { return Object.keys(prefixes).map(function (p) { return p + ": <" + prefixes[p] + ">"; }); }
  }, false);
  iriCompleter("localClasses", "class", "classes");
  iriCompleter("localProperties", "property", "properties");
  // Entities by name: type gkr: and the start of a name or alias ("gkr:Tart" offers Tartus naval base, written as its
  // IRI: a prefixed name cannot hold the "/" of gkr:base/tartus-naval-base).
  var names = {};
  Yasqe.registerAutocompleter({
    name: "entities", bulk: false, autoShow: true, persistenceId: null,
    isValidCompletionPosition: function (yasqe) {
      var token = yasqe.getCompleteToken();
      return /^gkr:[^/\s]{2,}$/.test(token.string);
    },
    get: function (_yasqe, token) {
      var q = token.string.slice(4).replace(/_/g, " ");
      return fetchFirst(el.dataset.search + "?q=" + encodeURIComponent(q)).then(function (r) { return r.ok ? r.json() : []; })
        .then(function (items) {
          return items.map(function (item) {
            var text = "<" + item.iri + ">";
            names[text] = item.label + " · " + item.type;
            return text;
          });
        });
    },
    postprocessHints: function (_yasqe, hints) {
      return hints.map(function (h) { h.displayText = names[h.text] || h.text; return h; });
    }
  }, false);
  Yasqe.defaults.autocompleters = ["variables", "localPrefixes", "localClasses", "localProperties", "entities"];

  // ------------------------------------------------------------------ the editor
  // The Share button's link opens the query on any server's /query page and runs it.
  Yasgui.Tab.prototype.getShareableLink = function () {
    return window.location.origin + "/query?query=" + encodeURIComponent(this.getQuery()) + "&run=1";
  };
  var fromHash = /[#&]query=/.test(window.location.hash);
  var yasgui = new Yasgui(el, {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    persistenceId: null,
    populateFromUrl: fromHash ? function (config) {  // YASGUI's share links: their query, this endpoint
      config.requestConfig.endpoint = endpoint;
      config.requestConfig.args = [];
      return config;
    } : false,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    yasqe: { autocompleters: Yasqe.defaults.autocompleters }
  });
  var tab = yasgui.getTab();
  if (!fromHash) {
    tab.setQuery(page.initial !== null ? page.initial : page.shown);
    if (page.initial !== null && page.run) { tab.query().catch(function () {}); }  // its error is shown below
  }

  // A notice above the results: how many rows, and whether the server's row cap cut them.
  yasgui.on("query", function () { last = null; });
  function notice(yasr) {
    var box = yasr.rootEl.querySelector(".query-notice");
    if (!box) {
      box = document.createElement("p");
      box.className = "query-notice";
      yasr.rootEl.insertBefore(box, yasr.resultsEl);
    }
    box.textContent = last && last.truncated ? "The result was cut at " + last.limit + " rows (the server's row limit): " +
      "add a LIMIT, or download it." : "";
    box.hidden = !box.textContent;
  }
  yasgui.on("tabChange", function (_y, t) { t.getYasr().on("drawn", notice); });
  tab.getYasr().on("drawn", notice);

  // Examples: links that work without this script; here they load into the editor and run.
  document.querySelectorAll("a.example").forEach(function (a) {
    a.addEventListener("click", function (ev) {
      ev.preventDefault();
      var current = yasgui.getTab();
      current.setQuery(page.examples[a.dataset.slug]);
      current.query().catch(function () {});
      window.history.replaceState(null, "", a.href);
    });
  });
  // The download links run the editor's current query in the chosen format.
  document.querySelectorAll("a.download").forEach(function (a) {
    a.addEventListener("click", function () {
      a.href = endpoint + "?query=" + encodeURIComponent(yasgui.getTab().getQuery()) + "&format=" + a.dataset.format +
        "&download=1";
    });
  });
  window.geokgYasgui = yasgui;
})();
