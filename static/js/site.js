// Generic site behaviour only; pages add their own scripts through {% block scripts %}.
(function () {
  "use strict";

  // After a failed form submission, take keyboard and screen-reader users to the errors.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector(".form-errors");
    if (summary) {
      summary.setAttribute("tabindex", "-1");
      summary.focus();
    }
  });
})();
