"""Spans set aside while inline markup is rewritten (code, escaped characters), so later patterns
cannot touch them, and put back at the end. Parsers strip NUL from their input, so the
placeholders (NUL, number, SOH) can never collide with document text."""
from __future__ import annotations

import re

_PLACEHOLDER = re.compile("\x00(\\d+)\x01")


class SetAside:
    def __init__(self) -> None:
        self._values: list[str] = []

    def keep(self, value: str) -> str:
        # Stored already restored, so a span set aside inside another comes back in one pass.
        self._values.append(self.restore(value))
        return f"\x00{len(self._values) - 1}\x01"

    def restore(self, text: str) -> str:
        if "\x00" not in text:
            return text
        return _PLACEHOLDER.sub(lambda m: self._value(int(m.group(1))), text).replace("\x00", "")

    def _value(self, index: int) -> str:
        return self._values[index] if index < len(self._values) else ""
