"""The operator commands of `coursegen` that talk to a running gateway over its REST API:
generate a whole course, show a course's status or events, retry a stage, handle dead letters.
The address and token come from --url/--token, else COURSEGEN_URL/COURSEGEN_TOKEN, else the
system `make run` started on this machine."""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import httpx

from shared.export_formats import DEFAULT_FORMAT, FORMATS

STAGES = {"1": ("stage1", "analyze-repository"), "2": ("stage2", "analyze-documents"),
          "3": ("stage3", "generate-pathways"), "4": ("stage4", "generate-course")}
FINISHED = ("SUCCESS", "FAILURE", "CANCELLED")


class OperatorError(RuntimeError):
    """Something the operator must act on; printed without a traceback."""


def client(url: str | None, token: str | None) -> httpx.Client:
    url = url or os.environ.get("COURSEGEN_URL") or _local("gateway_url")
    token = token or os.environ.get("COURSEGEN_TOKEN") or _local_token()
    if not url or not token:
        raise OperatorError("no gateway: set COURSEGEN_URL and COURSEGEN_TOKEN (or --url/--token), "
                            "or start one with `make run`")
    return httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=60)


def _local(key: str) -> str | None:
    from .data_folder import running_system
    return running_system().get(key)


def _local_token() -> str | None:
    from services.gateway.edge.auth import development_token

    from .data_folder import development_secret
    return development_token(development_secret(), "dev") if _local("gateway_url") else None


def call(api: httpx.Client, method: str, path: str, **kwargs) -> dict:
    response = api.request(method, path, **kwargs)
    if response.status_code >= 400:
        try:
            detail = response.json().get("detail")
        except ValueError:
            detail = response.text[:300]
        raise OperatorError(f"{method} {path}: {response.status_code} {detail}")
    return response.json()


def wait(api: httpx.Client, course_id: str, stage: str, out=sys.stdout, poll: float = 0.5) -> dict:
    """Poll the stage until it finishes, drawing a progress bar."""
    while True:
        status = call(api, "GET", f"/api/courses/{course_id}/{stage}/status")
        filled = status["progress"] * 30 // 100
        out.write(f"\r{stage} [{'#' * filled}{'.' * (30 - filled)}] {status['progress']:3d}% "
                  f"{(status['current_step'] or '')[:60]:<60}")
        out.flush()
        if status["status"] in FINISHED:
            out.write("\n")
            if status["status"] != "SUCCESS":
                raise OperatorError(f"{stage} {status['status']}: {status.get('error_message')}")
            write_fallbacks(status, out)
            return status
        time.sleep(poll)


def write_fallbacks(status: dict, out=sys.stdout, indent: str = "") -> None:
    """The items the offline engine produced because the model's answer stayed invalid, and why."""
    fallbacks = status.get("fallbacks") or []
    if fallbacks:
        out.write(f"{indent}  {len(fallbacks)} item(s) by the offline engine instead of the model:\n")
    for fallback in fallbacks:
        out.write(f"{indent}    {fallback['item']}: {fallback['reason'][:200]}\n")


def generate(api: httpx.Client, repo: str, folders: list[str], out_dir: Path, out=sys.stdout,
             yes: bool = False, stdin=None, format_name: str = DEFAULT_FORMAT) -> Path:
    """Creation to a downloaded zip with the default choices. Before each stage that calls the
    model (2 and 4) its estimate is shown and, unless `yes`, the operator is asked."""
    stdin = stdin or sys.stdin
    course = call(api, "POST", "/api/projects/", json={"title": Path(repo.rstrip("/")).name or "course"})
    course_id = course["course_id"]
    out.write(f"course {course_id}\n")
    call(api, "POST", f"/api/courses/{course_id}/analyze-repository", json={"repo_url": repo})
    wait(api, course_id, "stage1", out)
    files = call(api, "GET", f"/api/courses/{course_id}/repository-files", params={"limit": 1})
    overview = (files.get("overview_candidates") or [None])[0]
    call(api, "POST", f"/api/courses/{course_id}/stage1-selections",
         json={"selected_folders": folders, "overview_document": overview})
    analysis = {"complexity_level": "beginner"}
    approve(call(api, "GET", f"/api/courses/{course_id}/stage2/estimate", params=analysis), yes, out, stdin)
    call(api, "POST", f"/api/courses/{course_id}/analyze-documents", json=analysis)
    wait(api, course_id, "stage2", out)
    call(api, "POST", f"/api/courses/{course_id}/generate-pathways", json={})
    wait(api, course_id, "stage3", out)
    pathway = call(api, "GET", f"/api/courses/{course_id}/pathways")["pathways"][0]
    out.write(f"pathway: {pathway['title']} ({pathway['module_count']} modules)\n")
    call(api, "POST", f"/api/courses/{course_id}/stage3-selections", json={"selected_pathway_id": pathway["id"]})
    approve(call(api, "GET", f"/api/courses/{course_id}/stage4/estimate"), yes, out, stdin)
    call(api, "POST", f"/api/courses/{course_id}/generate-course", json={})
    wait(api, course_id, "stage4", out)
    return export(api, course_id, out_dir, format_name, out=out)


def export(api: httpx.Client, course_id: str, out_dir: Path, format_name: str = DEFAULT_FORMAT,
           version: int | None = None, mastery: int | None = None, out=sys.stdout) -> Path:
    """The course (or one version of it) downloaded in a format of shared/export_formats.py, as
    `<course_id>[-v<n>]<suffix>` in `out_dir`; a SCORM package with `mastery` (%) if given."""
    path = f"/api/courses/{course_id}" + (f"/versions/{version}" if version else "") + "/export"
    params: dict[str, str | int] = {"format": format_name}
    if mastery is not None:
        params["mastery"] = mastery
    response = api.get(path, params=params)
    if response.status_code != 200:
        raise OperatorError(f"export: {response.status_code} {response.text[:300]}")
    target = out_dir / f"{course_id}{f'-v{version}' if version else ''}{FORMATS[format_name].suffix}"
    target.write_bytes(response.content)
    out.write(f"course written to {target}\n")
    return target


def approve(estimate: dict, yes: bool, out=sys.stdout, stdin=sys.stdin) -> None:
    """Show what the stage would cost; go on when the operator agrees (or said --yes), else stop
    before anything is spent. Never waits on a stdin that is not a terminal."""
    stage = estimate["stage"]
    cached = f", {estimate['cached_items']} from the cache" if estimate["cached_items"] else ""
    high = estimate.get("high")  # a range: the model has not been run here before
    cost = f"${estimate['cost_usd']:.4f}" + (f" to ${high['cost_usd']:.4f}" if high else "")
    out.write(f"{stage} estimate: {estimate['items']} {estimate['unit']}{cached}, "
              f"{_tokens(estimate['input_tokens'], high and high['input_tokens'])} tokens in, "
              f"{_tokens(estimate['output_tokens'], high and high['output_tokens'])} out, "
              f"{estimate['provider']} {estimate['model']}: "
              f"{cost}{'' if estimate['priced'] else ' (not priced)'}\n  {estimate['note']}\n")
    if estimate["provider"] == "offline":
        # Nothing to approve: the offline engine calls no model and costs nothing.
        out.write("  not asking: the offline engine calls no model\n")
        return
    if yes:
        return
    if not stdin.isatty():
        raise OperatorError(f"{stage} was not started: it would spend about {cost} "
                            f"({estimate['provider']} {estimate['model']}) and no one can be asked (stdin is not "
                            "a terminal); run again with --yes to accept the estimate")
    out.write(f"Start {stage}? [y/N] ")
    out.flush()
    if stdin.readline().strip().lower() not in ("y", "yes"):
        raise OperatorError(f"{stage} was not started: declined")


def _tokens(low: int, high: int | None) -> str:
    return f"{low} to {high}" if high is not None else f"~{low}"


def status(api: httpx.Client, course_id: str, out=sys.stdout) -> None:
    overall = call(api, "GET", f"/api/course-generation/{course_id}/status")
    out.write(f"course {course_id}: {overall['course_status']}\n")
    for stage, s in overall["stages"].items():
        error = f"  error: {s['error_message']}" if s.get("error_message") else ""
        out.write(f"  {stage}: {s['status']:<9} {s['progress']:3d}%  {s['current_step'] or ''}{error}\n")
        write_fallbacks(s, out, "  ")


def events(api: httpx.Client, course_id: str, out=sys.stdout) -> None:
    history = call(api, "GET", f"/api/courses/{course_id}/events", params={"limit": 1000})
    for event in history["events"]:
        p = event["payload"]
        detail = p.get("current_step") or p.get("error_message") or p.get("path") or p.get("title") or ""
        out.write(f"{event['occurred_at'][:19]}  {event['event_type']:<26} {event['actor']:<14} {detail}\n")


def retry_stage(api: httpx.Client, course_id: str, stage: str, out=sys.stdout) -> None:
    name = STAGES.get(stage.removeprefix("stage"), (None,))[0]
    if name is None:
        raise OperatorError(f"unknown stage {stage!r}: use 1, 2, 3 or 4")
    answer = call(api, "POST", f"/api/courses/{course_id}/{name}/retry")
    out.write(f"{name} retried as task {answer['task_id']}\n")


def dead_letters(api: httpx.Client, action: str, seq: int | None, out=sys.stdout) -> None:
    if action == "list":
        listing = call(api, "GET", "/api/admin/dead-letters")
        for letter in listing["dead_letters"]:
            out.write(f"{letter['seq']:>6}  {letter['service']:<12} {letter['subject']}  {letter['reason'][:100]}\n")
        for reject in listing["projection_rejects"]:
            out.write(f"projection set aside seq {reject['stream_seq']} {reject['subject']}: {reject['reason'][:100]}\n")
        if not listing["dead_letters"] and not listing["projection_rejects"]:
            out.write("no dead letters\n")
        return
    if seq is None:
        raise OperatorError(f"dlq {action} needs the dead letter's sequence number")
    if action == "retry":
        out.write(f"republished as stream seq {call(api, 'POST', f'/api/admin/dead-letters/{seq}/retry')['stream_seq']}\n")
    else:
        call(api, "DELETE", f"/api/admin/dead-letters/{seq}")
        out.write(f"dropped dead letter {seq}\n")
