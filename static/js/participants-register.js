// Show only the districts of the chosen province; without JavaScript every district is listed by province.
(function () {
  "use strict";
  var province = document.getElementById("id_province");
  var district = document.getElementById("id_district");
  if (!province || !district) return;

  function filter() {
    var chosen = province.selectedIndex > 0 ? province.options[province.selectedIndex].text : "";
    Array.prototype.forEach.call(district.querySelectorAll("optgroup"), function (group) {
      var show = !chosen || group.label === chosen;
      group.hidden = !show;
      group.disabled = !show;
    });
    var selected = district.options[district.selectedIndex];
    if (selected && selected.parentElement.tagName === "OPTGROUP" && selected.parentElement.disabled) {
      district.value = "";
    }
  }

  province.addEventListener("change", filter);
  filter();
})();
