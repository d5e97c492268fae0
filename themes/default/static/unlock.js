/* netnotes encrypted site (build --encrypt): asks for the passphrase, derives the key with
   WebCrypto exactly as netnotes/site/encrypt.py does (PBKDF2-HMAC-SHA256 over the passphrase in
   NFC and the site's salt, then HMAC-SHA256 with the label below), decrypts this page
   (AES-256-GCM, the file's id as associated data) and shows it. Nothing is shown unless the
   whole page decrypts: GCM checks every byte before it returns any.

   The key bytes stay in sessionStorage for this tab's session, so the next page opens at once.
   Only when "Remember on this device" is ticked is a non-extractable CryptoKey kept in
   IndexedDB; the footer's button forgets it. No eval, no inline script: the page's own scripts
   are loaded again as files, and sealed data scripts are decrypted and parsed as JSON. */
(function () {
  "use strict";
  var AES_LABEL = "netnotes/aes-gcm";
  var CHECK_ID = "netnotes-check";
  var CHECK_TEXT = "netnotes";
  var SEALED_GLOBAL = "NETNOTES_SEALED";
  var SEALED_DATA = /^[0-9a-f]{32}\.js$/;
  var DATA_SCRIPT = /^window\.(NETNOTES_[A-Z_]+) = ([\s\S]*);\s*$/;
  var DB_NAME = "netnotes";
  var DB_STORE = "keys";

  var WRONG = "Wrong passphrase. Try again.";
  var DAMAGED = "This page cannot be opened: it is damaged or was changed after it was built. " +
    "Nothing from it is shown.";
  var NO_CRYPTO = "This browser does not offer decryption here. Open the site over HTTPS, from " +
    "localhost, or from the files on this device.";

  var sealed = document.getElementById("sealed");
  var form = document.getElementById("unlock-form");
  var input = document.getElementById("unlock-passphrase");
  var remember = document.getElementById("unlock-remember");
  var button = document.getElementById("unlock-button");
  var status = document.getElementById("unlock-status");
  var errorBox = document.getElementById("unlock-error");
  var subtle = window.crypto && window.crypto.subtle;
  var encoder = new TextEncoder();

  function say(message) {
    status.textContent = message;
    status.hidden = !message;
  }

  function fail(message) {
    say("");
    errorBox.textContent = message;
    errorBox.hidden = false;
  }

  function bytes(text) {  /* base64 -> bytes; atob throws on anything else */
    var raw = window.atob(text);
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i += 1) { out[i] = raw.charCodeAt(i); }
    return out;
  }

  function base64(buffer) {
    var view = new Uint8Array(buffer);
    var raw = "";
    for (var i = 0; i < view.length; i += 1) { raw += String.fromCharCode(view[i]); }
    return window.btoa(raw);
  }

  function readLock() {
    if (!sealed) { return null; }
    var lock = {
      kdf: sealed.getAttribute("data-kdf"),
      iterations: parseInt(sealed.getAttribute("data-iterations"), 10),
      salt: sealed.getAttribute("data-salt") || "",
      check: sealed.getAttribute("data-check") || ""
    };
    return lock.kdf === "PBKDF2-HMAC-SHA256" && lock.iterations > 0 && lock.salt && lock.check ? lock : null;
  }
  var lock = readLock();

  /* The page's id, bound to its ciphertext: the file name without .html ("index" at a folder). */
  function pageId() {
    var name = window.location.pathname.split("/").pop() || "";
    try { name = decodeURIComponent(name); } catch (ignored) { /* keep it as it is */ }
    return name.replace(/\.html$/, "") || "index";
  }

  /* Decrypt base64 text sealed for `id`: a promise of the plaintext's bytes, rejected when the
     text is not base64, too short, or fails GCM's check (tampered, truncated, wrong key). */
  function open(key, text, id) {
    return new Promise(function (resolve) { resolve(bytes(text.trim())); }).then(function (data) {
      if (data.length < 12 + 16) { throw new Error("truncated"); }
      return subtle.decrypt(
        { name: "AES-GCM", iv: data.subarray(0, 12), additionalData: encoder.encode(id), tagLength: 128 },
        key, data.subarray(12));
    });
  }

  function utf8(buffer) {
    return new TextDecoder("utf-8", { fatal: true }).decode(buffer);
  }

  function fits(key) {  /* does `key` open this site's check? */
    return open(key, lock.check, CHECK_ID).then(function (plain) {
      return utf8(plain) === CHECK_TEXT;
    }, function () { return false; });
  }

  function aesKey(raw) {
    return subtle.importKey("raw", raw, { name: "AES-GCM" }, false, ["decrypt"]);
  }

  function derive(passphrase) {  /* a promise of the AES key's bytes */
    return subtle.importKey("raw", encoder.encode(passphrase.normalize("NFC")), "PBKDF2", false, ["deriveBits"])
      .then(function (secret) {
        return subtle.deriveBits(
          { name: "PBKDF2", hash: "SHA-256", salt: bytes(lock.salt), iterations: lock.iterations }, secret, 256);
      })
      .then(function (master) {
        return subtle.importKey("raw", master, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
      })
      .then(function (hmac) { return subtle.sign("HMAC", hmac, encoder.encode(AES_LABEL)); });
  }

  /* -- where the key is kept: this tab's session, and (opted in) this device ----------------- */

  var slot = "netnotes-key:" + (lock ? lock.salt : "");  /* one per site: its salt */

  function sessionKey() {
    var saved = null;
    try { saved = window.sessionStorage.getItem(slot); } catch (ignored) { return Promise.resolve(null); }
    if (!saved) { return Promise.resolve(null); }
    return new Promise(function (resolve) { resolve(bytes(saved)); }).then(aesKey).catch(function () { return null; });
  }

  function keepForSession(raw) {
    try { window.sessionStorage.setItem(slot, base64(raw)); } catch (ignored) { /* storage off: ask again */ }
  }

  function store(mode, action) {  /* run action(objectStore) in a transaction; a promise of its result */
    return new Promise(function (resolve, reject) {
      var request = window.indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () { request.result.createObjectStore(DB_STORE); };
      request.onerror = function () { reject(request.error); };
      request.onsuccess = function () {
        var db = request.result;
        var tx = db.transaction(DB_STORE, mode);
        var result = action(tx.objectStore(DB_STORE));
        tx.oncomplete = function () { db.close(); resolve(result.result); };
        tx.onerror = tx.onabort = function () { db.close(); reject(tx.error); };
      };
    });
  }

  function deviceKey() {
    if (!window.indexedDB) { return Promise.resolve(null); }
    return store("readonly", function (keys) { return keys.get(slot); })
      .then(function (key) { return key || null; }, function () { return null; });
  }

  function rememberOnDevice(key) {
    if (!window.indexedDB) { return Promise.resolve(false); }
    return store("readwrite", function (keys) { return keys.put(key, slot); })
      .then(function () { return true; }, function () { return false; });
  }

  function forget() {
    try { window.sessionStorage.removeItem(slot); } catch (ignored) { /* nothing kept */ }
    var done = window.indexedDB ? store("readwrite", function (keys) { return keys.delete(slot); }) : Promise.resolve();
    return done.catch(function () { return null; });
  }

  /* -- showing the page ------------------------------------------------------------------------ */

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = src;
      script.onload = resolve;
      script.onerror = reject;
      document.body.appendChild(script);
    });
  }

  /* A sealed data script sets window.NETNOTES_SEALED; its plaintext is `window.NAME = JSON;`. */
  function loadSealed(src, key) {
    window[SEALED_GLOBAL] = undefined;
    return loadScript(src).then(function () {
      var text = window[SEALED_GLOBAL];
      window[SEALED_GLOBAL] = undefined;
      if (typeof text !== "string") { throw new Error("not sealed data"); }
      return open(key, text, src.replace(/\.js$/, ""));
    }).then(function (plain) {
      var match = DATA_SCRIPT.exec(utf8(plain));
      if (!match) { throw new Error("not a data script"); }
      window[match[1]] = JSON.parse(match[2]);
    });
  }

  function runScripts(sources, key) {
    return sources.reduce(function (done, src) {
      return done.then(function () { return SEALED_DATA.test(src) ? loadSealed(src, key) : loadScript(src); });
    }, Promise.resolve());
  }

  function controls(remembered) {
    var bar = document.createElement("p");
    bar.className = "lock-controls";
    var lockButton = document.createElement("button");
    lockButton.type = "button";
    lockButton.className = "lock-now";
    lockButton.textContent = remembered ? "Forget this device" : "Lock";
    lockButton.title = remembered ? "Remove the key kept on this device and lock the site" : "Lock the site in this tab";
    lockButton.addEventListener("click", function () {
      forget().then(function () { window.location.reload(); });
    });
    bar.appendChild(lockButton);
    var footer = document.querySelector("footer") || document.body;
    footer.appendChild(bar);
  }

  function show(plain, key, remembered) {
    var page = new DOMParser().parseFromString(plain, "text/html");
    var sources = [];
    Array.prototype.forEach.call(page.querySelectorAll("script"), function (script) {
      if (script.getAttribute("src")) { sources.push(script.getAttribute("src")); }
      script.remove();
    });
    Array.prototype.forEach.call(page.head.querySelectorAll("link[rel=stylesheet]"), function (link) {
      var href = link.getAttribute("href");
      if (!document.head.querySelector("link[rel=stylesheet][href='" + href.replace(/'/g, "") + "']")) {
        document.head.appendChild(document.adoptNode(link));
      }
    });
    document.title = page.title;
    document.documentElement.lang = page.documentElement.lang || "en";
    document.body.className = page.body.className;
    document.body.textContent = "";
    while (page.body.firstChild) { document.body.appendChild(document.adoptNode(page.body.firstChild)); }
    controls(remembered);
    var target = window.location.hash.length > 1 ? document.getElementById(window.location.hash.slice(1)) : null;
    if (target) { target.scrollIntoView(); }
    runScripts(sources, key).catch(function () {
      var note = document.createElement("p");
      note.className = "unlock-error";
      note.setAttribute("role", "alert");
      note.textContent = "Part of this page (such as the search index) is damaged or was changed; it is left out.";
      var main = document.querySelector("main") || document.body;
      main.insertBefore(note, main.firstChild);
    });
  }

  function unlockWith(key, remembered) {  /* the key fits: open the page, or say it is damaged */
    return open(key, sealed.textContent, pageId()).then(function (plain) {
      return utf8(plain);
    }).then(function (plain) {
      show(plain, key, remembered);
    }, function () {
      fail(DAMAGED);
    });
  }

  function ask() {
    say("");
    form.hidden = false;
    input.focus();
  }

  function submitted(event) {
    event.preventDefault();
    errorBox.hidden = true;
    button.disabled = true;
    say("Unlocking…");
    var raw = null;
    derive(input.value).then(function (bits) {
      raw = bits;
      return aesKey(raw);
    }).then(function (key) {
      return fits(key).then(function (ok) {
        if (!ok) {
          button.disabled = false;
          fail(WRONG);
          input.select();
          return null;
        }
        keepForSession(raw);
        input.value = "";
        form.hidden = true;
        var kept = remember.checked ? rememberOnDevice(key) : Promise.resolve(false);
        return kept.then(function (remembered) { return unlockWith(key, remembered); });
      });
    }).catch(function () {
      button.disabled = false;
      fail(NO_CRYPTO);
    });
  }

  if (!lock || !sealed.textContent.trim()) {
    fail(DAMAGED);
    return;
  }
  if (!subtle) {
    fail(NO_CRYPTO);
    return;
  }
  form.addEventListener("submit", submitted);
  sessionKey().then(function (key) {
    return key ? fits(key).then(function (ok) { return ok ? key : null; }) : null;
  }).then(function (key) {
    return deviceKey().then(function (kept) {
      if (key) { return [key, Boolean(kept)]; }
      return kept ? fits(kept).then(function (ok) { return ok ? [kept, true] : null; }) : null;
    });
  }).then(function (found) {
    if (found) {
      say("");
      return unlockWith(found[0], found[1]);
    }
    ask();
    return null;
  });
}());
