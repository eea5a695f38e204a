// Search-box autocomplete over labels and aliases (the search page works without it).
(function () {
  "use strict";
  var box = document.getElementById("search-box");
  var list = document.getElementById("suggestions");
  if (!box || !list) { return; }
  var cls = box.form.querySelector("select[name=class]");
  var timer = null, active = -1, lastQuery = "";

  function clear() { list.hidden = true; list.textContent = ""; active = -1; }

  function render(items) {
    list.textContent = "";
    items.forEach(function (item) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = item.url;
      a.textContent = item.label + " · " + item["class"];
      li.appendChild(a);
      list.appendChild(li);
    });
    list.hidden = items.length === 0;
    active = -1;
  }

  function lookup() {
    var q = box.value.trim();
    if (q.length < 2) { clear(); return; }
    var key = q + "|" + cls.value;
    if (key === lastQuery) { return; }
    lastQuery = key;
    var url = "/api/search?q=" + encodeURIComponent(q) + (cls.value ? "&class=" + encodeURIComponent(cls.value) : "");
    fetch(url, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(function (items) { if (lastQuery === key) { render(items); } })
      .catch(clear);
  }

  box.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(lookup, 150); });
  cls.addEventListener("change", function () { lastQuery = ""; lookup(); });
  box.addEventListener("keydown", function (ev) {
    var links = list.querySelectorAll("a");
    if (!links.length) { return; }
    if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      ev.preventDefault();
      active = (active + (ev.key === "ArrowDown" ? 1 : links.length - 1)) % links.length;
      links.forEach(function (l, i) { l.classList.toggle("active", i === active); });
    } else if (ev.key === "Enter" && active >= 0) {
      ev.preventDefault();
      window.location = links[active].href;
    } else if (ev.key === "Escape") { clear(); }
  });
  document.addEventListener("click", function (ev) { if (!box.form.contains(ev.target)) { clear(); } });
})();
