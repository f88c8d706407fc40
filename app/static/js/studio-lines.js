// Progressive enhancement for the studio's draft page: a problem link ("Les 1, regel 5") selects
// that line in its text area instead of only focusing the field. Without JavaScript the link
// still leads to the field; nothing here is needed to write or save.
(function () {
  "use strict";
  function selectLine(textarea, line) {
    var lines = textarea.value.split("\n");
    var start = 0;
    for (var i = 0; i < line - 1 && i < lines.length; i += 1) {
      start += lines[i].length + 1;
    }
    var end = start + (lines[line - 1] || "").length;
    textarea.focus();
    textarea.setSelectionRange(start, end);
    // Scroll the selected line into view: about one line height per line above it.
    var lineHeight = parseFloat(window.getComputedStyle(textarea).lineHeight) || 20;
    textarea.scrollTop = Math.max(0, (line - 3) * lineHeight);
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-line]");
    if (!link) {
      return;
    }
    var textarea = document.getElementById(link.getAttribute("href").slice(1));
    if (!textarea || textarea.tagName !== "TEXTAREA") {
      return;
    }
    event.preventDefault();
    selectLine(textarea, parseInt(link.getAttribute("data-line"), 10));
  });
})();
