/* The journal tab: a refused entry comes back with status 400 and the form with its errors: show it. */
document.body.addEventListener("htmx:beforeSwap", function (event) {
  if (event.detail.xhr.status === 400) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
