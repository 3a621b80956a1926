"""A course's language: a BCP 47 tag checked against the IANA registry (langcodes ships it), its
writing direction, and the language a text is written in (py3langid: its model ships in the wheel,
it is deterministic, unlike langdetect, and small, unlike lingua's per-language models). Pure: the
detector's model is loaded on first use, not at import."""
from __future__ import annotations

from dataclasses import dataclass

import langcodes

from shared import linear_regex
from shared.once import once

# A tag's shape before the registry is asked: subtags of letters and digits joined by hyphens.
_SHAPE = linear_regex.compile(r"^[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8}){0,8}$")
# Scripts written right to left (ISO 15924): a tag is rtl when its likely script is one of them.
RTL_SCRIPTS = frozenset({"Arab", "Hebr", "Syrc", "Thaa", "Nkoo", "Adlm", "Rohg", "Mand", "Samr", "Mend",
                         "Yezi", "Aran", "Syre", "Syrj", "Syrn"})
# Below this share of the detector's belief, a text's language is not said (too short, mostly code).
MIN_CONFIDENCE = 0.5
# Detection reads at most this much: enough to tell a language, bounded in time whatever the text.
MOST_DETECTED_CHARS = 20_000


class InvalidLanguage(ValueError):
    """A language tag that is not a registered BCP 47 language; says why."""


def normalised(tag: str) -> str:
    """The tag in its standard form ("iw" → "he", "EN-us" → "en-US"), or InvalidLanguage."""
    tag = tag.strip()
    if not _SHAPE.fullmatch(tag):
        raise InvalidLanguage(f"{tag[:40]!r} is not a BCP 47 language tag (such as en, fr, pt-BR, zh-Hans)")
    if not langcodes.tag_is_valid(tag):
        raise InvalidLanguage(f"{tag!r} names no language, script or region in the IANA registry")
    standard = langcodes.standardize_tag(tag)
    language = langcodes.Language.get(standard).language or "und"
    if language in ("und", "mul", "zxx", "mis") or "qaa" <= language <= "qtz":
        raise InvalidLanguage(f"{tag!r} is not a language a course can be written in")
    return standard


def base(tag: str | None) -> str:
    """The tag's language subtag ("pt-BR" → "pt"), "" for none."""
    if not tag:
        return ""
    return (langcodes.Language.get(tag).language or "").lower()


def direction(tag: str | None) -> str:
    """"rtl" for a language written right to left (its script given, or likely), else "ltr"."""
    if not tag:
        return "ltr"
    try:
        script = langcodes.Language.get(tag).maximize().script
    except (ValueError, LookupError):
        return "ltr"
    return "rtl" if script in RTL_SCRIPTS else "ltr"


def same_language(asked: str, found: str | None) -> bool:
    """Whether `found` (a detected base tag) is the language `asked`: compared by language, since a
    detector tells French, not Canadian French (Norwegian's two written forms count as one)."""
    if not found:
        return False
    pair = {base(asked), base(found)}
    return len(pair) == 1 or pair <= {"no", "nb", "nn"}


@dataclass(frozen=True)
class Detected:
    language: str | None   # a base tag ("fr"), None when the text says too little
    confidence: float


@once
def _identifier():
    from shared import language_tables  # numpy and the model on first use: not in a process that never detects

    return language_tables.identifier()


def detect(text: str) -> Detected:
    """The language `text` is written in, by the detector's belief; None below MIN_CONFIDENCE."""
    sample = text[:MOST_DETECTED_CHARS]
    if sum(ch.isalpha() for ch in sample) < 20:
        return Detected(None, 0.0)
    found, confidence = _identifier().classify(sample)
    confidence = float(confidence)
    return Detected(str(found) if confidence >= MIN_CONFIDENCE else None, confidence)
