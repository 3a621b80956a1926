// The REST API of the gateway: adds the bearer token, turns error bodies into sentences a user
// can act on (wording.js), and reports a refused token once so the page can return to sign-in.

import {detailSentence, fieldMessages} from "./wording.js";

const TOKEN_KEY = "coursegen.token";
const USER_KEY = "coursegen.user";
let unauthorizedHandler = () => {};

export const session = {
  get token() { return sessionStorage.getItem(TOKEN_KEY); },
  get user() { return sessionStorage.getItem(USER_KEY); },
  signIn(token, user) {
    sessionStorage.setItem(TOKEN_KEY, token);
    sessionStorage.setItem(USER_KEY, user || userFromToken(token) || "signed in");
  },
  signOut() {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(USER_KEY);
  },
};

/** The `sub` of a JWT, for display only (the gateway is what checks the token). */
export function userFromToken(token) {
  try {
    const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const claims = JSON.parse(atob(part.padEnd(part.length + ((4 - (part.length % 4)) % 4), "=")));
    return typeof claims.sub === "string" ? claims.sub : null;
  } catch {
    return null;
  }
}

export function onUnauthorized(handler) { unauthorizedHandler = handler; }

/** A refused request: `message` for the user, `fields` {api field name: message} for the forms. */
export class ApiError extends Error {
  constructor(status, message, detail) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.detail = detail;
    this.fields = status === 422 ? fieldMessages(detail) : {};
  }
}

/** One readable sentence from FastAPI's {"detail": ...}, in the words of the page's forms. */
export function detailText(detail) {
  return detailSentence(detail);
}

const ADVICE = {
  401: "Sign-in needed",
  403: "Not allowed",
  404: "Not found",
  409: "Not possible yet",
  410: "No longer available",
  413: "Too large",
  422: "Please correct the input",
  429: "Too many requests",
  503: "The service is temporarily unavailable; try again shortly",
};

function errorMessage(status, detail) {
  const text = detailText(detail);
  const lead = ADVICE[status] || (status >= 500 ? "The server failed" : `Request failed (HTTP ${status})`);
  return text ? `${lead}: ${text}` : `${lead}.`;
}

async function errorFrom(response) {
  let detail = null;
  try {
    const body = await response.json();
    detail = body && "detail" in body ? body.detail : body;
  } catch {
    detail = response.statusText || null;
  }
  const error = new ApiError(response.status, errorMessage(response.status, detail), detail);
  const wait = Number(response.headers.get("Retry-After"));
  if (wait > 0) error.retryAfter = wait;  // seconds, when the server says how long to wait (429, 503)
  return error;
}

function networkError(error) {
  return new ApiError(0, "Cannot reach coursegen. Check that it is running and that you are online, "
    + "then try again.", error.message);
}

/** fetch with the token; throws ApiError for every non-2xx answer. */
export async function send(method, path, {body, headers = {}, signal, auth = true} = {}) {
  const allHeaders = {Accept: "application/json", ...headers};
  if (body !== undefined) allHeaders["Content-Type"] = "application/json";
  if (auth && session.token) allHeaders.Authorization = `Bearer ${session.token}`;
  let response;
  try {
    response = await fetch(path, {method, headers: allHeaders, signal, cache: "no-store",
      body: body === undefined ? undefined : JSON.stringify(body)});
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw networkError(error);
  }
  if (!response.ok) {
    const error = await errorFrom(response);
    if (response.status === 401 && auth) {
      session.signOut();
      unauthorizedHandler(`The gateway refused your token: ${detailText(error.detail) || "sign in again"}.`);
    }
    throw error;
  }
  return response;
}

async function json(method, path, options) {
  const response = await send(method, path, options);
  if (response.status === 204) return {data: null, response};
  const text = await response.text();
  return {data: text ? JSON.parse(text) : null, response};
}

export const api = {
  async get(path, options) { return (await json("GET", path, options)).data; },
  async post(path, body = {}, options = {}) { return (await json("POST", path, {...options, body})).data; },
  async put(path, body, options = {}) { return (await json("PUT", path, {...options, body})).data; },
  async del(path, options) { return (await json("DELETE", path, options)).data; },
};

/** Fetch a protected file and save it under `filename` through a Blob URL. */
export async function download(path, filename) {
  const response = await send("GET", path, {headers: {Accept: "application/zip, */*"}});
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
  return blob.size;
}

/** A file name from a course title: letters, digits, dot, dash, underscore. */
export function fileName(title, extension) {
  const stem = String(title || "").normalize("NFKD").replace(/[^A-Za-z0-9._-]+/g, "-")
    .replace(/^-+|-+$/g, "").slice(0, 80) || "course";
  return `${stem}.${extension}`;
}

export const paths = {
  courses: "/api/projects/",
  course: (id) => `/api/projects/${encodeURIComponent(id)}`,
  action: (id, action) => `/api/courses/${encodeURIComponent(id)}/${action}`,
};
