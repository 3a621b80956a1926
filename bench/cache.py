"""cache — provider calls of stage 2 on a re-run of an unchanged repository, and after changing
one document of 300; anthropic provider against the local Messages-API server (which counts the
requests it receives).

A course is analysed once (300 calls). Then, on the same course, stage 1 runs again on the same
commit, the same folders are selected and stage 2 runs again: nothing changed, so every analysis
must come from the cache (KV bucket keyed by content hash, provider, model, prompt version and the
audience) — 0 calls. Then one document is edited and committed, and stage 1 + stage 2 run again:
exactly the edited document is asked for — 1 call. No baseline: the targets are exact counts.
Stage 3 and 4 are not cached by design (one call per run, one per module) and are not counted."""
from __future__ import annotations

import asyncio

from .common import Context, Row, figure, save
from .llm_answers import LLMServer
from .repos import change_one_document, make_doc_repo
from .system import System

NAME = "cache"


async def run(ctx: Context) -> Row:
    documents = ctx.size(300, 40)
    repo = ctx.folder("repo-cache") / "skyline"
    await asyncio.to_thread(make_doc_repo, repo, documents)
    calls: dict[str, int] = {}
    hits: dict[str, int] = {}
    with LLMServer(0, ctx.folder("llm") / "llm-server.log") as llm:
        async with System(ctx, NAME, services=("repo_clone", "doc_analyser"),
                          service_env={"doc_analyser": llm.env(16)}) as system:
            course = await system.create_course("Cache benchmark")
            for label in ("first run", "unchanged re-run", "1 document changed"):
                if label == "1 document changed":
                    changed, _ = await asyncio.to_thread(change_one_document, repo)
                before = llm.stats()["requests"]
                await system.stage1(course, str(repo))
                status = await system.stage2(course)
                calls[label] = llm.stats()["requests"] - before
                hits[label] = status["result"]["cache_hits"]
    value = [calls["unchanged re-run"], calls["1 document changed"]]
    plot(calls, hits, documents)
    meets = value == [0, 1]
    return Row(NAME, value, "provider calls (unchanged re-run, 1 changed)", None, None, "0; exactly 1", meets,
               None if calls["first run"] == documents else
               f"the first run made {calls['first run']} calls for {documents} documents",
               details={"documents": documents, "calls": calls, "cache_hits": hits, "changed": changed})


def plot(calls: dict[str, int], hits: dict[str, int], documents: int) -> None:
    fig, ax = figure(f"cache: stage 2 on {documents} documents, three runs on one course")
    labels = list(calls)
    xs = range(len(labels))
    ax.bar([x - 0.2 for x in xs], [calls[l] for l in labels], width=0.4, label="provider calls")
    ax.bar([x + 0.2 for x in xs], [hits[l] for l in labels], width=0.4, label="cache hits")
    for x, label in zip(xs, labels):
        ax.annotate(str(calls[label]), (x - 0.2, calls[label]), ha="center", va="bottom", fontsize=9)
        ax.annotate(str(hits[label]), (x + 0.2, hits[label]), ha="center", va="bottom", fontsize=9)
    ax.set_xticks(list(xs), labels)
    ax.set_ylabel("documents")
    ax.legend(fontsize=8)
    save(fig, NAME)
