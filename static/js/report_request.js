/* The report request form: show the park or subdistrict choice only for that scope, and the
 * day or the custom first and last days only for their kind of period. Without this script
 * every field shows and the server still checks what each scope and period needs. */
(function () {
  "use strict";

  function wrapper(id) {
    var field = document.getElementById(id);
    return field ? field.closest(".mb-3") : null;
  }

  function checked(name) {
    var input = document.querySelector('#report-request-form input[name="' + name + '"]:checked');
    return input ? input.value : "";
  }

  function show(id, visible) {
    var element = wrapper(id);
    if (element) element.hidden = !visible;
  }

  function update() {
    var scope = checked("scope");
    var kind = checked("period_kind");
    show("id_park", scope === "park");
    show("id_subdistrict", scope === "subdistrict");
    show("id_day", kind !== "custom");
    show("id_start", kind === "custom");
    show("id_end", kind === "custom");
  }

  var form = document.getElementById("report-request-form");
  if (!form) return;
  form.addEventListener("change", update);
  update();
})();
