// Check-in at the door: scan a QR code (BarcodeDetector, or the vendored jsQR where it is missing),
// or type a code; the result and the live counters update in place. Without JavaScript the forms post.
(function () {
  "use strict";

  var form = document.getElementById("check-in-form");
  var result = document.getElementById("check-in-result");
  var counters = document.getElementById("check-in-counters");
  var scanner = document.getElementById("scanner");
  var startButton = document.getElementById("scanner-start");
  var stopButton = document.getElementById("scanner-stop");
  var video = document.getElementById("scanner-video");
  var canvas = document.getElementById("scanner-canvas");
  var statusLine = document.getElementById("scanner-status");
  if (!form) return;

  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var stream = null;
  var detector = null;
  var lastCode = "";
  var lastAt = 0;
  var busy = false;
  // With no connection, checkin-offline.js checks people in on the device and sends them later.
  var offline = window.CheckInOffline || null;

  function updateCounters(data) {
    Object.keys(data).forEach(function (key) {
      var node = counters.querySelector("[data-counter='" + key + "']");
      if (node) node.textContent = String(data[key]);
    });
  }

  function showResult(ok, first, message) {
    var box = document.createElement("div");
    box.className = "alert mb-0 " + (ok ? (first ? "alert-success" : "alert-warning") : "alert-danger");
    box.textContent = message;
    result.replaceChildren(box);
    if (offline && !(ok && first)) offline.speak(message);
  }

  // The full-screen result: who it is and what to do next. A welcome closes by itself after a moment;
  // a refusal stays until the organizer acts or taps "Next person". The search stays as it was.
  var screenBox = document.getElementById("check-in-screen-box");
  var searchInput = document.getElementById("check-in-search");
  var screenTimer = null;
  var returnFocus = null;

  function closeScreen() {
    window.clearTimeout(screenTimer);
    if (screenBox) screenBox.replaceChildren();
    if (returnFocus) returnFocus.focus();
  }

  function wireScreen() {
    var screen = screenBox && screenBox.querySelector(".check-in-screen");
    if (!screen) return;
    var next = screen.querySelector("[data-check-in-next]");
    next.addEventListener("click", function (event) {
      event.preventDefault();
      closeScreen();
    });
    screen.addEventListener("keydown", function (event) {
      if (event.key === "Escape") closeScreen();
    });
    next.focus();
    if (screen.dataset.tone === "success") screenTimer = window.setTimeout(closeScreen, 3000);
  }

  function showScreen(html) {
    if (!screenBox || !html) return;
    window.clearTimeout(screenTimer);
    // Rendered and escaped by the server (participants/_check_in_screen.html).
    screenBox.innerHTML = html;
    wireScreen();
  }

  function checkIn(code) {
    if (offline && !navigator.onLine) return Promise.resolve(offline.checkIn(code));
    var body = new FormData();
    body.append("code", code);
    body.append("csrfmiddlewaretoken", csrf);
    return fetch(form.action || window.location.pathname, {
      method: "POST",
      body: body,
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        showResult(data.ok, data.first, data.message);
        showScreen(data.screen);
        if (data.counters) updateCounters(data.counters);
        if (navigator.vibrate && data.ok) navigator.vibrate(data.first ? 80 : [60, 60, 60]);
        if (offline && data.ok) offline.markCheckedIn(code);
        return data;
      })
      .catch(function (error) {
        // The connection dropped on the way: the device takes the check-in and sends it later.
        if (!offline) throw error;
        offline.checkIn(code);
      });
  }

  form.addEventListener("submit", function (event) {
    var input = form.querySelector("input[name=code]");
    if (!input.value.trim()) return;
    event.preventDefault();
    returnFocus = input;
    checkIn(input.value.trim())
      .then(function () { input.value = ""; if (!screenBox || !screenBox.firstChild) input.focus(); })
      .catch(function () { form.submit(); });
  });

  // "Check in" beside a search result: in place, keeping the search and its results on the screen.
  document.querySelectorAll("form[data-check-in-row]").forEach(function (rowForm) {
    rowForm.addEventListener("submit", function (event) {
      event.preventDefault();
      returnFocus = searchInput;
      var code = rowForm.querySelector("input[name=code]").value;
      checkIn(code)
        .then(function (data) {
          if (!data || !data.ok) return;
          var done = document.createElement("span");
          done.className = "badge text-bg-success";
          done.textContent = rowForm.dataset.done;
          rowForm.replaceWith(done);
        })
        .catch(function () { rowForm.submit(); });
    });
  });
  wireScreen();

  function onCode(code) {
    var now = Date.now();
    if (busy || (code === lastCode && now - lastAt < 4000)) return;
    lastCode = code;
    lastAt = now;
    busy = true;
    checkIn(code).finally(function () { busy = false; });
  }

  function scanWithJsQR() {
    var context = canvas.getContext("2d", { willReadFrequently: true });
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    context.drawImage(video, 0, 0, canvas.width, canvas.height);
    var image = context.getImageData(0, 0, canvas.width, canvas.height);
    var found = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
    return Promise.resolve(found ? [found.data] : []);
  }

  function scanWithDetector() {
    return detector.detect(video).then(function (codes) {
      return codes.map(function (code) { return code.rawValue; });
    });
  }

  function loop() {
    if (!stream) return;
    if (video.readyState >= 2) {
      (detector ? scanWithDetector() : scanWithJsQR())
        .then(function (codes) { if (codes.length) onCode(codes[0]); })
        .catch(function () {})
        .finally(function () { window.setTimeout(loop, 250); });
    } else {
      window.setTimeout(loop, 250);
    }
  }

  function loadJsQR() {
    if (window.jsQR) return Promise.resolve();
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = scanner.dataset.jsqr;
      script.onload = resolve;
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  function prepareDetector() {
    if ("BarcodeDetector" in window) {
      return window.BarcodeDetector.getSupportedFormats().then(function (formats) {
        if (formats.indexOf("qr_code") >= 0) {
          detector = new window.BarcodeDetector({ formats: ["qr_code"] });
          return;
        }
        return loadJsQR();
      });
    }
    return loadJsQR();
  }

  function start() {
    prepareDetector()
      .then(function () {
        return navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
      })
      .then(function (media) {
        stream = media;
        video.srcObject = media;
        scanner.classList.remove("d-none");
        startButton.classList.add("d-none");
        statusLine.textContent = scanner.dataset.msgScanning;
        return video.play();
      })
      .then(loop)
      .catch(function () {
        showResult(false, false, scanner.dataset.msgNoCamera);
      });
  }

  function stop() {
    if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
    stream = null;
    scanner.classList.add("d-none");
    startButton.classList.remove("d-none");
  }

  if (navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
    startButton.classList.remove("d-none");
    startButton.addEventListener("click", start);
    stopButton.addEventListener("click", stop);
  }

  window.setInterval(function () {
    fetch(counters.dataset.url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(updateCounters)
      .catch(function () {});
  }, 15000);
})();
