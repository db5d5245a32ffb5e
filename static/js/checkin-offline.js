// Check-in with no connection. The page keeps the forum's roster (code, name, status) in this browser's storage;
// with no connection a scan, a typed code or a name search checks a person in on the device with the time, and
// walk-ins are recorded the same way. Each is queued with an id made here and sent once the connection returns,
// one at a time (the server applies an id once); conflicts are listed. The service worker (checkin-sw.js) keeps
// the page itself, so it opens again with no connection. check-in.js calls window.CheckInOffline.
(function () {
  "use strict";

  var root = document.getElementById("check-in-offline");
  if (!root || !window.localStorage) return;
  var d = root.dataset;
  var rosterKey = "checkin:" + d.forum + ":roster";
  var queueKey = "checkin:" + d.forum + ":queue";
  var conflictsKey = "checkin:" + d.forum + ":conflicts";
  var csrf = document.querySelector("input[name=csrfmiddlewaretoken]").value;
  var result = document.getElementById("check-in-result");
  var counters = document.getElementById("check-in-counters");
  var statusLine = document.getElementById("offline-status");
  var pendingLine = document.getElementById("offline-pending");
  var conflictsBox = document.getElementById("sync-conflicts-box");
  var conflictsList = document.getElementById("sync-conflicts");
  var search = document.getElementById("device-search");
  var searchResults = document.getElementById("device-results");
  var walkInForm = document.getElementById("walk-in-device-form");
  var syncing = false;

  function load(key, fallback) {
    try {
      var value = JSON.parse(window.localStorage.getItem(key));
      return value === null ? fallback : value;
    } catch (error) {
      return fallback;
    }
  }

  function save(key, value) {
    window.localStorage.setItem(key, JSON.stringify(value));
  }

  function fill(template, values) {
    return template.replace(/__([A-Z]+)__/g, function (match, name) {
      return name in values ? String(values[name]) : match;
    });
  }

  function newId() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    var bytes = window.crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  function normaliseCode(value) {
    var khmer = "០១២៣៤៥៦៧៨៩";
    return String(value || "")
      .replace(/[០-៩]/g, function (digit) { return String(khmer.indexOf(digit)); })
      .toUpperCase()
      .replace(/[^0-9A-Z]/g, "");
  }

  function speak(message) {
    if (!("speechSynthesis" in window)) return;
    var utterance = new window.SpeechSynthesisUtterance(message);
    utterance.lang = d.speechLang;
    window.speechSynthesis.cancel();
    window.speechSynthesis.speak(utterance);
  }

  // Say the outcome on screen; a refusal is also said aloud, so the person at the door hears why.
  function show(kind, message) {
    var box = document.createElement("div");
    box.className = "alert mb-0 alert-" + kind;
    box.textContent = message;
    result.replaceChildren(box);
    if (kind === "danger" || kind === "warning") speak(message);
  }

  function roster() {
    var data = load(rosterKey, null);
    if (data && new Date(data.ends_at) < new Date()) {
      forgetRoster();
      return null;
    }
    return data;
  }

  function forgetRoster() {
    window.localStorage.removeItem(rosterKey);
  }

  function queue() {
    return load(queueKey, []);
  }

  function renderCounters() {
    var data = load(rosterKey, null);
    if (!data || !counters) return;
    var pending = queue();
    var walkIns = pending.filter(function (item) { return item.kind === "walk_in"; }).length;
    var values = { checked_in: data.counters.checked_in + pending.length, confirmed: data.counters.confirmed + walkIns };
    Object.keys(values).forEach(function (key) {
      var node = counters.querySelector("[data-counter='" + key + "']");
      if (node) node.textContent = String(values[key]);
    });
  }

  function renderStatus() {
    statusLine.textContent = navigator.onLine ? d.msgOnline : d.msgOffline;
    var count = queue().length;
    pendingLine.textContent = count ? fill(d.msgPending, { COUNT: count }) : "";
    var conflicts = load(conflictsKey, []);
    conflictsList.replaceChildren.apply(
      conflictsList,
      conflicts.map(function (text) {
        var item = document.createElement("li");
        item.textContent = text;
        return item;
      })
    );
    conflictsBox.classList.toggle("d-none", conflicts.length === 0);
  }

  function enqueue(item) {
    var pending = queue();
    pending.push(item);
    save(queueKey, pending);
    renderCounters();
    renderStatus();
    if (navigator.onLine) sync();
  }

  // Check a person in on the device; return false (and say why) when the roster refuses it.
  function checkIn(code) {
    var data = roster();
    if (!data) {
      show("danger", d.msgNoRoster);
      return false;
    }
    var wanted = normaliseCode(code);
    var person = data.registrations.filter(function (one) { return one.code === wanted; })[0];
    if (!person) {
      show("danger", d.msgUnknown);
      return false;
    }
    var name = { NAME: person.name };
    if (person.status === "cancelled") {
      show("danger", fill(d.msgCancelled, name));
      return false;
    }
    if (person.status === "waiting") {
      show("danger", fill(d.msgWaiting, name));
      return false;
    }
    if (person.status === "checked_in") {
      show("warning", fill(d.msgAlready, name));
      return false;
    }
    person.status = "checked_in";
    save(rosterKey, data);
    enqueue({ id: newId(), kind: "check_in", code: person.code, name: person.name, at: new Date().toISOString() });
    show("success", fill(d.msgCheckedIn, name));
    if (navigator.vibrate) navigator.vibrate(80);
    runSearch();
    return true;
  }

  // The page checked someone in online: the roster says so too, for a later scan with no connection.
  function markCheckedIn(code) {
    var data = load(rosterKey, null);
    if (!data) return;
    var wanted = normaliseCode(code);
    data.registrations.forEach(function (one) {
      if (one.code === wanted && one.status === "confirmed") one.status = "checked_in";
    });
    save(rosterKey, data);
  }

  function addConflict(message) {
    var conflicts = load(conflictsKey, []);
    conflicts.push(message);
    save(conflictsKey, conflicts);
  }

  // Send the queue one item at a time; an item leaves the queue only once the server has answered it.
  function sync() {
    var pending = queue();
    if (syncing) return;
    if (!pending.length) {
      refreshRoster();
      return;
    }
    syncing = true;
    var item = pending[0];
    fetch(d.syncUrl, {
      method: "POST",
      body: JSON.stringify(item),
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf },
      credentials: "same-origin",
    })
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (response.redirected || response.status >= 500 || type.indexOf("application/json") !== 0) {
          throw new Error("not answered");
        }
        return response.json();
      })
      .then(function (data) {
        save(queueKey, queue().filter(function (one) { return one.id !== item.id; }));
        if (!data.ok) addConflict(data.message);
        syncing = false;
        renderStatus();
        // Other doors send theirs at the same moment: look again shortly, so the counters include them.
        if (!queue().length) window.setTimeout(refreshRoster, 3000);
        sync();
      })
      .catch(function () {
        syncing = false;
        renderStatus();
      });
  }

  // Fetch the roster and counters as the server has them now (every door's check-ins), then replay the queue.
  function refreshRoster() {
    return fetch(d.rosterUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (response.redirected || response.status === 403 || response.status === 404) {
          forgetRoster();
          throw new Error("no longer allowed");
        }
        if (!response.ok) throw new Error("not answered");
        return response.json();
      })
      .then(function (data) {
        var queued = queue().map(function (one) { return one.code; });
        data.registrations.forEach(function (one) {
          if (queued.indexOf(one.code) >= 0) one.status = "checked_in";
        });
        save(rosterKey, data);
        if (!roster()) return;
        renderCounters();
        renderStatus();
        runSearch();
      })
      .catch(function () {});
  }

  function statusLabel(status) {
    return {
      confirmed: d.statusConfirmed,
      checked_in: d.statusCheckedIn,
      waiting: d.statusWaiting,
      cancelled: d.statusCancelled,
    }[status] || status;
  }

  function runSearch() {
    if (!search) return;
    var text = search.value.trim().toLowerCase();
    if (text.length < 2) {
      searchResults.replaceChildren();
      return;
    }
    var data = roster();
    if (!data) {
      searchResults.replaceChildren();
      return;
    }
    var code = normaliseCode(text);
    var found = data.registrations
      .filter(function (one) {
        return one.name.toLowerCase().indexOf(text) >= 0 || (code.length >= 3 && one.code.indexOf(code) >= 0);
      })
      .slice(0, 10);
    if (!found.length) {
      var none = document.createElement("li");
      none.className = "list-group-item";
      none.textContent = d.msgNobody;
      searchResults.replaceChildren(none);
      return;
    }
    searchResults.replaceChildren.apply(
      searchResults,
      found.map(function (one) {
        var item = document.createElement("li");
        item.className = "list-group-item d-flex flex-wrap justify-content-between align-items-center gap-2";
        var label = document.createElement("div");
        label.textContent = one.name + " · " + one.code + " · " + statusLabel(one.status);
        item.appendChild(label);
        if (one.status === "confirmed") {
          var button = document.createElement("button");
          button.type = "button";
          button.className = "btn btn-success";
          button.textContent = fill(d.msgCheckIn, { NAME: one.name });
          button.addEventListener("click", function () { checkIn(one.code); });
          item.appendChild(button);
        }
        return item;
      })
    );
  }

  function recordWalkIn(event) {
    event.preventDefault();
    if (!walkInForm.reportValidity()) return;
    var fields = {};
    new FormData(walkInForm).forEach(function (value, name) {
      if (name === "csrfmiddlewaretoken") return;
      (fields[name] = fields[name] || []).push(value);
    });
    var name = (fields["walkin-full_name"] || [""])[0];
    enqueue({ id: newId(), kind: "walk_in", name: name, at: new Date().toISOString(), fields: fields });
    show("success", fill(d.msgWalkIn, { NAME: name }));
    walkInForm.reset();
  }

  // Keep the page for use with no connection: the worker's scope is this forum's check-in pages only.
  function keepPage() {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker
      .register(d.swUrl, { scope: d.scope })
      .then(function () { return navigator.serviceWorker.ready; })
      .then(function (registration) {
        var urls = [d.scope, d.walkInUrl];
        document.querySelectorAll("script[src], link[rel=stylesheet], link[rel=icon], link[rel=manifest]")
          .forEach(function (node) { urls.push(node.src || node.href); });
        var scanner = document.getElementById("scanner");
        if (scanner && scanner.dataset.jsqr) urls.push(scanner.dataset.jsqr);
        registration.active.postMessage({ cache: urls });
      })
      .catch(function () {});
  }

  window.CheckInOffline = { checkIn: checkIn, markCheckedIn: markCheckedIn, speak: speak };

  root.classList.remove("d-none");
  if (search) search.addEventListener("input", runSearch);
  if (walkInForm) walkInForm.addEventListener("submit", recordWalkIn);
  document.getElementById("sync-conflicts-clear").addEventListener("click", function () {
    window.localStorage.removeItem(conflictsKey);
    renderStatus();
  });
  window.addEventListener("online", function () {
    renderStatus();
    sync();
  });
  window.addEventListener("offline", renderStatus);
  if (new Date(d.endsAt) < new Date()) forgetRoster();
  renderCounters();
  renderStatus();
  keepPage();
  if (navigator.onLine) sync();
})();
