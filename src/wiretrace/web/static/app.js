/* wiretrace web UI: small conveniences only; every page works without script. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  // "/" focuses the search box (when not typing somewhere already).
  document.addEventListener("keydown", function (ev) {
    if (ev.key !== "/" || ev.altKey || ev.ctrlKey || ev.metaKey) { return; }
    var t = ev.target && ev.target.tagName;
    if (t === "INPUT" || t === "TEXTAREA" || t === "SELECT") { return; }
    var box = document.querySelector("input[type=search]");
    if (box) { ev.preventDefault(); box.focus(); box.select(); }
  });
  // Tracks (only on a server with --allow-writes): sent as JSON, which a cross-site form cannot send.
  function said(text) {
    var out = document.getElementById("track-status");
    if (out) { out.textContent = text; }
  }
  function answer(r) {
    if (r.ok) { window.location.reload(); return null; }
    return r.json().then(function (d) { said(d.error || ("HTTP " + r.status)); });
  }
  var form = document.getElementById("track-form");
  if (form) {
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var body = JSON.stringify({ kind: form.elements.kind.value, value: form.elements.value.value });
      fetch("/api/tracks", { method: "POST", headers: { "Content-Type": "application/json" }, body: body })
        .then(answer, function () { said("not sent: the server did not answer"); });
    });
  }
  document.querySelectorAll("button.untrack").forEach(function (b) {
    b.addEventListener("click", function () {
      var q = new URLSearchParams({ kind: b.dataset.kind, value: b.dataset.value });
      fetch("/api/tracks?" + q.toString(), { method: "DELETE" })
        .then(answer, function () { said("not sent: the server did not answer"); });
    });
  });
})();
