/* «Опора»: behaviour every page shares. It lives here, not in the templates, because the
 * Content-Security-Policy allows no inline script or handler (opora/core/http.py). */
(function () {
  "use strict";

  // The Russian texts come from the template (through gettext) as data-* of this <script> tag.
  var script = document.currentScript;
  var texts = (script && script.dataset) || {};

  // <form data-confirm="Вопрос?">: asked before the form is sent; «Отмена» sends nothing.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form && form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // --- A request made by htmx that fails says so where its answer would have gone --------------
  // A container marked data-htmx-error="replace" (search results) loses its old content: results
  // that no longer match what was asked must not stay on screen as if they did. Elsewhere (a form
  // being filled in) the message goes just before the target and nothing the user typed is lost.

  function fromErrorPage(xhr) {
    // Our error pages (templates/error.html) carry a Russian title and lead; show those.
    try {
      var doc = new DOMParser().parseFromString(xhr.responseText || "", "text/html");
      var title = doc.getElementById("error-title");
      var detail = doc.getElementById("error-detail");
      if (title) return title.textContent.trim() + (detail ? ". " + detail.textContent.trim() : "");
    } catch (e) { /* not a page: the generic text below */ }
    return "";
  }

  function showError(event, lines) {
    var target = event.detail.target || event.detail.elt;
    if (!target || !target.parentNode) return;
    var alert = document.createElement("div");
    alert.className = "alert alert-danger htmx-error";
    alert.setAttribute("role", "alert");
    var replace = target.closest("[data-htmx-error=replace]");
    var heading = replace && replace.getAttribute("data-htmx-error-title");
    if (heading) {
      var strong = document.createElement("strong");
      strong.textContent = heading;
      alert.appendChild(strong);
    }
    lines.forEach(function (line) {
      if (!line) return;
      var p = document.createElement("p");
      p.className = "mb-0";
      p.textContent = line;
      alert.appendChild(p);
    });
    if (replace) {
      replace.replaceChildren(alert);
    } else {
      clearErrors(target);
      target.parentNode.insertBefore(alert, target);
    }
  }

  function clearErrors(target) {
    var previous = target && target.previousElementSibling;
    if (previous && previous.classList.contains("htmx-error")) previous.remove();
  }

  function fill(template, values) {
    return (template || "").replace(/\{(\w+)\}/g, function (all, key) {
      return values[key] !== undefined ? values[key] : all;
    });
  }

  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    var requestId = xhr.getResponseHeader("X-Request-ID") || "—";
    showError(event, [
      fromErrorPage(xhr) || fill(texts.serverError, { status: xhr.status }),
      fill(texts.whatToDo, { id: requestId }),
    ]);
  });

  function noConnection(event) {
    showError(event, [texts.networkError]);
  }
  document.addEventListener("htmx:sendError", noConnection);
  document.addEventListener("htmx:timeout", noConnection);

  document.addEventListener("htmx:beforeRequest", function (event) {
    clearErrors(event.detail.target);
  });
})();
