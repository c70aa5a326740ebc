// Quiz pages: countdown, autosave through the API, allocation totals, the position
// slider and the grading poll. Everything here is an enhancement: the pages work
// without it, and the server keeps the clock and decides what counts.
(function () {
  "use strict";

  var AUTOSAVE_EVERY_MS = 20000;
  var CHANGE_DELAY_MS = 1500;
  var POLL_EVERY_MS = 3000;

  function text(key, fallback) {
    // Messages come from the page (translated) when it offers them.
    var holder = document.getElementById("quiz-messages");
    return (holder && holder.dataset[key]) || fallback;
  }

  function csrfToken(form) {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    if (input) {
      return input.value;
    }
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function two(n) {
    return (n < 10 ? "0" : "") + n;
  }

  function clock(date) {
    return two(date.getHours()) + ":" + two(date.getMinutes()) + ":" + two(date.getSeconds());
  }

  function number(raw) {
    var value = (raw || "").trim().replace(",", ".");
    if (value === "") {
      return null;
    }
    var parsed = Number(value);
    return isFinite(parsed) ? parsed : undefined;
  }

  // ------------------------------------------------------------ answers per kind

  function answerOf(fieldset) {
    // The answer JSON of docs/question-data.md; undefined when it cannot be sent yet.
    var kind = fieldset.dataset.kind;
    var answer = {};
    var value;
    if (kind === "single_choice" || kind === "true_false") {
      var picked = fieldset.querySelector("input[type=radio]:checked");
      if (picked) {
        answer.choice = picked.value;
      }
    } else if (kind === "multiple_response") {
      var boxes = fieldset.querySelectorAll("input[type=checkbox]:checked");
      if (boxes.length) {
        answer.choices = Array.prototype.map.call(boxes, function (box) {
          return box.value;
        });
      }
    } else if (kind === "short_answer" || kind === "essay") {
      var field = fieldset.querySelector("input[type=text], textarea");
      if (field && field.value.trim()) {
        answer.text = field.value;
      }
    } else if (kind === "numeric") {
      value = number(fieldset.querySelector("input[type=number]").value);
      if (value === undefined) {
        return undefined;
      }
      if (value !== null) {
        answer.value = value;
      }
    } else if (kind === "ordering") {
      var selects = Array.prototype.slice.call(fieldset.querySelectorAll("select[data-item]"));
      var given = selects.filter(function (s) { return s.value !== ""; });
      if (given.length) {
        var positions = given.map(function (s) { return s.value; });
        var unique = positions.filter(function (p, i) { return positions.indexOf(p) === i; });
        if (given.length !== selects.length || unique.length !== given.length) {
          return undefined;
        }
        given.sort(function (a, b) { return parseInt(a.value, 10) - parseInt(b.value, 10); });
        answer.order = given.map(function (s) {
          return s.dataset.item;
        });
      }
    } else if (kind === "matching") {
      var matches = {};
      var any = false;
      fieldset.querySelectorAll("select[data-pair]").forEach(function (s) {
        if (s.value !== "") {
          matches[s.dataset.pair] = s.value;
          any = true;
        }
      });
      if (any) {
        answer.matches = matches;
      }
    } else if (kind === "tradeoff_allocation") {
      var shares = Array.prototype.map.call(
        fieldset.querySelectorAll("input[data-share]"),
        function (input) { return number(input.value); }
      );
      if (shares.some(function (s) { return s !== null; })) {
        var whole = shares.map(function (s) { return s === null ? 0 : s; });
        var total = whole.reduce(function (a, b) { return a + b; }, 0);
        if (whole.some(function (s) { return s === undefined || Math.floor(s) !== s; }) || total !== 100) {
          return undefined;
        }
        answer.allocation = whole;
      }
    } else if (kind === "tradeoff_position") {
      value = number(fieldset.querySelector("input[data-position]").value);
      if (value === undefined) {
        return undefined;
      }
      if (value !== null) {
        answer.position = value;
      }
    }
    var justification = fieldset.querySelector("textarea[name$=_justification]");
    if (justification && justification.value.trim()) {
      answer.justification = justification.value;
    }
    return Object.keys(answer).length ? answer : null;
  }

  // ------------------------------------------------------------ autosave

  function setUpAutosave(form) {
    var url = form.dataset.saveUrl;
    var status = document.getElementById("autosave-status");
    if (!url || !status || !window.fetch) {
      return;
    }
    var lastSent = {};
    var timer = null;
    var busy = false;

    function collect() {
      var answers = {};
      form.querySelectorAll("fieldset[data-question]").forEach(function (fieldset) {
        var answer = answerOf(fieldset);
        var id = fieldset.dataset.question;
        // Half-finished answers (an allocation not yet at 100) wait for the next change.
        if (answer !== undefined && JSON.stringify(answer) !== lastSent[id]) {
          answers[id] = answer;
        }
      });
      return answers;
    }

    function save() {
      if (busy) {
        return;
      }
      var answers = collect();
      var ids = Object.keys(answers);
      if (!ids.length) {
        return;
      }
      busy = true;
      fetch(url, {
        method: "PUT",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          "Accept": "application/json",
          "X-CSRFToken": csrfToken(form)
        },
        body: JSON.stringify({ answers: answers })
      }).then(function (response) {
        if (response.ok) {
          ids.forEach(function (id) { lastSent[id] = JSON.stringify(answers[id]); });
          status.textContent = text("savedAt", "Saved at") + " " + clock(new Date());
          return null;
        }
        if (response.status === 409) {
          // Submitted elsewhere or out of time: the server page says which.
          window.location.reload();
          return null;
        }
        return response.json().then(function (body) {
          var reasons = Object.keys(body || {}).map(function (key) {
            return [].concat(body[key]).join(" ");
          });
          status.textContent = text("notSaved", "Not saved:") + " " + reasons.join(" ");
        });
      }).catch(function () {
        status.textContent = text("offline", "Not saved: the connection failed. Use the Save button.");
      }).then(function () {
        busy = false;
      });
    }

    form.addEventListener("change", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(save, CHANGE_DELAY_MS);
    });
    window.setInterval(save, AUTOSAVE_EVERY_MS);
    // Answers sent by the form itself must not be sent again by a late timer.
    form.addEventListener("submit", function () {
      window.clearTimeout(timer);
      busy = true;
    });
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
    });
    box.addEventListener("input", function () {
      var value = number(box.value);
      if (value !== null && value !== undefined) {
        slider.value = String(Math.max(0, Math.min(100, Math.round(value))));
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
    function tick() {
      var seconds = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      var minutes = Math.floor(seconds / 60);
      left.textContent = text("timeLeft", "Time left:") + " " + minutes + ":" + two(seconds % 60);
      holder.classList.toggle("countdown--low", seconds <= 60);
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
