// Ons Plan service worker. Versioned caches; navigations go to the network first.
const VERSION = "v1";
const SHELL_CACHE = `onsplan-shell-${VERSION}`;

self.addEventListener("install", (event) => {
  event.waitUntil(self.skipWaiting());
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys().then((keys) =>
      Promise.all(keys.filter((key) => key.startsWith("onsplan-") && key !== SHELL_CACHE).map((key) => caches.delete(key)))
    ).then(() => self.clients.claim())
  );
});

// ---- Web push ----
// A push message holds no personal data: a neutral title and the address of the page to open, where the
// person reads what it is about after signing in. Nothing of it is kept here.
const DEFAULT_TITLE = "Er is iets nieuws in Ons Plan";
const DEFAULT_URL = "/mijn/meldingen";

function pushPayload(event) {
  if (!event.data) return {};
  try {
    const data = event.data.json();
    return data && typeof data === "object" ? data : {};
  } catch (e) {
    return {};
  }
}

// Only a page of Ons Plan itself is ever opened from a notification.
function ownUrl(value) {
  try {
    const url = new URL(value || DEFAULT_URL, self.location.origin);
    return url.origin === self.location.origin ? url.href : new URL(DEFAULT_URL, self.location.origin).href;
  } catch (e) {
    return new URL(DEFAULT_URL, self.location.origin).href;
  }
}

// The app's icon, from the payload or else from the web app manifest (its address carries a fingerprint).
function appIcon(payload) {
  if (typeof payload.icon === "string") return Promise.resolve(payload.icon);
  return fetch("/manifest.webmanifest", { credentials: "omit" })
    .then((response) => (response.ok ? response.json() : {}))
    .then((manifest) => (manifest.icons && manifest.icons[0] && manifest.icons[0].src) || undefined)
    .catch(() => undefined);
}

self.addEventListener("push", (event) => {
  const payload = pushPayload(event);
  const title = typeof payload.title === "string" && payload.title ? payload.title : DEFAULT_TITLE;
  const options = { data: { url: ownUrl(payload.url) }, tag: typeof payload.tag === "string" ? payload.tag : undefined };
  if (typeof payload.body === "string" && payload.body) options.body = payload.body;
  // userVisibleOnly: every push shows a notification, also when the icon cannot be found.
  event.waitUntil(
    appIcon(payload).then((icon) => {
      if (icon) options.icon = icon;
      return self.registration.showNotification(title, options);
    })
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = ownUrl(event.notification.data && event.notification.data.url);
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      // A window already showing that page: bring it forward.
      const showing = windows.find((client) => client.url === target);
      if (showing && "focus" in showing) return showing.focus();
      // Otherwise a window of its own: moving another open window of Ons Plan to this page could throw away
      // what someone was typing there.
      return self.clients.openWindow(target);
    })
  );
});
