// The check-in page's service worker, served from under the page (participants:check_in_sw), so it controls
// the check-in pages of one forum only. It keeps the page and its scripts and styles, so the page opens again
// with no connection; the roster and the queue live in the page's storage (checkin-offline.js), not here.
"use strict";

var CACHE = "check-in-v1";

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

// The page names what it loaded before this worker controlled it; each is kept if it can be fetched.
self.addEventListener("message", function (event) {
  var urls = (event.data && event.data.cache) || [];
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      return Promise.all(
        urls.map(function (url) {
          return cache.add(new Request(url, { credentials: "same-origin" })).catch(function () {});
        })
      );
    })
  );
});

function isData(url) {
  return /\/check-in\/(roster|sync|counters)\/$/.test(url.pathname);
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin || isData(url)) return;
  if (request.mode === "navigate") {
    // The page from the network while there is one (fresh counters and messages), else the kept copy.
    event.respondWith(
      fetch(request)
        .then(function (response) {
          // A search result page is not kept: the kept page shows no one's details beyond the roster's.
          if (response.ok && !response.redirected && !url.search) {
            var copy = response.clone();
            caches.open(CACHE).then(function (cache) { cache.put(url.pathname, copy); });
          }
          return response;
        })
        .catch(function () {
          return caches.match(url.pathname).then(function (kept) { return kept || Response.error(); });
        })
    );
    return;
  }
  if (url.pathname.indexOf("/static/") !== 0) {
    event.respondWith(
      fetch(request).catch(function () {
        return caches.match(request).then(function (kept) { return kept || Response.error(); });
      })
    );
    return;
  }
  event.respondWith(
    caches.match(request).then(function (kept) {
      return (
        kept ||
        fetch(request).then(function (response) {
          if (response.ok) {
            var copy = response.clone();
            caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
          }
          return response;
        })
      );
    })
  );
});
