// Follow a fact: hovering, focusing or selecting a sentence highlights its
// counterparts in the other column; focus and selection also scroll them into view.
// The page works without this file (sentences are plain links).
(function () {
  "use strict";
  function counterparts(el) {
    var ids = (el.getAttribute("data-counterparts") || "").split(" ").filter(Boolean);
    return ids.map(function (id) { return document.getElementById(id); }).filter(Boolean);
  }
  function clear() {
    document.querySelectorAll(".sentence.is-active, .sentence.is-counterpart").forEach(function (el) {
      el.classList.remove("is-active", "is-counterpart");
    });
  }
  function follow(el, scroll) {
    clear();
    el.classList.add("is-active");
    var others = counterparts(el);
    others.forEach(function (other) { other.classList.add("is-counterpart"); });
    if (scroll && others.length) {
      others[0].scrollIntoView({ block: "nearest", behavior: "smooth" });
    }
  }
  document.addEventListener("mouseover", function (event) {
    var el = event.target.closest && event.target.closest(".sentence");
    if (el) { follow(el, false); }
  });
  document.addEventListener("focusin", function (event) {
    var el = event.target.closest && event.target.closest(".sentence");
    if (el) { follow(el, true); }
  });
  document.addEventListener("click", function (event) {
    var el = event.target.closest && event.target.closest(".sentence");
    if (el) { follow(el, true); }
  });
})();
