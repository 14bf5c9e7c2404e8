// Small behaviours every page shares; each page works without them.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  document.addEventListener("DOMContentLoaded", function () {
    // The menu collapses behind its button on small screens.
    var toggle = document.querySelector(".menu-toggle");
    var nav = document.getElementById("main-nav");
    if (toggle && nav) {
      toggle.addEventListener("click", function () {
        var open = toggle.getAttribute("aria-expanded") !== "true";
        toggle.setAttribute("aria-expanded", String(open));
        nav.classList.toggle("open", open);
      });
    }
    // The skip link moves focus, not only the view, to the page's content.
    var skip = document.querySelector("a.skip");
    var main = document.getElementById("main");
    if (skip && main) {
      skip.addEventListener("click", function (event) {
        event.preventDefault();
        main.focus();
        main.scrollIntoView();
      });
    }
  });
  // A table wider than the window scrolls inside its own box (.table-wrap, .table-scroll); a box that
  // scrolls becomes a named region in the tab order, so a keyboard can scroll it too. A box
  // that fits stays out of the tab order.
  function tableLabel(wrap) {
    var caption = wrap.querySelector("caption");
    if (caption && caption.textContent.trim()) { return caption.textContent.trim(); }
    for (var el = wrap.previousElementSibling; el; el = el.previousElementSibling) {
      if (/^H[1-6]$/.test(el.tagName)) { return el.textContent.trim(); }
    }
    var heading = document.querySelector("main h1");
    return heading ? heading.textContent.trim() : document.title;
  }
  function markScrollingTables() {
    document.querySelectorAll(".table-wrap, .table-scroll").forEach(function (wrap) {
      if (wrap.scrollWidth > wrap.clientWidth + 1) {
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        if (!wrap.hasAttribute("aria-label")) {
          wrap.setAttribute("aria-label", tableLabel(wrap).replace(/\s+/g, " "));
        }
      } else if (wrap.getAttribute("role") === "region") {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-label");
      }
    });
  }
  var pending = false;
  function soon() {
    if (pending) { return; }
    pending = true;
    window.requestAnimationFrame(function () { pending = false; markScrollingTables(); });
  }
  document.addEventListener("DOMContentLoaded", markScrollingTables);
  window.addEventListener("resize", soon);
  document.addEventListener("htmx:afterSettle", soon);
  // A destructive or final action asks first: buttons carry the question in data-confirm.
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var question = (button && button.getAttribute("data-confirm")) ||
      event.target.getAttribute("data-confirm");
    if (!question) {
      return;
    }
    if (!window.confirm(question)) {
      event.preventDefault();
      return;
    }
    // Asked and answered here: the server need not ask again (web/confirm.py).
    var field = event.target.querySelector('input[name="confirmed"]');
    if (!field) {
      field = document.createElement("input");
      field.type = "hidden";
      field.name = "confirmed";
      event.target.appendChild(field);
    }
    field.value = "yes";
  }, true);
})();
