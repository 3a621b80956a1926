"""The tests' own layout: no module imports a test module or tests.conftest (a test file is run,
never reused: a helper it shares belongs in tests/support/), and tests/ holds no helper module at
its root besides conftest.py (shared helpers live in tests/support/, one folder's in that folder)."""
from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
ROOT = TESTS.parent


def imported_modules(path: Path) -> set[str]:
    """Every absolute module a file imports, `from x import y` also as `x.y` (y may be a module)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def forbidden(module: str) -> bool:
    parts = module.split(".")
    return parts[0] == "tests" and (parts[-1].startswith("test_") or parts[-1] == "conftest")


def test_no_module_imports_a_test_module_or_the_conftest():
    offenders = [f"{path.relative_to(ROOT)} imports {module}"
                 for path in sorted([*TESTS.rglob("*.py"), *(ROOT / "bench").rglob("*.py")])
                 for module in sorted(imported_modules(path)) if forbidden(module)]
    assert not offenders, "move what they share into tests/support/:\n" + "\n".join(offenders)


def test_only_the_conftest_sits_at_the_root_of_tests():
    helpers = sorted(p.name for p in TESTS.glob("*.py") if p.name not in ("conftest.py", "__init__.py"))
    assert not helpers, f"helper modules belong in tests/support/: {helpers}"


def test_the_layout_check_sees_each_kind_of_forbidden_import(tmp_path):
    # Guards the check itself: a walker that saw nothing would pass the tests above.
    sample = tmp_path / "sample.py"
    sample.write_text("import tests.e2e.test_pipeline\nfrom tests.conftest import auth\n"
                      "from tests.unit import test_vocabulary\nfrom tests.support.flows import ALICE\n")
    assert sorted(m for m in imported_modules(sample) if forbidden(m)) == [
        "tests.conftest", "tests.e2e.test_pipeline", "tests.unit.test_vocabulary"]


def unstretched_bounds(path: Path) -> list[str]:
    """`asyncio.wait_for(…, t)` calls whose bound `t` is not `patient(…)`: a wait whose verdict would
    depend on the machine's load (tests/support/waiting.py)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Call) and ast.unparse(node.func) == "asyncio.wait_for":
            bound = node.args[1] if len(node.args) > 1 else next(
                (k.value for k in node.keywords if k.arg == "timeout"), None)
            stretched = isinstance(bound, ast.Call) and ast.unparse(bound.func) == "patient"
            if bound is not None and not stretched:
                found.append(f"{path.name}:{node.lineno}: {ast.unparse(node)[:100]}")
    return found


def test_every_bound_on_a_wait_is_stretched_for_a_loaded_machine():
    waits = [p for p in sorted(TESTS.rglob("*.py")) if "node_modules" not in p.parts
             and p != TESTS / "support" / "waiting.py"]
    offenders = [f"{path.parent.relative_to(ROOT)}/{line}" for path in waits for line in unstretched_bounds(path)]
    assert not offenders, "bound each wait by patient(seconds):\n" + "\n".join(offenders)


def test_the_bound_check_sees_a_bare_number(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("import asyncio\nasync def f(t):\n    await asyncio.wait_for(t, 5)\n"
                      "    await asyncio.wait_for(t, timeout=patient(5))\n", encoding="utf-8")
    assert [line.split(": ", 1)[1] for line in unstretched_bounds(sample)] == ["asyncio.wait_for(t, 5)"]
