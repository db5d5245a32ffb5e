// Show the contact fields only when the submitter lets NSSF contact them. Hidden fields are also disabled, so a
// name typed before choosing "anonymous" is never sent. Without JavaScript every field shows and the server
// says which apply.
(function () {
  "use strict";
  var box = document.getElementById("contact-fields");
  var choices = document.querySelectorAll("input[name='contact_choice']");
  if (!box || !choices.length) {
    return;
  }

  function apply() {
    var chosen = document.querySelector("input[name='contact_choice']:checked");
    var contact = Boolean(chosen) && chosen.value === "contact";
    box.hidden = !contact;
    Array.prototype.forEach.call(box.querySelectorAll("input, select, textarea"), function (field) {
      field.disabled = !contact;
    });
  }

  Array.prototype.forEach.call(choices, function (choice) {
    choice.addEventListener("change", apply);
  });
  apply();
})();
