/* «Отметить всех на странице»: ticks or clears every case's box (the list may be swapped by htmx). */
document.addEventListener("change", function (event) {
  if (event.target.id !== "caseload-check-all") return;
  document.querySelectorAll("input[name=cases]").forEach(function (box) { box.checked = event.target.checked; });
});
