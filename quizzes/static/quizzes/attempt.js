// Autosave answers as they change, and count down a time limit. The server stays in charge:
// it keeps the answers, enforces the deadline and marks only on submit.
(function () {
  "use strict";
  var form = document.getElementById("attempt-form");
  if (!form) return;
  var url = form.getAttribute("data-autosave-url");
  var status = document.getElementById("autosave-status");
  var submitButton = document.getElementById("submit-attempt");
  var timer = null;
  var pending = false;
  var retryDelay = 2000;

  function say(text) { if (status) status.textContent = text; }
  function timeNow() {
    return new Date().toLocaleTimeString("en-AU", { hour: "numeric", minute: "2-digit" });
  }

  function save() {
    if (!url) return;
    pending = false;
    var body = new FormData(form);
    fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": body.get("csrfmiddlewaretoken"), "X-Requested-With": "fetch" }
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (result) {
      if (result.data.closed) {
        say(result.data.message + " Opening your result…");
        window.location.href = result.data.result_url;
        return;
      }
      retryDelay = 2000;
      if (result.data.saved) say("Answers saved at " + timeNow() + ".");
      if (typeof result.data.seconds_left === "number") setDeadline(result.data.seconds_left);
    }).catch(function () {
      say("Could not save just now (check your connection). Your answers are still on this page; trying again.");
      window.setTimeout(save, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 30000);
    });
  }

  function schedule() {
    pending = true;
    window.clearTimeout(timer);
    timer = window.setTimeout(save, 700);
  }
  form.addEventListener("change", schedule);
  form.addEventListener("input", function (event) {
    if (event.target.type === "text") schedule();
  });
  form.addEventListener("submit", function () {
    if (submitButton) { submitButton.disabled = true; submitButton.textContent = "Submitting…"; }
  });
  window.addEventListener("pagehide", function () {
    if (pending && url && navigator.sendBeacon) navigator.sendBeacon(url, new FormData(form));
  });

  // Countdown: updates the visible text every second; announces to screen readers only at
  // a few moments, so it never floods them.
  var box = document.getElementById("timer");
  if (!box) return;
  var display = document.getElementById("timer-display");
  var announce = document.getElementById("timer-announce");
  var deadline = Date.now() + parseInt(box.getAttribute("data-seconds-left"), 10) * 1000;
  var announced = {};
  function setDeadline(secondsLeft) { deadline = Date.now() + secondsLeft * 1000; }
  function format(seconds) {
    var m = Math.floor(seconds / 60), s = seconds % 60;
    return (m ? m + " min " : "") + s + " s";
  }
  function tick() {
    var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    display.textContent = format(left);
    [600, 300, 60].forEach(function (mark) {
      if (left <= mark && left > mark - 5 && !announced[mark]) {
        announced[mark] = true;
        announce.textContent = (mark / 60) + " minute" + (mark === 60 ? "" : "s") + " left.";
      }
    });
    if (left === 0) {
      window.clearInterval(interval);
      announce.textContent = "Time is up. Submitting your answers.";
      if (submitButton) submitButton.disabled = true;
      form.submit();
    }
  }
  var interval = window.setInterval(tick, 1000);
  tick();
})();
