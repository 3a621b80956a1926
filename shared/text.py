"""Text a user may send: no control characters (a NUL cannot even be stored by PostgreSQL) and no
lone surrogates (not encodable as UTF-8). Used by the gateway's request models."""
from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator

from shared import linear_regex

_FORBIDDEN = linear_regex.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def clean_text(value: str) -> str:
    found = _FORBIDDEN.search(value)
    if found:
        raise ValueError(f"contains the control or invalid character U+{ord(found.group()):04X} at "
                         f"position {found.start()}; remove it")
    return value


def scrub(value: str) -> str:
    """For text that comes from repositories, not users: replace what cannot be stored."""
    return _FORBIDDEN.sub("\ufffd", value)


CleanText = Annotated[str, AfterValidator(clean_text)]
