/* Geletterd SCORM 1.2 package: pages, the quiz scored here, results through the SCORM API.
 * The grading follows app/content/questions.py: single and true-false right or wrong; multiple
 * (right chosen - wrong chosen) / right, never below 0; order all or nothing; match the share
 * matched. The score is the mean in percent, one decimal. */
(function () {
  "use strict";

  // -- the LMS's API (SCORM 1.2 run-time: window.API in a parent frame or the opener) --------
  function findAPI(win) {
    for (var tries = 0; win && tries < 10; tries += 1) {
      if (win.API) return win.API;
      if (win.parent === win) break;
      win = win.parent;
    }
    return null;
  }
  var api = findAPI(window) || (window.opener ? findAPI(window.opener) : null);
  var started = false;
  var finished = false;

  function call(name, first, second) {
    if (!api || !started && name !== "LMSInitialize") return "";
    try {
      return String(api[name](first, second));
    } catch (error) {
      return "";
    }
  }
  function set(element, value) { call("LMSSetValue", element, String(value)); }

  function start() {
    if (!api) return;
    started = call("LMSInitialize", "") === "true";
    var status = call("LMSGetValue", "cmi.core.lesson_status");
    if (status === "not attempted" || status === "") set("cmi.core.lesson_status", "incomplete");
    call("LMSCommit", "");
  }
  function finish() {
    if (!started || finished) return;
    finished = true;
    call("LMSCommit", "");
    call("LMSFinish", "");
  }
  window.addEventListener("pagehide", finish);
  window.addEventListener("beforeunload", finish);

  // -- pages -----------------------------------------------------------------------------------
  var module = document.getElementById("module");
  var hasQuiz = module.getAttribute("data-has-quiz") === "true";
  var pages = Array.prototype.slice.call(document.querySelectorAll("[data-page]"));
  var pager = document.querySelector(".pager");
  var current = 0;

  function show(index) {
    current = Math.max(0, Math.min(pages.length - 1, index));
    pages.forEach(function (page, position) { page.hidden = position !== current; });
    pager.querySelector('[data-go="previous"]').hidden = current === 0;
    pager.querySelector('[data-go="next"]').hidden = current === pages.length - 1;
    set("cmi.core.lesson_location", current);
    if (current === pages.length - 1 && !hasQuiz) {
      set("cmi.core.lesson_status", "completed");
      call("LMSCommit", "");
    }
    window.scrollTo(0, 0);
    var heading = pages[current].querySelector("h1");
    if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-go]");
    if (button) {
      event.preventDefault();
      show(button.getAttribute("data-go") === "next" ? current + 1 : current - 1);
      return;
    }
    // A link inside the package (the contents, a lesson, a term): open the page holding it.
    var link = event.target.closest('a[href^="#"]');
    var target = link && document.getElementById(link.getAttribute("href").slice(1));
    var page = target && target.closest("[data-page]");
    if (!page) return;
    event.preventDefault();
    show(pages.indexOf(page));
    if (target !== page) target.scrollIntoView();
  });

  // -- the quiz --------------------------------------------------------------------------------
  var quiz = window.GELETTERD_QUIZ;
  var form = document.getElementById("quiz");
  var drawn = [];

  function shuffled(items) {
    var copy = items.slice();
    for (var i = copy.length - 1; i > 0; i -= 1) {
      var j = Math.floor(Math.random() * (i + 1));
      var swap = copy[i]; copy[i] = copy[j]; copy[j] = swap;
    }
    return copy;
  }
  function indexes(count) { var list = []; for (var i = 0; i < count; i += 1) list.push(i); return list; }
  function element(tag, attributes, html) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    if (html !== undefined) node.innerHTML = html;
    return node;
  }

  function choiceField(question, number, order) {
    var kind = question.type === "multiple" ? "checkbox" : "radio";
    var box = element("div");
    order.forEach(function (stored) {
      var id = "q" + number + "-" + stored;
      var label = element("label", { "for": id });
      var input = element("input", { type: kind, id: id, name: "q" + number, value: String(stored) });
      label.appendChild(input);
      label.appendChild(element("span", {}, " " + question.options[stored].html));
      box.appendChild(label);
    });
    return box;
  }

  function selectField(id, label, choices) {
    var wrapper = element("label", { "for": id });
    wrapper.appendChild(element("span", {}, label + " "));
    var select = element("select", { id: id });
    select.appendChild(element("option", { value: "" }, form.getAttribute("data-label-choose")));
    choices.forEach(function (choice) { select.appendChild(element("option", { value: choice.value }, choice.html)); });
    wrapper.appendChild(select);
    return wrapper;
  }

  function orderField(question, number, order) {
    var box = element("div");
    var places = indexes(order.length).map(function (place) { return { value: String(place + 1), html: String(place + 1) }; });
    order.forEach(function (stored) {
      box.appendChild(selectField("q" + number + "-" + stored, question.options[stored].html, places));
    });
    return box;
  }

  function matchField(question, number, order) {
    var box = element("div");
    var rights = order.map(function (stored) { return { value: String(stored), html: question.options[stored].html }; });
    question.options.forEach(function (option, left) {
      box.appendChild(selectField("q" + number + "-" + left, option.left_html, rights));
    });
    return box;
  }

  function render() {
    var container = document.getElementById("questions");
    container.innerHTML = "";
    var pool = quiz.shuffle ? shuffled(quiz.questions) : quiz.questions.slice();
    drawn = pool.slice(0, quiz.draw).map(function (question, number) {
      var keepOrder = question.type === "true-false" || (!quiz.shuffle && question.type !== "order" && question.type !== "match");
      var order = keepOrder ? indexes(question.options.length) : shuffled(indexes(question.options.length));
      var fieldset = element("fieldset", { "data-question-id": question.id, "data-question-type": question.type });
      fieldset.appendChild(element("legend", {}, question.text.replace(/</g, "&lt;")));
      if (question.stem_html) fieldset.appendChild(element("div", {}, question.stem_html));
      var field = question.type === "order" ? orderField : question.type === "match" ? matchField : choiceField;
      fieldset.appendChild(field(question, number, order));
      container.appendChild(fieldset);
      return { question: question, number: number, fieldset: fieldset };
    });
    form.hidden = false;
    document.getElementById("result").innerHTML = "";
  }

  function value(id) { var node = document.getElementById(id); return node ? node.value : ""; }

  function grade(entry) {
    var question = entry.question;
    var options = question.options;
    var prefix = "q" + entry.number + "-";
    if (question.type === "order") {
      var positions = indexes(options.length).map(function (stored) { return parseInt(value(prefix + stored), 10); });
      return positions.every(function (place, stored) { return place === stored + 1; }) ? 1 : 0;
    }
    if (question.type === "match") {
      var hits = indexes(options.length).filter(function (left) { return value(prefix + left) === String(left); }).length;
      return hits / options.length;
    }
    var chosen = Array.prototype.slice.call(entry.fieldset.querySelectorAll("input:checked")).map(function (input) { return parseInt(input.value, 10); });
    if (question.type === "multiple") {
      var right = options.filter(function (option) { return option.correct; }).length;
      var good = chosen.filter(function (stored) { return options[stored].correct; }).length;
      return right ? Math.max(0, (good - (chosen.length - good)) / right) : 0;
    }
    return chosen.length === 1 && options[chosen[0]].correct ? 1 : 0;
  }

  function submit(event) {
    event.preventDefault();
    var total = drawn.reduce(function (sum, entry) { return sum + grade(entry); }, 0);
    var score = Math.round(1000 * total / drawn.length) / 10;
    var passed = score >= quiz.pass_mark;
    set("cmi.core.score.min", 0);
    set("cmi.core.score.max", 100);
    set("cmi.core.score.raw", score);
    set("cmi.core.lesson_status", passed ? "passed" : "failed");
    call("LMSCommit", "");
    drawn.forEach(function (entry) {
      entry.fieldset.appendChild(element("div", { "class": "feedback" },
        "<strong>" + form.getAttribute("data-label-explanation") + "</strong> " + entry.question.explanation_html));
    });
    form.querySelector("#submit-quiz").hidden = true;
    var result = document.getElementById("result");
    result.innerHTML = "<p><strong>" + form.getAttribute("data-label-" + (passed ? "passed" : "failed")) +
      "</strong>: " + form.getAttribute("data-label-score") + " " + String(score).replace(".", ",") + " %</p>";
    var again = element("button", { type: "button" }, form.getAttribute("data-label-retry"));
    again.addEventListener("click", function () { form.querySelector("#submit-quiz").hidden = false; render(); });
    result.appendChild(again);
  }

  // -- start -----------------------------------------------------------------------------------
  start();
  pager.hidden = false;
  if (quiz && form) {
    form.addEventListener("submit", submit);
    render();
  }
  var resumeAt = parseInt(call("LMSGetValue", "cmi.core.lesson_location"), 10);
  show(isNaN(resumeAt) ? 0 : resumeAt);
}());
