"""services/doc_analyser/engine/lexicons.py and disk_table.py: the tagger's and the lemmatizer's
words read from tables on disk give every answer the libraries' own dicts give, and loading them
neither imports NLTK nor builds those dicts."""
from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from services.doc_analyser.engine import disk_table, lexicons
from services.doc_analyser.engine.disk_table import DiskTable

ROOT = Path(__file__).resolve().parents[2]
GRAMMAR_WORKS = ("assert grammar.is_verb_and_object('Configure TLS for the broker')\n"
                 "assert grammar.verb_of_gerund('configuring') == 'configure'\n")


def in_a_fresh_process(code: str) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done


def test_the_tagger_lexicon_answers_as_textblob_loads_it():
    from textblob.en import lexicon as textblob_lexicon

    words = dict(textblob_lexicon.items())
    table = lexicons.tagger_lexicon()
    assert len(words) > 90_000
    assert len(table) == len(words)
    assert all(table.get(word) == tag for word, tag in words.items())
    assert table.get("no-such-wordzz") is None and "no-such-wordzz" not in table
    assert table.get("the", "X") == words["the"] and "the" in table and table["the"] == words["the"]
    with pytest.raises(KeyError):
        table["no-such-wordzz"]


def test_the_lemmatizer_lexicon_answers_as_lemminflect_loads_it():
    from lemminflect import config
    from lemminflect.codecs.LemmaLUCodec import LemmaLUCodec

    words = LemmaLUCodec.load(config.lemma_lu_fn)
    table = lexicons.lemmatizer().Lemmatizer().lemma_dict
    assert isinstance(table, lexicons.LemmaTable)
    assert len(words) > 60_000
    assert len(table) == len(words)
    assert all(table.get(word) == lemmas and list(table.get(word)) == list(lemmas) for word, lemmas in words.items())
    assert table.get("no-such-wordzz", {}) == {}


def test_loading_the_grammar_imports_no_nltk_and_builds_no_dict():
    # A fresh process: what the service pays for the tagger and the lemmatizer.
    code = ("import sys\n"
            "from services.doc_analyser.engine import grammar\n"
            + GRAMMAR_WORKS +
            "assert grammar.verb_of_gerund('dockerizing') == 'dockerize'\n"
            "from lemminflect.core.Lemmatizer import Lemmatizer\n"
            "assert not isinstance(Lemmatizer().lemma_dict, dict)\n"
            "print(sorted(name for name in sys.modules if name.split('.')[0] in ('nltk', 'textblob')))\n")
    done = in_a_fresh_process(code)
    assert done.stdout.strip() == "[]"


def test_a_table_keeps_every_row_of_a_key_in_order_and_is_built_once(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSEGEN_CACHE", str(tmp_path / "cache"))
    source = tmp_path / "words.txt"
    source.write_text("a b\n")
    built = []

    def rows():
        built.append(1)
        yield from [("a", "1"), ("b", "2"), ("a", "3"), ("é", "4")]

    made = [DiskTable.of(source, "probe", rows) for _ in range(2)]
    assert len(built) == 1
    assert made[0].path == made[1].path and made[0].path.parent == tmp_path / "cache" / "tables"
    assert made[1].get("a") == ("1", "3") and made[1].get("é") == ("4",) and made[1].get("c") is None
    assert len(made[1]) == 3
    # Another thread reads through its own connection.
    seen = []
    reader = threading.Thread(target=lambda: seen.append(made[1]._read("b")))
    reader.start()
    reader.join()
    assert seen == [("2",)]
    # A changed source is another table.
    source.write_text("a b c\n")
    assert DiskTable.of(source, "probe", rows).path != made[0].path and len(built) == 2


def test_a_value_with_a_newline_is_refused_and_leaves_no_file(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSEGEN_CACHE", str(tmp_path))
    source = tmp_path / "words.txt"
    source.write_text("x")
    with pytest.raises(ValueError, match="newline"):
        DiskTable.of(source, "probe", lambda: iter([("a", "1\n2")]))
    assert list((tmp_path / "tables").iterdir()) == []


def test_an_unwritable_cache_folder_gives_way_to_the_next(tmp_path, monkeypatch):
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where a folder should be")
    monkeypatch.setenv("COURSEGEN_CACHE", str(blocked))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert disk_table.cache_folder() == tmp_path / "xdg" / "coursegen" / "tables"
    assert os.access(disk_table.cache_folder(), os.W_OK)


def test_a_relative_cache_folder_is_made_absolute(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COURSEGEN_CACHE", "relative-cache")
    source = tmp_path / "words.txt"
    source.write_text("a b\n")
    table = DiskTable.of(source, "probe", lambda: iter([("a", "b")]))
    assert table.path.is_absolute() and table.get("a") == ("b",)


def test_without_a_table_the_libraries_own_dicts_answer():
    # No folder to build a table in (or a full disk): the grammar works from the libraries' dicts.
    code = ("from services.doc_analyser.engine.disk_table import DiskTable\n"
            "def refuse(cls, *args):\n"
            "    raise OSError('no room left')\n"
            "DiskTable.of = classmethod(refuse)\n"
            "from services.doc_analyser.engine import grammar, lexicons\n"
            + GRAMMAR_WORKS +
            "from lemminflect.core.Lemmatizer import Lemmatizer\n"
            "assert isinstance(Lemmatizer().lemma_dict, dict)\n"
            "assert type(lexicons.tagger_lexicon()).__name__ == 'Lexicon' and len(lexicons.tagger_lexicon()) > 90000\n")
    done = in_a_fresh_process(code)
    assert "is loaded into memory: no table of it could be built (no room left)" in done.stderr
