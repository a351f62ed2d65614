// Passkey ceremonies. The server sends the options as JSON and checks every answer.
(function () {
  "use strict";

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["x-csrftoken"] || "";
    } catch (e) {
      return "";
    }
  }

  function fromB64url(value) {
    var s = value.replace(/-/g, "+").replace(/_/g, "/");
    while (s.length % 4) s += "=";
    var raw = atob(s);
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out.buffer;
  }

  function toB64url(buffer) {
    var bytes = new Uint8Array(buffer);
    var s = "";
    for (var i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
    return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function creationOptions(json) {
    if (PublicKeyCredential.parseCreationOptionsFromJSON) return PublicKeyCredential.parseCreationOptionsFromJSON(json);
    json.challenge = fromB64url(json.challenge);
    json.user.id = fromB64url(json.user.id);
    (json.excludeCredentials || []).forEach(function (c) { c.id = fromB64url(c.id); });
    return json;
  }

  function requestOptions(json) {
    if (PublicKeyCredential.parseRequestOptionsFromJSON) return PublicKeyCredential.parseRequestOptionsFromJSON(json);
    json.challenge = fromB64url(json.challenge);
    (json.allowCredentials || []).forEach(function (c) { c.id = fromB64url(c.id); });
    return json;
  }

  function credentialJSON(cred) {
    if (typeof cred.toJSON === "function") return cred.toJSON();
    var r = cred.response;
    var response = { clientDataJSON: toB64url(r.clientDataJSON) };
    if (r.attestationObject) {
      response.attestationObject = toB64url(r.attestationObject);
      if (r.getTransports) response.transports = r.getTransports();
    } else {
      response.authenticatorData = toB64url(r.authenticatorData);
      response.signature = toB64url(r.signature);
      if (r.userHandle) response.userHandle = toB64url(r.userHandle);
    }
    return { id: cred.id, rawId: toB64url(cred.rawId), type: cred.type, response: response,
      clientExtensionResults: cred.getClientExtensionResults ? cred.getClientExtensionResults() : {} };
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "x-csrftoken": csrfToken(), "Accept": "application/json" },
      body: JSON.stringify(body || {})
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (data) {
        if (!res.ok) throw new Error(data.error || data.message || res.statusText);
        return data;
      });
    });
  }

  function say(button, text, isError) {
    var status = document.querySelector("[data-passkey-status]");
    if (!status) return;
    status.textContent = text;
    status.classList.toggle("notice--error", !!isError);
    status.classList.remove("hidden");
  }

  function run(button) {
    var kind = button.getAttribute("data-passkey");
    var messages = {
      busy: button.getAttribute("data-busy") || "",
      cancelled: button.getAttribute("data-cancelled") || "",
      unsupported: button.getAttribute("data-unsupported") || ""
    };
    if (!window.PublicKeyCredential) { say(button, messages.unsupported, true); return; }
    button.disabled = true;
    say(button, messages.busy, false);
    var flow;
    if (kind === "sign-in") {
      flow = post("/passkeys/inloggen/opties").then(function (data) {
        return navigator.credentials.get({ publicKey: requestOptions(JSON.parse(data.publicKey)) });
      }).then(function (cred) {
        return post("/passkeys/inloggen", { credential: credentialJSON(cred), next: button.getAttribute("data-next") || "" });
      });
    } else {
      var token = button.getAttribute("data-token") || "";
      var nameField = document.getElementById(button.getAttribute("data-name-field") || "passkey-name");
      flow = post("/passkeys/registratie/opties", { token: token }).then(function (data) {
        return navigator.credentials.create({ publicKey: creationOptions(JSON.parse(data.publicKey)) });
      }).then(function (cred) {
        return post("/passkeys/registratie", { credential: credentialJSON(cred), name: nameField ? nameField.value : "" });
      });
    }
    flow.then(function (data) {
      window.location.assign(data.redirect || "/mijn");
    }).catch(function (err) {
      button.disabled = false;
      var cancelled = err && (err.name === "NotAllowedError" || err.name === "AbortError");
      say(button, cancelled ? messages.cancelled : (err && err.message) || messages.cancelled, true);
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-passkey]") : null;
    if (!button) return;
    event.preventDefault();
    run(button);
  });
})();
