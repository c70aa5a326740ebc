// Quiz pages: countdown, autosave status (htmx posts the form), allocation totals, the
// position slider and the grading poll. Everything here is an enhancement: the pages work
// without it, and the server keeps the clock and decides what counts.
(function () {
  "use strict";

  var POLL_EVERY_MS = 3000;

  function text(key, fallback) {
    // Messages come from the page (translated) when it offers them.
    var holder = document.getElementById("quiz-messages");
    return (holder && holder.dataset[key]) || fallback;
  }

  function two(n) {
    return (n < 10 ? "0" : "") + n;
  }

  function number(raw) {
    var value = (raw || "").trim().replace(",", ".");
    if (value === "") {
      return null;
    }
    var parsed = Number(value);
    return isFinite(parsed) ? parsed : undefined;
  }

  // ------------------------------------------------------------ autosave

  function setUpAutosave(form) {
    // htmx posts the form itself (see take.html) and the server answers with what it
    // kept; this only says "Saving…" meanwhile and when the connection failed.
    var status = document.getElementById("autosave-status");
    if (!status || !window.htmx) {
      return;
    }
    form.addEventListener("htmx:beforeRequest", function () {
      status.textContent = text("saving", "Saving…");
    });
    form.addEventListener("htmx:sendError", function () {
      status.textContent = text("offline", "Not saved: the connection failed. Use the Save button.");
    });
    // A form sent by its own buttons must not be followed by a late autosave.
    form.addEventListener("submit", function () {
      form.removeAttribute("hx-trigger");
      window.htmx.process(form);
    });
  }

  function saveNow(form) {
    if (form && window.htmx) {
      window.htmx.trigger(form, "autosave-now");
    }
  }

  // ------------------------------------------------------------ widgets

  function setUpAllocation(fieldset) {
    var output = fieldset.querySelector("[data-total]");
    var inputs = fieldset.querySelectorAll("input[data-share]");
    if (!output) {
      return;
    }
    function update() {
      var total = 0;
      inputs.forEach(function (input) {
        var value = number(input.value);
        total += value ? value : 0;
      });
      output.textContent = text("totalLabel", "Total:") + " " + total + " / 100";
      output.classList.toggle("allocation__total--off", total !== 100);
    }
    output.hidden = false;
    inputs.forEach(function (input) { input.addEventListener("input", update); });
    update();
  }

  function setUpPosition(fieldset) {
    var slider = fieldset.querySelector("input[data-slider]");
    var box = fieldset.querySelector("input[data-position]");
    var initial = fieldset.querySelector("input[data-slider-initial]");
    if (!slider || !box) {
      return;
    }
    slider.addEventListener("input", function () {
      box.value = slider.value;
      slider.classList.remove("position__slider--unset");
      slider.removeAttribute("aria-valuetext");
    });
    box.addEventListener("input", function () {
      var value = number(box.value);
      if (value !== null && value !== undefined) {
        slider.value = String(Math.max(0, Math.min(100, Math.round(value))));
        slider.classList.remove("position__slider--unset");
        slider.removeAttribute("aria-valuetext");
        // The box is what counts now; keep the server from preferring the slider.
        if (initial) {
          initial.value = slider.value;
        }
      }
    });
  }

  // ------------------------------------------------------------ countdown

  function setUpCountdown(form) {
    var holder = document.getElementById("countdown");
    if (!holder || !holder.dataset.deadline) {
      return;
    }
    var deadline = new Date(holder.dataset.deadline).getTime();
    var left = holder.querySelector("[data-countdown-left]");
    var finished = false;
    var lastSaved = false;
    function tick() {
      var seconds = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      var minutes = Math.floor(seconds / 60);
      left.textContent = text("timeLeft", "Time left:") + " " + minutes + ":" + two(seconds % 60);
      holder.classList.toggle("countdown--low", seconds <= 60);
      if (seconds <= 5 && !lastSaved && form) {
        // The server grades what is saved at the deadline: save what is on screen.
        lastSaved = true;
        saveNow(form);
      }
      if (seconds === 0 && !finished && form) {
        finished = true;
        // The server closes the attempt at its deadline and shows what happened.
        window.location.reload();
      }
    }
    tick();
    window.setInterval(tick, 1000);
  }

  // ------------------------------------------------------------ grading poll

  function setUpPoll() {
    var status = document.getElementById("grading-status");
    if (!status || !status.dataset.pollUrl || !window.fetch) {
      return;
    }
    function poll() {
      fetch(status.dataset.pollUrl, {
        credentials: "same-origin",
        headers: { "Accept": "application/json" }
      }).then(function (response) {
        return response.ok ? response.json() : null;
      }).then(function (body) {
        if (body && body.state && body.state !== "submitted") {
          window.location.reload();
        } else {
          window.setTimeout(poll, POLL_EVERY_MS);
        }
      }).catch(function () {
        window.setTimeout(poll, POLL_EVERY_MS * 3);
      });
    }
    window.setTimeout(poll, POLL_EVERY_MS);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("quiz-form");
    if (form) {
      form.querySelectorAll("fieldset[data-kind=tradeoff_allocation]").forEach(setUpAllocation);
      form.querySelectorAll("fieldset[data-kind=tradeoff_position]").forEach(setUpPosition);
      setUpAutosave(form);
    }
    setUpCountdown(form);
    setUpPoll();
  });
})();
