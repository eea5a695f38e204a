// Every page: the header's menu on small screens, and autocomplete over names and aliases for the search box
// (choosing opens the entity's page) and for filter fields marked data-autocomplete (choosing fills in the name).
// Pages and forms work without it.
(function () {
  "use strict";
  var toggle = document.querySelector(".menu-toggle");
  var menu = document.getElementById("menu");
  if (toggle && menu) {
    document.documentElement.classList.add("js");
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var open = !menu.classList.contains("open");
      menu.classList.toggle("open", open);
      toggle.setAttribute("aria-expanded", String(open));
    });
  }

  function autocomplete(box, cls, pick) {
    var list = document.createElement("ul");
    list.className = "suggestions";
    list.hidden = true;
    box.parentNode.style.position = "relative";
    box.insertAdjacentElement("afterend", list);
    var timer = null, active = -1, lastQuery = "";

    function clear() { list.hidden = true; list.textContent = ""; active = -1; }

    function render(items) {
      list.textContent = "";
      items.forEach(function (item) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = item.url;
        a.textContent = item.label + " · " + item.type;
        a.addEventListener("click", function (ev) { if (pick(item)) { ev.preventDefault(); clear(); } });
        li.appendChild(a);
        list.appendChild(li);
      });
      list.hidden = items.length === 0;
      active = -1;
    }

    function lookup() {
      var q = box.value.trim();
      var c = cls();
      if (q.length < 2) { clear(); return; }
      var key = q + "|" + c;
      if (key === lastQuery) { return; }
      lastQuery = key;
      fetch("/api/search?q=" + encodeURIComponent(q) + (c ? "&class=" + encodeURIComponent(c) : ""),
            { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (items) { if (lastQuery === key) { render(items); } })
        .catch(clear);
    }

    box.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(lookup, 120); });
    box.addEventListener("keydown", function (ev) {
      var links = list.querySelectorAll("a");
      if (!links.length) { return; }
      if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
        ev.preventDefault();
        active = (active + (ev.key === "ArrowDown" ? 1 : links.length - 1)) % links.length;
        links.forEach(function (l, i) { l.classList.toggle("active", i === active); });
      } else if (ev.key === "Enter" && active >= 0) {
        ev.preventDefault();
        links[active].click();
      } else if (ev.key === "Escape") { clear(); }
    });
    document.addEventListener("click", function (ev) { if (ev.target !== box && !list.contains(ev.target)) { clear(); } });
    return { reset: function () { lastQuery = ""; lookup(); } };
  }

  var box = document.getElementById("search-box");
  if (box) {
    var select = box.form.querySelector("select[name=class]");
    var search = autocomplete(box, function () { return select.value; }, function () { return false; });
    select.addEventListener("change", search.reset);
  }
  document.querySelectorAll("input[data-autocomplete]").forEach(function (input) {
    autocomplete(input, function () { return input.dataset["class"] || ""; }, function (item) {
      input.value = item.label;
      return true;
    });
  });
})();
