"""`coursegen generate` asks before a stage that spends (ops/operator_commands.py approve): on a terminal
the operator's answer decides; the offline engine is not asked about."""
from __future__ import annotations

import io

import pytest

from ops.operator_commands import OperatorError, approve


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


ESTIMATE = {"stage": "stage4", "unit": "modules", "items": 3, "cached_items": 0, "input_tokens": 9000,
            "output_tokens": 21000, "provider": "anthropic", "model": "claude-sonnet-4-5", "cost_usd": 0.342,
            "priced": True, "note": "3 modules"}


def test_on_a_terminal_the_operator_decides():
    shown = io.StringIO()
    approve(ESTIMATE, False, shown, Terminal("y\n"))
    assert "Start stage4? [y/N]" in shown.getvalue() and "$0.3420" in shown.getvalue()
    with pytest.raises(OperatorError, match="stage4 was not started: declined"):
        approve(ESTIMATE, False, io.StringIO(), Terminal("\n"))


def test_the_offline_engine_is_not_asked_about():
    shown = io.StringIO()
    approve({**ESTIMATE, "provider": "offline", "model": "offline-engine", "cost_usd": 0.0, "priced": False},
            False, shown, Terminal(""))
    assert "not asking" in shown.getvalue() and "[y/N]" not in shown.getvalue()


def test_a_range_is_shown_and_named_when_no_one_can_be_asked():
    ranged = {**ESTIMATE, "stage": "stage2", "unit": "documents", "input_tokens": 1000, "output_tokens": 300,
              "cost_usd": 0.01, "high": {"input_tokens": 9000, "output_tokens": 6000, "cost_usd": 0.07}}
    shown = io.StringIO()
    approve(ranged, False, shown, Terminal("y\n"))
    assert "1000 to 9000 tokens in, 300 to 6000 out" in shown.getvalue() and "$0.0100 to $0.0700" in shown.getvalue()
    with pytest.raises(OperatorError, match=r"about \$0\.0100 to \$0\.0700"):
        approve(ranged, False, io.StringIO(), io.StringIO(""))
