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

  /* Autocomplete fields: an ARIA 1.2 combobox (select with search) over the
     site's JSON endpoint. Without script the field stays a text box for the key. */
  var comboboxes = 0;
  function combobox(tpl) {
    var input = document.getElementById(tpl.getAttribute("data-field"));
    if (!input) { return; }
    var url = tpl.getAttribute("data-url");
    var n = ++comboboxes;
    var label = input.labels && input.labels[0];
    var box = document.createElement("input");
    box.type = "text";
    box.id = input.id + "_search";
    box.className = "autocomplete-search";
    box.setAttribute("role", "combobox");
    box.setAttribute("aria-autocomplete", "list");
    box.setAttribute("aria-expanded", "false");
    box.setAttribute("autocomplete", "off");
    box.value = tpl.getAttribute("data-text") || "";
    ["aria-describedby", "aria-invalid"].forEach(function (name) {
      if (input.getAttribute(name)) { box.setAttribute(name, input.getAttribute(name)); }
    });
    if (input.required) { box.setAttribute("aria-required", "true"); }
    var list = document.createElement("ul");
    list.id = "autocomplete-list-" + n;
    list.className = "autocomplete-list";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    box.setAttribute("aria-controls", list.id);
    var status = document.createElement("span");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    if (label) { label.htmlFor = box.id; list.setAttribute("aria-labelledby", label.id || (label.id = input.id + "_label")); }
    input.type = "hidden";
    input.insertAdjacentElement("afterend", status);
    input.insertAdjacentElement("afterend", list);
    input.insertAdjacentElement("afterend", box);
    var chosenText = box.value, active = -1, items = [], page = 1, more = false, timer = null, asked = 0;

    function options() { return Array.prototype.slice.call(list.querySelectorAll("[role=option]")); }
    function open(yes) {
      list.hidden = !yes;
      box.setAttribute("aria-expanded", yes ? "true" : "false");
      if (!yes) { box.removeAttribute("aria-activedescendant"); active = -1; }
    }
    function highlight(i) {
      var opts = options();
      if (!opts.length) { return; }
      active = (i + opts.length) % opts.length;
      opts.forEach(function (o, k) { o.classList.toggle("active", k === active); o.setAttribute("aria-selected", k === active ? "true" : "false"); });
      box.setAttribute("aria-activedescendant", opts[active].id);
      opts[active].scrollIntoView({ block: "nearest" });
    }
    function choose(i) {
      var item = items[i];
      if (!item) { return; }
      if (item.more) { fetchPage(page + 1, true); return; }
      input.value = item.id;
      box.value = chosenText = item.text;
      open(false);
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }
    function render(append) {
      if (!append) { list.textContent = ""; }
      var old = list.querySelector(".more");
      if (old) { old.remove(); }
      items = items.filter(function (it) { return !it.more; });
      if (more) { items.push({ more: true, text: tpl.getAttribute("data-more") || "More results…" }); }
      var start = append ? list.querySelectorAll("[role=option]").length : 0;
      items.slice(start).forEach(function (item, k) {
        var li = document.createElement("li");
        li.id = list.id + "-" + (start + k);
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.textContent = item.text;
        if (item.more) { li.className = "more"; }
        li.addEventListener("mousedown", function (e) { e.preventDefault(); });
        li.addEventListener("click", function () { choose(start + k); });
        list.appendChild(li);
      });
      var count = items.filter(function (it) { return !it.more; }).length;
      status.textContent = count === 0 ? tpl.getAttribute("data-none") || "No results found"
        : count === 1 && !more ? tpl.getAttribute("data-one") || "1 result"
        : (tpl.getAttribute("data-many") || "%(count)s results").replace("%(count)s", count + (more ? "+" : ""));
      if (!count) {
        var empty = document.createElement("li");
        empty.className = "empty";
        empty.textContent = status.textContent;
        list.appendChild(empty);
      }
      open(true);
    }
    function fetchPage(p, append) {
      var mine = ++asked;
      fetch(url + "&term=" + encodeURIComponent(box.value === chosenText ? "" : box.value) + "&page=" + p, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : { results: [], pagination: { more: false } }; })
        .then(function (data) {
          if (mine !== asked) { return; }
          page = p;
          more = !!(data.pagination && data.pagination.more);
          var found = data.results.map(function (r) { return { id: r.id, text: r.text }; });
          var keep = append ? items.filter(function (it) { return !it.more; }) : [];
          var at = keep.length;
          items = keep.concat(found);
          render(append);
          if (append) { highlight(at); }
        });
    }
    box.addEventListener("input", function () {
      clearTimeout(timer);
      if (box.value === "") { input.value = ""; chosenText = ""; }
      timer = setTimeout(function () { fetchPage(1, false); }, 200);
    });
    box.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        if (list.hidden) { fetchPage(1, false); return; }
        highlight(active + (e.key === "ArrowDown" ? 1 : -1));
      } else if (e.key === "Enter") {
        if (!list.hidden && active >= 0) { e.preventDefault(); choose(active); }
      } else if (e.key === "Escape") {
        if (!list.hidden) { e.preventDefault(); open(false); box.value = chosenText; }
      }
    });
    box.addEventListener("click", function () { if (list.hidden) { fetchPage(1, false); } });
    box.addEventListener("blur", function () { open(false); if (box.value !== "") { box.value = chosenText; } });
  }

  /* Raw-id fields: a lookup link opening the related change list in a popup,
     whose rows send their key back (postMessage, same origin only). */
  var MESSAGE = "manouche-admin:lookup";
  function rawIdLookups() {
    var popups = {};
    document.querySelectorAll("template.raw-id-source").forEach(function (tpl) {
      var input = document.getElementById(tpl.getAttribute("data-field"));
      if (!input) { return; }
      var a = document.createElement("a");
      a.href = tpl.getAttribute("data-url");
      a.className = "related-lookup";
      a.textContent = "🔍";
      a.setAttribute("aria-label", tpl.getAttribute("data-label") || "Look up");
      a.addEventListener("click", function (e) {
        e.preventDefault();
        var name = "lookup_" + input.id;
        popups[name] = { input: input, win: window.open(a.href, name, "popup,width=900,height=600") };
      });
      input.insertAdjacentElement("afterend", a);
    });
    window.addEventListener("message", function (e) {
      if (e.origin !== window.location.origin || !e.data || e.data.type !== MESSAGE) { return; }
      Object.keys(popups).forEach(function (name) {
        var p = popups[name];
        if (p.win && e.source === p.win) {
          p.input.value = String(e.data.value);
          p.input.dispatchEvent(new Event("change", { bubbles: true }));
          p.input.focus();
          p.win.close();
          delete popups[name];
        }
      });
    });
    if (window.opener && window.opener !== window) {
      document.querySelectorAll("a[data-popup-value]").forEach(function (a) {
        a.addEventListener("click", function (e) {
          e.preventDefault();
          window.opener.postMessage({ type: MESSAGE, value: a.getAttribute("data-popup-value") }, window.location.origin);
        });
      });
    }
  }

  function autocomplete() {
    document.querySelectorAll("template.autocomplete-source").forEach(combobox);
    rawIdLookups();
  }

  ready(function () { actions(); prepopulate(); autocomplete(); });
})();
