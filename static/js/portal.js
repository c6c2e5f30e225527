// Progressive enhancements only: every action in the portal works without this file.
(function () {
  "use strict";

  // Idle warning (WCAG 2.2.1): a minute before the server ends an idle session, offer to stay.
  function idleWarning() {
    var body = document.body;
    var timeout = parseInt(body.dataset.idleTimeout || "0", 10);
    var warning = parseInt(body.dataset.idleWarning || "60", 10);
    // The server records activity about once a minute: the first countdown starts from the
    // idle time it says is left; after "stay signed in" it is the whole limit again.
    var left = parseInt(body.dataset.idleLeft || body.dataset.idleTimeout || "0", 10);
    var dialog = document.getElementById("idle-warning");
    if (!timeout || !dialog) return;
    var warnTimer, endTimer, lastFocus;

    function csrfToken() {
      var input = document.querySelector("input[name=csrfmiddlewaretoken]");
      return input ? input.value : "";
    }
    function hide() {
      dialog.hidden = true;
      if (lastFocus) lastFocus.focus();
    }
    function show() {
      lastFocus = document.activeElement;
      dialog.hidden = false;
      document.getElementById("idle-stay").focus();
    }
    function schedule(seconds) {
      clearTimeout(warnTimer);
      clearTimeout(endTimer);
      warnTimer = setTimeout(show, Math.max(seconds - warning, 1) * 1000);
      endTimer = setTimeout(function () {
        window.location.assign(body.dataset.logoutUrl.replace(/logout\/$/, "login/"));
      }, (seconds + 2) * 1000);
    }
    document.getElementById("idle-stay").addEventListener("click", function () {
      fetch(body.dataset.keepaliveUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(), "X-Requested-With": "fetch" },
      }).then(function (response) {
        if (response.ok) {
          hide();
          schedule(timeout);
        } else {
          window.location.reload();
        }
      });
    });
    document.getElementById("idle-leave").addEventListener("click", function () {
      var form = document.querySelector("form[action='" + body.dataset.logoutUrl + "']");
      if (form) form.submit();
    });
    dialog.addEventListener("keydown", function (event) {
      // Keep focus inside the dialog while it is open.
      if (event.key !== "Tab") return;
      var buttons = dialog.querySelectorAll("button");
      var first = buttons[0], last = buttons[buttons.length - 1];
      if (event.shiftKey && document.activeElement === first) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && document.activeElement === last) {
        event.preventDefault();
        first.focus();
      }
    });
    schedule(left);
  }

  document.addEventListener("DOMContentLoaded", idleWarning);
})();
