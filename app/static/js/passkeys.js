// Passkeys, as progressive enhancement. A form marked data-passkey-form is hidden in the HTML;
// this script shows it only where the browser supports WebAuthn. On submit it fetches the
// options (a one-time challenge) from the server, lets the authenticator answer, puts the answer
// in the form's hidden "credential" field and submits the form as usual, so the server's
// answer is an ordinary page with its messages. Without support, the code from the app works.
(function () {
  "use strict";
  if (!window.PublicKeyCredential || !window.fetch || !navigator.credentials) {
    return;
  }

  function toBytes(base64url) {
    var base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
    var binary = atob(base64 + "===".slice((base64.length + 3) % 4));
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i += 1) {
      bytes[i] = binary.charCodeAt(i);
    }
    return bytes.buffer;
  }

  function toBase64url(buffer) {
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i += 1) {
      binary += String.fromCharCode(bytes[i]);
    }
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function withBytes(descriptors) {
    return (descriptors || []).map(function (descriptor) {
      return Object.assign({}, descriptor, { id: toBytes(descriptor.id) });
    });
  }

  function creationOptions(json) {
    return Object.assign({}, json, {
      challenge: toBytes(json.challenge),
      user: Object.assign({}, json.user, { id: toBytes(json.user.id) }),
      excludeCredentials: withBytes(json.excludeCredentials)
    });
  }

  function requestOptions(json) {
    return Object.assign({}, json, {
      challenge: toBytes(json.challenge),
      allowCredentials: withBytes(json.allowCredentials)
    });
  }

  // The answer as py_webauthn reads it: the credential with its byte fields in base64url.
  function answer(credential) {
    var response = credential.response;
    var json = {
      id: credential.id,
      rawId: toBase64url(credential.rawId),
      type: credential.type,
      clientExtensionResults: credential.getClientExtensionResults(),
      response: { clientDataJSON: toBase64url(response.clientDataJSON) }
    };
    if (credential.authenticatorAttachment) {
      json.authenticatorAttachment = credential.authenticatorAttachment;
    }
    if (response.attestationObject) {
      json.response.attestationObject = toBase64url(response.attestationObject);
      json.response.transports = response.getTransports ? response.getTransports() : [];
    } else {
      json.response.authenticatorData = toBase64url(response.authenticatorData);
      json.response.signature = toBase64url(response.signature);
      if (response.userHandle) {
        json.response.userHandle = toBase64url(response.userHandle);
      }
    }
    return JSON.stringify(json);
  }

  function ceremony(kind, options) {
    if (kind === "register") {
      return navigator.credentials.create({ publicKey: creationOptions(options) });
    }
    return navigator.credentials.get({ publicKey: requestOptions(options) });
  }

  function enhance(form) {
    var kind = form.getAttribute("data-passkey-form");
    var message = form.querySelector("[data-passkey-message]");
    var button = form.querySelector("button[type=submit]");
    var busy = false;
    var unsupported = document.querySelector("[data-passkey-unsupported]");
    if (unsupported) {
      unsupported.hidden = true;
    }
    form.hidden = false;

    function say(key) {
      if (message) {
        message.textContent = key ? message.getAttribute("data-" + key) : "";
      }
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var name = form.querySelector("input[name=name]");
      if (busy || (name && !name.value.trim())) {
        if (name && !name.value.trim()) {
          name.setAttribute("aria-invalid", "true");
          name.focus();
        }
        return;
      }
      busy = true;
      button.setAttribute("aria-disabled", "true");
      say("waiting");
      fetch(form.getAttribute("data-options-url"), {
        method: "POST",
        credentials: "same-origin",
        body: new FormData(form)
      })
        .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
        .then(function (options) { return ceremony(kind, options); })
        .then(function (credential) {
          form.querySelector("input[name=credential]").value = answer(credential);
          say("");
          form.submit();
        })
        .catch(function () {
          busy = false;
          button.removeAttribute("aria-disabled");
          say("failed");
        });
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-passkey-form]"), enhance);
})();
