// statusads — the little JavaScript the server-rendered pages need.
//
// Loaded with `defer` after htmx.min.js and chart.umd.min.js. It works under a
// strict Content-Security-Policy: no eval, no inline handlers, no inline
// styles; behaviour hangs off data-* attributes and delegated listeners, so
// content swapped in by htmx works without re-binding.
//
//   <meta name="csrf-token" content="…">   sent as X-CSRF-Token on htmx requests
//   data-confirm="message"                  on a form or submit button/link: ask once
//   data-dismiss-after="5000"               remove the element after 5000 ms
//   data-dismiss                            on a button: remove closest [data-dismissible]
//   data-nav-toggle aria-controls="id"      toggle class `hidden` on #id, keep aria-expanded
//   <canvas data-chart='{"type":…}'>        render with Chart.js if it is loaded
(function () {
  "use strict";

  // ---- htmx configuration ---------------------------------------------------
  // A <meta name="htmx-config"> in the layout is merged later by htmx and wins.
  if (window.htmx && window.htmx.config) {
    var cfg = window.htmx.config;
    // The indicator rules live in app.css; htmx's inline <style> would be
    // blocked by the CSP anyway.
    cfg.includeIndicatorStyles = false;
    // No hx-on / js: expressions: they need eval, which the CSP forbids.
    cfg.allowEval = false;
    // A form that fails validation comes back as 422 with the re-rendered
    // form; htmx 2 does not swap 4xx responses unless told to.
    cfg.responseHandling = [
      { code: "204", swap: false },
      { code: "[23]..", swap: true },
      { code: "422", swap: true },
      { code: "[45]..", swap: false, error: true },
    ];
  }

  // ---- CSRF header for htmx requests ------------------------------------------
  document.addEventListener("htmx:configRequest", function (evt) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    var token = meta && meta.getAttribute("content");
    if (token) {
      evt.detail.headers["X-CSRF-Token"] = token;
    }
  });

  // ---- Confirmation before destructive actions --------------------------------
  // Listeners run in the capture phase on document, before htmx's own
  // listeners on the element, so a "Cancel" stops both normal and htmx
  // submissions. A confirmed submit button is remembered for the submit event
  // that follows its click, so the user is asked once, not twice.
  var ACTIVATORS =
    'button[data-confirm], a[data-confirm], input[type="submit"][data-confirm], ' +
    'input[type="image"][data-confirm], input[type="button"][data-confirm]';
  var confirmedActivator = null;

  function cancel(evt) {
    evt.preventDefault();
    evt.stopImmediatePropagation();
  }

  document.addEventListener(
    "click",
    function (evt) {
      var target = evt.target instanceof Element ? evt.target : null;
      var el = target && target.closest(ACTIVATORS);
      if (!el || el.disabled) return;
      if (!window.confirm(el.getAttribute("data-confirm"))) {
        cancel(evt);
        return;
      }
      confirmedActivator = el;
      // The submit event (if any) is dispatched synchronously during the
      // click's default action; forget the activator once that has passed.
      setTimeout(function () {
        if (confirmedActivator === el) confirmedActivator = null;
      }, 0);
    },
    true
  );

  document.addEventListener(
    "submit",
    function (evt) {
      var form = evt.target;
      if (!(form instanceof HTMLFormElement)) return;
      var submitter = evt.submitter || null;
      if (submitter && submitter === confirmedActivator) {
        confirmedActivator = null;
        return; // already asked on click
      }
      var message =
        (submitter && submitter.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
      if (message && !window.confirm(message)) {
        cancel(evt);
      }
    },
    true
  );

  // ---- Dismissal ----------------------------------------------------------------
  var scheduled = new WeakSet();

  function scheduleDismissals(root) {
    var els = [];
    if (root instanceof Element && root.matches("[data-dismiss-after]")) els.push(root);
    if (root && root.querySelectorAll) {
      els.push.apply(els, root.querySelectorAll("[data-dismiss-after]"));
    }
    els.forEach(function (el) {
      if (scheduled.has(el)) return;
      var ms = parseInt(el.getAttribute("data-dismiss-after"), 10);
      if (!(ms >= 0)) return;
      scheduled.add(el);
      setTimeout(function () {
        el.remove();
      }, ms);
    });
  }

  document.addEventListener("click", function (evt) {
    var target = evt.target instanceof Element ? evt.target : null;
    var btn = target && target.closest("[data-dismiss]");
    if (!btn) return;
    var box = btn.closest("[data-dismissible]");
    if (box) box.remove();
  });

  // ---- Mobile navigation toggle ---------------------------------------------------
  function setNav(btn, open) {
    var id = btn.getAttribute("aria-controls");
    var panel = id && document.getElementById(id);
    if (!panel) return;
    panel.classList.toggle("hidden", !open);
    btn.setAttribute("aria-expanded", open ? "true" : "false");
  }

  document.addEventListener("click", function (evt) {
    var target = evt.target instanceof Element ? evt.target : null;
    var btn = target && target.closest("[data-nav-toggle]");
    if (!btn) return;
    setNav(btn, btn.getAttribute("aria-expanded") !== "true");
  });

  document.addEventListener("keydown", function (evt) {
    if (evt.key !== "Escape") return;
    document.querySelectorAll('[data-nav-toggle][aria-expanded="true"]').forEach(function (btn) {
      setNav(btn, false);
      btn.focus();
    });
  });

  // ---- Charts ---------------------------------------------------------------------
  // Every chart has a table of the same data next to it (house rule), so a
  // chart that cannot render (no Chart.js, bad JSON) is skipped quietly.
  function renderCharts(root) {
    var Chart = window.Chart;
    if (!Chart || !root || !root.querySelectorAll) return;
    var canvases = [];
    if (root instanceof HTMLCanvasElement && root.hasAttribute("data-chart")) canvases.push(root);
    canvases.push.apply(canvases, root.querySelectorAll("canvas[data-chart]"));
    var reduceMotion =
      window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    canvases.forEach(function (canvas) {
      if (Chart.getChart(canvas)) return; // already rendered
      var config;
      try {
        config = JSON.parse(canvas.getAttribute("data-chart"));
      } catch (err) {
        console.error("data-chart is not valid JSON", canvas, err);
        return;
      }
      if (reduceMotion) {
        config.options = config.options || {};
        config.options.animation = false;
      }
      try {
        new Chart(canvas, config);
      } catch (err) {
        console.error("chart failed to render", canvas, err);
      }
    });
  }

  if (window.Chart && window.Chart.defaults) {
    window.Chart.defaults.font.family = getComputedStyle(document.documentElement).fontFamily;
    window.Chart.defaults.color = "#4b5563"; // gray-600, AA on white
    window.Chart.defaults.borderColor = "#e5e7eb"; // gray-200
  }

  // Free chart instances whose canvas htmx is about to remove.
  document.addEventListener("htmx:beforeCleanupElement", function (evt) {
    var el = evt.target;
    if (window.Chart && el instanceof HTMLCanvasElement) {
      var chart = window.Chart.getChart(el);
      if (chart) chart.destroy();
    }
  });

  // The whole document is scanned after each swap: both passes skip what
  // they have already handled, and an outerHTML swap leaves the event's
  // target detached, so scoping to it would miss the new content.
  document.addEventListener("htmx:afterSettle", function () {
    renderCharts(document);
    scheduleDismissals(document);
  });

  function init() {
    renderCharts(document);
    scheduleDismissals(document);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
