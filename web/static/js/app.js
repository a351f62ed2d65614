// Small enhancements on top of pages that work without JavaScript.
(function () {
  "use strict";
  // Register the service worker; pages work the same without it.
  if ("serviceWorker" in navigator && window.isSecureContext) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () { /* offline support is optional */ });
    });
  }
})();
