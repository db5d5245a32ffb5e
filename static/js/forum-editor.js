// The forum editor's agenda, improved in place when JavaScript runs. Without it the page still works: the
// "Add agenda rows" button posts the form back with three more empty rows, each row has a "Delete" box, the
// speakers are a multiple select, and new speakers are typed one a line.
// With it: rows are added and removed without a page load (the formset's empty form is cloned and the
// management form's count raised), and each row's speakers become a searchable list with "add a new speaker".
(function () {
  "use strict";

  var rows = document.getElementById("agenda-rows");
  var template = document.getElementById("agenda-empty-row");
  var addButton = document.getElementById("agenda-add");
  if (!rows || !template || !addButton) return;
  var d = rows.dataset;
  var total = document.getElementById("id_" + d.prefix + "-TOTAL_FORMS");

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  // A searchable list of checkboxes that drives the hidden multiple select (which is what the form posts).
  function speakerPicker(select) {
    if (select.dataset.picker) return;
    select.dataset.picker = "1";
    var box = element("div", "speaker-picker");
    var search = element("input", "form-control form-control-sm mb-1");
    search.type = "search";
    search.setAttribute("aria-label", d.msgSearch);
    search.placeholder = d.msgSearch;
    var list = element("div", "speaker-picker-list border rounded p-2");
    var none = element("p", "small mb-0 d-none", d.msgNoSpeaker);
    Array.prototype.forEach.call(select.options, function (option, index) {
      var wrap = element("div", "form-check");
      var check = element("input", "form-check-input");
      check.type = "checkbox";
      check.id = select.id + "-pick-" + index;
      check.checked = option.selected;
      check.addEventListener("change", function () { option.selected = check.checked; });
      var label = element("label", "form-check-label", option.text);
      label.htmlFor = check.id;
      wrap.append(check, label);
      list.append(wrap);
    });
    list.append(none);
    search.addEventListener("input", function () {
      var wanted = search.value.trim().toLowerCase();
      var shown = 0;
      list.querySelectorAll(".form-check").forEach(function (wrap) {
        var match = !wanted || wrap.textContent.toLowerCase().indexOf(wanted) >= 0;
        wrap.classList.toggle("d-none", !match);
        if (match) shown += 1;
      });
      none.classList.toggle("d-none", shown > 0);
    });
    box.append(search, list);
    select.classList.add("d-none");
    select.after(box);
  }

  // "Add a new speaker" beside the picker: one line of the row's new-speakers box, which the form posts.
  function newSpeakerInput(textarea) {
    if (textarea.dataset.adder) return;
    textarea.dataset.adder = "1";
    var group = element("div", "input-group input-group-sm mb-2");
    var input = element("input", "form-control");
    input.type = "text";
    input.setAttribute("aria-label", d.msgNewSpeaker);
    input.placeholder = d.msgNewSpeaker;
    var button = element("button", "btn btn-outline-secondary", d.msgAdd);
    button.type = "button";
    function add() {
      var line = input.value.trim();
      if (!line) return;
      textarea.value = (textarea.value.trim() ? textarea.value.trim() + "\n" : "") + line;
      input.value = "";
      input.focus();
    }
    button.addEventListener("click", add);
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        add();
      }
    });
    group.append(input, button);
    textarea.before(group);
  }

  // "Remove this row" ticks the row's Delete box and folds the row away, with a way back until saving.
  function removeButton(row) {
    var remove = row.querySelector("input[name$='-DELETE']");
    if (!remove || row.dataset.removable) return;
    row.dataset.removable = "1";
    var deleteWrap = remove.closest(".form-check, .mb-3") || remove.parentElement;
    deleteWrap.classList.add("d-none");
    var button = element("button", "btn btn-sm btn-outline-danger", d.msgRemove);
    button.type = "button";
    var notice = element("div", "d-flex flex-wrap gap-2 align-items-center d-none");
    var undo = element("button", "btn btn-sm btn-outline-secondary", d.msgUndo);
    undo.type = "button";
    notice.append(element("span", "", d.msgRemoved), undo);
    var body = Array.prototype.slice.call(row.children);
    button.addEventListener("click", function () {
      remove.checked = true;
      body.forEach(function (node) { node.classList.add("d-none"); });
      notice.classList.remove("d-none");
      undo.focus();
    });
    undo.addEventListener("click", function () {
      remove.checked = false;
      body.forEach(function (node) { node.classList.remove("d-none"); });
      notice.classList.add("d-none");
      button.focus();
    });
    row.append(button, notice);
  }

  function enhance(row) {
    row.querySelectorAll("select[multiple][name$='-speakers']").forEach(speakerPicker);
    row.querySelectorAll("textarea[name$='-new_speakers']").forEach(newSpeakerInput);
    removeButton(row);
  }

  addButton.addEventListener("click", function (event) {
    var count = parseInt(total.value, 10) || 0;
    if (count >= (parseInt(d.max, 10) || 1000)) return; // the server says why
    event.preventDefault();
    var holder = document.createElement("div");
    holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(count));
    var row = holder.firstElementChild;
    rows.append(row);
    total.value = String(count + 1);
    enhance(row);
    var first = row.querySelector("input:not([type=hidden]), select, textarea");
    if (first) first.focus();
  });

  rows.querySelectorAll(".agenda-item").forEach(enhance);
})();
