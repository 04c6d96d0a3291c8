/* On a phone the card's tabs scroll sideways: bring the open one into view. */
(function () {
  "use strict";
  var active = document.querySelector(".nav-tabs .nav-link.active");
  if (active && active.parentElement.parentElement.scrollWidth > active.parentElement.parentElement.clientWidth) {
    active.scrollIntoView({ block: "nearest", inline: "center" });
  }
})();
