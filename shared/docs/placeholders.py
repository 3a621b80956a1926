"""Spans set aside while inline markup is rewritten (code, escaped characters), so later patterns
cannot touch them, and put back at the end. Parsers strip NUL from their input, so the
placeholders (NUL, number, SOH) can never collide with document text."""
from __future__ import annotations


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
        # Each NUL opens a placeholder when digits then SOH follow it; any other NUL goes.
        pieces = text.split("\x00")
        restored = [pieces[0]]
        for piece in pieces[1:]:
            close = piece.find("\x01")
            if close > 0 and piece[:close].isdecimal():
                restored.append(self._value(int(piece[:close])) + piece[close + 1:])
            else:
                restored.append(piece)
        return "".join(restored)

    def _value(self, index: int) -> str:
        return self._values[index] if index < len(self._values) else ""
