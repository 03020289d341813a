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
  form.addEventListener("submit", function (event) {
    if (event.submitter && event.submitter.name === "more_time") return;  // answers go along; no marking
    if (submitButton) { submitButton.disabled = true; submitButton.textContent = "Submitting…"; }
  });
  window.addEventListener("pagehide", function () {
    if (pending && url && navigator.sendBeacon) navigator.sendBeacon(url, new FormData(form));
  });

  // Countdown (WCAG 2.2.1): the visible text updates every second and can be hidden; screen readers
  // hear the time left when it crosses 10, 5 and 1 minutes (however late the tick that notices it:
  // a background tab ticks once a minute), when the learner comes back to the page, and whenever
  // they ask. "Time is up" is said assertively a few seconds before the answers go, so it is heard.
  var box = document.getElementById("timer");
  if (!box) return;
  var display = document.getElementById("timer-display");
  var visible = document.getElementById("timer-time");
  var announce = document.getElementById("timer-announce");
  var alertBox = document.getElementById("timer-alert");
  var toggle = document.getElementById("timer-toggle");
  var remind = document.getElementById("timer-remind");
  var MARKS = [600, 300, 60];
  var TIME_UP_DELAY = 4000;
  var deadline = Date.now() + parseInt(box.getAttribute("data-seconds-left"), 10) * 1000;
  var lastLeft = null;
  var timeUp = false;
  function setDeadline(secondsLeft) { deadline = Date.now() + secondsLeft * 1000; }
  function secondsLeft() { return Math.max(0, Math.round((deadline - Date.now()) / 1000)); }
  function format(seconds) {
    var m = Math.floor(seconds / 60), s = seconds % 60;
    return (m ? m + " min " : "") + s + " s";
  }
  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }
  function spoken(seconds) {
    var m = Math.floor(seconds / 60), s = seconds % 60;
    if (!m) return plural(s, "second") + " left.";
    return plural(m, "minute") + (s ? " " + plural(s, "second") : "") + " left.";
  }
  function say(text) {
    // Clear first, so the same words said twice are announced twice.
    announce.textContent = "";
    window.setTimeout(function () { announce.textContent = text; }, 100);
  }
  function tick() {
    var left = secondsLeft();
    display.textContent = format(left);
    if (lastLeft !== null) {
      var crossed = MARKS.filter(function (mark) { return lastLeft > mark && left <= mark && left > 0; });
      if (crossed.length) {
        // Just past a mark, say the mark ("5 minutes left."); noticed late, say the time left now.
        var mark = Math.min.apply(null, crossed);
        say(spoken(left > mark - 5 ? mark : left));
      }
    }
    lastLeft = left;
    if (left === 0 && !timeUp) {
      timeUp = true;
      window.clearInterval(interval);
      alertBox.textContent = "Time is up. Your answers are being submitted.";
      if (submitButton) submitButton.disabled = true;
      var flag = document.createElement("input");
      flag.type = "hidden"; flag.name = "time_up"; flag.value = "1";
      form.appendChild(flag);
      window.setTimeout(function () { form.submit(); }, TIME_UP_DELAY);
    }
  }
  function comeBack() {
    if (!timeUp && secondsLeft() <= MARKS[0]) say(spoken(secondsLeft()));
  }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") { tick(); comeBack(); }
  });
  window.addEventListener("focus", function () { tick(); comeBack(); });

  var HIDDEN_KEY = "quiz-timer-hidden";
  function showCountdown(show) {
    visible.hidden = !show;
    toggle.textContent = show ? "Hide the countdown" : "Show the countdown";
    try { window.localStorage.setItem(HIDDEN_KEY, show ? "" : "1"); } catch (e) { /* private mode */ }
  }
  toggle.hidden = false;
  remind.hidden = false;
  toggle.addEventListener("click", function () { showCountdown(visible.hidden); });
  remind.addEventListener("click", function () { say(spoken(secondsLeft())); });
  var startHidden = false;
  try { startHidden = window.localStorage.getItem(HIDDEN_KEY) === "1"; } catch (e) { /* private mode */ }
  if (startHidden) showCountdown(false);

  var interval = window.setInterval(tick, 1000);
  tick();
  // Coming back to an attempt with less than ten minutes left: say how long is left.
  comeBack();
})();
