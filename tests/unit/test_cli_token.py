"""`coursegen token <user>` (issue 9): the user positionally, or with --user-id as `make token` does."""
from __future__ import annotations

import jwt
import pytest

from ops.cli import main as coursegen

SECRET = "cli-token-test-secret-0123456789abcdef0123456789"


@pytest.fixture(autouse=True)
def _secret(monkeypatch):
    monkeypatch.setenv("JWT_SECRET", SECRET)


def token_subject(capsys, argv: list[str]) -> str:
    assert coursegen(argv) == 0
    token = capsys.readouterr().out.strip()
    return jwt.decode(token, SECRET, algorithms=["HS256"])["sub"]


@pytest.mark.parametrize(("argv", "user"), [
    (["token", "alice"], "alice"),
    (["token", "--user-id", "bob"], "bob"),
    (["token", "carol", "--user-id", "carol"], "carol"),
    (["token"], "dev"),
])
def test_token_names_the_user(capsys, argv, user):
    assert token_subject(capsys, argv) == user


def test_token_refuses_two_different_users(capsys):
    with pytest.raises(SystemExit) as exit:
        coursegen(["token", "alice", "--user-id", "bob"])
    assert exit.value.code == 2
    assert "two different users" in capsys.readouterr().err
