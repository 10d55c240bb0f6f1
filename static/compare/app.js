// Follow a fact: hovering, focusing or selecting a sentence highlights its
// counterparts in the other column; focus and selection also scroll them into view.
// Keyboard: each column is one Tab stop; j/k or the up/down arrows move between its
// sentences, left/right go to the other column, Enter follows the fact (the sentence
// is a link), Escape in the fact panel returns to the sentence.
// The page works without this file (sentences are plain links).
(function () {
  "use strict";
  var HINT = "Select a sentence to follow its fact: what the other column says of it, word by word, appears here.";

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

  function columns() {
    return Array.prototype.slice.call(document.querySelectorAll("#comparison-panel .article-column"));
  }
  function sentencesOf(column) {
    return Array.prototype.slice.call(column.querySelectorAll("a.sentence"));
  }
  // Roving tab stop: one sentence per column takes Tab, the others are reached by keys.
  function rove(column, current) {
    sentencesOf(column).forEach(function (el) { el.setAttribute("tabindex", el === current ? "0" : "-1"); });
  }
  function setUpColumns() {
    columns().forEach(function (column) {
      var all = sentencesOf(column);
      if (all.length) { rove(column, column.querySelector("a.sentence.is-active") || all[0]); }
    });
  }
  function moveTo(el) {
    if (!el) { return; }
    rove(el.closest(".article-column"), el);
    el.focus({ preventScroll: true });
    el.scrollIntoView({ block: "nearest" });
  }
  // The other column's sentence to move to: the nearest of its counterparts, else the nearest one.
  function nearestIn(column, from) {
    var targets = counterparts(from).filter(function (el) { return column.contains(el); });
    var top = from.getBoundingClientRect().top, best = null, distance = Infinity;
    (targets.length ? targets : sentencesOf(column)).forEach(function (el) {
      var d = Math.abs(el.getBoundingClientRect().top - top);
      if (d < distance) { best = el; distance = d; }
    });
    return best;
  }
  var KEYS = { j: 1, ArrowDown: 1, k: -1, ArrowUp: -1 };
  function onSentenceKey(event, el) {
    var column = el.closest(".article-column");
    if (KEYS[event.key]) {
      var all = sentencesOf(column);
      moveTo(all[all.indexOf(el) + KEYS[event.key]]);
      event.preventDefault();
    } else if (event.key === "ArrowLeft" || event.key === "ArrowRight" || event.key === "h" || event.key === "l") {
      var all_columns = columns(), index = all_columns.indexOf(column);
      var step = event.key === "ArrowLeft" || event.key === "h" ? -1 : 1;
      var other = all_columns[index + step];
      if (other) { moveTo(nearestIn(other, el)); }
      event.preventDefault();
    }
  }

  function panel() { return document.getElementById("fact-detail"); }
  function closePanel(link) {
    var aside = panel(), back = document.getElementById(link.getAttribute("data-sentence"));
    aside.classList.add("is-empty");
    aside.innerHTML = "";
    var hint = document.createElement("p");
    hint.className = "fact-hint";
    hint.textContent = HINT;
    aside.appendChild(hint);
    if (back) { moveTo(back); }
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
    var close = event.target.closest && event.target.closest(".close-panel");
    if (close && panel() && panel().contains(close)) {
      event.preventDefault();
      closePanel(close);
      return;
    }
    var el = event.target.closest && event.target.closest(".sentence");
    if (el) { follow(el, true); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) { return; }
    var el = event.target.closest && event.target.closest("a.sentence");
    if (el) { onSentenceKey(event, el); return; }
    var aside = panel();
    if (event.key === "Escape" && aside && aside.contains(event.target)) {
      var active = document.querySelector("a.sentence.is-active");
      if (active) { moveTo(active); }
    }
  });
  // A followed fact arrives beside the sentence: move to it so it is read, and Tab reaches its actions.
  // (htmx:load fires on the element an outerHTML swap put in place.)
  document.addEventListener("htmx:load", function (event) {
    var el = event.target;
    if (el.id === "fact-detail") {
      var heading = el.querySelector("h2");
      if (heading) { heading.focus({ preventScroll: true }); }
      el.scrollIntoView({ block: "nearest" });
    }
    if (el.id === "comparison-panel") { setUpColumns(); }
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpColumns);
  } else {
    setUpColumns();
  }
})();
