// OFFLINE STAND-IN FOR PLAID LINK, served only by the local server in offline mode.
// It is not Plaid Link: it offers the same Plaid.create({token, onSuccess, onExit}) surface, and
// finishes a session through the local server with the project's Plaid simulator, which issues the
// public token and the accounts that Link's onSuccess would receive.
(function () {
  "use strict";

  function dialog(title, text) {
    var box = document.createElement("div");
    box.id = "link-stand-in";
    box.setAttribute("role", "dialog");
    box.setAttribute("aria-label", title);
    box.style.cssText = "position:fixed;inset:0;background:rgba(0,0,0,.45);display:flex;" +
        "align-items:center;justify-content:center;z-index:1000";
    var panel = document.createElement("div");
    panel.style.cssText = "background:#fff;padding:24px;border-radius:8px;max-width:420px;font-family:sans-serif";
    var heading = document.createElement("h2");
    heading.textContent = title;
    var note = document.createElement("p");
    note.textContent = text;
    panel.appendChild(heading);
    panel.appendChild(note);
    box.appendChild(panel);
    document.body.appendChild(box);
    return { box: box, panel: panel };
  }

  function button(panel, id, label, onClick) {
    var b = document.createElement("button");
    b.id = id;
    b.type = "button";
    b.textContent = label;
    b.style.marginRight = "8px";
    b.addEventListener("click", onClick);
    panel.appendChild(b);
  }

  function create(config) {
    if (!config || typeof config.token !== "string" || typeof config.onSuccess !== "function") {
      throw new Error("Plaid.create needs a token and an onSuccess callback");
    }
    var onExit = typeof config.onExit === "function" ? config.onExit : function () {};
    var open = null;

    function close() {
      if (open) {
        open.box.remove();
        open = null;
      }
    }

    return {
      open: function () {
        if (open) {
          return;
        }
        open = dialog("Plaid Link (offline stand-in)",
            "The local server runs offline: this stand-in finishes Link with the project's Plaid " +
            "simulator. Nothing leaves this machine.");
        button(open.panel, "link-stand-in-continue", "Link First Platypus Bank", function () {
          fetch("/local/link/complete", {
            method: "POST",
            headers: { "Content-Type": "application/json" },
            body: JSON.stringify({ link_token: config.token })
          }).then(function (response) {
            return response.json().then(function (body) {
              close();
              if (response.ok) {
                config.onSuccess(body.public_token, body.metadata);
              } else {
                onExit(body, { status: null, link_session_id: null, request_id: null });
              }
            });
          }).catch(function (e) {
            close();
            onExit({ error_type: "INTERNAL_SERVER_ERROR", error_code: "INTERNAL_SERVER_ERROR",
                     error_message: String(e), display_message: null }, { status: null });
          });
        });
        button(open.panel, "link-stand-in-fail", "Fail: wrong credentials", function () {
          close();
          onExit({ error_type: "ITEM_ERROR", error_code: "INVALID_CREDENTIALS",
                   error_message: "the provided credentials were not correct",
                   display_message: "The credentials you provided were incorrect. Check that your " +
                       "credentials are the same that you use for this institution" },
                 { status: "requires_credentials", institution: { name: "First Platypus Bank",
                   institution_id: "ins_109508" } });
        });
        button(open.panel, "link-stand-in-close", "Close", function () {
          close();
          onExit(null, { status: "institution_not_found" });
        });
      },
      exit: function () {
        close();
        onExit(null, { status: null });
      },
      destroy: close
    };
  }

  window.Plaid = { create: create };
})();
