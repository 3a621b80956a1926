"""NATS_URL names one server or the nodes of a cluster (comma-separated, one user for all), and
each user's replies come under its own inbox prefix, which deploy/nats-accounts.conf relies on."""
from __future__ import annotations

import pytest
from pydantic import ValidationError

from shared.bus.connection import inbox_prefix, server_urls
from shared.settings import ServiceSettings

CLUSTER = "nats://u:p@127.0.0.1:4222, nats://u:p@127.0.0.1:4223,nats://u:p@127.0.0.1:4224"


def test_a_cluster_is_named_by_its_nodes_separated_by_commas():
    assert ServiceSettings(nats_url=CLUSTER).nats_url == CLUSTER
    assert server_urls(CLUSTER) == ["nats://u:p@127.0.0.1:4222", "nats://u:p@127.0.0.1:4223",
                                    "nats://u:p@127.0.0.1:4224"]


@pytest.mark.parametrize("url, reason", [
    ("nats://a:4222,http://b:4222", "NATS_URL must start with nats://"),
    ("nats://a:4222,", "NATS_URL must start with nats://"),
    ("nats://u:p@a:4222,nats://v:p@b:4222", "same user"),
    ("nats://u.x:p@a:4222", "letters, digits"),
])
def test_a_bad_server_list_is_refused_naming_why(url, reason):
    with pytest.raises(ValidationError, match=reason):
        ServiceSettings(nats_url=url)


def test_replies_come_under_the_users_own_prefix():
    assert inbox_prefix(CLUSTER) == "_INBOX_u"
    assert inbox_prefix("nats://repo_clone:secret@nats:4222") == "_INBOX_repo_clone"
    assert inbox_prefix("nats://127.0.0.1:4222") == "_INBOX"  # no accounts: NATS's default
