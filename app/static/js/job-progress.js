// The job page, refreshed in place: every two seconds the page is fetched again and only its
// status block is swapped, so focus and the reading position stay where they are and screen
// readers hear the change once (aria-live). Without JavaScript a <noscript> meta refresh
// reloads the whole page instead.
(function () {
  "use strict";
  var status = document.querySelector("[data-job-active]");
  if (!status || status.getAttribute("data-job-active") !== "true" || !window.fetch) {
    return;
  }
  var delay = 2000;

  function swap(html) {
    var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("[data-job-active]");
    if (!fresh) {
      return false;
    }
    status.innerHTML = fresh.innerHTML;
    status.setAttribute("data-job-active", fresh.getAttribute("data-job-active"));
    return fresh.getAttribute("data-job-active") === "true";
  }

  function poll() {
    fetch(window.location.href, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (html) { if (swap(html)) { window.setTimeout(poll, delay); } })
      .catch(function () { window.setTimeout(poll, delay * 2); });
  }

  window.setTimeout(poll, delay);
})();
