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
  function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    fetch(location.pathname + "?fragment=live", { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); })
      .then(function (html) {
        live.innerHTML = html;
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
