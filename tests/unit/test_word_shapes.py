"""services/doc_analyser/engine/keyphrases.py: a word's name and identifier shapes, decided without
a pattern call for plain words, are the patterns' answers for every word."""
from __future__ import annotations

import random

from services.doc_analyser.engine.keyphrases import _IDENTIFIER_SHAPE, _NAME_SHAPE, _identifier_shaped, _name_shaped

PIECES = list("abzAZ09_.()-'é É中٣ǅßİ") + ["ΣΑΣ", "µ", "ﬁ"]


def test_shapes_are_the_patterns_answers():
    rng = random.Random(20261127)
    words = ["", "a", "A", "word", "Word", "WORD", "wOrd", "x_y", "f()", "v1.2", "Éclair", "éCLAIR", "ǅemal", "ß"]
    words += ["".join(rng.choice(PIECES) for _ in range(rng.randint(1, 6))) for _ in range(50_000)]
    for word in words:
        assert _name_shaped(word) == bool(_NAME_SHAPE.search(word)), repr(word)
        assert _identifier_shaped(word) == bool(_IDENTIFIER_SHAPE.search(word)), repr(word)
