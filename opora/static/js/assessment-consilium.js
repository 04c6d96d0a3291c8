/* The consilium's page: the reason for overriding the suggested level is asked for only when the
 * level chosen differs from the suggestion; «Провести консилиум» asks for a confirmation. */
(function () {
  "use strict";

  function sync(select) {
    var box = select.closest(".decision") && select.closest(".decision").querySelector(".override-box");
    if (!box) return;
    var suggested = select.getAttribute("data-suggested");
    var differs = suggested !== "" && select.value !== "" && select.value !== suggested;
    var reason = box.querySelector("textarea");
    box.hidden = !differs && !(reason && reason.value.trim());
  }

  document.querySelectorAll("select.decision-level").forEach(function (select) {
    sync(select);
    select.addEventListener("change", function () { sync(select); });
  });

  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var question = button && button.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
})();
