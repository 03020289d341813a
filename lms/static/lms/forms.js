// The GOV.UK error-summary pattern: when a page shows an error summary, focus moves to it (so a
// screen reader reads it and the next Tab starts at its first link); each link in it moves focus
// to its field's control and scrolls so that the field's label or legend is in view too.
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (!summary) return;
  summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) return;
    var control = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
    if (!control) return;
    event.preventDefault();
    var group = control.closest("fieldset");
    var label = (group && group.querySelector("legend")) ||
      (control.id && document.querySelector("label[for='" + CSS.escape(control.id) + "']"));
    control.focus({ preventScroll: true });
    (label || control).scrollIntoView({ block: "start" });
    if (label) {
      var box = control.getBoundingClientRect();
      if (box.bottom > window.innerHeight) control.scrollIntoView({ block: "center" });
    }
  });
})();
