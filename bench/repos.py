"""Generated git repositories for the benchmarks: documentation that reads like a project's docs
(headings, prose with definitions, links to earlier pages, code blocks, lists, a mkdocs nav), plus
source files to reach a file count. Deterministic for a seed."""
from __future__ import annotations

import random
from pathlib import Path

from tests.support.gitrepos import commit, make_repo

SECTIONS = ("getting-started", "concepts", "guides", "how-to", "reference", "operations", "tutorials")
_NOUNS = ("broker", "topic", "partition", "consumer", "producer", "offset", "schema", "stream", "subject",
          "snapshot", "checkpoint", "projection", "gateway", "replica", "leader", "follower", "index",
          "cache", "session", "handler", "middleware", "router", "payload", "header", "timeout", "backoff",
          "retention", "compaction", "quota", "tenant", "namespace", "listener", "connector", "pipeline",
          "transform", "serializer", "codec", "cluster", "node", "shard", "lease", "watermark", "window",
          "trigger", "sink", "source", "plugin", "hook", "policy", "token", "secret", "certificate",
          "endpoint", "client", "server", "queue", "worker", "scheduler", "job", "task", "metric", "trace")
_ADJ = ("durable", "ordered", "idempotent", "transactional", "exclusive", "shared", "async", "batched",
        "compressed", "encrypted", "replicated", "partitioned", "lazy", "eager", "bounded", "sticky")
_VERBS = ("configure", "create", "deploy", "monitor", "scale", "secure", "tune", "replay", "inspect",
          "migrate", "restore", "publish", "consume", "acknowledge", "partition", "compact", "rotate")
_FILLER = ("the", "a", "each", "every", "this", "that", "when", "while", "before", "after", "with",
           "without", "for", "to", "from", "in", "on", "by", "is", "are", "can", "should", "must",
           "keeps", "stores", "sends", "reads", "writes", "moves", "holds", "tracks", "uses", "needs")


class DocWriter:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def term(self) -> str:
        r = self.rng
        roll = r.random()
        if roll < 0.45:
            return r.choice(_NOUNS)
        if roll < 0.8:
            return f"{r.choice(_ADJ)} {r.choice(_NOUNS)}"
        return f"{r.choice(_NOUNS)} {r.choice(_NOUNS)}"

    def sentence(self, focus: list[str]) -> str:
        r = self.rng
        words = []
        for _ in range(r.randint(8, 20)):
            roll = r.random()
            words.append(r.choice(focus) if roll < 0.2 else r.choice(_FILLER) if roll < 0.6
                         else r.choice(_NOUNS) if roll < 0.85 else r.choice(_VERBS))
        text = " ".join(words)
        return text[0].upper() + text[1:] + "."

    def paragraph(self, focus: list[str]) -> str:
        return " ".join(self.sentence(focus) for _ in range(self.rng.randint(3, 6)))

    def document(self, title: str, focus: list[str], links: list[tuple[str, str]], words: int) -> str:
        r = self.rng
        parts = [f"# {title}", "", self.paragraph(focus)]
        if links:
            target, label = r.choice(links)
            parts += ["", f"Before you start, read [{label}]({target})."]
        defined = focus[0]
        parts += ["", f"A {defined} is a {r.choice(_ADJ)} {r.choice(_NOUNS)} that {r.choice(_VERBS)}s "
                      f"each {r.choice(_NOUNS)} of the {r.choice(_NOUNS)}."]
        section = 0
        while sum(len(p.split()) for p in parts) < words:
            section += 1
            heading = f"{r.choice(_VERBS).capitalize()} the {r.choice(focus)}"
            parts += ["", f"## {heading}", "", self.paragraph(focus)]
            roll = r.random()
            if roll < 0.35:
                name = r.choice(_NOUNS)
                parts += ["", "```python", f"from skyline import {name.capitalize()}",
                          f"{name} = {name.capitalize()}(retries={r.randint(1, 9)})",
                          f"{name}.{r.choice(_VERBS)}('{r.choice(_NOUNS)}')", "```"]
            elif roll < 0.55:
                parts += ["", "```bash", f"skyline {r.choice(_VERBS)} --{r.choice(_NOUNS)} {r.randint(1, 99)}", "```"]
            elif roll < 0.75:
                parts += [""] + [f"- {self.sentence(focus)}" for _ in range(r.randint(2, 5))]
            if links and r.random() < 0.3:
                target, label = r.choice(links)
                parts += ["", f"See also [{label}]({target})."]
            parts += ["", self.paragraph(focus)]
        return "\n".join(parts) + "\n"


def documentation(count: int, seed: int = 1, words: int = 600) -> dict[str, str]:
    """`count` documents under docs/<section>/ plus README.md and mkdocs.yml (README counts as one)."""
    writer = DocWriter(seed)
    rng = writer.rng
    files: dict[str, str] = {}
    paths: list[tuple[str, str]] = []
    for i in range(count - 1):
        section = SECTIONS[min(len(SECTIONS) - 1, i * len(SECTIONS) // max(1, count - 1))]
        focus = [writer.term() for _ in range(4)]
        title = f"{rng.choice(_VERBS).capitalize()} the {focus[0]} {i}"
        path = f"docs/{section}/{'-'.join(title.lower().split())}.md"
        earlier = [(_relative(path, p), t) for p, t in paths[-40:]]
        files[path] = writer.document(title, focus, earlier, rng.randint(words // 2, words * 3 // 2))
        paths.append((path, title))
    nav = "\n".join(f"  - {p.removeprefix('docs/')}" for p, _ in paths[: min(len(paths), 200)])
    files["mkdocs.yml"] = f"site_name: Skyline\nnav:\n{nav}\n"
    files["README.md"] = writer.document("Skyline", ["skyline", "broker", "topic", "consumer"],
                                         [(p, t) for p, t in paths[:3]], words)
    return files


def source_files(count: int, seed: int = 2) -> dict[str, str]:
    rng = random.Random(seed)
    files = {}
    for i in range(count):
        package = f"src/skyline/{rng.choice(_NOUNS)}{i % 37}"
        name = rng.choice(_NOUNS)
        files[f"{package}/{name}_{i}.py"] = (
            f'"""The {name} module."""\n\n\nclass {name.capitalize()}{i}:\n'
            f"    def {rng.choice(_VERBS)}(self, value):\n        return value * {i}\n")
    return files


def _relative(source: str, target: str) -> str:
    import posixpath
    return posixpath.relpath(target, posixpath.dirname(source))


def make_doc_repo(path: Path, documents: int, other_files: int = 0, seed: int = 1, words: int = 600) -> str:
    """A repository at `path` with `documents` documentation files (README included) and
    `other_files` source files; returns the commit sha."""
    files = documentation(documents, seed, words)
    files.update(source_files(other_files, seed + 1))
    return make_repo(path, files)


def change_one_document(path: Path, message: str = "edit one page") -> tuple[str, str]:
    """Append a paragraph to one document; returns (its path, the new commit)."""
    docs = sorted(p for p in (path / "docs").rglob("*.md"))
    target = docs[len(docs) // 2]
    text = target.read_text() + "\nOne more paragraph, added by the benchmark, changes this page.\n"
    relative = str(target.relative_to(path))
    return relative, commit(path, {relative: text}, message)


def new_commit(path: Path, n: int) -> str:
    """A new commit that changes no documentation (a fresh snapshot key for stage 1)."""
    return commit(path, {"src/bench_marker.cfg": f"run {n}\n"}, f"benchmark run {n}")
