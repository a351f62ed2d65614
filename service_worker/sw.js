// Ons Plan service worker.
//
// The server puts self.ONSPLAN in front of this file: the release's version and the app shell (styles,
// scripts, icons, the offline pages). Everything it keeps is under caches and an IndexedDB of its own:
// - the shell, cached at install under a versioned name that the next release replaces;
// - the signed-in person's own pages (the list comes from /mijn/offline), for reading without a connection;
// - changes made without a connection, in a queue that is sent oldest first when the connection is back.
// Sign-out, and another person signing in on this device, wipe the pages and the queue.
"use strict";

const CONFIG = self.ONSPLAN || { version: "dev", shell: [], offlinePage: "/offline" };
const SHELL_CACHE = `onsplan-shell-${CONFIG.version}`;
const PAGES_CACHE = `onsplan-pages-${CONFIG.version}`;
const OFFLINE_PAGE = CONFIG.offlinePage;
const QUEUED_PAGE = "/offline/bewaard";
// A stored answer of a change that could not be made (a conflict), shown as the page it was.
const ANSWER_PAGE = "/offline/wachtrij/";
const SIGN_OUT = "/uitloggen";
const KEPT_PAGES = "/mijn/offline";
const SYNC_TAG = "onsplan-wachtrij";
// A page waits this long for the network before the copy on the device is shown; a change waits longer
// before it is kept on the device (it is sent again later with its key, so it never counts twice).
const PAGE_TIMEOUT_MS = 4000;
const CHANGE_TIMEOUT_MS = 10000;
// The kept pages are fetched again when a page opens and they are older than this (each fetch of a
// household's page is a look in its access log; a page opened with a connection is kept afresh anyway).
const REFRESH_AFTER_MS = 60 * 60 * 1000;
// The forms that also work without a connection: tick, rating, note, new action, new goal, goal and action edits.
const OFFLINE_FORMS = [
  /^\/huishoudens\/[0-9a-f-]+\/plan\/acties\/[0-9a-f-]+\/afvinken$/,
  /^\/huishoudens\/[0-9a-f-]+\/plan\/acties\/[0-9a-f-]+\/notitie$/,
  /^\/huishoudens\/[0-9a-f-]+\/plan\/acties\/[0-9a-f-]+$/,
  /^\/huishoudens\/[0-9a-f-]+\/plan\/doelen$/,
  /^\/huishoudens\/[0-9a-f-]+\/plan\/doelen\/[0-9a-f-]+$/,
  /^\/huishoudens\/[0-9a-f-]+\/plan\/doelen\/[0-9a-f-]+\/acties$/,
  /^\/huishoudens\/[0-9a-f-]+\/scores\/leefgebied\/[a-z0-9_-]+$/,
];
// The request headers a change is sent again with (htmx's own say what the answer should be).
const KEPT_REQUEST_HEADERS = ["content-type", "accept", "hx-request", "hx-boosted", "hx-target", "hx-current-url", "hx-trigger"];

// ---- IndexedDB: the queue and what the worker remembers ----

let database = null;

function openDatabase() {
  if (database) return database;
  database = new Promise((resolve, reject) => {
    const request = indexedDB.open("onsplan", 1);
    request.onupgradeneeded = () => {
      request.result.createObjectStore("queue", { keyPath: "id", autoIncrement: true });
      request.result.createObjectStore("meta", { keyPath: "name" });
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => {
      database = null;
      reject(request.error);
    };
  });
  return database;
}

function inStore(name, mode, work) {
  return openDatabase().then(
    (db) =>
      new Promise((resolve, reject) => {
        const transaction = db.transaction(name, mode);
        const result = work(transaction.objectStore(name));
        transaction.oncomplete = () => resolve(result && "result" in result ? result.result : undefined);
        transaction.onerror = () => reject(transaction.error);
        transaction.onabort = () => reject(transaction.error);
      })
  );
}

const queue = {
  all: () => inStore("queue", "readonly", (store) => store.getAll()).then((rows) => (rows || []).sort((a, b) => a.id - b.id)),
  add: (entry) => inStore("queue", "readwrite", (store) => store.add(entry)),
  put: (entry) => inStore("queue", "readwrite", (store) => store.put(entry)),
  remove: (id) => inStore("queue", "readwrite", (store) => store.delete(id)),
  clear: () => inStore("queue", "readwrite", (store) => store.clear()),
};

const meta = {
  get: (name) => inStore("meta", "readonly", (store) => store.get(name)).then((row) => (row ? row.value : undefined)),
  set: (name, value) => inStore("meta", "readwrite", (store) => store.put({ name, value })),
  remove: (name) => inStore("meta", "readwrite", (store) => store.delete(name)),
  clear: () => inStore("meta", "readwrite", (store) => store.clear()),
};

// ---- Install and activate ----

self.addEventListener("install", (event) => {
  // Without the person's cookies: the shell is the same for everyone who uses this device.
  const requests = CONFIG.shell.map((url) => new Request(url, { credentials: "omit", cache: "reload" }));
  event.waitUntil(
    caches
      .open(SHELL_CACHE)
      .then((cache) => cache.addAll(requests))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(
          keys.filter((key) => key.startsWith("onsplan-") && key !== SHELL_CACHE && key !== PAGES_CACHE).map((key) => caches.delete(key))
        )
      )
      .then(() => self.clients.claim())
      // The pages of the release before are gone with its cache: keep them again in this release's form.
      .then(() => refreshKeptPages().catch(() => undefined))
  );
});

// ---- Who is signed in ----

// Every answer of a signed-in request names its person (an opaque tag, no name). Another person than the
// one whose pages and changes are kept here: those are wiped first.
async function notePerson(response) {
  const person = response.headers.get("x-onsplan-person");
  if (!person) return;
  const known = await meta.get("person");
  if (known === person) return;
  if (known) await wipe();
  await meta.set("person", person);
}

async function wipe() {
  await caches.delete(PAGES_CACHE);
  await queue.clear();
  await meta.clear();
  await announce();
}

// ---- Pages ----

function isPage(request) {
  if (request.mode === "navigate") return true;
  // A link or form that htmx boosted fetches the whole page too.
  return request.headers.get("hx-boosted") === "true" || request.headers.get("hx-history-restore-request") === "true";
}

function pageKey(url) {
  return new Request(new URL(url).pathname, { credentials: "same-origin" });
}

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timeout")), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      }
    );
  });
}

async function keepIfOwn(url, response) {
  if (!response.ok || response.redirected) return;
  // Pages only: a dossier download under the household is not kept on the device.
  if (!(response.headers.get("content-type") || "").startsWith("text/html")) return;
  const kept = (await meta.get("kept")) || [];
  const households = (await meta.get("households")) || [];
  const path = new URL(url).pathname;
  if (!kept.includes(path) && !households.some((prefix) => path.startsWith(prefix))) return;
  const person = response.headers.get("x-onsplan-person");
  if (!person || person !== (await meta.get("person"))) return;
  const cache = await caches.open(PAGES_CACHE);
  await cache.put(pageKey(url), response);
}

// A key for a form that was never sent: 16 random bytes in base64url, as the server makes them.
function newFormKey() {
  const bytes = self.crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

// A copy shown from the device says so, with the time it was fetched (the server wrote that time into it).
// Its forms get keys never used: the copy is the page as it was fetched, and a form sent from that page
// already counted under its key, so a tap on the copy with the same key and values would be taken for that
// earlier one (the server answers a key once) and be lost.
async function shownFromDevice(cached) {
  const html = (await cached.text())
    .replace("data-offline-copy hidden", () => "data-offline-copy")
    .replace(/(name="_sleutel" value=")[^"]*"/g, (match, start) => `${start}${newFormKey()}"`);
  return new Response(html, { status: 200, headers: await pageHeaders({ "x-onsplan-from-device": "1" }) });
}

// The headers of a page the worker answers itself: the server's security headers (the Content-Security-
// Policy first), as the offline page was given them, and what this answer adds.
const SECURITY_HEADERS = ["content-security-policy", "x-content-type-options", "referrer-policy", "x-frame-options", "permissions-policy", "cross-origin-opener-policy"];

async function pageHeaders(extra) {
  const headers = { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", ...(extra || {}) };
  const shell = await caches.match(OFFLINE_PAGE, { cacheName: SHELL_CACHE, ignoreVary: true });
  for (const name of SECURITY_HEADERS) {
    const value = shell && shell.headers.get(name);
    if (value) headers[name] = value;
  }
  return headers;
}

async function offlinePage(status) {
  const cached = await caches.match(OFFLINE_PAGE, { cacheName: SHELL_CACHE, ignoreVary: true });
  if (!cached) return Response.error();
  return new Response(await cached.text(), { status: status || 200, headers: await pageHeaders({ "hx-push-url": "false" }) });
}

// A page that sends the person to sign in: the session ended (idle too long, or ended elsewhere). The
// pages kept for reading go; the changes that wait stay, to be sent when the same person signs in again.
async function dropPagesIfSignedOut(response) {
  const signIn = response.redirected && new URL(response.url).pathname === "/inloggen";
  if ((signIn || response.status === 401) && !response.headers.get("x-onsplan-person")) await caches.delete(PAGES_CACHE);
}

async function page(request) {
  const fetching = fetch(request);
  // A slow answer that comes after all still refreshes the copy on the device.
  // Both copies are taken at once: the answer itself goes to the page, which reads its body, and a copy
  // taken after that fails.
  fetching
    .then((response) => {
      const forPerson = response.clone();
      const forDevice = response.clone();
      return dropPagesIfSignedOut(response)
        .then(() => notePerson(forPerson))
        .then(() => keepIfOwn(request.url, forDevice));
    })
    .catch(() => undefined);
  try {
    return await withTimeout(fetching, PAGE_TIMEOUT_MS);
  } catch (error) {
    const cached = await caches.match(pageKey(request.url), { cacheName: PAGES_CACHE, ignoreVary: true });
    if (cached) return shownFromDevice(cached);
    return offlinePage();
  }
}

async function shellAsset(request) {
  const cached = await caches.match(request, { cacheName: SHELL_CACHE, ignoreVary: true });
  return cached || fetch(request);
}

// The person's own pages, fetched and kept; pages no longer theirs are dropped.
let refreshing = null;

function refreshKeptPages() {
  if (refreshing) return refreshing;
  refreshing = (async () => {
    const answer = await fetch(KEPT_PAGES, { credentials: "same-origin", headers: { accept: "application/json" } });
    if (!answer.ok || answer.redirected) return;
    await notePerson(answer.clone());
    const person = answer.headers.get("x-onsplan-person");
    const list = await answer.json();
    const kept = list.pages || [];
    const households = list.households || [];
    await meta.set("kept", kept);
    await meta.set("households", households);
    await meta.set("keptAt", Date.now());
    const cache = await caches.open(PAGES_CACHE);
    for (const key of await cache.keys()) {
      const path = new URL(key.url).pathname;
      if (!kept.includes(path) && !households.some((prefix) => path.startsWith(prefix))) await cache.delete(key);
    }
    for (const path of kept) {
      const response = await fetch(path, { credentials: "same-origin" }).catch(() => null);
      if (response && response.ok && !response.redirected && response.headers.get("x-onsplan-person") === person) {
        await cache.put(pageKey(new URL(path, self.location.origin).href), response);
      }
    }
  })().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

async function keptPageList() {
  const cache = await caches.open(PAGES_CACHE);
  const pages = [];
  for (const key of await cache.keys()) {
    const response = await cache.match(key);
    const html = response ? await response.text() : "";
    const title = (html.match(/<title>([^<]*)<\/title>/) || [])[1] || new URL(key.url).pathname;
    pages.push({ url: new URL(key.url).pathname, title: title.replace(/&amp;/g, "&").replace(/&#39;/g, "'").replace(/&quot;/g, '"') });
  }
  return pages.sort((a, b) => a.url.localeCompare(b.url));
}

// ---- Changes made without a connection ----

function isOfflineForm(url) {
  return OFFLINE_FORMS.some((pattern) => pattern.test(url.pathname));
}

function isFragment(request) {
  return request.headers.get("hx-request") === "true" && !isPage(request);
}

function keptHeaders(request) {
  const headers = {};
  for (const name of KEPT_REQUEST_HEADERS) {
    const value = request.headers.get(name);
    if (value !== null) headers[name] = value;
  }
  return headers;
}

// Where "Terug" leads after a form was kept: the page the form was on, or for a form of its own (a goal
// or an action to edit or add) the plan it belongs to.
function backFrom(request) {
  let from;
  try {
    from = new URL(request.headers.get("hx-current-url") || request.referrer || "/mijn", self.location.origin);
  } catch (error) {
    return "/mijn";
  }
  if (from.origin !== self.location.origin) return "/mijn";
  const plan = from.pathname.match(/^(\/huishoudens\/[0-9a-f-]+\/plan)\/.+/);
  return plan ? plan[1] : from.pathname;
}

async function queuedAnswer(request, id) {
  const headers = { "x-onsplan-queued": String(id), "hx-push-url": "false" };
  if (isFragment(request)) {
    // The page shows the change as kept on this device (offline.js); nothing is swapped.
    return new Response(null, { status: 202, headers: { ...headers, "hx-reswap": "none" } });
  }
  const cached = await caches.match(QUEUED_PAGE, { cacheName: SHELL_CACHE, ignoreVary: true });
  const html = (cached ? await cached.text() : "").replace('href="/mijn" data-offline-back', () => `href="${backFrom(request)}" data-offline-back`);
  return new Response(html, { status: 200, headers: await pageHeaders(headers) });
}

// What the change was about, as the page names it ("Afvinken: ..."): offline.js sends it percent-encoded,
// as a header holds Latin-1 only.
function labelOf(request) {
  const raw = request.headers.get("x-onsplan-label") || "";
  try {
    return decodeURIComponent(raw);
  } catch (error) {
    return raw;
  }
}

async function keepChange(request, body) {
  const entry = {
    person: await meta.get("person"),
    url: request.url,
    method: request.method,
    body,
    headers: keptHeaders(request),
    label: labelOf(request),
    deviceTime: new Date().toISOString(),
    status: "wacht",
  };
  const id = await queue.add(entry);
  if (self.registration.sync) self.registration.sync.register(SYNC_TAG).catch(() => undefined);
  await announce();
  return id;
}

function noConnection(request) {
  if (isFragment(request)) return new Response(null, { status: 503, headers: { "hx-reswap": "none", "x-onsplan-offline": "1" } });
  return offlinePage(503);
}

async function sent(request) {
  const response = await fetch(request);
  await notePerson(response.clone());
  if (response.ok && response.headers.get("x-onsplan-person")) {
    await settleConflicts(request.url);
    await announce();
  }
  return response;
}

async function change(request) {
  const url = new URL(request.url);
  // Other forms need the connection: without it they say so, and nothing is kept.
  if (!isOfflineForm(url)) return sent(request).catch(() => noConnection(request));
  const body = await request.clone().text();
  if (!body.includes("_sleutel=")) return sent(request).catch(() => noConnection(request));
  // A change may not overtake one that waits: it joins the queue behind it, and the queue is sent now.
  if ((await waiting()).length) {
    const id = await keepChange(request, body);
    replay().catch(() => undefined);
    return queuedAnswer(request, id);
  }
  try {
    return await withTimeout(sent(request), CHANGE_TIMEOUT_MS);
  } catch (error) {
    const id = await keepChange(request, body);
    return queuedAnswer(request, id);
  }
}

async function signOut(request) {
  const body = await request.clone().text();
  try {
    const response = await fetch(request);
    if (response.ok || response.redirected) await wipe();
    return response;
  } catch (error) {
    // Without a connection: what is on this device goes now, and the session is ended on the server as
    // soon as there is a connection again, before anything else is fetched (endSessionAsked).
    await wipe();
    await meta.set("signOut", body);
    return offlinePage();
  }
}

let endingSession = null;

function endSessionAsked() {
  if (endingSession) return endingSession;
  endingSession = (async () => {
    const body = await meta.get("signOut");
    if (!body) return;
    const response = await fetch(SIGN_OUT, {
      method: "POST",
      body,
      credentials: "same-origin",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    if (response.ok || response.redirected) await meta.remove("signOut");
  })()
    .catch(() => undefined)
    .finally(() => {
      endingSession = null;
    });
  return endingSession;
}

async function waiting() {
  const person = await meta.get("person");
  return (await queue.all()).filter((entry) => entry.person === person && entry.status !== "conflict" && entry.status !== "geweigerd");
}

// Oldest first; it stops at the first change that cannot be sent yet (no connection, not signed in, a
// server error), so that none overtakes another.
let replaying = null;

function replay() {
  if (replaying) return replaying;
  replaying = (async () => {
    const person = await meta.get("person");
    const csrf = await meta.get("csrf");
    // The oldest that waits, read again after each: a change kept while this runs (it joins the queue
    // because this one waits) goes along, rather than waiting for the next start or "online" while online.
    for (let entry = (await waiting())[0]; entry; entry = (await waiting())[0]) {
      let response;
      try {
        response = await withTimeout(
          fetch(entry.url, {
            method: entry.method,
            body: entry.body,
            credentials: "same-origin",
            // Whose change it is: the server refuses it for anyone else signed in with this browser.
            headers: { ...entry.headers, "x-csrftoken": csrf || "", "x-device-time": entry.deviceTime, "x-onsplan-person": entry.person },
          }),
          CHANGE_TIMEOUT_MS
        );
      } catch (error) {
        break;
      }
      const who = response.headers.get("x-onsplan-person");
      if (!who && response.status === 403) break; // a token of an ended session: the next live page gives one
      if (response.status === 401 || !who) {
        // Signed out meanwhile (the session ended): it waits until the same person signs in again.
        entry.status = "aanmelden";
        await queue.put(entry);
        break;
      }
      if (who !== person) break;
      if (response.ok) {
        await queue.remove(entry.id);
        await settleConflicts(entry.url);
        await announce({ sent: entry.id });
      } else if (response.status >= 400 && response.status < 500) {
        entry.status = response.status === 409 && !isFragmentEntry(entry) ? "conflict" : "geweigerd";
        entry.answerStatus = response.status;
        entry.answer = await response.text();
        entry.answerIsPage = !isFragmentEntry(entry);
        await queue.put(entry);
        await announce();
      } else {
        break;
      }
    }
    await announce();
  })().finally(() => {
    replaying = null;
  });
  return replaying;
}

function isFragmentEntry(entry) {
  return entry.headers["hx-request"] === "true" && entry.headers["hx-boosted"] !== "true";
}

// The changes of the signed-in person that wait or could not be made, for the page to show.
async function summary() {
  const person = await meta.get("person");
  const mine = (await queue.all()).filter((entry) => entry.person === person);
  return {
    waiting: mine.filter((entry) => entry.status === "wacht" || entry.status === "aanmelden").length,
    signIn: mine.some((entry) => entry.status === "aanmelden"),
    problems: mine
      .filter((entry) => entry.status === "conflict" || entry.status === "geweigerd")
      .map((entry) => ({ id: entry.id, status: entry.status, label: entry.label, page: !!entry.answerIsPage })),
  };
}

async function announce(extra) {
  const message = { type: "onsplan-queue", ...(await summary()), ...(extra || {}) };
  for (const client of await self.clients.matchAll({ type: "window" })) client.postMessage(message);
}

// The answer a change got when it was sent (a conflict with both versions), shown as the page it was. It
// stays listed until the person saves that form after all or throws it away.
async function storedAnswer(url) {
  const id = Number(url.pathname.slice(ANSWER_PAGE.length));
  const person = await meta.get("person");
  const entry = (await queue.all()).find((row) => row.id === id && row.person === person);
  if (!entry || !entry.answer) return offlinePage(404);
  return new Response(entry.answer, { status: 200, headers: await pageHeaders({ "hx-push-url": "false" }) });
}

// A form saved after all (from the conflict page, or again later): its conflict is settled.
async function settleConflicts(url) {
  const person = await meta.get("person");
  for (const entry of await queue.all()) {
    if (entry.status === "conflict" && entry.url === url && entry.person === person) await queue.remove(entry.id);
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "GET") {
    if (url.pathname.startsWith(ANSWER_PAGE)) event.respondWith(storedAnswer(url));
    else if (url.pathname.startsWith("/static/")) event.respondWith(shellAsset(request));
    else if (isPage(request)) event.respondWith(endSessionAsked().then(() => page(request)));
    return;
  }
  if (request.method !== "POST") return;
  if (url.pathname === SIGN_OUT) event.respondWith(signOut(request));
  else event.respondWith(endSessionAsked().then(() => change(request)));
});

self.addEventListener("sync", (event) => {
  if (event.tag === SYNC_TAG) event.waitUntil(replay());
});

// Messages from the pages (offline.js): each may answer through the port it sent.
self.addEventListener("message", (event) => {
  const data = event.data || {};
  const reply = (value) => event.ports[0] && event.ports[0].postMessage(value);
  const work = (async () => {
    if (data.csrf) await meta.set("csrf", data.csrf);
    if (data.type === "hello") {
      reply(await summary());
      const keptAt = (await meta.get("keptAt")) || 0;
      if (data.online) {
        replay().catch(() => undefined);
        if (data.refresh || Date.now() - keptAt > REFRESH_AFTER_MS) await refreshKeptPages().catch(() => undefined);
      }
    } else if (data.type === "replay") {
      await replay();
      reply(await summary());
    } else if (data.type === "retry") {
      const entry = (await queue.all()).find((row) => row.id === data.id);
      if (entry) {
        entry.status = "wacht";
        delete entry.answer;
        await queue.put(entry);
      }
      await replay();
      reply(await summary());
    } else if (data.type === "discard") {
      await queue.remove(data.id);
      await announce();
      reply(await summary());
    } else if (data.type === "unsent") {
      reply((await queue.all()).length);
    } else if (data.type === "pages") {
      reply(await keptPageList());
    } else if (data.type === "wipe") {
      await wipe();
      reply(await summary());
    }
  })();
  event.waitUntil(work.catch(() => reply(null)));
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
