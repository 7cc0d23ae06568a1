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
})();
