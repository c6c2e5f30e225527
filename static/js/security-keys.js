// Security keys and passkeys: allauth's webauthn.js does the browser ceremony. This file starts
// it for each button marked data-security-key (allauth's own starter reads inline script
// blocks, which the portal's templates do not carry), and shows a cancelled or failed ceremony
// on the page instead of only in the console.
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    var forms = window.allauth && window.allauth.webauthn && window.allauth.webauthn.forms;
    if (!forms) return;
    document.querySelectorAll("[data-security-key]").forEach(function (button) {
      var kind = button.dataset.securityKey;
      var ids = { credential: button.dataset.credential, data: button.dataset.options };
      if (kind === "addForm") {
        ids.add = button.id;
      } else if (kind === "authenticateForm") {
        ids.authenticate = button.id;
      } else {
        return;
      }
      forms[kind]({ ids: ids });
    });
  });

  document.addEventListener("allauth.error", function (event) {
    var box = document.getElementById("security-key-error");
    if (!box) return;
    event.preventDefault();
    var name = event.detail && event.detail.exception && event.detail.exception.name;
    box.textContent =
      name === "NotAllowedError"
        ? "The key was not used: the request was cancelled or timed out. Press the button to try again."
        : "This browser or key could not complete the request. Try again, or try another key or browser.";
    box.hidden = false;
    box.focus();
  });
})();
