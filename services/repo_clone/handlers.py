"""Stage 1: clone a repository, scan its documentation, snapshot it, announce the tree.
Every event emitted here has an id derived from the request, so a redelivered request (after a
crash) repeats the same events and the log deduplicates them."""
from __future__ import annotations

import asyncio
import logging
import tempfile
from pathlib import Path

from nats.js import JetStreamContext

from shared.cpu_lane import on_cpu_lane
from shared.bus.delivery import StageWork
from shared.bus.secret_store import SecretStore
from shared.sealing import SecretUnreadable
from shared.events.catalogue import RepoCloned, RepoCloneRequested, RepoFilesDiscovered
from shared.stage.emitter import LIFECYCLE, StageEmitter

from . import cloner, scanner
from .git_failures import CloneFailed
from .git_process import refuse_ssh_unless_allowed
from .announce import chunks, discovered
from shared.repos.globs import InvalidGlob
from shared.repos.policy import RepoUrlRejected, VettedUrl, repo_name, vet_repo_url_async
from .progress import ProgressReporter
from .settings import RepoCloneSettings
from .snapshot import SnapshotStore, pack_documents, snapshot_key
from .textfiles import reading_each_file_once
from .workdir import checkout_prefix, remove_tree, sweep_abandoned, work_root

# A navigation read from more files than this names the first ones (an event stays small).
MOST_NAVIGATION_SOURCES = 20

log = logging.getLogger(__name__)


class TokenUnavailable(Exception):
    """The request names a token that is no longer in the KV (used by an earlier run, or expired)."""


USER_ERRORS = (RepoUrlRejected, CloneFailed, scanner.ScanLimitExceeded, InvalidGlob,
               TokenUnavailable, SecretUnreadable)


class CloneStage:
    def __init__(self, emitter: StageEmitter, snapshots: SnapshotStore, secrets: SecretStore,
                 settings: RepoCloneSettings) -> None:
        self._emitter, self._snapshots, self._secrets, self._settings = emitter, snapshots, secrets, settings

    async def handle(self, request: RepoCloneRequested) -> None:
        # Only the lifecycle: stage 1 needs nothing else from the course's history.
        if await self._emitter.current_history(request, only=LIFECYCLE) is None:
            return
        async with self._emitter.running(request, failures=USER_ERRORS):
            await self._run(request)
        await self._forget_token(request)

    async def give_up(self, request: RepoCloneRequested, reason: str) -> None:
        await self._emitter.give_up(request, reason)
        await self._forget_token(request)

    async def _token(self, token_ref: str | None) -> str | None:
        if not token_ref:
            return None
        token = await self._secrets.take(token_ref)
        if token is None:
            raise TokenUnavailable(
                "the repository token is no longer available (it is removed once a clone has used it, "
                "and after 15 minutes): start stage 1 again and give the token")
        return token

    async def _forget_token(self, request: RepoCloneRequested) -> None:
        """This run is over (announced, failed for good or given up): its token goes now, not at
        the KV's TTL. A crash before this point leaves it for the redelivery that needs it."""
        if not request.payload.token_ref:
            return
        try:
            await self._secrets.discard(request.payload.token_ref)
        except Exception as exc:  # noqa: BLE001 - the store: the TTL still removes the entry
            log.warning("could not remove the repository token of %s now (%s)", request.course_id, exc)

    async def _run(self, request: RepoCloneRequested) -> None:
        p = request.payload
        refuse_ssh_unless_allowed(p.repo_url, self._settings.ssh_hosts)
        vetted = await vet_repo_url_async(p.repo_url, self._settings.allow_local_repos)
        refuse_ssh_unless_allowed(vetted.url, self._settings.ssh_hosts, vetted.host)
        url = vetted.url
        token = await self._token(p.token_ref)
        owner = snapshot_owner(vetted, token, request.actor)
        # Asked every time, with this requester's credentials: a snapshot is reused only for
        # someone the remote lets read the repository now (a failure here says why they cannot).
        location = await asyncio.to_thread(cloner.locate, url, p.ref, token, pin=vetted.pin)
        commit = location.commit
        key = snapshot_key(url, commit, p.include, p.exclude, owner) if commit else None
        stored = await self._snapshots.reusable(key, request.course_id) if key else None
        work = None
        try:
            if stored is not None:
                await self._emitter.progress(request, 90, f"Reusing the snapshot of commit {commit[:12]}")
                files, navigation, sources = stored
                reference, reused = self._snapshots.reference(key), True
            else:
                work = Path(tempfile.mkdtemp(dir=work_root(self._settings.work_dir), prefix=checkout_prefix()))
                commit, files, navigation, sources, reference = await self._clone_and_scan(
                    request, vetted, token, owner, work / "checkout", location)
                reused = False
            if not await self._emitter.still_current(request):
                log.info("run %s was cancelled meanwhile; nothing announced", p.task_id)
                await self._snapshots.release(reference, request.course_id)
                return
            await self._announce(request, url, commit, files, navigation, sources, reference, reused)
        finally:
            if work is not None:
                # After the announcement (not counted in the stage's time) but before the next
                # request is taken: a deletion left to the background ran into the next clone on
                # the same disk, so each run of a series was slower than the one before. A crash
                # leaves the checkout to the start-up sweep.
                await asyncio.to_thread(remove_tree, work)

    async def _clone_and_scan(self, request: RepoCloneRequested, vetted: VettedUrl, token: str | None,
                              owner: str | None, destination: Path, location: cloner.Location):
        p, s = request.payload, self._settings
        limits = cloner.CloneLimits(max_repo_bytes=s.max_repo_bytes, timeout_seconds=s.clone_timeout_seconds,
                                    sparse_threshold_files=s.sparse_threshold_files)
        # One scope for the scan and the snapshot (each thread gets a copy of this context, which
        # holds the same texts): the snapshot's includes read the documents the scan read.
        with reading_each_file_once():
            async with ProgressReporter(lambda pct, step: self._emitter.progress(request, pct, step)) as progress:
                checkout = await asyncio.to_thread(
                    cloner.clone, vetted.url, p.ref, destination, token=token, limits=limits,
                    on_progress=progress.scaled(0, 70), pin=vetted.pin, located=location)
                result = await on_cpu_lane(
                    scanner.scan, checkout.path, include=p.include, exclude=p.exclude,
                    max_file_bytes=s.max_file_bytes, max_files=s.max_repo_files,
                    on_progress=progress.counted(70, 90, "Scanning"), listing=checkout.tree)
            archive = await on_cpu_lane(pack_documents, checkout.path, result.files, p.exclude,
                                        checkout.check_out_more)
        key = snapshot_key(vetted.url, checkout.commit_sha, p.include, p.exclude, owner)
        reference = await self._snapshots.save(key, request.course_id, archive, result.files, result.navigation,
                                               result.navigation_sources)
        return checkout.commit_sha, result.files, result.navigation, result.navigation_sources, reference

    async def _announce(self, request, url, commit, files, navigation, sources, reference, reused) -> None:
        p = request.payload
        parts = list(chunks(discovered(files, navigation)))
        for index, part in enumerate(parts):
            await self._emitter.emit(request, RepoFilesDiscovered, f"files:{index}", task_id=p.task_id,
                                     chunk_index=index, chunk_count=len(parts), files=part)
        await self._emitter.emit(request, RepoCloned, "cloned", task_id=p.task_id, repo_url=url,
                                 repo_name=repo_name(url), ref=p.ref, commit_sha=commit,
                                 file_count=len(files), documentation_count=sum(f.is_documentation for f in files),
                                 chunk_count=len(parts), snapshot_ref=reference, snapshot_reused=reused,
                                 navigation_sources=list(sources)[:MOST_NAVIGATION_SOURCES])


def snapshot_owner(vetted: VettedUrl, token: str | None, actor: str) -> str | None:
    """Whose snapshot a fetch makes: nobody's (shared with anyone the remote lets read the
    repository) when it used no credential at all, else the requester's alone. Over ssh the
    service's own key is a credential, so ssh snapshots are never shared either."""
    return None if token is None and vetted.scheme != "ssh" else actor


def clone_stage(emitter: StageEmitter, snapshots: SnapshotStore, secrets: SecretStore,
                settings: RepoCloneSettings) -> StageWork:
    """Stage 1's work over any stores (the service's, or a test's in-memory ones)."""
    stage = CloneStage(emitter, snapshots, secrets, settings)
    return StageWork(stage.handle, stage.give_up)


async def make_handler(js: JetStreamContext, settings: RepoCloneSettings, emitter: StageEmitter) -> StageWork:
    sweep_abandoned(work_root(settings.work_dir))
    return clone_stage(emitter, SnapshotStore(js, settings.snapshot_bucket, settings.stream_replicas),
                       SecretStore(js, settings.secret_bucket, opener=settings.opener()), settings)
