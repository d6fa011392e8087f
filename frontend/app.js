// Links a bank account through Plaid Link and lists the cardholder's items, with no framework.
// Every value from the API is written with textContent, never as HTML.
(function () {
  "use strict";

  var config = window.PLAID_KNOT_CONFIG || {};
  var nextCursor = null;

  function el(id) {
    return document.getElementById(id);
  }

  function say(message, kind) {
    var status = el("status");
    status.textContent = message;
    status.className = kind || "";
  }

  /** An error from our API, in words: its message and code, never a stack or a token. */
  function ApiFailure(status, code, message) {
    this.status = status;
    this.code = code;
    this.message = message;
  }

  function api(method, path, body) {
    var headers = {};
    if (config.bearerToken) {
      headers.Authorization = "Bearer " + config.bearerToken;
    }
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
    }
    return fetch((config.apiBaseUrl || "") + path, {
      method: method,
      headers: headers,
      body: body === undefined ? undefined : JSON.stringify(body)
    }).then(function (response) {
      return response.text().then(function (text) {
        var data = null;
        try {
          data = text ? JSON.parse(text) : null;
        } catch (e) {
          data = null;
        }
        if (!response.ok) {
          var error = data && data.error;
          throw new ApiFailure(response.status, error ? error.code : "HTTP_" + response.status,
              error ? error.message : (data && data.message) || response.statusText || "request failed");
        }
        return data;
      });
    }, function () {
      throw new ApiFailure(0, "NETWORK", "the API at " + (config.apiBaseUrl || "this site") + " could not be reached");
    });
  }

  function describe(failure) {
    if (failure instanceof ApiFailure) {
      return failure.message + " (" + failure.code + ")";
    }
    return "Something went wrong in this page: " + String(failure);
  }

  /** Loads a script once; resolves with the global it defines, or fails in the API's error terms. */
  var scripts = {};
  function loadScript(url, global, code, what) {
    if (!scripts[url]) {
      scripts[url] = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = url;
        script.onload = function () { resolve(window[global]); };
        script.onerror = function () {
          delete scripts[url];
          reject(new ApiFailure(0, code, what + " could not be loaded from " + url));
        };
        document.head.appendChild(script);
      });
    }
    return scripts[url];
  }

  /** Plaid's Link script (offline, the local server's stand-in). */
  function loadLink() {
    return loadScript(config.linkScriptUrl, "Plaid", "LINK_UNAVAILABLE", "Plaid Link");
  }

  /** Knot's CardSwitcher SDK, when the page is configured with its script (offline, the stand-in). */
  function loadKnot() {
    if (window.KnotapiJS || !config.knotScriptUrl) {
      return Promise.resolve(window.KnotapiJS || null);
    }
    return loadScript(config.knotScriptUrl, "KnotapiJS", "KNOT_UNAVAILABLE", "CardSwitcher");
  }

  /** What Link's onExit reported, in words the cardholder can act on. */
  function describeLinkExit(error, metadata) {
    if (!error) {
      return "Link was closed before an account was linked.";
    }
    var words = error.display_message || error.error_message || "Plaid Link stopped with an error.";
    var institution = metadata && metadata.institution ? " at " + metadata.institution.name : "";
    return "Linking failed" + institution + ": " + words + " (" + error.error_code + ")";
  }

  function linkAccount() {
    var button = el("link-button");
    button.disabled = true;
    say("Preparing Plaid Link…");
    Promise.all([api("POST", "/create_link_token"), loadLink()]).then(function (results) {
      var handler = results[1].create({
        token: results[0].link_token,
        onSuccess: function (publicToken, metadata) {
          say("Linking " + (metadata.institution ? metadata.institution.name : "your bank") + "…");
          api("POST", "/exchange_public_token", {
            public_token: publicToken,
            accounts: metadata.accounts,
            institution: metadata.institution
          }).then(function (item) {
            var created = item.accounts.filter(function (a) { return a.processor_token_status === "created"; });
            say("Linked " + (item.institution ? item.institution.name : "the bank") + ": " + item.accounts.length +
                " account(s), " + created.length + " ready for CardSwitcher.", "ok");
            return refresh();
          }).catch(function (failure) {
            say("The account could not be linked: " + describe(failure), "error");
          }).then(function () {
            button.disabled = false;
          });
        },
        onExit: function (error, metadata) {
          say(describeLinkExit(error, metadata), error ? "error" : "");
          button.disabled = false;
        }
      });
      handler.open();
    }).catch(function (failure) {
      say("Plaid Link could not start: " + describe(failure), "error");
      button.disabled = false;
    });
  }

  function openCardSwitcher(accountId) {
    var cardId = el("card-id").value.trim();
    if (!cardId) {
      say("Enter the card to put on file first.", "error");
      return;
    }
    say("Opening CardSwitcher…");
    Promise.all([api("POST", "/knot/session", { card_id: cardId, account_id: accountId }), loadKnot()])
        .then(function (results) {
          var session = results[0];
          var Knot = results[1];
          say("CardSwitcher session ready (" + session.environment + "); transactions linked: " +
              (session.transactions_linked ? "yes" : "no") + ".", "ok");
          if (!Knot) {
            return;
          }
          new Knot().open({
            sessionId: session.session,
            clientId: config.knotClientId,
            environment: session.environment,
            product: "card_switcher",
            onEvent: function (event, merchant) {
              if (event === "REFRESH_SESSION_REQUEST") {
                // Knot's SDK asks before the session's 30 minutes run out.
                api("POST", "/knot/session/extend", { session: session.session }).catch(function (failure) {
                  say("CardSwitcher's session could not be extended: " + describe(failure), "error");
                });
              } else if (event === "CARD_UPDATED" || event === "CARD_FAILED") {
                say(event === "CARD_UPDATED" ? "Your card is now on file at " + merchant + "."
                    : "Your card could not be put on file at " + merchant + ".", event === "CARD_UPDATED" ? "ok" : "error");
                refreshMerchants();
              }
            }
          });
        }).catch(function (failure) {
          say("CardSwitcher could not open: " + describe(failure), "error");
        });
  }

  /** Where the cardholder's card is on file, as the service recorded Knot's reports. */
  function refreshMerchants() {
    return api("GET", "/knot/merchants").then(function (answer) {
      var list = el("merchants");
      list.replaceChildren();
      answer.merchants.forEach(function (entry) {
        var row = text("li", (entry.merchant.name || "Merchant " + entry.merchant.id) + ": " +
            (entry.status === "updated" ? "card on file" : "not switched" + (entry.reason ? " (" + entry.reason + ")" : "")),
            "merchant-" + entry.status);
        row.setAttribute("data-merchant-id", entry.merchant.id);
        list.appendChild(row);
      });
      if (!list.children.length) {
        list.appendChild(text("li", "Your card is not on file at any merchant through CardSwitcher yet.", "note empty"));
      }
    }).catch(function (failure) {
      say("Where your card is on file could not be read: " + describe(failure), "error");
    });
  }

  function removeItem(itemId, name) {
    say("Removing " + name + "…");
    api("DELETE", "/items/" + encodeURIComponent(itemId)).then(function () {
      say("Removed " + name + ".", "ok");
      return refresh();
    }).catch(function (failure) {
      say(name + " could not be removed: " + describe(failure), "error");
    });
  }

  function text(tag, value, className) {
    var node = document.createElement(tag);
    node.textContent = value;
    if (className) {
      node.className = className;
    }
    return node;
  }

  function renderItem(item) {
    var name = item.institution && item.institution.name ? item.institution.name : "Bank";
    var section = document.createElement("section");
    section.className = "item";
    section.setAttribute("data-item-id", item.item_id);
    section.appendChild(text("h2", name));
    section.appendChild(text("p", "Status: " + item.status + (item.status_reason ? " (" + item.status_reason + ")" : ""), "note"));
    var list = document.createElement("ul");
    item.accounts.forEach(function (account) {
      var row = document.createElement("li");
      row.setAttribute("data-account-id", account.account_id);
      row.appendChild(text("span", account.name + " ••" + (account.mask || "") + " · " + account.subtype + " · "));
      row.appendChild(text("span", "processor token " + account.processor_token_status,
          "token-" + account.processor_token_status));
      if (account.processor_token_status === "created" && account.status === "active") {
        var knot = text("button", "Open CardSwitcher");
        knot.type = "button";
        knot.className = "knot-button";
        knot.addEventListener("click", function () { openCardSwitcher(account.account_id); });
        row.appendChild(document.createTextNode(" "));
        row.appendChild(knot);
      }
      list.appendChild(row);
    });
    section.appendChild(list);
    var remove = text("button", "Remove " + name);
    remove.type = "button";
    remove.className = "remove-button";
    remove.addEventListener("click", function () { removeItem(item.item_id, name); });
    section.appendChild(remove);
    return section;
  }

  function refresh(more) {
    var query = more && nextCursor ? "?cursor=" + encodeURIComponent(nextCursor) : "";
    return api("GET", "/items" + query).then(function (page) {
      var items = el("items");
      if (!more) {
        items.replaceChildren();
      }
      page.items.forEach(function (item) { items.appendChild(renderItem(item)); });
      if (!items.children.length) {
        items.appendChild(text("p", "No bank account linked yet.", "note empty"));
      }
      nextCursor = page.next_cursor;
      el("more-button").hidden = !nextCursor;
    }).catch(function (failure) {
      say("Your accounts could not be listed: " + describe(failure), "error");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    el("environment").textContent = config.environmentNote || "";
    el("card-id").value = config.knotCardId || "";
    el("link-button").addEventListener("click", linkAccount);
    el("more-button").addEventListener("click", function () { refresh(true); });
    refresh(false);
    refreshMerchants();
  });
})();
