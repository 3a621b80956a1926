"""The git process: runs one git command for one URL under the clone's deadline, with an environment
that holds the token only as a header (never in argv, a URL or the repository's config) and connects
only to the addresses the URL policy checked; reads its stderr for progress and failure, kills its
whole process group on timeout, and lets no file it writes grow past the checkout's cap."""
from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import queue
import resource
import shlex
import shutil
import signal
import subprocess
import threading
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from shared import linear_regex
from shared.repos.policy import PinnedHost, RepoUrlRejected

from .git_failures import (
    ALLOWED_SSH_HOSTS, CLONE_TIMEOUT_SECONDS, MAX_REPO_BYTES, REASON_MESSAGES, CloneFailed, CloneLimitExceeded,
    Scrubber, b64, classify,
)
from .git_progress import ProgressReporter, SizeGuard, parse_progress

log = logging.getLogger(__name__)

PR_SET_PDEATHSIG = 1

# Local transports run upload-pack on our side, so we enable what https servers allow anyway:
# partial clone filters and wants by sha (protocol v0 needs the latter; v2 allows it already).
_LOCAL_UPLOAD_PACK = "git -c uploadpack.allowFilter=true -c uploadpack.allowAnySHA1InWant=true upload-pack"

# Variables that would change which repository git works on, what it prints (traces can dump
# headers) or which config wins over ours.
_INHERITED_ENV_TO_DROP = linear_regex.compile(
    r"GIT_CONFIG_(COUNT|KEY_\d+|VALUE_\d+|PARAMETERS)|GIT_TRACE.*|GIT_CURL_VERBOSE|GIT_DIR|GIT_WORK_TREE"
    r"|GIT_INDEX_FILE|GIT_OBJECT_DIRECTORY|GIT_ALTERNATE_OBJECT_DIRECTORIES|GIT_NAMESPACE"
)

_SIZE_POLL_SECONDS = 1.0


@dataclass(frozen=True)
class Attempt:
    ok: bool
    stdout: bytes
    messages: list[str]  # stderr lines other than progress, newest last


class Deadline:
    def __init__(self, seconds: float):
        self.seconds = seconds
        self._ends_at = time.monotonic() + seconds

    def remaining(self) -> float:
        return max(0.0, self._ends_at - time.monotonic())

    def exceeded(self) -> CloneLimitExceeded:
        return CloneLimitExceeded(CLONE_TIMEOUT_SECONDS, self.seconds)


class Git:
    """Runs git commands for one URL under one deadline, reporting progress and guarding size."""

    def __init__(self, url: str, token: str | None, deadline: Deadline,
                 reporter: ProgressReporter | None = None, size_guard: SizeGuard | None = None,
                 pin: PinnedHost | None = None):
        self.url = url
        self.local = is_local(url)
        self.deadline = deadline
        self.reporter = reporter or ProgressReporter(None)
        self.size_guard = size_guard or SizeGuard(None, None)
        self._env = git_environment(token, self.local, pin, ssh=is_ssh(url))
        self._scrub = Scrubber(token)

    def clone_transport_options(self) -> list[str]:
        if not self.local:
            return []
        # --no-local: a plain path would otherwise be hard-linked, ignoring --depth and --filter.
        return ["--no-local", f"--upload-pack={_LOCAL_UPLOAD_PACK}",
                f"--config=remote.origin.uploadpack={_LOCAL_UPLOAD_PACK}"]

    def remote_config(self) -> list[tuple[str, str]]:
        return [("remote.origin.uploadpack", _LOCAL_UPLOAD_PACK)] if self.local else []

    def run(self, *args: str, step: str, cwd: Path | None = None, band=None, stdin: str | None = None) -> bytes:
        attempt = self.attempt(*args, cwd=cwd, band=band, stdin=stdin)
        if not attempt.ok:
            raise self.failure(step, attempt.messages)
        return attempt.stdout

    def failure(self, step: str, messages: list[str]) -> CloneFailed:
        """The reason, classified, for the user; git's own words only for the operator's log."""
        reason = classify(messages, self.url)
        log.warning("git could not %s (%s): %s", step, reason, self._scrub(" / ".join(messages[-5:]))[-1000:])
        return CloneFailed(REASON_MESSAGES.get(reason) or f"git could not {step} (the service log has details)")

    def attempt(self, *args: str, cwd: Path | None = None, band=None, stdin: str | None = None) -> Attempt:
        if self.deadline.remaining() <= 0:
            raise self.deadline.exceeded()
        started = time.monotonic()
        with self._spawn(args, cwd, stdin) as process:
            stdout, lines = bytearray(), queue.Queue[str | None]()
            readers = [_start_thread(_collect, process.stdout, stdout),
                       _start_thread(_pump_lines, process.stderr, lines)]
            try:
                _feed_stdin(process, stdin)
                messages = self._follow(lines, band)
                process.wait(timeout=self.deadline.remaining())
            except subprocess.TimeoutExpired:
                _kill_group(process)
                raise self.deadline.exceeded() from None
            except BaseException:
                _kill_group(process)
                raise
            finally:
                for reader in readers:
                    reader.join(timeout=5)
        # Where a clone's time goes, per git command, for the operator and bench/clone_split.py.
        log.debug("git %s took %.3f s", subcommand(args), time.monotonic() - started)
        if process.returncode == -signal.SIGXFSZ:  # the kernel stopped a file at the cap (_start_child)
            raise CloneLimitExceeded(MAX_REPO_BYTES, self.size_guard.max_bytes)
        return Attempt(process.returncode == 0, bytes(stdout), messages)

    def _spawn(self, args: Sequence[str], cwd: Path | None, stdin: str | None) -> subprocess.Popen:
        return subprocess.Popen(
            ["git", *args], cwd=cwd, env=self._env, start_new_session=True,  # a group we can kill whole
            preexec_fn=partial(_start_child, self.size_guard.max_bytes),
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )

    def _follow(self, lines: queue.Queue, band) -> list[str]:
        """Reads stderr until git closes it: progress goes to the reporter, the rest is kept."""
        messages: deque[str] = deque(maxlen=20)
        self.reporter.band = band or (0, 0)
        next_size_check = time.monotonic() + _SIZE_POLL_SECONDS
        while True:
            try:
                line = lines.get(timeout=min(self.deadline.remaining(), _SIZE_POLL_SECONDS))
            except queue.Empty:
                line = ""
            if line is None:
                return list(messages)
            if self.deadline.remaining() <= 0:
                raise self.deadline.exceeded()
            if time.monotonic() >= next_size_check:  # catches growth git does not report (lazy fetches)
                self.size_guard.check()
                next_size_check = time.monotonic() + _SIZE_POLL_SECONDS
            if line:
                self._take_line(line, messages)

    def _take_line(self, line: str, messages: deque[str]) -> None:
        progress = parse_progress(line)
        if progress is None:
            messages.append(line)
            return
        self.size_guard.check_received(progress.received_bytes)
        self.reporter.phase(progress)


def subcommand(args: Sequence[str]) -> str:
    """The git command `args` run (`fetch` of `-c key=value fetch ...`)."""
    rest = list(args)
    while rest and rest[0].startswith("-"):
        rest = rest[2:] if rest[0] == "-c" else rest[1:]
    return rest[0] if rest else "git"


def _start_thread(target, *args) -> threading.Thread:
    thread = threading.Thread(target=target, args=args, daemon=True)
    thread.start()
    return thread


def _collect(stream, sink: bytearray) -> None:
    for chunk in iter(lambda: stream.read1(65536), b""):
        sink.extend(chunk)


def _pump_lines(stream, sink: queue.Queue) -> None:
    """Splits stderr on \\r as well as \\n: git redraws progress lines with a carriage return."""
    pending: list[bytes] = []  # the unfinished line, chunk by chunk: a long line is joined once
    for chunk in iter(lambda: stream.read1(8192), b""):
        *complete, rest = chunk.replace(b"\r", b"\n").split(b"\n")
        if complete:
            complete[0] = b"".join([*pending, complete[0]])
            pending = []
        for raw in complete:
            if raw.strip():
                sink.put(raw.decode("utf-8", "replace").strip())
        pending.append(rest)
    line = b"".join(pending)
    if line.strip():
        sink.put(line.decode("utf-8", "replace").strip())
    sink.put(None)


def _start_child(max_file_bytes: int | None) -> None:
    """Runs in the child before exec: if the service is killed, git is killed too (Linux), rather
    than writing on into a checkout nobody owns; and no file git writes (a pack while it arrives, a
    lazily fetched blob) grows past the checkout's cap: the kernel stops the write there, where the
    size checks that follow git's progress would only see it afterwards."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the start-up sweep still removes the checkout
        pass
    if max_file_bytes is not None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (max_file_bytes, max_file_bytes))


def _feed_stdin(process: subprocess.Popen, text: str | None) -> None:
    stdin = process.stdin  # a pipe whenever there is text (Git._spawn)
    if text is not None and stdin is not None:  # git's stdout and stderr are drained by threads: no deadlock
        with contextlib.suppress(BrokenPipeError):
            stdin.write(text.encode())
        stdin.close()


def _kill_group(process: subprocess.Popen) -> None:
    # git spawns helpers (remote-https, upload-pack, ssh, lazy fetches): kill them all.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    _wait_until_group_stops(process.pid)


_GROUP_STOP_SECONDS = 5.0


def _wait_until_group_stops(group: int) -> None:
    """killpg returns once SIGKILL is sent, not once it is acted on: a helper of git (reparented
    when git died) may run on for a moment on a loaded machine. A failed clone returns only when
    nothing of its group runs any more (a zombie has stopped; its new parent reaps it), within a
    bound, so that nothing it started still writes or holds a connection."""
    deadline = time.monotonic() + _GROUP_STOP_SECONDS
    while _group_runs(group) and time.monotonic() < deadline:
        time.sleep(0.01)


def _group_runs(group: int) -> bool:
    """Whether a process of the group is alive and not a zombie (Linux's /proc; elsewhere, no wait)."""
    try:
        entries = [entry for entry in os.scandir("/proc") if entry.name.isdigit()]
    except OSError:
        return False
    for entry in entries:
        try:
            with open(os.path.join(entry.path, "stat"), encoding="utf-8", errors="replace") as stat:
                fields = stat.read().rpartition(")")[2].split()  # the name, in parentheses, may hold spaces
        except OSError:  # ended while we looked
            continue
        if len(fields) > 2 and fields[2] == str(group) and fields[0] not in ("Z", "X"):
            return True
    return False


def refuse_ssh_unless_allowed(url: str, allowed_hosts: frozenset[str], host: str | None = None) -> None:
    """An ssh URL is cloned only from a host the operator listed: ssh signs in with the service's
    own keys (its agent, ~/.ssh), which may read repositories the requester may not. Called before
    the URL's host is looked up (with none listed, any ssh URL fails at once) and with its host."""
    if not is_ssh(url):
        return
    if not allowed_hosts:
        raise RepoUrlRejected(f"ssh repository URLs are not accepted here ({ALLOWED_SSH_HOSTS} lists no host): "
                              "use the repository's https:// URL, with a token for a private one")
    if host is not None and host.lower().rstrip(".") not in allowed_hosts:
        raise RepoUrlRejected(f"ssh clones from {host} are not allowed (not in {ALLOWED_SSH_HOSTS}): "
                              "use the repository's https:// URL, or ask the operator to add the host")


def is_ssh(url: str) -> bool:
    return url.lower().startswith("ssh://") or not (is_local(url) or "://" in url)


def is_local(url: str) -> bool:
    if url.startswith("file://"):
        return True
    # "host:path" (scp-like ssh) has a colon before any slash; a local path does not.
    return "://" not in url and not linear_regex.match(r"[^/]*:", url)


def git_environment(token: str | None, local: bool, pin: PinnedHost | None = None,
                    ssh: bool = False) -> dict[str, str]:
    """The environment every git child gets: no prompts, no stored credentials, no redirects,
    the token as a header, and the checked addresses as the only ones to connect to."""
    env = {k: v for k, v in os.environ.items() if not _INHERITED_ENV_TO_DROP.fullmatch(k)}
    env.update(
        GIT_TERMINAL_PROMPT="0",  # fail instead of waiting for a password nobody will type
        GIT_ASKPASS=shutil.which("true") or "/bin/true",
        GIT_ALLOW_PROTOCOL="https:ssh:file" if local else "https:ssh",
        GIT_LFS_SKIP_SMUDGE="1",  # large binaries behind LFS are not documentation
    )
    env["GIT_SSH_COMMAND"] = _ssh_command(env.get("GIT_SSH_COMMAND") or "ssh -o BatchMode=yes",
                                          pin if ssh else None)
    # An empty helper resets the list: the operator's stored credentials must never serve a user.
    # A redirect would lead to a host nobody checked.
    config = [("credential.helper", ""), ("http.followRedirects", "false"),
              # Writing the checkout's files is most of a clone's time: one worker per core.
              ("checkout.workers", "0")]
    if token:
        config.append(("http.extraHeader", _authorization_header(token)))
    if pin is not None and not ssh:
        config.append(("http.curloptResolve", curl_resolve_entry(pin)))
    if local:
        config.append(("protocol.file.allow", "always"))
    env["GIT_CONFIG_COUNT"] = str(len(config))
    for index, (key, value) in enumerate(config):
        env[f"GIT_CONFIG_KEY_{index}"], env[f"GIT_CONFIG_VALUE_{index}"] = key, value
    return env


def curl_resolve_entry(pin: PinnedHost) -> str:
    """curl's `host:port:address[,address]`: the name keeps serving TLS (SNI, certificate check)
    while the connection goes to the checked addresses only."""
    addresses = ",".join(f"[{a}]" if ":" in a else a for a in pin.addresses)
    return f"{pin.host}:{pin.port}:{addresses}"


def _ssh_command(base: str, pin: PinnedHost | None) -> str:
    """ssh connects to the checked address; the host key is still looked up under the name."""
    if pin is None:
        return base
    alias = pin.host if pin.port == 22 else f"[{pin.host}]:{pin.port}"
    return (f"{base} -o HostName={shlex.quote(pin.addresses[0])} -o HostKeyAlias={shlex.quote(alias)}"
            " -o CheckHostIP=no")


def _authorization_header(token: str) -> str:
    # The user name GitHub documents for tokens; GitLab accepts any name with a token password.
    return "Authorization: Basic " + b64(f"x-access-token:{token}")
