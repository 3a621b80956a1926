"""A git forge's push webhook: is it really the forge (GitHub signs the body with the shared secret,
GitLab sends the secret itself; both compared in constant time), what was pushed (the repository's
URLs, the branch), and which courses it concerns (built on that repository and branch, with a
version to carry forward). Pure: the endpoint (api/hooks.py) reads the request and the read tables."""
from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any, Mapping
from urllib.parse import parse_qs, unquote, urlsplit

from shared import linear_regex
from shared.events import Event
from shared.events.catalogue import CourseRefreshRequested

from .course import CourseState
from .refresh import fold_refresh, request_refresh

GITHUB, GITLAB = "github", "gitlab"
BRANCH_PREFIX = "refs/heads/"
# The URL fields each forge's push names its repository by (any one may be what a course was built on).
URL_FIELDS = {GITHUB: ("repository", ("clone_url", "html_url", "ssh_url", "git_url", "url")),
              GITLAB: ("project", ("git_http_url", "git_ssh_url", "web_url", "http_url", "ssh_url"))}
_SCHEME = linear_regex.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_SCP_LIKE = linear_regex.compile(r"^(?:[^@/:]+@)?(?P<host>[^/:]+):(?P<path>.+)$")
_NO_COMMIT = linear_regex.compile(r"^0+$")


class WebhookRefused(ValueError):
    """Not shown to come from the forge: the answer is a 401 with this reason, nothing is done."""


class BadPayload(ValueError):
    """The forge's delivery, but not a push that can be read: a 400 with this reason."""


@dataclass(frozen=True)
class Delivery:
    forge: str
    event: str  # "push", "ping", "tag_push", or the forge's own name of another event
    delivery_id: str | None = None  # the forge's id of this delivery, the same when it sends it again


# Where each forge puts the id of a delivery (GitLab's older versions send none).
_DELIVERY_HEADERS = ("x-github-delivery", "x-gitlab-event-uuid", "idempotency-key")
_DELIVERY_ID_LIMIT = 200


# --- who sent it --------------------------------------------------------------------------------
def authenticate(headers: Mapping[str, str], body: bytes, secret: str) -> Delivery:
    """The forge and event of a delivery whose signature or token proves the shared secret."""
    h = {name.lower(): value for name, value in headers.items()}
    if "x-github-event" in h:
        check_github_signature(body, h.get("x-hub-signature-256"), secret)
        return Delivery(GITHUB, h["x-github-event"].strip().lower(), _delivery_id(h))
    if "x-gitlab-event" in h:
        check_gitlab_token(h.get("x-gitlab-token"), secret)
        event = h["x-gitlab-event"].strip()
        return Delivery(GITLAB, {"Push Hook": "push", "Tag Push Hook": "tag_push"}.get(event, event), _delivery_id(h))
    raise WebhookRefused("not a GitHub or GitLab webhook (no X-GitHub-Event or X-Gitlab-Event header)")


def _delivery_id(headers: Mapping[str, str]) -> str | None:
    for name in _DELIVERY_HEADERS:
        value = headers.get(name, "").strip()
        if value:
            return value[:_DELIVERY_ID_LIMIT]
    return None


def github_signature(body: bytes, secret: str) -> str:
    """What GitHub sends as X-Hub-Signature-256: the HMAC-SHA256 of the raw body, hex."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def check_github_signature(body: bytes, header: str | None, secret: str) -> None:
    if not header or not header.strip():
        raise WebhookRefused("X-Hub-Signature-256 is missing: give the GitHub webhook the shared secret")
    sent = header.strip()
    if not sent.lower().startswith("sha256="):
        raise WebhookRefused("X-Hub-Signature-256 is not 'sha256=<hex digest>'")
    expected = github_signature(body, secret)
    if not hmac.compare_digest(_bytes(sent.lower()), expected.encode()):
        raise WebhookRefused("X-Hub-Signature-256 does not match the body signed with the shared secret")


def check_gitlab_token(header: str | None, secret: str) -> None:
    if not header:
        raise WebhookRefused("X-Gitlab-Token is missing: give the GitLab webhook the shared secret as its token")
    # Digests of both, so the comparison takes as long whatever the token's length.
    sent, expected = hashlib.sha256(_bytes(header)).digest(), hashlib.sha256(secret.encode()).digest()
    if not hmac.compare_digest(sent, expected):
        raise WebhookRefused("X-Gitlab-Token is not the shared secret")


def _bytes(text: str) -> bytes:
    return text.encode("utf-8", "backslashreplace")  # a header may hold anything; never an error


# --- what was pushed ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Push:
    forge: str
    repository_urls: tuple[str, ...]
    ref: str                    # as pushed: refs/heads/<branch>, refs/tags/<tag>
    default_branch: str | None  # the branch a course built with no ref follows
    deleted: bool = False

    @property
    def branch(self) -> str | None:
        return self.ref[len(BRANCH_PREFIX):] if self.ref.startswith(BRANCH_PREFIX) else None

    @property
    def ignored(self) -> str | None:
        """Why this push refreshes nothing whatever the courses, or None."""
        if self.branch is None:
            return f"{self.ref} is not a branch (tags are not followed)"
        if self.deleted:
            return f"branch {self.branch} was deleted"
        if not self.repository_urls:
            return "the push names no repository URL"
        return None

    @property
    def repositories(self) -> frozenset[tuple[str | None, str]]:
        return frozenset(key for key in map(repository_key, self.repository_urls) if key is not None)


def parse_push(forge: str, body: bytes, content_type: str | None = None) -> Push:
    payload = _payload(body, content_type)
    ref = payload.get("ref")
    if not isinstance(ref, str) or not ref:
        raise BadPayload("the push has no 'ref'")
    holder, fields = URL_FIELDS[forge]
    repository = payload.get(holder)
    if not isinstance(repository, dict):
        raise BadPayload(f"the push has no '{holder}' object")
    urls = tuple(dict.fromkeys(url for name in fields for url in [repository.get(name)]
                               if isinstance(url, str) and 0 < len(url) <= 2048))
    default = repository.get("default_branch")
    after = payload.get("after")
    deleted = payload.get("deleted") is True or (isinstance(after, str) and bool(_NO_COMMIT.match(after)))
    return Push(forge, urls, ref, default if isinstance(default, str) and default else None, deleted)


def _payload(body: bytes, content_type: str | None) -> dict[str, Any]:
    try:
        text = body.decode("utf-8")
        if (content_type or "").split(";")[0].strip().lower() == "application/x-www-form-urlencoded":
            # GitHub's other content type: the JSON is the form's `payload` field.
            text = parse_qs(text, max_num_fields=16).get("payload", [""])[0]
        payload = json.loads(text)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise BadPayload(f"the body is not a JSON push payload ({exc.__class__.__name__})") from None
    if not isinstance(payload, dict):
        raise BadPayload("the body is not a JSON object")
    return payload


# --- which repository is that -------------------------------------------------------------------
def repository_key(url: str | None) -> tuple[str | None, str] | None:
    """What identifies a repository across the ways of writing its URL: the host (lower case; None
    for a local path) and the path without a trailing `/` or `.git`. Scheme, user and port are left
    out: a forge serves one repository at the same path over https, ssh and git."""
    url = (url or "").strip()
    if not url:
        return None
    if _SCHEME.match(url):
        parts = urlsplit(url)
        local = parts.scheme.lower() == "file"
        host = None if local else (parts.hostname or "").lower() or None
        path = unquote(parts.path)
    elif url.startswith("/"):
        host, path, local = None, url, True
    elif (scp := _SCP_LIKE.match(url)) is not None:  # git@host:owner/repo.git
        host, path, local = scp["host"].lower(), scp["path"], False
    else:
        return None
    path = path.rstrip("/")
    path = path[:-len(".git")].rstrip("/") if path.endswith(".git") else path
    if not local:
        path = path.lstrip("/")
    return (host, path) if path else None


def builds_on(repo_url: str, ref: str | None, push: Push) -> bool:
    """Whether a stage 1 run on `repo_url` at `ref` follows the pushed branch: the same repository,
    and its ref that branch — or no ref, and the branch the repository's default."""
    branch = push.branch
    if branch is None or repository_key(repo_url) not in push.repositories:
        return False
    if ref is None:
        return branch == push.default_branch
    return ref.removeprefix(BRANCH_PREFIX) == branch


# --- the command --------------------------------------------------------------------------------
def refresh_on_push(state: CourseState, events: list[Event], push: Push,
                    refresh_id: str | None = None) -> CourseRefreshRequested | None:
    """A refresh of the course if its current version was built on the pushed branch; None when the
    push does not concern it (another repository or branch, or no version yet). A course that cannot
    be refreshed now raises StageConflict, as a user's request would."""
    fold = fold_refresh(events)
    clone = fold.current.clone
    if fold.version_count == 0 or clone is None or not builds_on(clone.payload.repo_url, clone.payload.ref, push):
        return None
    # Acting as the course's owner (the trigger says it was the forge): the refresh's stage 1 then
    # clones with the owner's rights and its snapshot belongs to the owner, as a refresh they asked
    # for would (repo_clone keys private snapshots by the requester).
    return request_refresh(state, fold, state.owner_id, True, None, trigger="webhook", refresh_id=refresh_id)
