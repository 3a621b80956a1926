"""Which repository URLs the service agrees to clone.

The URL comes from a user and is handed to git, so it is checked for three kinds of abuse:
git option injection (`--upload-pack=...`, `-oProxyCommand=...`, `ext::` remote helpers),
server-side request forgery (hosts that resolve to loopback, private, link-local or cloud
metadata addresses) and credentials smuggled in the URL, in its user part or its query string
(tokens have their own channel and must never reach an event, a log line or an error message).
Error messages therefore never repeat the URL itself, only the part that is wrong.

The addresses a host name was checked as travel with the URL (`VettedUrl.pin`): the cloner
connects to those and no others, so the name cannot be made to point elsewhere between the check
and the clone.
"""
from __future__ import annotations

import asyncio
import ipaddress
import os
import socket
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from urllib.parse import SplitResult, unquote, urlsplit

from shared import linear_regex

ALLOW_LOCAL_FLAG = "ALLOW_LOCAL_REPOS"
ACCEPTED_FORMS = "https://host/path, ssh://[user@]host[:port]/path or git@host:path"
# A lookup that hangs must not hold a request or a stage: past this the host counts as unresolvable.
DNS_TIMEOUT_SECONDS = 5.0
# Lookups run on their own few threads, never on the default executor the gateway also uses (for
# JWT verification among others): a slow resolver then delays URL checks only.
DNS_THREADS = 4

_CONTROL_OR_SPACE = linear_regex.compile(r"[\x00-\x20\x7f-\x9f\s]")
# git's `<transport>::<address>` syntax runs remote helpers such as `ext::sh -c ...`.
_REMOTE_HELPER = linear_regex.compile(r"^[A-Za-z][A-Za-z0-9+.-]*::")
_URL_SCHEME = linear_regex.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")
_SCP_LIKE = linear_regex.compile(r"^(?:(?P<user>[A-Za-z0-9._~-]+)@)?"
                                 r"(?P<host>[^/:@\[\]]+|\[[0-9A-Fa-f:.]+\]):(?P<path>.+)$")
_USER = linear_regex.compile(r"^[A-Za-z0-9._~][A-Za-z0-9._~-]*$")
# DNS labels start and end with a letter or digit; this also keeps option-looking hosts out. A name
# has at most 253 characters, not counting a final dot (`_is_host_name`).
_HOST_NAME = linear_regex.compile(r"^([A-Za-z0-9]([A-Za-z0-9_-]{0,61}[A-Za-z0-9])?\.)*"
                                  r"[A-Za-z0-9]([A-Za-z0-9_-]{0,61}[A-Za-z0-9])?\.?$")
_MAX_HOST_NAME_CHARS = 253
# A numeric last label is never a DNS name: git and curl read `127.1` or `2130706433` as an IP.
_NUMERIC_LAST_LABEL = linear_regex.compile(r"(^|\.)(0x[0-9A-Fa-f]*|[0-9]+)\.?$")
# NAT64 gateways translate this prefix to the IPv4 address in its last 32 bits.
_NAT64_PREFIX = ipaddress.IPv6Network("64:ff9b::/96")
_LOOPBACK = "a loopback address"
_DEFAULT_PORTS = {"https": 443, "ssh": 22}

# Most specific first: 127.0.0.1 is private too, but "loopback" says more.
_NON_PUBLIC_KINDS = ((_LOOPBACK, "is_loopback"),
                     ("a link-local address (cloud metadata lives here)", "is_link_local"),
                     ("an unspecified address", "is_unspecified"),
                     ("a multicast address", "is_multicast"),
                     ("a private address", "is_private"),
                     ("a reserved address", "is_reserved"))


class RepoUrlRejected(ValueError):
    """The repository URL is not one the service will clone; the message says why."""


@dataclass(frozen=True)
class PinnedHost:
    """Where a checked host name may be reached: git connects to these addresses only, so a name
    that resolves elsewhere by the time of the clone (DNS rebinding) changes nothing."""
    host: str
    port: int
    addresses: tuple[str, ...]


@dataclass(frozen=True)
class VettedUrl:
    url: str
    scheme: str  # "https", "ssh" (ssh:// and git@host:path) or "local" (a path or file://)
    host: str | None = None  # lower-case, without an IPv6 literal's brackets; None for local
    port: int | None = None
    addresses: tuple[str, ...] = ()  # what the host was checked as (the literal itself for an IP)

    @property
    def pin(self) -> PinnedHost | None:
        """The addresses to connect to, or None when there is no name to pin (local, IP literal)."""
        if self.host is None or _ip_literal(self.host) is not None:
            return None
        return PinnedHost(self.host, self.port, self.addresses)


def resolve_host(host: str) -> list[str]:
    """Every address the system resolver gives for `host`, as IP strings, within
    DNS_TIMEOUT_SECONDS (a lookup that takes longer raises OSError)."""
    future = _lookup_pool().submit(_getaddrinfo, host)
    try:
        return future.result(timeout=DNS_TIMEOUT_SECONDS)
    except FutureTimeout:
        raise OSError(f"the lookup took longer than {DNS_TIMEOUT_SECONDS:g} s") from None


def _getaddrinfo(host: str) -> list[str]:
    infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def _lookup_pool() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:  # made on first use: importing the policy starts no threads
            _pool = ThreadPoolExecutor(max_workers=DNS_THREADS, thread_name_prefix="repo-url-dns")
        return _pool


def check_repo_url(url: str, allow_local: bool,
                   resolve: Callable[[str], list[str]] = resolve_host) -> str:
    """Return the URL to clone, or raise RepoUrlRejected naming what is wrong with it."""
    return vet_repo_url(url, allow_local, resolve).url


def vet_repo_url(url: str, allow_local: bool,
                 resolve: Callable[[str], list[str]] = resolve_host) -> VettedUrl:
    """The URL with the addresses its host was checked as; raises RepoUrlRejected."""
    parsed = _parse(url, allow_local)
    if parsed.host is None:
        return parsed
    return _with_addresses(parsed, _check_host(parsed.host, resolve, allow_local))


async def vet_repo_url_async(url: str, allow_local: bool, timeout: float = DNS_TIMEOUT_SECONDS) -> VettedUrl:
    """`vet_repo_url` for an event loop: parsing on the loop, the lookup on the policy's own
    threads, given up after `timeout` seconds."""
    parsed = _parse(url, allow_local)
    if parsed.host is None or _ip_literal(parsed.host) is not None:
        return vet_repo_url(url, allow_local)  # nothing to look up
    loop = asyncio.get_running_loop()
    try:
        found = await asyncio.wait_for(loop.run_in_executor(_lookup_pool(), _getaddrinfo, parsed.host), timeout)
    except (TimeoutError, asyncio.TimeoutError):
        raise RepoUrlRejected(f"cannot resolve host {parsed.host}: the lookup took longer than "
                              f"{timeout:g} s") from None
    except (OSError, UnicodeError, ValueError):
        found = []
    return _with_addresses(parsed, _check_host(parsed.host, lambda _: found, allow_local))


def _with_addresses(parsed: VettedUrl, addresses: tuple[str, ...]) -> VettedUrl:
    return VettedUrl(parsed.url, parsed.scheme, parsed.host, parsed.port, addresses)


def _parse(url: str, allow_local: bool) -> VettedUrl:
    """Everything but the lookup: the form, the scheme, credentials, the host's spelling."""
    _check_characters(url)
    if url.startswith("/") or url.lower().startswith("file:"):
        return VettedUrl(_check_local(url, allow_local), "local")
    scheme = _URL_SCHEME.match(url)
    if scheme:
        return _parse_url_with_scheme(scheme.group(1).lower(), url)
    return _parse_scp_like(url)


def _check_characters(url: str) -> None:
    if not url:
        raise RepoUrlRejected("the repository URL is empty")
    if url.startswith("-"):
        raise RepoUrlRejected("the repository URL must not start with '-' (git would read it as an option)")
    if _CONTROL_OR_SPACE.search(url):
        raise RepoUrlRejected("the repository URL contains whitespace or control characters")
    if _REMOTE_HELPER.match(url):
        raise RepoUrlRejected(f"git remote helpers ('{url.split('::')[0]}::') are not allowed; "
                              f"use {ACCEPTED_FORMS}")


def _check_local(url: str, allow_local: bool) -> str:
    if not allow_local:
        raise RepoUrlRejected("local paths and file:// URLs are only accepted when "
                              f"{ALLOW_LOCAL_FLAG}=true; use {ACCEPTED_FORMS}")
    path = unquote(urlsplit(url).path) if url.lower().startswith("file:") else url
    if not os.path.isabs(path) or not os.path.isdir(path):
        raise RepoUrlRejected("the local repository path is not an existing directory")
    return url


def _parse_url_with_scheme(scheme: str, url: str) -> VettedUrl:
    if scheme not in ("https", "ssh"):
        raise RepoUrlRejected(f"the URL scheme '{scheme}://' is not allowed; use {ACCEPTED_FORMS}")
    parts = _split(url)
    if scheme == "https" and (parts.username is not None or parts.password is not None):
        raise RepoUrlRejected("credentials must not be part of the repository URL; "
                              "put the access token in the token field instead")
    if "?" in url:  # a literal "?" always starts a query: in a path it would be "%3F"
        # `?private_token=...` is a credential too, and git has no use for a query.
        raise RepoUrlRejected("the repository URL must not have a query string ('?...'): "
                              "put an access token in the token field instead")
    if scheme == "ssh":
        _check_ssh_user(parts)
    host = _host_of(parts)
    _check_host_spelling(host)
    return VettedUrl(url, scheme, host, parts.port or _DEFAULT_PORTS[scheme])


def _split(url: str) -> SplitResult:
    try:
        parts = urlsplit(url)
        _ = parts.port  # urlsplit validates the port only when it is read
    except ValueError as exc:
        raise RepoUrlRejected(f"the repository URL is malformed ({exc})") from None
    return parts


def _check_ssh_user(parts: SplitResult) -> None:
    if parts.password is not None:
        raise RepoUrlRejected("passwords must not be part of an ssh:// URL; use a deploy key")
    if parts.username is not None and not _USER.match(parts.username):
        raise RepoUrlRejected("the ssh user name in the repository URL is not valid")


def _host_of(parts: SplitResult) -> str:
    # hostname drops the user part and an IPv6 literal's brackets, and lower-cases.
    if not parts.hostname:
        raise RepoUrlRejected("the repository URL has no host")
    return parts.hostname


def _parse_scp_like(url: str) -> VettedUrl:
    match = _SCP_LIKE.match(url)
    if not match:
        raise RepoUrlRejected(f"the repository URL is not in an accepted form; use {ACCEPTED_FORMS}")
    if match.group("path").startswith("-"):
        raise RepoUrlRejected("the repository path must not start with '-' "
                              "(git would read it as an option)")
    host = match.group("host").strip("[]").lower()
    _check_host_spelling(host)
    return VettedUrl(url, "ssh", host, _DEFAULT_PORTS["ssh"])


def _check_host_spelling(host: str) -> None:
    if _ip_literal(host) is None and (not _is_host_name(host) or _NUMERIC_LAST_LABEL.search(host)):
        raise RepoUrlRejected(f"'{host}' is not a valid host name or IP address")


def _is_host_name(host: str) -> bool:
    length = len(host) - 1 if host.endswith(".") else len(host)
    return length <= _MAX_HOST_NAME_CHARS and _HOST_NAME.match(host) is not None


def _check_host(host: str, resolve: Callable[[str], list[str]], allow_local: bool) -> tuple[str, ...]:
    literal = _ip_literal(host)
    if literal is not None:
        _refuse_non_public(literal, f"the host {host}", allow_local)
        return (str(literal),)
    addresses = _resolved_addresses(host, resolve)
    for address in addresses:
        _refuse_non_public(address, f"the host {host} resolves to {address}, which", allow_local)
    return tuple(str(a) for a in addresses)


def _ip_literal(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def _resolved_addresses(host: str, resolve: Callable[[str], list[str]]) -> list:
    try:
        addresses = [ipaddress.ip_address(address) for address in resolve(host)]
    except (OSError, UnicodeError, ValueError):
        addresses = []
    if not addresses:
        raise RepoUrlRejected(f"cannot resolve host {host}")
    return addresses


def _refuse_non_public(address, subject: str, allow_local: bool) -> None:
    kind = non_public_kind(address)
    # With local repositories allowed (development, tests), a git server on this machine is too.
    if kind and not (allow_local and kind == _LOOPBACK):
        raise RepoUrlRejected(f"{subject} is {kind}; only public hosts can be cloned")


def non_public_kind(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """What makes `address` unfit to clone from ("a loopback address"...), or None if public."""
    if isinstance(address, ipaddress.IPv6Address):
        # An IPv4 address wrapped in IPv6 reaches the same machine: judge the inner one.
        inner = address.ipv4_mapped or address.sixtofour or _nat64_inner(address)
        if inner is not None:
            return non_public_kind(inner)
    for kind, property_name in _NON_PUBLIC_KINDS:
        if getattr(address, property_name):
            return kind
    return None if address.is_global else "not a public address"


def _nat64_inner(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address not in _NAT64_PREFIX:
        return None
    return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)


def repo_name(url: str) -> str:
    """The repository's own name: the last path component without `.git`."""
    path = url.rstrip("/")
    if _URL_SCHEME.match(path):
        path = urlsplit(path).path.rstrip("/")
    name = linear_regex.split(r"[/:]", path)[-1]
    name = name[: -len(".git")] if name.endswith(".git") else name
    return name or "repository"
