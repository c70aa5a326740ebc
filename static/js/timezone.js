// Preselect the browser's own time zone in a menu the user has never set.
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    var select = document.querySelector("select[data-browser-zone='suggest']");
    if (!select || !window.Intl) {
      return;
    }
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    var aliases = {};
    try {
      aliases = JSON.parse(select.dataset.aliases || "{}");
    } catch (error) {
      aliases = {};
    }
    zone = aliases[zone] || zone;
    var option = zone && Array.prototype.find.call(select.options, function (o) {
      return o.value === zone;
    });
    if (!option || option.selected) {
      return;
    }
    option.selected = true;
    select.dataset.browserZone = "chosen";
    var note = document.createElement("p");
    note.className = "field__help";
    note.id = select.id + "_browserzone";
    note.textContent = select.dataset.browserNote.replace("%s", option.textContent);
    select.insertAdjacentElement("afterend", note);
    var described = select.getAttribute("aria-describedby");
    select.setAttribute("aria-describedby", (described ? described + " " : "") + note.id);
  });
})();
