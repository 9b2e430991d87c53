/* Quizzes in the page: check answers, explain, keep score, remember progress in this browser.
 *
 * The page (written by coursekit.quiz.render) holds one <form class="ck-question"> per
 * question with real radio or checkbox inputs, and a JSON script tag with the answer key and
 * the few interface strings needed here. Nothing is sent anywhere: progress lives in
 * localStorage under the quiz's own key (one per quiz and language). Pages without a
 * `.ck-quiz` element are left alone.
 */
(function () {
  "use strict";

  var STORAGE_VERSION = 1;

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (match, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : match;
    });
  }

  function sameSet(a, b) {
    if (a.length !== b.length) return false;
    return a.every(function (value) { return b.indexOf(value) !== -1; });
  }

  /* localStorage can be missing or refuse (private modes, full quota): the quiz still works,
   * it just forgets on reload. */
  function readState(data) {
    try {
      var saved = JSON.parse(window.localStorage.getItem(data.storageKey) || "null");
      if (saved && saved.v === STORAGE_VERSION && saved.fingerprint === data.fingerprint && saved.answers) {
        return saved.answers;
      }
    } catch (error) { /* unreadable: start afresh */ }
    return {};
  }

  function writeState(data, answers) {
    try {
      if (Object.keys(answers).length === 0) {
        window.localStorage.removeItem(data.storageKey);
      } else {
        window.localStorage.setItem(data.storageKey, JSON.stringify({
          v: STORAGE_VERSION, fingerprint: data.fingerprint, answers: answers,
        }));
      }
    } catch (error) { /* not stored; nothing else to do */ }
  }

  function Quiz(root) {
    this.root = root;
    this.data = JSON.parse(root.querySelector("script.ck-quiz-data").textContent);
    this.forms = Array.prototype.slice.call(root.querySelectorAll("form.ck-question"));
    this.progress = root.querySelector(".ck-progress");
    this.score = root.querySelector(".ck-score");
    this.answers = this.cleaned(readState(this.data));
  }

  /* Keep only saved answers that still fit the page (ids that exist, a non-empty choice). */
  Quiz.prototype.cleaned = function (saved) {
    var answers = {};
    this.forms.forEach(function (form) {
      var id = form.dataset.question;
      var values = Array.isArray(saved[id]) ? saved[id] : [];
      var known = this.inputs(form).map(function (input) { return input.value; });
      values = values.filter(function (value) { return known.indexOf(value) !== -1; });
      if (values.length > 0) answers[id] = values;
    }, this);
    return answers;
  };

  Quiz.prototype.inputs = function (form) {
    return Array.prototype.slice.call(form.querySelectorAll(".ck-options input"));
  };

  Quiz.prototype.isRight = function (id) {
    var answer = this.answers[id];
    return Boolean(answer) && sameSet(answer, this.data.questions[id].correct);
  };

  Quiz.prototype.start = function () {
    var quiz = this;
    this.forms.forEach(function (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        quiz.check(form);
      });
      form.querySelector(".ck-retry").addEventListener("click", function () {
        quiz.retry(form);
      });
      quiz.show(form);
    });
    this.root.querySelector(".ck-reset").addEventListener("click", function () {
      quiz.reset();
    });
    this.update();
    this.root.classList.add("ck-ready");
  };

  Quiz.prototype.check = function (form) {
    var id = form.dataset.question;
    if (this.answers[id]) return; // already answered: the Check button is inert until "Try again"
    var chosen = this.inputs(form).filter(function (input) { return input.checked; })
      .map(function (input) { return input.value; });
    var verdict = form.querySelector(".ck-verdict");
    if (chosen.length === 0) {
      verdict.textContent = this.data.strings.choose_first;
      verdict.className = "ck-verdict ck-verdict--notice";
      this.inputs(form)[0].focus();
      return;
    }
    this.answers[id] = chosen;
    writeState(this.data, this.answers);
    this.show(form);
    this.update();
  };

  Quiz.prototype.retry = function (form) {
    delete this.answers[form.dataset.question];
    writeState(this.data, this.answers);
    this.show(form);
    this.update();
    this.inputs(form)[0].focus();
  };

  Quiz.prototype.reset = function () {
    this.answers = {};
    writeState(this.data, this.answers);
    this.forms.forEach(this.show, this);
    this.update();
    this.score.textContent = this.data.strings.reset_done;
    if (this.forms.length > 0) this.inputs(this.forms[0])[0].focus();
  };

  /* Draw one question from this.answers: open for an answer, or answered with feedback. */
  Quiz.prototype.show = function (form) {
    var id = form.dataset.question;
    var answer = this.answers[id];
    var correct = this.data.questions[id].correct;
    var right = this.isRight(id);
    var check = form.querySelector(".ck-check");
    var retry = form.querySelector(".ck-retry");
    var verdict = form.querySelector(".ck-verdict");
    var explanation = form.querySelector(".ck-explanation");

    this.inputs(form).forEach(function (input) {
      var option = input.closest(".ck-option");
      input.checked = Boolean(answer) && answer.indexOf(input.value) !== -1;
      input.disabled = Boolean(answer);
      option.classList.toggle("ck-option--right", Boolean(answer) && input.checked && correct.indexOf(input.value) !== -1);
      option.classList.toggle("ck-option--wrong", Boolean(answer) && input.checked && correct.indexOf(input.value) === -1);
    });
    // The Check button keeps its place and its focus once answered; aria-disabled says it is inert.
    if (answer) {
      check.setAttribute("aria-disabled", "true");
    } else {
      check.removeAttribute("aria-disabled");
    }
    retry.hidden = !answer || right;
    form.classList.toggle("ck-question--right", Boolean(answer) && right);
    form.classList.toggle("ck-question--wrong", Boolean(answer) && !right);
    verdict.textContent = answer ? (right ? this.data.strings.correct : this.data.strings.wrong) : "";
    verdict.className = "ck-verdict" + (answer ? (right ? " ck-verdict--right" : " ck-verdict--wrong") : "");
    explanation.hidden = !answer;
    // Feedback written for a wrong option is shown when that option was chosen.
    Array.prototype.forEach.call(form.querySelectorAll(".ck-option-feedback"), function (note) {
      note.hidden = !answer || answer.indexOf(note.dataset.option) === -1;
    });
  };

  /* The progress line and, once every question is answered, the score. */
  Quiz.prototype.update = function () {
    var total = this.forms.length;
    var answered = this.forms.filter(function (form) { return this.answers[form.dataset.question]; }, this).length;
    var score = this.forms.filter(function (form) { return this.isRight(form.dataset.question); }, this).length;
    this.progress.textContent = format(this.data.strings.progress, { answered: answered, total: total });
    var done = answered === total && total > 0;
    this.root.classList.toggle("ck-quiz--done", done);
    // The score sits in a live region: it is read out when the last answer completes the quiz.
    this.score.textContent = done ? format(this.data.strings.score, { score: score, total: total }) : "";
  };

  function boot() {
    var roots = document.querySelectorAll(".ck-quiz");
    Array.prototype.forEach.call(roots, function (root) {
      if (root.dataset.ckStarted) return;
      root.dataset.ckStarted = "true";
      try {
        new Quiz(root).start();
      } catch (error) {
        if (window.console) window.console.error("quiz " + (root.dataset.quiz || "?") + ": " + error);
      }
    });
  }

  // Material's instant navigation swaps pages without a reload and announces it on document$.
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(boot);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", boot);
  } else {
    boot();
  }
})();
