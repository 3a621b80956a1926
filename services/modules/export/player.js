/* The SCORM player of a coursegen course: one SCO showing one module at a time, with its quiz.
   It finds the LMS's API (SCORM 1.2 `API`, SCORM 2004 `API_1484_11`) up the frame chain and the
   opener's, and reports: the bookmark (the module shown), what was read and answered (suspend
   data), the score over every scored question, completion (every module read) and success against
   the mastery score. With no LMS it works the same and reports nothing. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("course-config").textContent);
  // The course's own words, in its language (shared/course_labels.py, through scorm.py).
  var said = config.labels;
  var modules = Array.prototype.slice.call(document.querySelectorAll("article.module"));
  var questions = Array.prototype.slice.call(document.querySelectorAll("fieldset.question[data-correct]"));
  var state = { read: [], answers: {} };
  var current = 1;
  var lms = connect(config.scorm);

  function findAPI(win, name) {
    for (var hops = 0; win && hops < 12; hops++) {
      try { if (win[name]) { return win[name]; } } catch (e) { return null; }  /* another origin */
      if (win.parent === win) { break; }
      win = win.parent;
    }
    return null;
  }

  function locate(name) {
    var found = findAPI(window, name);
    if (!found && window.opener) { found = findAPI(window.opener, name); }
    if (!found && window.top && window.top.opener) { found = findAPI(window.top.opener, name); }
    return found;
  }

  function connect(version) {
    var twelve = version === "1.2";
    var api = locate(twelve ? "API" : "API_1484_11");
    if (!api) { return null; }
    var call = twelve
      ? { init: "LMSInitialize", get: "LMSGetValue", set: "LMSSetValue", commit: "LMSCommit", finish: "LMSFinish" }
      : { init: "Initialize", get: "GetValue", set: "SetValue", commit: "Commit", finish: "Terminate" };
    var keys = twelve
      ? { location: "cmi.core.lesson_location", exit: "cmi.core.exit", raw: "cmi.core.score.raw",
          min: "cmi.core.score.min", max: "cmi.core.score.max", mastery: "cmi.student_data.mastery_score" }
      : { location: "cmi.location", exit: "cmi.exit", raw: "cmi.score.raw", min: "cmi.score.min",
          max: "cmi.score.max", mastery: "cmi.scaled_passing_score" };
    if (String(api[call.init]("")) !== "true") { return null; }
    return {
      twelve: twelve, keys: keys, finished: false,
      get: function (key) { return api[call.get](key); },
      set: function (key, value) { return api[call.set](key, String(value)); },
      commit: function () { return api[call.commit](""); },
      finish: function () { this.finished = true; return api[call.finish](""); }
    };
  }

  /* The mastery score: the LMS's (from the manifest or the LMS's own setting), else the package's. */
  function mastery() {
    if (lms) {
      var given = parseFloat(lms.get(lms.keys.mastery));
      if (!isNaN(given)) { return lms.twelve ? given / 100 : given; }
    }
    return config.mastery;
  }

  function restore() {
    if (!lms) { return; }
    unpack(String(lms.get("cmi.suspend_data") || ""));
    var bookmark = parseInt(lms.get(lms.keys.location), 10);
    if (bookmark >= 1 && bookmark <= modules.length) { current = bookmark; }
  }

  /* Suspend data, compact (SCORM 1.2 allows 4,096 characters): "r:" and a 0/1 per module (read),
     then ";a:" and a character per choice question in page order (the option chosen, base 36, or
     "-" when not answered yet). */
  function pack() {
    var read = modules.map(function (_, index) { return state.read.indexOf(index + 1) >= 0 ? "1" : "0"; }).join("");
    var answers = questions.map(function (q) {
      var chosen = state.answers[q.dataset.question];
      return chosen === undefined ? "-" : Number(chosen).toString(36);
    }).join("");
    return "r:" + read + ";a:" + answers;
  }

  function unpack(saved) {
    var found = /^r:([01]*);a:([0-9a-z-]*)$/.exec(saved);
    if (!found) { return; }  /* no suspend data yet, or not ours: start afresh */
    found[1].split("").forEach(function (bit, index) {
      if (bit === "1" && index < modules.length) { state.read.push(index + 1); }
    });
    found[2].split("").forEach(function (mark, index) {
      if (mark !== "-" && index < questions.length) { state.answers[questions[index].dataset.question] = parseInt(mark, 36); }
    });
  }

  function score() {
    var right = 0;
    questions.forEach(function (q) {
      if (String(state.answers[q.dataset.question]) === q.dataset.correct) { right += 1; }
    });
    return questions.length ? right / questions.length : 1;
  }

  function report() {
    if (!lms || lms.finished) { return; }
    var allRead = state.read.length >= modules.length;
    var answered = questions.filter(function (q) { return state.answers[q.dataset.question] !== undefined; }).length;
    var allAnswered = answered === questions.length;
    var scaled = score();
    var passed = scaled >= mastery();
    lms.set(lms.keys.location, current);
    lms.set("cmi.suspend_data", pack());
    /* No score before the first answer: an LMS that compares it with the passing score would
       otherwise mark a learner who has not begun the quiz as failed. */
    if (answered) {
      lms.set(lms.keys.min, 0);
      lms.set(lms.keys.max, 100);
      lms.set(lms.keys.raw, Math.round(scaled * 100));
    }
    if (lms.twelve) {
      var status = "incomplete";
      if (allRead) { status = questions.length && allAnswered ? (passed ? "passed" : "failed") : "completed"; }
      lms.set("cmi.core.lesson_status", status);
    } else {
      if (answered) { lms.set("cmi.score.scaled", Math.round(scaled * 10000) / 10000); }
      lms.set("cmi.progress_measure", Math.round(100 * state.read.length / modules.length) / 100);
      lms.set("cmi.completion_status", allRead ? "completed" : "incomplete");
      lms.set("cmi.success_status", allAnswered && questions.length ? (passed ? "passed" : "failed") : "unknown");
    }
    lms.commit();
  }

  function show(number) {
    current = Math.max(1, Math.min(modules.length, number));
    modules.forEach(function (article, index) { article.hidden = index + 1 !== current; });
    if (state.read.indexOf(current) < 0) { state.read.push(current); }
    document.querySelectorAll(".toc a").forEach(function (link) {
      if (link.getAttribute("href") === "#" + modules[current - 1].id) { link.setAttribute("aria-current", "page"); }
      else { link.removeAttribute("aria-current"); }
    });
    document.getElementById("previous").disabled = current === 1;
    document.getElementById("next").disabled = current === modules.length;
    document.getElementById("position").textContent =
      said.module_of.replace("{n}", current).replace("{total}", modules.length);
    report();
  }

  function answerShown(q) {
    var chosen = state.answers[q.dataset.question];
    if (chosen === undefined) { return; }
    var input = q.querySelector('input[value="' + chosen + '"]');
    if (input) { input.checked = true; }
    var right = String(chosen) === q.dataset.correct;
    q.querySelector(".verdict").textContent = right ? said.correct : said.not_quite;
    q.dataset.verdict = right ? "right" : "wrong";
    q.querySelector(".explained").hidden = false;
  }

  function check(q) {
    var chosen = q.querySelector("input:checked");
    if (!chosen) { q.querySelector(".verdict").textContent = said.choose_first; return; }
    state.answers[q.dataset.question] = parseInt(chosen.value, 10);
    answerShown(q);
    journal(q, parseInt(chosen.value, 10));
    report();
  }

  /* Each answer checked, as an interaction the LMS's item analysis reads: the question, the option
     chosen, the right one and whether it was right (a journal: a changed answer is a new entry). */
  function journal(q, chosen) {
    if (!lms || lms.finished) { return; }
    var n = parseInt(lms.get("cmi.interactions._count"), 10) || 0;
    var at = "cmi.interactions." + n + ".";
    var right = String(chosen) === q.dataset.correct;
    lms.set(at + "id", q.dataset.question);
    lms.set(at + "type", "choice");
    lms.set(at + "correct_responses.0.pattern", "o" + q.dataset.correct);
    if (lms.twelve) {
      lms.set(at + "student_response", "o" + chosen);
      lms.set(at + "result", right ? "correct" : "wrong");
    } else {
      var legend = q.querySelector("legend");
      lms.set(at + "description", (legend ? legend.textContent : q.dataset.question).trim().slice(0, 250));
      lms.set(at + "learner_response", "o" + chosen);
      lms.set(at + "result", right ? "correct" : "incorrect");
    }
  }

  document.getElementById("previous").addEventListener("click", function () { show(current - 1); window.scrollTo(0, 0); });
  document.getElementById("next").addEventListener("click", function () { show(current + 1); window.scrollTo(0, 0); });
  /* A link to a place in another module (the contents, a cross-reference) shows that module first. */
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest('a[href^="#"]') : null;
    if (!link) { return; }
    var target = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
    var article = target && target.closest("article.module");
    if (!article) { return; }
    event.preventDefault();
    show(modules.indexOf(article) + 1);
    target.scrollIntoView();
  });
  questions.forEach(function (q) {
    q.querySelector("button.check").addEventListener("click", function () { check(q); });
  });

  function leave() {
    if (!lms || lms.finished) { return; }
    report();
    lms.set(lms.keys.exit, "suspend");
    lms.commit();
    lms.finish();
  }
  window.addEventListener("pagehide", leave);
  window.addEventListener("beforeunload", leave);
  document.getElementById("leave").addEventListener("click", function () {
    leave();
    document.getElementById("position").textContent = said.place_saved;
  });

  restore();
  questions.forEach(answerShown);
  document.documentElement.dataset.lms = lms ? "connected" : "none";
  show(current);
}());
