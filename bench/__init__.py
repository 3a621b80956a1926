"""Benchmarks of coursegen (issue 8): every figure is a ratio against a baseline measured in the
same run on the same servers, because this machine is shared and noisy. `make bench` runs them
all (`python -m bench`); `python -m bench projection gateway --quick` runs a subset, smaller.
Each module's docstring states its baseline and why that baseline is the limit."""

# Run order: the projection benchmark builds the log replay rebuilds from.
BENCHMARKS = ("projection", "replay", "lag", "gateway", "many-courses", "clone", "llm-parallel", "pipeline", "cache", "memory", "scale", "scale-services",
              "parsers", "order", "ask", "learners", "question-flaws", "grounding", "learner-quality", "export", "llm-real", "history-polls")


TARGETS = {"projection": "≥ 0.5×", "replay": "≥ 0.5×", "lag": "p99 < 1 s, zero errors",
           "gateway": "≥ 0.8× req/s, p99 ≤ 1.5×", "many-courses": "p99 ≤ 1.5× of 100 courses", "clone": "≤ 1.3×", "llm-parallel": "≤ 1.15× ideal",
           "pipeline": "≤ 1.5×", "cache": "0; exactly 1", "memory": "≤ 200 MB each", "scale": "≤ 1.3× each stage",
           "scale-services": "≤ 300 MB each; ≤ 256 KB; p99 < 200 ms",
           "parsers": "≤ 20× ordinary", "order": "τ ≥ 0.6 without nav; 1.0 with",
           "ask": "hit@3 ≥ 0.8, declined ≥ 0.9, p95 < 500 ms", "learners": "every answer once, zero errors",
           "question-flaws": "< 10 % flawed", "grounding": "published: 0 unsupported; offline ≥ 0.99",
           "learner-quality": "0, 0, 0, ≥ 3, < 10 % (held-out)", "export": "each < 10 s", "llm-real": "≥ 0.55× ideal; estimate ±25%, first run's range",
           "history-polls": "≤ 0.25×"}


def module_name(benchmark: str) -> str:
    return benchmark.replace("-", "_")
