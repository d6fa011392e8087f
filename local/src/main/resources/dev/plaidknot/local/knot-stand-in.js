// OFFLINE STAND-IN FOR KNOT'S CARDSWITCHER SDK, served only by the local server in offline mode.
// It is not Knot: it offers the KnotapiJS open({sessionId, onEvent, onExit}) surface the page uses,
// and plays a cardholder logging in to a merchant through the local server with the project's Knot
// simulator, which sends the service its signed AUTHENTICATED webhook, waits for the card, then
// reports CARD_UPDATED or CARD_FAILED, as Knot does.
(function () {
  "use strict";

  var MERCHANTS = [{ id: 12, name: "Streaming Service" }, { id: 48, name: "Grocery Delivery" }];

  function KnotapiJS() {}

  KnotapiJS.prototype.open = function (options) {
    if (!options || typeof options.sessionId !== "string") {
      throw new Error("KnotapiJS.open needs a sessionId");
    }
    var onEvent = typeof options.onEvent === "function" ? options.onEvent : function () {};
    var onExit = typeof options.onExit === "function" ? options.onExit : function () {};
    var box = document.createElement("div");
    box.id = "knot-stand-in";
    box.setAttribute("role", "dialog");
    box.setAttribute("aria-label", "CardSwitcher (offline stand-in)");
    box.style.cssText = "position:fixed;inset:0;background:rgba(0,0,0,.45);display:flex;" +
        "align-items:center;justify-content:center;z-index:1000";
    var panel = document.createElement("div");
    panel.style.cssText = "background:#fff;padding:24px;border-radius:8px;max-width:460px;font-family:sans-serif";
    var heading = document.createElement("h2");
    heading.textContent = "CardSwitcher (offline stand-in)";
    var note = document.createElement("p");
    note.textContent = "Log in to a merchant: the project's Knot simulator asks this service for the card, " +
        "as Knot would, and reports where it is on file. Nothing leaves this machine.";
    var state = document.createElement("p");
    state.id = "knot-stand-in-state";
    panel.appendChild(heading);
    panel.appendChild(note);
    box.appendChild(panel);

    function close() {
      box.remove();
      onExit();
    }

    function login(merchant, decline) {
      state.textContent = "Logging in to " + merchant.name + "…";
      Array.prototype.forEach.call(panel.querySelectorAll("button"), function (b) { b.disabled = true; });
      fetch("/local/knot/login", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ session_id: options.sessionId, merchant_id: merchant.id, merchant_name: merchant.name,
                               decline: decline })
      }).then(function (response) {
        return response.json();
      }).then(function (outcome) {
        box.remove();
        onEvent(outcome.event, merchant.name, { merchant: merchant });
      }).catch(function (e) {
        box.remove();
        onEvent("CARD_FAILED", merchant.name, { merchant: merchant, reason: String(e) });
      });
    }

    MERCHANTS.forEach(function (merchant) {
      var row = document.createElement("p");
      [["login", "Log in to " + merchant.name, false], ["decline", merchant.name + ": card declined", true]]
          .forEach(function (spec) {
            var b = document.createElement("button");
            b.type = "button";
            b.id = "knot-stand-in-" + spec[0] + "-" + merchant.id;
            b.textContent = spec[1];
            b.style.marginRight = "8px";
            b.addEventListener("click", function () { login(merchant, spec[2]); });
            row.appendChild(b);
          });
      panel.appendChild(row);
    });
    var cancel = document.createElement("button");
    cancel.type = "button";
    cancel.id = "knot-stand-in-close";
    cancel.textContent = "Close";
    cancel.addEventListener("click", close);
    panel.appendChild(cancel);
    panel.appendChild(state);
    document.body.appendChild(box);
  };

  window.KnotapiJS = KnotapiJS;
})();
