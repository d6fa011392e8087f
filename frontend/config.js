// The front end's settings for a deployed stack: edit before serving this folder.
// The local server (./run-local) serves its own config.js instead of this file.
window.PLAID_KNOT_CONFIG = {
  // the stack's ApiUrl output, without a trailing slash
  apiBaseUrl: "https://<api-id>.execute-api.<region>.amazonaws.com",
  // a JWT your identity provider issued to the signed-in cardholder (the API's authorizer checks it)
  bearerToken: "",
  // Plaid's Link script
  linkScriptUrl: "https://cdn.plaid.com/link/v2/stable/link-initialize.js",
  // the issuer's id of the card CardSwitcher puts on file
  knotCardId: "",
  // Knot's CardSwitcher web SDK script (the URL Knot's docs give) and your Knot client id
  knotScriptUrl: "",
  knotClientId: "",
  environmentNote: ""
};
