"""Two scans of every text the stages read, without a pattern call per word: the runs of word
characters (`\\w+`) and blanks collapsed (`\\s+` → one space).

A pattern (shared/linear_regex.py) finds one match per call, and a call costs about a microsecond
and a half whatever the match: a text's words, one call each, were most of the time of the claim
check and of stage 2's objectives. Python's `str.split` cuts at the blanks `\\s` means (the same
Unicode table), and an ASCII text's word characters are [A-Za-z0-9_], so both are done with string
methods here; a text beyond ASCII goes through the patterns (tests/unit/test_word_runs.py holds the
two to the same answers)."""
from __future__ import annotations

import string

from shared import linear_regex

_WORD_RUN = linear_regex.compile(r"\w+")
_BLANKS = linear_regex.compile(r"\s+")
_ASCII_WORD = frozenset(string.ascii_letters + string.digits + "_")
# Every ASCII character that is no word character, to a blank.
_NOT_WORD_TO_BLANK = str.maketrans({chr(code): " " for code in range(128) if chr(code) not in _ASCII_WORD})


def word_runs(text: str) -> list[str]:
    """`linear_regex.findall(r"\\w+", text)`."""
    if text.isascii():
        return text.translate(_NOT_WORD_TO_BLANK).split()
    return _WORD_RUN.findall(text)


def single_spaced(text: str) -> str:
    """`linear_regex.sub(r"\\s+", " ", text)`: each run of blanks one space, at the ends too."""
    pieces = text.split()
    if not pieces:
        return " " if text else ""
    return (" " if text[0].isspace() else "") + " ".join(pieces) + (" " if text[-1].isspace() else "")
