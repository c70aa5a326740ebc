// Score form: picking a level of each rubric criterion fills the score with their sum.
// The comment is never touched; the score stays editable by hand.
(function () {
  "use strict";
  document.querySelectorAll("[data-rubric-score]").forEach(function (rubric) {
    var score = document.getElementById(rubric.getAttribute("data-rubric-score"));
    if (!score) {
      return;
    }
    rubric.addEventListener("change", function (event) {
      if (!event.target.matches("input[type=radio][data-points]")) {
        return;
      }
      var total = 0;
      rubric.querySelectorAll("input[type=radio][data-points]:checked").forEach(function (input) {
        total += parseFloat(input.getAttribute("data-points")) || 0;
      });
      // Rounded to the form's 0.001 so float sums (0.1 + 0.2) do not show noise.
      score.value = String(Math.round(total * 1000) / 1000);
      score.dispatchEvent(new Event("input", { bubbles: true }));
    });
  });
})();
