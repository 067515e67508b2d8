// A form sent once: on submit its buttons are disabled and say "Sending…", so a second click
// (a slow network) does not post it twice. Back to the page (pageshow, the browser's cache)
// gives the buttons back. Skipped: forms that fetch (method=get, a search or filter), forms
// that open elsewhere (target) or return a file (data-no-disable), as their page stays.
// The wording comes from <html data-sending>, set (translated) by templates/base.html.
(function () {
  "use strict";

  var SENDING = document.documentElement.getAttribute("data-sending") || "…";

  function skipped(form) {
    return (
      form.hasAttribute("data-no-disable") ||
      form.hasAttribute("target") ||
      (form.getAttribute("method") || "get").toLowerCase() !== "post"
    );
  }

  function buttonsOf(form) {
    var inside = Array.prototype.slice.call(
      form.querySelectorAll('button:not([type="button"]):not([type="reset"]), input[type="submit"]')
    );
    var outside = form.id
      ? Array.prototype.slice.call(document.querySelectorAll('[form="' + form.id + '"][type="submit"]'))
      : [];
    return inside.concat(outside);
  }

  function label(button, text) {
    if (button.tagName === "INPUT") {
      button.value = text;
    } else {
      button.textContent = text;
    }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || skipped(form)) {
      return;
    }
    // After this handler: the clicked button's name=value is still sent (a disabled button's
    // is not, so the disabling waits one turn), and a handler that cancels the submit wins.
    setTimeout(function () {
      buttonsOf(form).forEach(function (button) {
        if (button.disabled) {
          return;
        }
        button.setAttribute("data-label", button.tagName === "INPUT" ? button.value : button.textContent);
        button.disabled = true;
        button.classList.add("sending");
        label(button, SENDING);
      });
    }, 0);
  });

  window.addEventListener("pageshow", function () {
    Array.prototype.slice.call(document.querySelectorAll(".sending[data-label]")).forEach(function (button) {
      label(button, button.getAttribute("data-label"));
      button.removeAttribute("data-label");
      button.classList.remove("sending");
      button.disabled = false;
    });
  });
})();
