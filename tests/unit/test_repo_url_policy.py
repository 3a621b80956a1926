"""The repository URL policy: only https, ssh and scp-like URLs to public hosts are cloned.

Every test injects the resolver, so none of them touches the network."""
from __future__ import annotations

import pytest

from shared.repos.policy import PinnedHost, RepoUrlRejected, check_repo_url, repo_name, vet_repo_url

PUBLIC_IP = "140.82.112.3"


def resolves_to(*addresses: str):
    """A resolver that answers every host with `addresses` and remembers what it was asked."""
    def resolve(host: str) -> list[str]:
        resolve.asked.append(host)
        return list(addresses)
    resolve.asked = []
    return resolve


def never_resolves(host: str) -> list[str]:
    raise OSError("Name or service not known")


def must_not_resolve(host: str) -> list[str]:
    raise AssertionError(f"the policy should have refused before resolving {host}")


def rejected(url: str, *, allow_local: bool = False, resolve=must_not_resolve) -> str:
    with pytest.raises(RepoUrlRejected) as caught:
        check_repo_url(url, allow_local, resolve)
    return str(caught.value)


@pytest.mark.parametrize("url", ["https://github.com/owner/docs.git",
                                 "https://gitlab.example.org:8443/group/sub/docs"])
def test_https_to_a_public_host_is_accepted(url):
    resolve = resolves_to(PUBLIC_IP)
    assert check_repo_url(url, False, resolve) == url
    assert resolve.asked == [url.split("/")[2].split(":")[0]]


@pytest.mark.parametrize("url", ["ssh://git@github.com/owner/docs.git",
                                 "ssh://github.com:2222/owner/docs.git",
                                 "git@github.com:owner/docs.git"])
def test_ssh_and_scp_like_urls_to_a_public_host_are_accepted(url):
    assert check_repo_url(url, False, resolves_to(PUBLIC_IP)) == url


def test_file_url_is_refused_without_the_flag(tmp_path):
    assert "ALLOW_LOCAL_REPOS" in rejected(f"file://{tmp_path}")


def test_local_path_is_refused_without_the_flag(tmp_path):
    assert "ALLOW_LOCAL_REPOS" in rejected(str(tmp_path))


def test_file_url_and_local_path_are_accepted_with_the_flag(tmp_path):
    assert check_repo_url(f"file://{tmp_path}", True, must_not_resolve) == f"file://{tmp_path}"
    assert check_repo_url(str(tmp_path), True, must_not_resolve) == str(tmp_path)


def test_a_local_path_that_is_not_a_directory_is_refused_even_with_the_flag(tmp_path):
    assert "not an existing directory" in rejected(str(tmp_path / "missing"), allow_local=True)


@pytest.mark.parametrize("url, scheme", [("http://127.0.0.1/x", "http"),
                                         ("http://github.com/owner/docs", "http"),
                                         ("ftp://host/x", "ftp"),
                                         ("git://github.com/owner/docs", "git")])
def test_other_schemes_are_refused(url, scheme):
    message = rejected(url)
    assert f"'{scheme}://' is not allowed" in message
    assert "https://" in message


@pytest.mark.parametrize("url, kind", [
    ("https://127.0.0.1/x", "loopback"),
    ("https://169.254.169.254/latest", "link-local"),
    ("https://[::1]/x", "loopback"),
    ("https://10.0.0.1/x", "private"),
    ("https://[fd00::1]/x", "private"),
    ("https://[fe80::1]/x", "link-local"),
    ("https://[::ffff:127.0.0.1]/x", "loopback"),
    ("https://0.0.0.0/x", "unspecified"),
    ("https://224.0.0.1/x", "multicast"),
    ("ssh://git@192.168.0.7/x", "private"),
    ("git@[::1]:x.git", "loopback"),
])
def test_literal_non_public_addresses_are_refused(url, kind):
    assert kind in rejected(url)


@pytest.mark.parametrize("host", ["2130706433", "127.1", "0x7f.0.0.1", "0177.0.0.1"])
def test_numeric_host_spellings_that_git_reads_as_ip_addresses_are_refused(host):
    assert "not a valid host name" in rejected(f"https://{host}/x")


def test_a_host_resolving_to_a_private_address_is_refused():
    message = rejected("https://docs.internal.example/x", resolve=resolves_to(PUBLIC_IP, "192.168.1.1"))
    assert "docs.internal.example resolves to 192.168.1.1" in message
    assert "private" in message


def test_a_host_resolving_to_the_metadata_address_is_refused():
    assert "link-local" in rejected("git@metadata.example:x.git", resolve=resolves_to("169.254.169.254"))


def test_an_unresolvable_host_is_refused():
    assert "cannot resolve host nowhere.example" in rejected("https://nowhere.example/x",
                                                              resolve=never_resolves)
    assert "cannot resolve host" in rejected("https://empty.example/x", resolve=resolves_to())


@pytest.mark.parametrize("url", ["--upload-pack=touch /tmp/x", "-oProxyCommand=touch /tmp/x",
                                 "-uhttps://github.com/x"])
def test_option_injection_is_refused(url):
    assert "must not start with '-'" in rejected(url)


@pytest.mark.parametrize("url", ["ssh://-oProxyCommand=touch/x", "git@-oProxyCommand=x:y",
                                 "git@github.com:-x"])
def test_option_looking_hosts_and_paths_are_refused(url):
    rejected(url)


@pytest.mark.parametrize("url", ["ext::sh -c touch% /tmp/x", "ext::sh", "fd::17"])
def test_git_remote_helpers_are_refused(url):
    rejected(url)


@pytest.mark.parametrize("url", ["https://github.com/a b", "https://github.com/a\n",
                                 "https://github.com/a\x00", "\thttps://github.com/a"])
def test_whitespace_and_control_characters_are_refused(url):
    assert "whitespace or control characters" in rejected(url)


@pytest.mark.parametrize("url", ["https://alice:s3cr3t-token@github.com/a/b.git",
                                 "https://ghp_s3cr3ttoken@github.com/a/b.git"])
def test_credentials_in_an_https_url_are_refused_without_being_repeated(url):
    message = rejected(url)
    assert "token field" in message
    assert "s3cr3t" not in message


def test_a_password_in_an_ssh_url_is_refused_without_being_repeated():
    message = rejected("ssh://git:hunter2@github.com/a/b.git")
    assert "hunter2" not in message


@pytest.mark.parametrize("url", ["https:///path", "https://:443/path", "ssh:///x"])
def test_a_url_without_a_host_is_refused(url):
    assert "no host" in rejected(url)


@pytest.mark.parametrize("url", ["", "owner/docs", "github.com/owner/docs", "./docs", "~/docs"])
def test_anything_else_is_refused(url):
    rejected(url)


def test_a_malformed_port_is_refused():
    assert "malformed" in rejected("https://github.com:99999/x")


@pytest.mark.parametrize("url, name", [("https://github.com/a/b.git", "b"),
                                       ("https://github.com/a/b/", "b"),
                                       ("git@github.com:a/docs-site.git", "docs-site"),
                                       ("git@github.com:b.git", "b"),
                                       ("ssh://git@host:22/x/y.git", "y"),
                                       ("/tmp/x/docs-repo", "docs-repo"),
                                       ("file:///tmp/x/docs-repo/", "docs-repo")])
def test_repo_name_is_the_last_path_component_without_dot_git(url, name):
    assert repo_name(url) == name


@pytest.mark.parametrize("url", ["https://gitlab.example.org/a/b.git?private_token=glpat-s3cr3t",
                                 "https://github.com/a/b.git?access_token=s3cr3t",
                                 "https://github.com/a/b.git?token=s3cr3t",
                                 "https://github.com/a/b.git?s3cr3t",
                                 "https://github.com/a/b.git?",
                                 "ssh://git@github.com/a/b.git?token=s3cr3t"])
def test_a_query_string_is_refused_like_credentials_without_being_repeated(url):
    message = rejected(url)
    assert "query string" in message and "token field" in message
    assert "s3cr3t" not in message


def test_the_checked_addresses_travel_with_the_url_as_its_pin():
    vetted = vet_repo_url("https://git.example.org:8443/a/b.git", False, resolves_to(PUBLIC_IP, "2606:50c0::1"))
    assert vetted.url == "https://git.example.org:8443/a/b.git"
    assert vetted.pin == PinnedHost("git.example.org", 8443, (PUBLIC_IP, "2606:50c0::1"))
    assert vet_repo_url("git@github.com:a/b.git", False, resolves_to(PUBLIC_IP)).pin == \
        PinnedHost("github.com", 22, (PUBLIC_IP,))
    assert vet_repo_url("https://github.com/a", False, resolves_to(PUBLIC_IP)).pin.port == 443


def test_an_ip_literal_or_a_local_path_has_nothing_to_pin(tmp_path):
    assert vet_repo_url(f"https://{PUBLIC_IP}/a/b.git", False, must_not_resolve).pin is None
    assert vet_repo_url(str(tmp_path), True, must_not_resolve).pin is None


def test_loopback_is_accepted_only_where_local_repositories_are():
    assert "loopback" in rejected("https://127.0.0.1:8443/x.git")
    assert "loopback" in rejected("https://localhost/x.git", resolve=resolves_to("127.0.0.1"))
    assert check_repo_url("https://127.0.0.1:8443/x.git", True, must_not_resolve) == "https://127.0.0.1:8443/x.git"
    assert "private" in rejected("https://10.0.0.1/x.git", allow_local=True)
    assert "link-local" in rejected("https://169.254.169.254/x", allow_local=True)
