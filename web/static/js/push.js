// Web push per device, on "Mijn meldingen". The browser asks for permission only when the person taps
// "Pushberichten aanzetten op dit apparaat", never when a page opens. The texts come from the page.
(function () {
  "use strict";

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["x-csrftoken"] || "";
    } catch (e) {
      return "";
    }
  }

  function supported() {
    return window.isSecureContext && "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
  }

  // The server's public key (base64url) as the bytes pushManager.subscribe wants.
  function keyBytes(value) {
    var s = value.replace(/-/g, "+").replace(/_/g, "/");
    while (s.length % 4) s += "=";
    var raw = atob(s);
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }

  function sameKey(buffer, bytes) {
    if (!buffer) return false;
    var a = new Uint8Array(buffer);
    if (a.length !== bytes.length) return false;
    for (var i = 0; i < a.length; i++) if (a[i] !== bytes[i]) return false;
    return true;
  }

  // Old Safari answers requestPermission with a callback instead of a promise.
  function askPermission() {
    return new Promise(function (resolve) {
      var answer = Notification.requestPermission(resolve);
      if (answer && typeof answer.then === "function") answer.then(resolve);
    });
  }

  function say(box, text, isError) {
    var status = box.querySelector("[data-push-status]");
    if (!status) return;
    status.textContent = text;
    status.classList.toggle("notice--error", !!isError);
    status.classList.remove("hidden");
  }

  function registration() {
    // Registering again is harmless and makes sure "ready" resolves on a page where the worker was not yet
    // registered (app.js registers it after the page has loaded).
    return navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(function () {
      return navigator.serviceWorker.ready;
    });
  }

  function subscribe(reg, key) {
    return reg.pushManager.getSubscription().then(function (existing) {
      if (existing && sameKey(existing.options && existing.options.applicationServerKey, key)) return existing;
      // A subscription made with another key (an older server key) cannot be reused.
      var cleared = existing ? existing.unsubscribe() : Promise.resolve(true);
      return cleared.then(function () {
        return reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
      });
    });
  }

  function send(subscription) {
    return fetch("/mijn/meldingen/apparaten", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "x-csrftoken": csrfToken() },
      body: JSON.stringify(subscription.toJSON())
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (data) {
        if (!res.ok) {
          var refused = new Error(data.error || "");
          refused.name = "PushServer";
          throw refused;
        }
        return data;
      });
    });
  }

  function enable(button) {
    var box = button.closest("[data-push]");
    if (!box) return;
    var text = function (name) { return box.getAttribute("data-" + name) || ""; };
    if (!supported()) { say(box, text("unsupported"), true); return; }
    button.disabled = true;
    say(box, text("busy"), false);
    // Asked first and at once, inside the tap: some browsers allow the question only there.
    askPermission().then(function (permission) {
      if (permission !== "granted") {
        var refused = new Error(text("denied"));
        refused.name = "PushRefused";
        throw refused;
      }
      return registration();
    }).then(function (reg) {
      return subscribe(reg, keyBytes(text("public-key")));
    }).then(send).then(function (data) {
      window.location.assign(data.redirect || "/mijn/meldingen/instellingen");
    }).catch(function (err) {
      button.disabled = false;
      var name = err && err.name;
      var message = text("failed");
      if (name === "PushRefused" || name === "NotAllowedError") message = text("denied");
      else if (name === "PushServer" && err.message) message = err.message;
      say(box, message, true);
    });
  }

  // This browser's own subscription, without asking anything: only where permission was given before.
  function current() {
    if (!supported() || Notification.permission !== "granted") return Promise.resolve(null);
    return navigator.serviceWorker.getRegistration("/").then(function (reg) {
      return reg ? reg.pushManager.getSubscription() : null;
    }).catch(function () { return null; });
  }

  function deviceItem(form) {
    return form.closest("[data-push-endpoint]");
  }

  // Mark the device in the list that is this one.
  function markHere() {
    var list = document.querySelector("[data-push-devices]");
    if (!list) return;
    current().then(function (subscription) {
      if (!subscription) return;
      var items = list.querySelectorAll("[data-push-endpoint]");
      for (var i = 0; i < items.length; i++) {
        if (items[i].getAttribute("data-push-endpoint") === subscription.endpoint) {
          var here = items[i].querySelector("[data-push-here]");
          if (here) here.classList.remove("hidden");
          // Push is on here already (the list marks this device): no button to turn it on again.
          var button = document.querySelector("[data-push-enable]");
          if (button) button.classList.add("hidden");
        }
      }
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-push-enable]") : null;
    if (!button) return;
    event.preventDefault();
    enable(button);
  });

  // Turning off the device this page runs on also ends the subscription in the browser; then the form is
  // sent as it is (the server removes the device either way).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form || !form.hasAttribute || !form.hasAttribute("data-push-off") || form.hasAttribute("data-push-done")) return;
    var item = deviceItem(form);
    if (!item || !supported()) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    current().then(function (subscription) {
      if (subscription && subscription.endpoint === item.getAttribute("data-push-endpoint")) {
        return subscription.unsubscribe();
      }
      return true;
    }).catch(function () { return true; }).then(function () {
      form.setAttribute("data-push-done", "");
      form.submit();
    });
  }, true);

  document.addEventListener("DOMContentLoaded", markHere);
  // Boosted navigation swaps the body without a new DOMContentLoaded.
  document.addEventListener("htmx:load", function (event) {
    if (event.target === document.body || (event.target && event.target.querySelector && event.target.querySelector("[data-push-devices]"))) {
      markHere();
    }
  });
})();
