// Live updates: the server sends "change" events for this page's topics; the page then
// fetches its live fragment (the server's own HTML) and puts it in place. Reconnecting
// fetches again, so nothing missed while the stream was down is lost.
(function () {
  "use strict";
  var body = document.body;
  if (!body.hasAttribute("data-live") || !window.EventSource) return;
  var live = document.getElementById("live");
  if (!live) return;
  var page = body.getAttribute("data-page");
  var busy = false, again = false, opened = false;
  // each calls f for every field a person types in, with a key that finds it again after a
  // refresh: the id of the row it is in and its name.
  function each(f) {
    var els = live.querySelectorAll("input:not([type=hidden]), textarea");
    for (var i = 0; i < els.length; i++) {
      var row = els[i].closest("[data-id]");
      f(els[i], (row ? row.getAttribute("data-id") : "") + "|" + els[i].name);
    }
  }
  function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    fetch(location.pathname + "?fragment=live", { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); })
      .then(function (html) {
        // What a person is typing (a resolve note) survives the refresh, and so does the
        // focus: a new call arriving must not wipe a half-written note.
        var saved = {}, focused = null;
        each(function (el, k) {
          if (el.value) saved[k] = el.value;
          if (el === document.activeElement) focused = k;
        });
        live.innerHTML = html;
        each(function (el, k) {
          if (saved[k] !== undefined) el.value = saved[k];
          if (k === focused) el.focus();
        });
        body.setAttribute("data-refreshed", String(Date.now()));
      })
      .catch(function () { body.setAttribute("data-stale", "1"); })
      .then(function () { busy = false; if (again) { again = false; refresh(); } });
  }
  var es = new EventSource("/events?page=" + encodeURIComponent(page));
  es.addEventListener("open", function () {
    body.removeAttribute("data-stale");
    body.setAttribute("data-connected", "1");
    if (opened) refresh();
    opened = true;
  });
  es.addEventListener("change", refresh);
  es.addEventListener("error", function () { body.setAttribute("data-stale", "1"); });
})();
