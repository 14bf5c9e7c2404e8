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
