/* manouche adminkit: progressive enhancement only; every page works without it. */
(function () {
  "use strict";
  function ready(fn) { if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); } }

  function actions() {
    var toggle = document.getElementById("action-toggle");
    var boxes = Array.prototype.slice.call(document.querySelectorAll("input.action-select"));
    var counter = document.querySelector(".action-counter");
    if (!boxes.length) { return; }
    function update() {
      var n = boxes.filter(function (b) { return b.checked; }).length;
      boxes.forEach(function (b) { b.closest("tr").classList.toggle("selected", b.checked); });
      if (counter) { counter.textContent = n + " / " + boxes.length; }
      if (toggle) { toggle.checked = n === boxes.length; }
    }
    if (toggle) { toggle.addEventListener("change", function () { boxes.forEach(function (b) { b.checked = toggle.checked; }); update(); }); }
    boxes.forEach(function (b) { b.addEventListener("change", update); });
    update();
  }

  function slugify(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[^\w\s-]/g, "").trim().replace(/[\s_-]+/g, "-").slice(0, 50);
  }

  function prepopulate() {
    var form = document.querySelector("form[data-prepopulated]");
    if (!form) { return; }
    var map = JSON.parse(form.getAttribute("data-prepopulated") || "{}");
    Object.keys(map).forEach(function (targetId) {
      var target = document.getElementById(targetId);
      if (!target) { return; }
      var touched = target.value !== "";
      target.addEventListener("input", function () { touched = target.value !== ""; });
      map[targetId].forEach(function (sourceId) {
        var source = document.getElementById(sourceId);
        if (!source) { return; }
        source.addEventListener("input", function () {
          if (touched) { return; }
          target.value = slugify(map[targetId].map(function (id) { var el = document.getElementById(id); return el ? el.value : ""; }).join(" "));
        });
      });
    });
  }

  function autocomplete() {
    document.querySelectorAll("template.autocomplete-source").forEach(function (tpl) {
      var input = document.getElementById(tpl.getAttribute("data-field"));
      if (!input) { return; }
      var url = tpl.getAttribute("data-url");
      var search = document.createElement("input");
      search.type = "search";
      search.setAttribute("aria-label", (input.labels && input.labels[0] ? input.labels[0].textContent : "") + " search");
      search.className = "autocomplete-search";
      var list = document.createElement("ul");
      list.className = "autocomplete-list";
      list.setAttribute("role", "listbox");
      input.insertAdjacentElement("afterend", list);
      input.insertAdjacentElement("afterend", search);
      var timer = null;
      search.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(function () {
          fetch(url + "&term=" + encodeURIComponent(search.value), { credentials: "same-origin" })
            .then(function (r) { return r.ok ? r.json() : { results: [] }; })
            .then(function (data) {
              list.textContent = "";
              data.results.forEach(function (item) {
                var li = document.createElement("li");
                var b = document.createElement("button");
                b.type = "button";
                b.textContent = item.text;
                b.addEventListener("click", function () { input.value = item.id; search.value = item.text; list.textContent = ""; });
                li.appendChild(b);
                list.appendChild(li);
              });
            });
        }, 200);
      });
    });
    document.querySelectorAll("template.raw-id-source").forEach(function (tpl) {
      var input = document.getElementById(tpl.getAttribute("data-field"));
      if (!input) { return; }
      var a = document.createElement("a");
      a.href = tpl.getAttribute("data-url");
      a.target = "_blank";
      a.rel = "noopener";
      a.textContent = "🔍";
      a.setAttribute("aria-label", "Look up");
      input.insertAdjacentElement("afterend", a);
    });
  }

  ready(function () { actions(); prepopulate(); autocomplete(); });
})();
