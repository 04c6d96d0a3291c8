/* The «Журнал» tab of the graduate card (opora/support/templates/support/card_journal.html).
 *
 * - A refused entry or correction comes back with its form and errors (400), a stale correction
 *   with the colleague's change named (409): show them instead of dropping the answer.
 * - After a quick entry is saved, the new entry is brought into view and focused: on a phone the
 *   list starts below the form, and the new entry would otherwise stay off screen.
 */
(function () {
  "use strict";

  document.body.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status === 400 || status === 409) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.body.addEventListener("htmx:afterSettle", function () {
    var added = document.querySelector("#journal-entries .journal-entry-new");
    if (!added) {
      return;
    }
    added.classList.remove("journal-entry-new");
    added.classList.add("journal-entry-added");
    added.scrollIntoView({ block: "center", inline: "nearest" });
    added.focus({ preventScroll: true });
  });
})();
