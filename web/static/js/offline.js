// Working without a connection, on the page's side. The service worker (sw.js) keeps a change made offline
// and sends it later; this script shows it: "bewaard op dit apparaat, wordt verstuurd" where the change was
// made, how many changes wait, and the changes that could not be made with "bekijken", "opnieuw proberen"
// and "weggooien". The texts come from the page (base.html), translated as all others.
(function () {
  "use strict";
  if (!("serviceWorker" in navigator) || !window.isSecureContext) return;

  var signOutConfirmed = false;

  function texts() {
    return document.querySelector("[data-offline]");
  }

  function text(name) {
    var box = texts();
    return (box && box.getAttribute("data-" + name)) || "";
  }

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["x-csrftoken"] || "";
    } catch (e) {
      return "";
    }
  }

  // A question to the worker, answered through a port of its own.
  function ask(message) {
    var worker = navigator.serviceWorker.controller;
    if (!worker) return Promise.resolve(null);
    return new Promise(function (resolve) {
      var channel = new MessageChannel();
      channel.port1.onmessage = function (event) {
        resolve(event.data);
      };
      // Only a live signed-in page knows the session's token: not a copy shown from the device, nor the
      // offline pages (kept without a session).
      if (texts() && !document.querySelector("[data-offline-copy]:not([hidden])")) message.csrf = csrfToken();
      worker.postMessage(message, [channel.port2]);
    });
  }

  // A sentence with a number in it: its own words for one, the template with {n} for more.
  function counted(element, count) {
    if (count === 1 && element.hasAttribute("data-template-one")) return element.getAttribute("data-template-one");
    return element.getAttribute("data-template").replace("{n}", String(count));
  }

  // Said through the page's one live region (app.js): a mark or a line that appears with its text at once
  // is not read by a screen reader.
  function announce(sentence) {
    if (sentence) document.dispatchEvent(new CustomEvent("onsplan:announce", { detail: { text: sentence } }));
  }

  // ---- What waits, and what could not be made ----

  // What was said for a change kept just now on this page; the count that goes up with it is said with it.
  var keptJustNow = "";
  var shownCount = 0;

  function showCount(summary) {
    var line = document.querySelector("[data-queue-count]");
    if (!line) return;
    var count = summary.waiting || 0;
    var before = shownCount;
    shownCount = count;
    if (!count) {
      line.classList.add("hidden");
      line.textContent = "";
      return;
    }
    var words = count === 1 ? text("one") : text("many").replace("{n}", String(count));
    if (summary.signIn) words += " " + text("sign-in");
    if (count > before && keptJustNow) {
      announce(keptJustNow + " " + words);
      keptJustNow = "";
    } else if (line.textContent !== words || line.classList.contains("hidden")) {
      announce(words);
    }
    line.textContent = words;
    line.classList.remove("hidden");
  }

  function button(label, className, onClick, describedBy) {
    var element = document.createElement("button");
    element.type = "button";
    element.className = className;
    element.textContent = label;
    element.addEventListener("click", onClick);
    if (describedBy) element.setAttribute("aria-describedby", describedBy);
    return element;
  }

  function showProblems(summary) {
    var box = document.querySelector("[data-queue-problems]");
    var list = document.querySelector("[data-queue-problem-list]");
    if (!box || !list) return;
    var problems = summary.problems || [];
    var hadFocus = list.contains(document.activeElement);
    list.textContent = "";
    problems.forEach(function (problem) {
      var item = document.createElement("li");
      var what = document.createElement("span");
      // Each "Bekijken", "Opnieuw proberen" and "Weggooien" says which change it is about.
      what.id = "wachtrij-" + problem.id;
      what.textContent = (problem.label || text("change")) + ": " + (problem.status === "conflict" ? text("conflict") : text("refused"));
      item.appendChild(what);
      if (problem.page) {
        var view = document.createElement("a");
        view.href = "/offline/wachtrij/" + problem.id;
        view.textContent = text("view");
        view.setAttribute("aria-describedby", what.id);
        item.appendChild(view);
      }
      if (problem.status !== "conflict") {
        item.appendChild(button(text("retry"), "button button--secondary", function () {
          ask({ type: "retry", id: problem.id }).then(render);
        }, what.id));
      }
      item.appendChild(button(text("discard"), "link-button", function () {
        ask({ type: "discard", id: problem.id }).then(render);
      }, what.id));
      list.appendChild(item);
    });
    box.classList.toggle("hidden", problems.length === 0);
    // The button pressed is gone with the list: focus goes to the next change in it, or to the page, not
    // to nowhere.
    if (hadFocus) {
      var first = list.querySelector("button, a");
      if (first) first.focus();
      else document.getElementById("main").focus();
    }
  }

  function render(summary) {
    if (!summary) return;
    showCount(summary);
    showProblems(summary);
  }

  // A change sent after all: its mark on the page says so.
  function markSent(id) {
    var marks = document.querySelectorAll('[data-queued-id="' + id + '"]');
    marks.forEach(function (mark) {
      mark.textContent = text("sent");
      mark.classList.add("pending-mark--sent");
      mark.removeAttribute("data-queued-id");
    });
    if (marks.length) announce(text("sent"));
  }

  navigator.serviceWorker.addEventListener("message", function (event) {
    var data = event.data || {};
    if (data.type !== "onsplan-queue") return;
    render(data);
    if (data.sent) markSent(data.sent);
  });

  // Signed-in pages carry the texts; only then are the person's own pages kept. A page that changed what
  // is kept (a household marked for a home visit) asks for them at once.
  function hello() {
    var signedIn = !!texts();
    var refresh = !!document.querySelector("[data-offline-refresh]");
    ask({ type: "hello", online: navigator.onLine && signedIn, refresh: refresh }).then(render);
  }

  // ---- A change kept on this device, shown where it was made ----

  function newKey(form) {
    var field = form.querySelector('input[name="_sleutel"]');
    if (field && window.crypto && crypto.randomUUID) field.value = crypto.randomUUID();
  }

  function pendingMark(target, id, label) {
    var mark = target.querySelector(".pending-mark");
    if (!mark) {
      mark = document.createElement("span");
      mark.className = "pending-mark";
      (target.querySelector("form") || target).appendChild(mark);
    }
    mark.classList.remove("pending-mark--sent");
    mark.setAttribute("data-queued-id", id);
    mark.textContent = text("pending");
    keptJustNow = label ? label + ": " + text("pending") : text("pending");
    announce(keptJustNow);
  }

  // The tick shows its new state at once, its status word too ("gedaan", or what it was before); the form
  // now does the opposite, as after a saved tick.
  function flipTick(form) {
    var done = form.querySelector('input[name="gedaan"]');
    var tick = form.querySelector("button.tick");
    if (!done || !tick) return;
    var nowDone = done.value === "ja";
    done.value = nowDone ? "nee" : "ja";
    tick.textContent = tick.getAttribute(nowDone ? "data-label-undo" : "data-label-do");
    tick.classList.toggle("button--secondary", nowDone);
    var item = form.closest(".action");
    if (item) item.classList.toggle("action--done", nowDone);
    var status = item && item.querySelector(".status[data-status-done]");
    if (status) status.textContent = status.getAttribute(nowDone ? "data-status-done" : "data-status-undone");
  }

  function pressScore(form, submitter) {
    if (!submitter || submitter.name !== "score") return;
    form.querySelectorAll('button[name="score"]').forEach(function (score) {
      if (score.classList.contains("score")) score.setAttribute("aria-pressed", score === submitter ? "true" : "false");
    });
  }

  document.addEventListener("htmx:configRequest", function (event) {
    var element = event.detail.elt;
    var labelled = element && element.closest ? element.closest("[data-offline-label]") : null;
    if (labelled) event.detail.headers["x-onsplan-label"] = encodeURIComponent(labelled.getAttribute("data-offline-label"));
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var xhr = event.detail.xhr;
    if (!xhr) return;
    var form = event.detail.elt && event.detail.elt.closest ? event.detail.elt.closest("form") : null;
    var queued = xhr.getResponseHeader("x-onsplan-queued");
    if (queued && xhr.status === 202 && form) {
      if (form.querySelector("button.tick")) flipTick(form);
      var trigger = event.detail.requestConfig && event.detail.requestConfig.triggeringEvent;
      pressScore(form, trigger && trigger.submitter);
      newKey(form);
      pendingMark(event.detail.target || form, queued, form.getAttribute("data-offline-label"));
    } else if (xhr.getResponseHeader("x-onsplan-offline") && form) {
      var mark = form.querySelector(".pending-mark") || document.createElement("span");
      mark.className = "pending-mark";
      mark.textContent = text("no-connection");
      form.appendChild(mark);
      announce(text("no-connection"));
    }
  });

  // ---- Sign-out: changes that were not sent are shown first ----

  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-sign-out") || signOutConfirmed) return;
      if (!navigator.serviceWorker.controller) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      ask({ type: "replay" }).then(function (summary) {
        var left = summary ? summary.waiting + (summary.problems || []).length : 0;
        if (!left) {
          signOutConfirmed = true;
          form.requestSubmit();
          return;
        }
        var warning = document.querySelector("[data-sign-out-warning]");
        var line = document.querySelector("[data-sign-out-text]");
        line.textContent = counted(line, left);
        warning.classList.remove("hidden");
        warning.querySelector("[data-sign-out-cancel]").focus();
      });
    },
    true
  );

  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    if (target.closest("[data-sign-out-cancel]")) {
      document.querySelector("[data-sign-out-warning]").classList.add("hidden");
      document.getElementById("main").focus();
    } else if (target.closest("[data-sign-out-anyway]")) {
      var form = document.querySelector("form[data-sign-out]");
      ask({ type: "wipe" }).then(function () {
        signOutConfirmed = true;
        if (form) form.requestSubmit();
      });
    }
  });

  // ---- The offline page: what can be read on this device ----

  function listKeptPages() {
    var list = document.querySelector("[data-offline-page-list]");
    if (!list) return;
    ask({ type: "pages" }).then(function (pages) {
      list.textContent = "";
      (pages || []).forEach(function (page) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = page.url;
        link.textContent = page.title.replace(/ · Ons Plan$/, "");
        item.appendChild(link);
        list.appendChild(item);
      });
      var none = document.querySelector("[data-offline-none]");
      if (none) none.classList.toggle("hidden", !!(pages && pages.length));
    });
  }

  // Signed out: changes someone made here and did not send yet are not thrown away unseen.
  function showQueuedElsewhere() {
    var line = document.querySelector("[data-queue-elsewhere]");
    if (!line) return;
    ask({ type: "unsent" }).then(function (count) {
      if (!count) return;
      line.textContent = counted(line, count);
      line.classList.remove("hidden");
    });
  }

  function start() {
    hello();
    listKeptPages();
    showQueuedElsewhere();
  }

  window.addEventListener("online", function () {
    ask({ type: "replay" }).then(render);
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.detail && event.detail.elt === document.body) start();
  });
  navigator.serviceWorker.ready.then(function () {
    if (navigator.serviceWorker.controller) start();
    else navigator.serviceWorker.addEventListener("controllerchange", start, { once: true });
  });
})();
