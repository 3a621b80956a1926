"""A word's shapes decided without a pattern call for plain words (keyphrases.py's name and
identifier shapes, complexity.py's technical words) are the patterns' answers for every word."""
from __future__ import annotations

import random

from services.doc_analyser.engine.complexity import _TECHNICAL, technical
from services.doc_analyser.engine.keyphrases import _IDENTIFIER_SHAPE, _NAME_SHAPE, _identifier_shaped, _name_shaped

PIECES = list("abzAZ09_.()-'é É中٣ǅßİ") + ["ΣΑΣ", "µ", "ﬁ"]


def test_shapes_are_the_patterns_answers():
    rng = random.Random(20261127)
    words = ["", "a", "A", "AB", "Ab", "aB", "x9", "word", "Word", "WORD", "wOrd", "x_y", "f()", "v1.2", "Éclair", "éCLAIR", "ǅemal", "ß"]
    words += ["".join(rng.choice(PIECES) for _ in range(rng.randint(1, 6))) for _ in range(50_000)]
    for word in words:
        assert _name_shaped(word) == bool(_NAME_SHAPE.search(word)), repr(word)
        assert _identifier_shaped(word) == bool(_IDENTIFIER_SHAPE.search(word)), repr(word)
        assert technical(word) == bool(_TECHNICAL.search(word)), repr(word)


def test_identifiers_of_code_are_the_patterns_matches():
    from services.doc_analyser.engine.doc_profile import _IDENTIFIER, identifiers

    rng = random.Random(7)
    pieces = list("aZ_09 .()=\n\t-é") + ["abc", "9ab", "x1_y", "__init__", "1234abc"]
    texts = ["", "9abc", "ab", "abc", "a.b.c", "__x", "12_ab"]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 12))) for _ in range(30_000)]
    for text in texts:
        assert identifiers(text) == _IDENTIFIER.findall(text), repr(text)
