// Service worker of the counter kiosk: a kiosk that reloads while the network is down
// still shows its page (the queued responses and the questionnaire live in localStorage).
// Served from /s/kiosk-sw.js so that its scope can be the kiosk page. Network first, so
// a new version is used as soon as it is reachable; the cache only when the network
// fails. It handles the kiosk page and the files it loads — never the API.
"use strict";
var CACHE = "kiosk-v1";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

function isPage(request) {
  return request.mode === "navigate" && request.url.split(/[?#]/)[0] === self.registration.scope;
}
function isAsset(request) {
  return ["script", "style", "image", "font"].indexOf(request.destination) >= 0;
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  var page = isPage(request);
  if (!page && !isAsset(request)) return;
  var key = page ? self.registration.scope : request;
  event.respondWith(
    fetch(request).then(function (response) {
      if (response.ok) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { return cache.put(key, copy); });
      }
      return response;
    }).catch(function () {
      return caches.match(key, { ignoreVary: true }).then(function (hit) {
        return hit || Response.error();
      });
    })
  );
});
