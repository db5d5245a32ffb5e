// After a failed submission, take the reader to the list of errors at the top of the form, and from each error to
// its field. Without JavaScript the summary is still the first thing of the form and its links still scroll.
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (!summary) {
    return;
  }
  summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) {
      return;
    }
    var field = document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!field) {
      return;
    }
    event.preventDefault();
    var folded = field.closest("details");
    if (folded) {
      folded.open = true;
    }
    // Show the question with its field: the fieldset's legend for a group of choices, else the field's label.
    var choice = (field.type === "radio" || field.type === "checkbox") && document.getElementsByName(field.name).length > 1;
    var group = choice ? field.closest("fieldset") : null;
    var legend = group ? group.querySelector(":scope > legend") : null;
    var label = document.querySelector("label[for='" + field.id + "']");
    var context = legend || label || field;
    context.scrollIntoView({ block: "start" });
    field.focus({ preventScroll: true });
  });
})();
