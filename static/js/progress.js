// Poll an export job's API while it runs and move the <progress> bar; without
// JavaScript the page's refresh link does the same job.
(function () {
  "use strict";

  var POLL_MS = 1500;

  function update(box, job) {
    var bar = box.querySelector("progress");
    var text = box.querySelector("[data-progress-text]");
    var state = box.querySelector("[data-progress-state]");
    bar.max = job.rows_total || 1;
    bar.value = job.rows_done;
    bar.textContent = job.percent_done + "%";
    if (text) {
      text.textContent = job.rows_done + " / " + job.rows_total;
    }
    if (state) {
      state.textContent = job.state;
    }
    box.dataset.state = job.state;
  }

  function finish(job) {
    var download = document.querySelector("[data-progress-download]");
    var refresh = document.querySelector("[data-progress-refresh]");
    if (job.state === "done" && download) {
      download.hidden = false;
    }
    if (refresh && (job.state === "done" || job.state === "failed")) {
      refresh.hidden = true;
    }
    if (job.state === "failed") {
      window.location.reload();
    }
  }

  function poll(box) {
    fetch(box.dataset.progressUrl, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (job) {
        update(box, job);
        if (job.state === "done" || job.state === "failed") {
          finish(job);
        } else {
          window.setTimeout(function () { poll(box); }, POLL_MS);
        }
      })
      .catch(function () {
        // Network hiccup: try again later rather than give up on the bar.
        window.setTimeout(function () { poll(box); }, POLL_MS * 4);
      });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var boxes = document.querySelectorAll("[data-progress-url]");
    Array.prototype.forEach.call(boxes, function (box) {
      if (box.dataset.state === "pending" || box.dataset.state === "running") {
        poll(box);
      }
    });
  });
})();
