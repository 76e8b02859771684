/* The page shown after signing out: forget every grid-log draft kept in this browser.
 *
 * A phone may be shared; a half-typed note can name workers and what they asked for. The drafts
 * (static/js/activity_draft.js) live under "activity-draft:<user>:<form key>".
 */
(function () {
  "use strict";

  var PREFIX = "activity-draft:";
  try {
    var storage = window.localStorage;
    var keys = [];
    for (var i = 0; i < storage.length; i += 1) {
      var key = storage.key(i);
      if (key && key.indexOf(PREFIX) === 0) {
        keys.push(key);
      }
    }
    keys.forEach(function (key) { storage.removeItem(key); });
  } catch (error) {
    // Storage turned off: nothing was kept either.
  }
})();
