"""A git forge's push webhook, decided without I/O (services/gateway/domain/webhooks.py): GitHub's
body signature and GitLab's token prove the shared secret and nothing else does; the push's
repository URLs and branch are read as each forge writes them; a course's repository URL matches
however it was written (host case, trailing `.git` or `/`, https/ssh/git forms)."""
from __future__ import annotations

import json
from urllib.parse import quote

import pytest

from services.gateway.domain.webhooks import (
    GITHUB, GITLAB, BadPayload, Push, WebhookRefused, authenticate, builds_on, parse_push, repository_key,
)
from tests.support.git_webhooks import (
    SECRET, ZERO, github_headers, github_push, gitlab_headers, gitlab_push,
)

WEB = "https://GitHub.example/Team/Skyline"
BODY = github_push(WEB)


# --- GitHub: the HMAC-SHA256 of the raw body ---------------------------------------------------
def test_a_correctly_signed_github_push_is_accepted():
    delivery = authenticate(github_headers(BODY), BODY, SECRET)
    assert (delivery.forge, delivery.event) == (GITHUB, "push")


def test_header_names_are_read_whatever_their_case():
    headers = {name.lower(): value for name, value in github_headers(BODY).items()}
    assert authenticate(headers, BODY, SECRET).event == "push"
    assert authenticate({"X-GITHUB-EVENT": "ping", "X-HUB-SIGNATURE-256": github_headers(BODY)["X-Hub-Signature-256"]},
                        BODY, SECRET).event == "ping"


@pytest.mark.parametrize("tampered", [
    BODY + b" ", BODY.replace(b"refs/heads/main", b"refs/heads/evil"), b"", BODY[:-1],
])
def test_a_signature_of_another_body_is_refused(tampered):
    with pytest.raises(WebhookRefused, match="does not match"):
        authenticate(github_headers(BODY), tampered, SECRET)


def test_a_body_signed_with_another_secret_is_refused():
    with pytest.raises(WebhookRefused, match="does not match"):
        authenticate(github_headers(BODY, secret=SECRET + "x"), BODY, SECRET)


@pytest.mark.parametrize("signature, reason", [
    (None, "missing"), ("", "missing"), ("   ", "missing"),
    ("sha1=" + "0" * 40, "not 'sha256="), ("0" * 64, "not 'sha256="),
    ("sha256=", "does not match"), ("sha256=" + "0" * 64, "does not match"),
    ("sha256=\u00e9\ud800" + "0" * 60, "does not match"),  # not even ASCII: refused, not an error
])
def test_a_missing_or_malformed_signature_is_refused_with_the_reason(signature, reason):
    headers = {"X-GitHub-Event": "push"} | ({} if signature is None else {"X-Hub-Signature-256": signature})
    with pytest.raises(WebhookRefused, match=reason):
        authenticate(headers, BODY, SECRET)


def test_the_hex_digest_may_be_upper_case():
    headers = github_headers(BODY)
    headers["X-Hub-Signature-256"] = "sha256=" + headers["X-Hub-Signature-256"][7:].upper()
    assert authenticate(headers, BODY, SECRET).forge == GITHUB


def test_a_ping_needs_the_signature_too():
    with pytest.raises(WebhookRefused):
        authenticate({"X-GitHub-Event": "ping"}, b"{}", SECRET)
    assert authenticate(github_headers(b"{}", event="ping"), b"{}", SECRET).event == "ping"


# --- GitLab: the secret itself, as the token ---------------------------------------------------
def test_the_gitlab_token_equal_to_the_secret_is_accepted():
    delivery = authenticate(gitlab_headers(), gitlab_push(WEB), SECRET)
    assert (delivery.forge, delivery.event) == (GITLAB, "push")
    assert authenticate(gitlab_headers(event="Tag Push Hook"), b"{}", SECRET).event == "tag_push"


@pytest.mark.parametrize("token", ["", SECRET[:-1], SECRET + " ", SECRET.upper(), "x" * 10_000, "\u00e9\ud800"])
def test_any_other_gitlab_token_is_refused(token):
    with pytest.raises(WebhookRefused):
        authenticate(gitlab_headers(token), gitlab_push(WEB), SECRET)


def test_a_gitlab_hook_without_a_token_is_refused():
    with pytest.raises(WebhookRefused, match="X-Gitlab-Token is missing"):
        authenticate({"X-Gitlab-Event": "Push Hook"}, gitlab_push(WEB), SECRET)


def test_a_github_signature_does_not_pass_as_a_gitlab_hook_nor_the_reverse():
    signed = github_headers(BODY)
    with pytest.raises(WebhookRefused):
        authenticate({"X-Gitlab-Event": "Push Hook", "X-Hub-Signature-256": signed["X-Hub-Signature-256"]}, BODY, SECRET)
    with pytest.raises(WebhookRefused):
        authenticate({"X-GitHub-Event": "push", "X-Gitlab-Token": SECRET}, BODY, SECRET)


def test_a_request_from_neither_forge_is_refused():
    with pytest.raises(WebhookRefused, match="not a GitHub or GitLab webhook"):
        authenticate({"X-Hub-Signature-256": github_headers(BODY)["X-Hub-Signature-256"]}, BODY, SECRET)


# --- what was pushed ----------------------------------------------------------------------------
def test_a_github_push_names_the_repository_every_way_and_the_branch():
    push = parse_push(GITHUB, BODY)
    assert set(push.repository_urls) == {WEB, f"{WEB}.git", "git@github.example:Team/Skyline.git",
                                         "git://github.example/Team/Skyline.git"}
    assert (push.branch, push.default_branch, push.deleted, push.ignored) == ("main", "main", False, None)


def test_a_gitlab_push_names_the_project_every_way_and_the_branch():
    push = parse_push(GITLAB, gitlab_push(WEB, ref="refs/heads/release/2.x", default_branch="trunk"))
    assert set(push.repository_urls) == {WEB, f"{WEB}.git", "git@github.example:Team/Skyline.git"}
    assert (push.branch, push.default_branch) == ("release/2.x", "trunk")


def test_github_may_send_the_payload_form_encoded():
    form = b"payload=" + quote(BODY.decode()).encode()
    push = parse_push(GITHUB, form, "application/x-www-form-urlencoded; charset=utf-8")
    assert push.branch == "main" and f"{WEB}.git" in push.repository_urls


@pytest.mark.parametrize("body, ignored", [
    (github_push(WEB, ref="refs/tags/v1.0"), "not a branch"),
    (github_push(WEB, after=ZERO), "was deleted"),
    (gitlab_push(WEB, after=ZERO), "was deleted"),
])
def test_tags_and_deleted_branches_refresh_nothing(body, ignored):
    forge = GITLAB if b"object_kind" in body else GITHUB
    assert ignored in parse_push(forge, body).ignored


@pytest.mark.parametrize("body", [
    b"", b"not json", b"\xff\xfe", b"[]", b'"push"', b"[" * 100_000, b"{}", b'{"ref": 1}',
    b'{"ref": "refs/heads/main"}', b'{"ref": "refs/heads/main", "repository": "x"}',
])
def test_a_body_that_is_no_push_is_a_bad_payload(body):
    with pytest.raises(BadPayload):
        parse_push(GITHUB, body)


def test_odd_url_fields_are_left_out():
    payload = json.loads(BODY)
    payload["repository"].update(clone_url=None, ssh_url=42, git_url="x" * 5000)
    assert set(parse_push(GITHUB, json.dumps(payload).encode()).repository_urls) == {WEB}


# --- the same repository, however written ------------------------------------------------------
@pytest.mark.parametrize("url", [
    "https://github.example/Team/Skyline", "https://GITHUB.example/Team/Skyline.git",
    "https://github.example/Team/Skyline/", "https://github.example/Team/Skyline.git/",
    "https://github.example:443/Team/Skyline", "ssh://git@github.example:2222/Team/Skyline.git",
    "git@GitHub.Example:Team/Skyline.git", "github.example:Team/Skyline", "git://github.example/Team/Skyline.git",
    " https://github.example/Team/Skyline ",
])
def test_forms_of_one_repository_have_one_key(url):
    assert repository_key(url) == ("github.example", "Team/Skyline")


@pytest.mark.parametrize("url", [
    "https://github.example/Team/skyline", "https://github.example/team/Skyline",  # path case matters
    "https://github.example/Team/Skyline-docs", "https://github.example/Other/Skyline",
    "https://gitlab.example/Team/Skyline", "https://github.example/Team/Skyline/sub",
    "https://github.example/Team/Skyline.gitx",
])
def test_other_repositories_have_other_keys(url):
    assert repository_key(url) != ("github.example", "Team/Skyline")


def test_local_repositories_keep_their_path():
    assert repository_key("/srv/git/skyline.git/") == repository_key("file:///srv/git/skyline") == (None, "/srv/git/skyline")
    assert repository_key("/srv/git/skyline") != repository_key("https://srv/git/skyline")


@pytest.mark.parametrize("url", [None, "", "   ", "skyline", "https://", "/", ".git"])
def test_no_key_for_what_names_no_repository(url):
    assert repository_key(url) is None


# --- which courses follow the push ---------------------------------------------------------------
PUSH = Push(GITHUB, (f"{WEB}.git", WEB), "refs/heads/main", "main")


@pytest.mark.parametrize("repo_url, ref, follows", [
    ("https://github.example/Team/Skyline", None, True),       # no ref: the default branch
    ("git@github.example:Team/Skyline.git", "main", True),
    ("https://github.example/Team/Skyline.git", "refs/heads/main", True),
    ("https://github.example/Team/Skyline", "develop", False),  # another branch
    ("https://github.example/Team/Skyline", "v1.0", False),     # a tag or a commit: pinned
    ("https://github.example/Team/Other", None, False),
])
def test_a_course_follows_the_push_on_its_repository_and_branch(repo_url, ref, follows):
    assert builds_on(repo_url, ref, PUSH) is follows


def test_a_course_with_no_ref_follows_only_the_default_branch():
    develop = Push(GITHUB, (WEB,), "refs/heads/develop", "main")
    assert not builds_on(WEB, None, develop) and builds_on(WEB, "develop", develop)
    unknown_default = Push(GITHUB, (WEB,), "refs/heads/main", None)
    assert not builds_on(WEB, None, unknown_default) and builds_on(WEB, "main", unknown_default)


def test_a_tag_push_concerns_no_course():
    tag = Push(GITHUB, (WEB,), "refs/tags/main", "main")
    assert not builds_on(WEB, "main", tag) and not builds_on(WEB, None, tag)
