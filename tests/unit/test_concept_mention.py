"""Where a sentence names a concept (services/modules/engine/sources.py `mention_of`): the plain-code
path for ASCII text finds exactly what the pattern path finds, on random sentences built from the
characters that decide it (letters of both cases, plural endings, word and non-word edges)."""
from __future__ import annotations

import random

from services.modules.engine.sources import _ascii_mention, _mention_by_pattern, mention_of

ALPHABET = "aAbBeEsS_1 .-/(),+#"
NAMES = ["a", "ab", "bus", "box", "class", "Client", "e", "S", ".NET", "C++", "#tag", "x-y", "a_b", "se", "ES"]


def test_plain_code_and_pattern_agree_on_random_ascii_sentences():
    chooser = random.Random(44)
    found = 0
    for _ in range(1_200):
        name = chooser.choice(NAMES + ["".join(chooser.choice(ALPHABET) for _ in range(chooser.randint(1, 3)))])
        if not name.strip():
            continue
        name = name.strip()
        sentence = "".join(chooser.choice(ALPHABET + name) for _ in range(chooser.randint(0, 24)))
        expected = _mention_by_pattern(name, sentence)
        assert _ascii_mention(name, sentence) == expected, (name, sentence)
        found += expected is not None
    assert found > 100  # mentions were found, not only absences compared


def test_mentions_read_as_a_reader_reads_them():
    assert mention_of("class", "Two Classes are defined.") == (4, 11)
    assert mention_of("box", "the boxes") == (4, 9)
    assert mention_of("bus", "a busy bus") == (7, 10)
    assert mention_of("x-y", "use X-Y here") == (4, 7)
    assert mention_of("client", "subclient") is None
    assert mention_of("café", "Le Café ouvre") == (3, 7)  # not ASCII: the pattern path
