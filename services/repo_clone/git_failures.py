"""Why a clone failed, in words for the user: the limits by the variable that sets them, the
reasons git's messages are classified into (never git's own words: those could carry what a server
at the other end said), and the scrubbing of a token from what the operator's log keeps."""
from __future__ import annotations

import base64
from urllib.parse import quote

from shared import linear_regex

# Limits are named by the environment variables an operator sets to change them.
MAX_REPO_BYTES = "MAX_REPO_BYTES"
CLONE_TIMEOUT_SECONDS = "CLONE_TIMEOUT_SECONDS"
ALLOWED_SSH_HOSTS = "ALLOWED_SSH_HOSTS"

# What a failed clone tells the user, by reason. None repeats anything the server said.
NOT_FOUND_MESSAGE = ("repository not found: check the URL (a private repository answers the same way "
                     "when the token is missing or cannot read it)")
ACCESS_DENIED_MESSAGE = "access denied: the repository needs a token, or the token given cannot read it"
TIMEOUT_MESSAGE = "the repository host did not answer in time: check the URL, or try again later"
REFUSED_MESSAGE = "the repository host refused the connection: check the URL and its port"
REDIRECT_MESSAGE = ("the repository URL redirects elsewhere and redirects are not followed: "
                    "give the repository's final URL")
TLS_MESSAGE = "a secure connection to the repository host failed (its certificate or TLS setup)"
UNREACHABLE_MESSAGE = "could not reach the repository host: check the URL and that the host is reachable"


class CloneFailed(Exception):
    """A clone that did not succeed; the message is meant for the user and never holds a secret."""


class CloneLimitExceeded(CloneFailed):
    def __init__(self, limit: str, allowed, actual=None):
        self.limit, self.allowed, self.actual = limit, allowed, actual
        super().__init__(_limit_message(limit, allowed, actual))


def _limit_message(limit: str, allowed, actual) -> str:
    if limit == MAX_REPO_BYTES:
        measured = f"{actual} bytes, " if actual is not None else ""
        return (f"the repository is larger than allowed ({measured}limit {limit}={allowed} bytes): "
                f"choose a smaller repository or ask the operator to raise {limit}")
    return (f"cloning took longer than allowed (limit {limit}={allowed} seconds): "
            f"try again later or ask the operator to raise {limit}")


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


class Scrubber:
    """Removes every spelling of the token git could echo back."""

    def __init__(self, token: str | None):
        spellings = {token, b64(f"x-access-token:{token}"), b64(token), quote(token, safe="")} if token else set()
        self._secrets = sorted((s for s in spellings if s), key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return linear_regex.sub(r"(?i)(authorization:\s*)\S+(\s+\S+)?", r"\1***", text)


# The signs of each reason in git's (and curl's, and ssh's) messages, lower-cased, checked in
# this order: the first reason with a sign in the messages wins.
_SIGNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    # The server will not give that ref or object; some servers add an access hint to these.
    ("ref", ("not our ref", "unadvertised object", "couldn't find remote ref", "no such remote ref",
             "not found in upstream")),
    ("redirect", ("returned error: 301", "returned error: 302", "returned error: 303",
                  "returned error: 307", "returned error: 308", "redirection")),
    ("timeout", ("timed out", "timeout")),
    ("unreachable", ("could not resolve host", "could not resolve hostname", "network is unreachable",
                     "no route to host")),
    ("refused", ("connection refused", "couldn't connect", "failed to connect")),
    ("not found", ("repository not found", "returned error: 404", "does not appear to be a git repository",
                   "' not found", "no such repository")),
    ("access denied", ("authentication failed", "could not read username", "could not read password",
                       "terminal prompts disabled", "permission denied", "access denied",
                       "returned error: 401", "returned error: 403", "host key verification failed")),
    ("tls", ("ssl", "tls", "certificate")),
    ("unreachable", ("connection reset", "unable to access", "could not read from remote repository")),
)

REASON_MESSAGES = {
    "not found": NOT_FOUND_MESSAGE, "access denied": ACCESS_DENIED_MESSAGE, "timeout": TIMEOUT_MESSAGE,
    "refused": REFUSED_MESSAGE, "redirect": REDIRECT_MESSAGE, "tls": TLS_MESSAGE,
    "unreachable": UNREACHABLE_MESSAGE,
}


def classify(messages: list[str], url: str = "") -> str:
    """Why git failed: "ref" (the server will not give that ref or object), one of the reasons of
    `REASON_MESSAGES`, or "other". The URL is taken out first: its words are the user's."""
    text = " ".join(messages)
    if url:
        text = text.replace(url, "<url>")
    text = text.lower()
    for reason, signs in _SIGNS:
        if any(sign in text for sign in signs):
            return reason
    return "other"
