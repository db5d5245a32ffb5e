// Keep organizer figures current: every 20 seconds, re-read this page and swap in the regions marked
// data-live (targets against registrations and check-ins, totals). Without JavaScript, reload the page.
(function () {
  "use strict";
  var regions = document.querySelectorAll("[data-live][id]");
  if (!regions.length || !window.fetch || !window.DOMParser) return;

  function refresh() {
    if (document.hidden) return;
    fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html");
        regions.forEach(function (region) {
          var replacement = fresh.getElementById(region.id);
          if (replacement && replacement.innerHTML !== region.innerHTML) region.innerHTML = replacement.innerHTML;
        });
      })
      .catch(function () {});
  }

  window.setInterval(refresh, 20000);
})();
