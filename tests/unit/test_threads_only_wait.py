"""Threads in the services only wait; CPU work goes on the CPU lane (shared/cpu_lane.py).

A second thread of Python work never runs at the same time as the first (the GIL), and with RE2
giving the GIL up on every match it makes both slower (four threads took 3.5 times as long as one
on the same matches). Every place code starts a thread or hands a call to one is found here by
reading the source: one that is not listed below as a wait — on a child process, a pipe, git, the
network, a queue, the disk — fails this test, so new CPU work cannot slip onto a thread unnoticed.
A call that only waits is added to WAITS with what it waits on."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("services", "shared")
THE_LANE = Path("shared/cpu_lane.py")

# (file, what the thread runs) -> what it waits on
WAITS = {
    ("services/doc_analyser/document_feed.py", "self._produce"):
        "the parser children's answers (shared/docs/parse_worker.py): parsing runs in those processes",
    ("services/doc_analyser/document_feed.py", "self._index"):
        "the indexing queue; each document's indexing is itself done on the CPU lane",
    ("services/doc_analyser/document_feed.py", "self._to_index.put"): "room in the indexing queue",
    ("services/doc_analyser/document_feed.py", "ThreadPoolExecutor in __init__"):
        "the feed's own threads: the producers and the indexer above",
    ("services/doc_analyser/spare_parser.py", "BudgetedParser(self._budget, self._parser).start"):
        "a parser child process starting",
    ("services/repo_clone/handlers.py", "cloner.locate"): "git ls-remote over the network",
    ("services/repo_clone/handlers.py", "cloner.clone"): "git clone and checkout, child processes",
    ("services/repo_clone/handlers.py", "remove_tree"): "the disk",
    ("services/repo_clone/git_process.py", "Thread in _start_thread"): "a git child's output pipes",
    ("services/modules/export/pdf.py", "ThreadPoolExecutor in write_pdf"):
        "the PDF layout children (shared/docs/parse_worker.py), one thread per child",
    ("services/gateway/api/deps.py", "verifier.verify"): "the identity provider's keys over the network",
    ("services/gateway/projection/bulk_replay.py", "folding.close"): "the folding child processes ending",
    ("services/gateway/projection/bulk_workers.py", "pipe.recv"): "a folding child's pipe",
    ("services/gateway/projection/bulk_workers.py", "pipe.send"): "a folding child's pipe",
    ("services/gateway/projection/bulk_workers.py", "self._queue.put"): "room in the sender's queue",
    ("services/gateway/projection/bulk_workers.py", "self._thread.join"): "the sender thread below",
    ("services/gateway/projection/bulk_workers.py", "Thread in __init__"): "a folding child's pipe (it sends)",
    ("shared/repos/policy.py", "ThreadPoolExecutor in _lookup_pool"): "DNS look-ups",
    ("shared/repos/policy.py", "_getaddrinfo"): "a DNS look-up",
}


def _threads(path: Path) -> list[tuple[str, int]]:
    """(what the thread runs, line) for every call that hands work to a thread in the file; a
    thread or pool made by the call itself is named by the function it is made in."""
    found: list[tuple[str, int]] = []

    class Calls(ast.NodeVisitor):
        def __init__(self) -> None:
            self.functions = ["<module>"]

        def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
            self.functions.append(node.name)
            self.generic_visit(node)
            self.functions.pop()

        visit_AsyncFunctionDef = visit_FunctionDef

        def visit_Call(self, node: ast.Call) -> None:
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name == "to_thread" and node.args:
                found.append((ast.unparse(node.args[0]), node.lineno))
            elif name == "run_in_executor" and len(node.args) > 1:
                found.append((ast.unparse(node.args[1]), node.lineno))
            elif name in ("ThreadPoolExecutor", "Thread"):
                found.append((f"{name} in {self.functions[-1]}", node.lineno))
            self.generic_visit(node)

    Calls().visit(ast.parse(path.read_text(), str(path)))
    return sorted(set(found))


def _all_threads() -> dict[tuple[str, str], int]:
    return {(str(path.relative_to(ROOT)), target): line
            for folder in SCANNED for path in sorted((ROOT / folder).rglob("*.py"))
            if path.relative_to(ROOT) != THE_LANE for target, line in _threads(path)}


def test_every_thread_the_services_start_is_a_wait_listed_with_what_it_waits_on():
    unlisted = [f"{path}:{line} runs {target} on a thread" for (path, target), line in _all_threads().items()
                if (path, target) not in WAITS]
    assert not unlisted, ("CPU work goes on the CPU lane (await shared.cpu_lane.on_cpu_lane(...)); a call "
                          "that only waits belongs in WAITS with what it waits on:\n" + "\n".join(unlisted))


def test_every_listed_wait_is_still_in_the_code():
    gone = sorted(set(WAITS) - set(_all_threads()))
    assert not gone, f"listed in WAITS but no longer in the code: {gone}"


def test_the_scan_finds_a_thread_given_cpu_work(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("import asyncio\nasync def f(text):\n    return await asyncio.to_thread(parse, text)\n"
                      "def g():\n    def h():\n        return threading.Thread(target=parse)\n")
    assert _threads(sample) == [("Thread in h", 6), ("parse", 3)]
