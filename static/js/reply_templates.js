/* A unit's reply form: choosing one of the office's standard replies (标准答复) adds its text to
 * the reply, where the unit adapts it. Bound here, since the CSP refuses inline scripts. */
(function () {
  "use strict";

  document.querySelectorAll("select[data-insert-into]").forEach(function (select) {
    select.addEventListener("change", function () {
      var option = select.options[select.selectedIndex];
      var target = document.getElementById(select.dataset.insertInto);
      if (!option || !option.dataset.text || !target) {
        return;
      }
      var text = option.dataset.text;
      var before = target.value.slice(0, target.selectionStart);
      var after = target.value.slice(target.selectionEnd);
      var joiner = before && !before.endsWith("\n") ? "\n" : "";
      target.value = before + joiner + text + after;
      var caret = (before + joiner + text).length;
      target.focus();
      target.setSelectionRange(caret, caret);
      target.dispatchEvent(new Event("input", { bubbles: true }));
      select.value = "";
    });
  });
})();
