/* The grid log's phone form keeps what was typed in this browser until the entry is saved.
 *
 * Every change is written to localStorage under "activity-draft:<user>:<form key>" (the form
 * key names the zone, the park or the entry being corrected) together with the entry's client
 * id, so a resend after the network dropped finds the first entry instead of logging a second.
 * Photos cannot be kept in storage; they are attached again. The page reached after saving
 * carries the saved entry's client id (data-saved-client) and forgets the draft holding that id
 * only: a draft of the next entry, started since in the same zone, stays. A correction's draft
 * holds the version of the entry it was typed on (data-updated-at) and is dropped once the entry
 * has changed since, or on Cancel. Drafts older than a week are forgotten, and signing out
 * forgets them all (static/js/forget_drafts.js): phones are shared.
 * Saving while the phone is offline is stopped with a notice: the draft stays on the phone.
 */
(function () {
  "use strict";

  var PREFIX = "activity-draft:";
  // A note left for a week is not coming back; it may name workers, so it is not kept longer.
  var MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;

  function openStorage() {
    try {
      var storage = window.localStorage;
      storage.setItem(PREFIX + "probe", "1");
      storage.removeItem(PREFIX + "probe");
      return storage;
    } catch (error) {
      return null; // private mode or storage turned off: the form still works, without drafts
    }
  }

  function newClientId() {
    // randomUUID exists only on https pages; getRandomValues everywhere.
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      return window.crypto.randomUUID();
    }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map
      .call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); })
      .join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  var storage = openStorage();

  function parseDraft(raw) {
    try {
      var draft = JSON.parse(raw);
      return draft && typeof draft === "object" && draft.fields ? draft : null;
    } catch (error) {
      return null;
    }
  }

  function isStale(draft) {
    var savedAt = Date.parse(draft.savedAt);
    return isNaN(savedAt) || Date.now() - savedAt > MAX_AGE_MS;
  }

  function keysStartingWith(prefix) {
    var keys = [];
    for (var i = 0; i < storage.length; i += 1) {
      var name = storage.key(i);
      if (name && name.indexOf(prefix) === 0) {
        keys.push(name);
      }
    }
    return keys;
  }

  // Whoever typed them: on a shared phone another user's old drafts go too.
  function forgetStaleDrafts() {
    keysStartingWith(PREFIX).forEach(function (name) {
      var draft = parseDraft(storage.getItem(name));
      if (!draft || isStale(draft)) {
        storage.removeItem(name);
      }
    });
  }

  // The page after a save: forget the draft that was this entry, and no other.
  function forgetSavedDraft(marker) {
    var userPrefix = PREFIX + marker.draftUser + ":";
    if (marker.savedClient) {
      // Whichever form it was typed in; the next entry's draft has a client id of its own.
      keysStartingWith(userPrefix).forEach(function (name) {
        var draft = parseDraft(storage.getItem(name));
        if (draft && draft.clientId === marker.savedClient) {
          storage.removeItem(name);
        }
      });
    } else if (marker.savedEdit) {
      // The correction just saved was typed on the version before; one typed since on this
      // version is another correction, still to be saved.
      var editKey = userPrefix + "edit:" + marker.savedEdit;
      var editDraft = parseDraft(storage.getItem(editKey));
      if (editDraft && editDraft.updatedAt !== marker.updatedAt) {
        storage.removeItem(editKey);
      }
    }
  }

  // Reloading the page, or coming back to it later, must not forget a draft again.
  function dropSavedMarker() {
    if (!(window.history && typeof window.history.replaceState === "function" && window.URL)) {
      return;
    }
    var url = new URL(window.location.href);
    url.searchParams.delete("saved");
    window.history.replaceState(window.history.state, "", url.pathname + url.search + url.hash);
  }

  if (storage) {
    forgetStaleDrafts();
  }
  var savedPage = document.querySelector("[data-saved-client], [data-saved-edit]");
  if (savedPage) {
    if (storage) {
      forgetSavedDraft(savedPage.dataset);
    }
    dropSavedMarker();
  }

  var form = document.getElementById("activity-form");
  if (!form) {
    return;
  }
  var key = PREFIX + form.dataset.draftUser + ":" + form.dataset.draftKey;
  var bound = form.dataset.bound === "1";
  // Set on a correction's form: the version of the entry shown.
  var updatedAt = form.dataset.updatedAt || "";
  var clientField = form.elements.namedItem("client_id");
  var notice = document.getElementById("draft-notice");
  var offlineAlert = document.getElementById("offline-alert");
  var offlineText = offlineAlert.querySelector(".offline-text");
  var offlineMessage = offlineText.textContent;
  var saveButton = document.getElementById("save-activity");

  function draftFields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "csrfmiddlewaretoken" && el.name !== "client_id" &&
        el.type !== "file" && el.type !== "submit" && el.type !== "button";
    });
  }

  function collect() {
    var values = {};
    draftFields().forEach(function (el) {
      if (el.type === "radio" || el.type === "checkbox") {
        values[el.name] = values[el.name] || [];
        if (el.checked) {
          values[el.name].push(el.value);
        }
      } else {
        values[el.name] = el.value;
      }
    });
    return values;
  }

  function restore(values) {
    draftFields().forEach(function (el) {
      if (!Object.prototype.hasOwnProperty.call(values, el.name)) {
        return;
      }
      var value = values[el.name];
      if (el.type === "radio" || el.type === "checkbox") {
        el.checked = Array.isArray(value) && value.indexOf(el.value) !== -1;
      } else {
        el.value = value;
      }
    });
  }

  function readDraft() {
    if (!storage) {
      return null;
    }
    var draft = parseDraft(storage.getItem(key));
    // A correction typed on an older version would write its values over what was changed
    // since (and tick photo removals again): the entry as it is now comes first.
    if (draft && (isStale(draft) || (updatedAt && draft.updatedAt !== updatedAt))) {
      storage.removeItem(key);
      return null;
    }
    return draft;
  }

  function saveDraft() {
    if (!storage) {
      return;
    }
    var draft = {
      clientId: clientField ? clientField.value : "",
      fields: collect(),
      savedAt: new Date().toISOString(),
    };
    if (updatedAt) {
      draft.updatedAt = updatedAt;
    }
    try {
      storage.setItem(key, JSON.stringify(draft));
    } catch (error) {
      // Storage full: nothing more can be kept; the form itself still sends.
    }
  }

  function showNotice(shown) {
    notice.classList.toggle("d-none", !shown);
    notice.classList.toggle("d-flex", shown);
  }

  // One client id per entry, kept with the draft: resending the same entry makes no duplicate.
  var draft = readDraft();
  if (clientField) {
    // A page the server sent back keeps the client id it rendered: after "already saved" it
    // is a new one, so that Save logs this text as a new entry rather than find the old one.
    if (!(bound && clientField.value)) {
      clientField.value = draft && draft.clientId ? draft.clientId : newClientId();
    }
  }
  if (bound) {
    // The server sent the form back with errors: what it shows is what was typed last, and
    // the draft takes its client id.
    saveDraft();
  } else if (draft) {
    restore(draft.fields);
    showNotice(true);
  }

  form.addEventListener("input", saveDraft);
  form.addEventListener("change", saveDraft);

  document.getElementById("draft-discard").addEventListener("click", function () {
    if (storage) {
      storage.removeItem(key);
    }
    form.reset();
    if (clientField) {
      clientField.value = newClientId();
    }
    showNotice(false);
    showPreview();
  });

  // Cancelling a correction drops it: it is not brought back on the next edit.
  if (updatedAt) {
    document.getElementById("cancel-activity").addEventListener("click", function () {
      if (storage) {
        storage.removeItem(key);
      }
    });
  }

  function showOffline(isOffline) {
    offlineAlert.classList.remove("d-none");
    offlineAlert.classList.toggle("alert-warning", isOffline);
    offlineAlert.classList.toggle("alert-success", !isOffline);
    offlineText.textContent = isOffline ? offlineMessage : offlineAlert.dataset.backOnline;
  }

  form.addEventListener("submit", function (event) {
    saveDraft();
    if (navigator.onLine === false) {
      event.preventDefault();
      showOffline(true);
      offlineAlert.scrollIntoView({ block: "center" });
      return;
    }
    // Against a double tap on a slow network (the client id would catch it anyway).
    saveButton.disabled = true;
  });

  window.addEventListener("online", function () {
    saveButton.disabled = false;
    if (!offlineAlert.classList.contains("d-none")) {
      showOffline(false);
    }
  });

  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) {
      return;
    }
    // Back to this page from the browser's cache: the button may still say "sending", and if
    // the entry was saved meanwhile its draft is gone, so start a new entry, not a resend.
    saveButton.disabled = false;
    if (storage && !bound && storage.getItem(key) === null) {
      if (updatedAt) {
        // A correction saved or cancelled meanwhile: this form shows the entry as it was.
        window.location.reload();
        return;
      }
      form.reset();
      if (clientField) {
        clientField.value = newClientId();
      }
      showNotice(false);
      showPreview();
    }
  });

  // Small previews of the chosen photos, so a liaison sees what will be sent.
  var photoInput = form.querySelector("input[type=file]");
  var preview = document.getElementById("photo-preview");

  function showPreview() {
    preview.replaceChildren();
    Array.prototype.forEach.call(photoInput.files || [], function (file) {
      if (!/^image\//.test(file.type)) {
        return;
      }
      var img = document.createElement("img");
      img.alt = file.name;
      img.src = URL.createObjectURL(file);
      img.addEventListener("load", function () { URL.revokeObjectURL(img.src); });
      preview.appendChild(img);
    });
  }

  photoInput.addEventListener("change", showPreview);
})();
