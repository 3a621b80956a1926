// Sign-in: a development token for any user id (development gateways only), or a bearer token
// from the identity provider pasted by the user. The token lives in sessionStorage only.

import {api, detailText, paths, session, userFromToken} from "../api.js";
import {busy, field, h, messageBox, replace, showRequestError} from "../dom.js";

/** Try the token on the API before keeping it (a refused token must not count as signed in). */
async function check(token, user) {
  await api.get(`${paths.courses}?limit=1`, {auth: false, headers: {Authorization: `Bearer ${token}`}});
  session.signIn(token, user);
}

function devForm(onSignedIn) {
  const user = h("input", {type: "text", value: "dev", autocomplete: "username", required: true,
    pattern: "[A-Za-z0-9._@\\-]{1,128}", maxlength: "128", dataset: {testid: "dev-user-id"}});
  const button = h("button", {type: "submit", dataset: {testid: "sign-in-dev"}}, "Sign in");
  const userField = field("Sign in as", user, "Letters, digits and . _ @ - (up to 128).");
  const error = messageBox("dev-sign-in-error");
  // novalidate: the page's own message next to the field, instead of the browser's bubble.
  const form = h("form", {className: "signin-form", "aria-labelledby": "dev-heading", novalidate: true},
    h("h2", {id: "dev-heading"}, "Development sign-in"),
    h("p", {}, "This gateway runs in development mode: sign in as any user id, no password. "
      + "Each user sees only their own courses."),
    userField.wrapper,
    h("div", {className: "actions"}, button), error.el);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    error.clear();
    if (!user.validity.valid) {
      userField.invalid(user.value.trim() ? "Use only letters, digits and . _ @ - (up to 128)."
        : "Enter a user id to sign in as.");
      user.focus();
      return;
    }
    busy(button, async () => {
      const {token} = await api.post("/api/auth/dev-token", {user_id: user.value.trim()}, {auth: false});
      await check(token, user.value.trim());
      onSignedIn();
    }, (err) => showRequestError(err, {user_id: userField}, error));
  });
  return form;
}

function tokenForm(config, onSignedIn, alone) {
  const token = h("textarea", {rows: "4", spellcheck: "false", autocomplete: "off", required: true,
    dataset: {testid: "token-input"}});
  const button = h("button", {type: "submit", dataset: {testid: "sign-in-token"}}, "Sign in with this token");
  const tokenField = field("Bearer token", token, null, {errorTestid: "sign-in-error"});
  const error = messageBox("token-sign-in-error");
  const where = config.issuer
    ? `Sign in at your identity provider (${config.issuer}) and copy the access token (a JWT) it issues for this API.`
    : "Copy the access token (a JWT) that your identity provider issues for this API.";
  const body = [
    h("p", {}, where),
    h("p", {className: "hint"}, "The token stays in this browser tab only (session storage) and is sent "
      + "only to this gateway. Ask your administrator if you do not know where to get one."),
    tokenField.wrapper,
    h("div", {className: "actions"}, button),
    error.el,
  ];
  const form = h("form", {className: "signin-form", "aria-labelledby": "token-heading", novalidate: true},
    h("h2", {id: "token-heading"}, alone ? "Sign in with a token" : "Or sign in with a token"), body);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    error.clear();
    const value = token.value.trim().replace(/^Bearer\s+/i, "");
    if (value.split(".").length !== 3) {
      tokenField.invalid("That does not look like a JWT: it should be three parts separated by dots.");
      token.focus();
      return;
    }
    busy(button, async () => {
      await check(value, userFromToken(value));
      onSignedIn();
    }, (err) => {
      if (err.status === 401) {
        tokenField.invalid(`The gateway did not accept this token: ${detailText(err.detail) || "it is not valid"}.`);
        token.focus();
      } else {
        error.show(err.message);
      }
    });
  });
  return form;
}

/** Render the sign-in page into `root`; `notice` explains why (e.g. an expired token). */
export function signInView(root, {notice, onSignedIn}) {
  const error = messageBox("sign-in-config-error");
  const info = messageBox("sign-in-notice", "warning");
  if (notice) info.show(notice);
  const heading = h("h1", {tabindex: "-1"}, "Sign in");
  replace(root, heading, info.el, error.el, h("p", {className: "loading"}, "Checking how to sign in…"));
  document.title = "Sign in — coursegen";
  let disposed = false;
  api.get("/api/auth/config", {auth: false}).then((config) => {
    if (disposed) return;
    const forms = config.development_sign_in
      ? [devForm(onSignedIn), tokenForm(config, onSignedIn, false)]
      : [tokenForm(config, onSignedIn, true)];
    replace(root, heading, info.el, error.el, forms);
    heading.focus();
  }).catch((err) => {
    if (disposed) return;
    replace(root, heading, info.el, error.el, tokenForm({}, onSignedIn, true));
    error.show(`Could not ask the gateway how to sign in: ${err.message}`);
  });
  return () => { disposed = true; };
}
