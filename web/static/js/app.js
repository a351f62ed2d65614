// Small enhancements on top of pages that work without JavaScript.
(function () {
  "use strict";
  // Register the service worker; pages work the same without it.
  if ("serviceWorker" in navigator && window.isSecureContext) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () { /* offline support is optional */ });
    });
  }

  // "Installeer Ons Plan". The browser says when it can install the app (beforeinstallprompt, Chromium
  // browsers only); only then does the hint show. The event is kept because its prompt() may be called
  // once, and only on a tap. Other browsers never fire it, and the hint stays hidden.
  var DECLINED_KEY = "onsplan-install-declined";
  var installPrompt = null;

  function declined() {
    try {
      return window.sessionStorage.getItem(DECLINED_KEY) === "1";
    } catch (e) {
      return false;
    }
  }

  function decline() {
    try {
      window.sessionStorage.setItem(DECLINED_KEY, "1");
    } catch (e) { /* storage off: the hint returns on the next full page load */ }
  }

  function syncInstallHint() {
    var show = installPrompt !== null && !declined();
    document.querySelectorAll("[data-install-hint]").forEach(function (hint) {
      hint.classList.toggle("hidden", !show);
    });
  }

  function hideInstallHint() {
    var hadFocus = document.activeElement && document.activeElement.closest("[data-install-hint]");
    syncInstallHint();
    // The button that had focus is gone; give it to the page instead of leaving it nowhere.
    var main = document.getElementById("main");
    if (hadFocus && main) main.focus();
  }

  window.addEventListener("beforeinstallprompt", function (event) {
    // Our own hint instead of the browser's mini-infobar, so it can say in Dutch what installing means.
    event.preventDefault();
    installPrompt = event;
    syncInstallHint();
  });

  window.addEventListener("appinstalled", function () {
    installPrompt = null;
    hideInstallHint();
  });

  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    if (target.closest("[data-install-dismiss]")) {
      decline();
      hideInstallHint();
    } else if (target.closest("[data-install-accept]") && installPrompt) {
      var offer = installPrompt;
      installPrompt = null;
      hideInstallHint();
      offer.prompt();
      offer.userChoice.then(function (choice) {
        if (choice.outcome !== "accepted") decline();
      }).catch(function () { /* the choice is the browser's; nothing to do here */ });
    }
  });

  // A boosted link swaps the body, and the new page's hint starts hidden: show it again while it is offered.
  document.addEventListener("htmx:afterSettle", syncInstallHint);
})();

// Focus and announcements. After htmx swaps in an answer (a tick, a saved score, a refused form), focus
// goes to what changed and one polite live region (#aankondiging in base.html) says what happened. The
// region is on the page, empty, from the start, and kept across boosted page changes (hx-preserve): a
// screen reader reads a change of text in a region it knows, not a region that arrives with its text.
// The sentences come from the server (data-aankondiging, translated there); a refused form without one is
// announced with the words of its error summary.
(function () {
  "use strict";
  var SUMMARY = '.notice--error[role="alert"], [data-error-summary]';
  var FLASH = '.notice--ok[role="status"], .notice--success[role="status"]';
  var timer = null;
  var lastControl = null;
  var arrived = [];

  function region() {
    return document.getElementById("aankondiging");
  }

  function words(element) {
    return (element.textContent || "").replace(/\s+/g, " ").trim();
  }

  // Emptied first and filled a moment later, so that the same sentence twice in a row is read twice.
  // Sentences that come together (a change kept offline and the count of what waits) are read together.
  var coming = [];
  function announce(sentence) {
    var live = region();
    if (!live || !sentence) return;
    // A sentence that says more than one waiting (the same, and the count with it) takes its place.
    coming = coming.filter(function (waiting) {
      return sentence.indexOf(waiting) < 0;
    });
    if (!coming.some(function (waiting) { return waiting.indexOf(sentence) >= 0; })) coming.push(sentence);
    live.textContent = "";
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      live.textContent = coming.join(" ");
      coming = [];
    }, 100);
  }

  // offline.js (and any other script) announces through the same region.
  document.addEventListener("onsplan:announce", function (event) {
    announce(event.detail && event.detail.text);
  });

  // The first element matching the selector in what arrived, with the arrived element it is in.
  function find(roots, selector) {
    for (var i = 0; i < roots.length; i++) {
      var root = roots[i];
      if (!(root instanceof Element) || !root.isConnected) continue;
      var found = root.matches(selector) ? root : root.querySelector(selector);
      if (found) return { element: found, root: root };
    }
    return null;
  }

  function focusLost() {
    var active = document.activeElement;
    return !active || active === document.body || active === document.documentElement || !active.isConnected;
  }

  function focusOn(element) {
    if (!element.matches("a[href], button, input, select, textarea, [tabindex]")) element.setAttribute("tabindex", "-1");
    element.focus();
  }

  // Where focus goes in what replaced the control that was used: a field the answer refused, else the same
  // control (by id, else by name and value: a score button), else the pressed one, else the sentence.
  function focusTarget(news) {
    var within = news.root;
    var refused = within.querySelector('[aria-invalid="true"]');
    if (refused) return refused;
    var control = lastControl;
    if (control && control.id) {
      var byId = document.getElementById(control.id);
      if (byId && within.contains(byId)) return byId;
    }
    if (control && control.name) {
      var byValue = within.querySelector(
        '[name="' + CSS.escape(control.name) + '"][value="' + CSS.escape(control.value || "") + '"]'
      );
      if (byValue) return byValue;
    }
    return within.querySelector('[aria-pressed="true"]') || news.element;
  }

  // A summary without a sentence of its own (a refusal in one line, an error page) is read because it has
  // focus; its words are not copied into the region, so they stay on the page once.
  function settled(roots, swapped) {
    var summary = find(roots, SUMMARY);
    if (summary) {
      focusOn(summary.element);
      if (swapped) announce(summary.element.getAttribute("data-aankondiging"));
      return;
    }
    if (!swapped) return;
    var news = find(roots, "[data-aankondiging]");
    if (news) {
      announce(news.element.getAttribute("data-aankondiging"));
      if (focusLost()) focusOn(focusTarget(news));
      return;
    }
    // A change saved with Post/Redirect/Get arrives as a whole page with its "bewaard" line.
    var flash = find(roots, FLASH);
    if (flash) announce(words(flash.element));
  }

  document.addEventListener("htmx:configRequest", function (event) {
    var trigger = event.detail.triggeringEvent;
    var used = (trigger && trigger.submitter) || document.activeElement;
    lastControl = used && used !== document.body ? { id: used.id, name: used.getAttribute("name"), value: used.getAttribute("value") } : null;
  });

  // A boosted page change swaps the body only: the language of the new page (lang, and dir for Arabic) is
  // taken from its <html> tag, or a page in Arabic would be laid out left to right after choosing it.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var detail = event.detail;
    if (!detail.boosted || !detail.xhr || typeof detail.serverResponse !== "string") return;
    // What was said on the page before is not left in the region for the next one.
    var live = region();
    if (live) live.textContent = "";
    var tag = /<html\b[^>]*>/i.exec(detail.serverResponse.slice(0, 2000));
    if (!tag) return;
    ["lang", "dir"].forEach(function (name) {
      var value = new RegExp("\\s" + name + '="([A-Za-z-]{2,12})"').exec(tag[0]);
      if (value) document.documentElement.setAttribute(name, value[1]);
    });
  });

  // htmx fires afterSettle once per element it put in; they are gathered and looked at once.
  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.detail && event.detail.elt) arrived.push(event.detail.elt);
    if (arrived.length > 1) return;
    window.setTimeout(function () {
      var roots = arrived;
      arrived = [];
      settled(roots, true);
      lastControl = null;
    }, 0);
  });

  // A whole page: a refused form's summary has focus (as its autofocus does without JavaScript) and is read
  // as the focused element; the region stays empty on a page just opened.
  function loaded() {
    settled([document.body], false);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", loaded);
  else loaded();
})();
