// The course outline beside lessons and quizzes: open as a sidebar on wide screens, a closed
// section the learner opens on narrow ones. Without JavaScript it is a section that opens.
(function () {
  var wide = window.matchMedia("(min-width: 64em)");
  function fit() {
    document.querySelectorAll("[data-course-nav]").forEach(function (details) {
      details.open = wide.matches;
    });
  }
  fit();
  wide.addEventListener("change", fit);
})();
