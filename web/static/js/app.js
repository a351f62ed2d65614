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
