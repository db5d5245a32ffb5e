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
        if (data.counters) updateCounters(data.counters);
        if (navigator.vibrate && data.ok) navigator.vibrate(data.first ? 80 : [60, 60, 60]);
        if (offline && data.ok) offline.markCheckedIn(code);
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
    checkIn(input.value.trim())
      .then(function () { input.value = ""; input.focus(); })
      .catch(function () { form.submit(); });
  });

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
