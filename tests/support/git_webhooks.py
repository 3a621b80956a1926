"""What GitHub and GitLab send when a branch moves: push payloads shaped like theirs (the fields
the gateway reads, and some it does not) and the headers that authenticate them, the signature
computed here with hashlib/hmac directly so a test does not check the gateway against itself."""
from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from urllib.parse import urlsplit

SECRET = "forge-shared-secret-0123456789abcdef"  # 32+ characters: the test environment wants a real one
ZERO = "0" * 40


def _forms(web_url: str) -> dict[str, str]:
    """The ways a forge writes one repository's URL, from its web address (https://host/owner/name)."""
    parts = urlsplit(web_url)
    path = parts.path.strip("/")
    return {"web": web_url, "https": f"{web_url}.git", "ssh": f"git@{parts.hostname}:{path}.git",
            "git": f"git://{parts.hostname}/{path}.git"}


def github_push(web_url: str, ref: str = "refs/heads/main", default_branch: str = "main",
                after: str = "1" * 40) -> bytes:
    forms = _forms(web_url)
    name = forms["web"].rsplit("/", 1)[-1]
    return json.dumps({
        "ref": ref, "before": "2" * 40, "after": after, "created": False, "deleted": after == ZERO,
        "forced": False, "compare": f"{web_url}/compare/x...y", "commits": [], "head_commit": None,
        "repository": {"id": 1296269, "name": name, "full_name": f"team/{name}", "private": False,
                       "html_url": forms["web"], "url": forms["web"], "clone_url": forms["https"],
                       "ssh_url": forms["ssh"], "git_url": forms["git"], "default_branch": default_branch,
                       "master_branch": default_branch},
        "pusher": {"name": "octocat", "email": "octocat@example.org"},
        "sender": {"login": "octocat", "id": 1},
    }).encode()


def github_headers(body: bytes, secret: str = SECRET, event: str = "push") -> dict[str, str]:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {"Content-Type": "application/json", "User-Agent": "GitHub-Hookshot/abc123",
            "X-GitHub-Event": event, "X-GitHub-Delivery": str(uuid.uuid4()),
            "X-Hub-Signature-256": f"sha256={digest}"}


def gitlab_push(web_url: str, ref: str = "refs/heads/main", default_branch: str = "main",
                after: str = "1" * 40) -> bytes:
    forms = _forms(web_url)
    name = forms["web"].rsplit("/", 1)[-1]
    project = {"id": 15, "name": name, "web_url": forms["web"], "git_http_url": forms["https"],
               "git_ssh_url": forms["ssh"], "namespace": "team", "path_with_namespace": f"team/{name}",
               "default_branch": default_branch}
    return json.dumps({
        "object_kind": "push", "event_name": "push", "before": "2" * 40, "after": after, "ref": ref,
        "user_username": "jsmith", "project_id": 15, "project": project, "commits": [],
        "total_commits_count": 0,
        "repository": {"name": name, "url": forms["ssh"], "homepage": forms["web"],
                       "git_http_url": forms["https"], "git_ssh_url": forms["ssh"]},
    }).encode()


def gitlab_headers(token: str = SECRET, event: str = "Push Hook") -> dict[str, str]:
    return {"Content-Type": "application/json", "X-Gitlab-Event": event, "X-Gitlab-Token": token,
            "X-Gitlab-Event-UUID": str(uuid.uuid4())}
