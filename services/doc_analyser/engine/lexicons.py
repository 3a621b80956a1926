"""The tagger's and the lemmatizer's data (grammar.py), loaded once per process, their words in
tables on disk (disk_table.py) rather than in dicts.

- TextBlob's Brill tagger is its module `textblob/_text.py`, loaded alone: importing it through its
  package runs the package's `__init__`, which imports NLTK for TextBlob's other features (about
  25 MB the tagger never uses). The module needs nothing but the standard library.
- Its lexicon (94 k words and their most likely tag) is a `Lexicon` whose words are looked up in a
  table; its suffix and contextual rules load from their files as TextBlob loads them.
- lemminflect's lemmatizer gets its lexicon of base forms (70 k words) as a table too, the same
  answers as its own dict (`LemmaLUCodec.load`: a word's later rows replace or add to its earlier).

Each table's rows are read with the library's own reader of its file, so the words and tags are
the library's. Loaders are `@once`: the libraries load lazily, in every thread that asks before a
first load is through."""
from __future__ import annotations

import gzip
import importlib.util
import logging
import sqlite3
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

from shared.once import once

from .disk_table import DiskTable

log = logging.getLogger(__name__)
_BRILL_MODULE = "coursegen_textblob_brill"  # the name TextBlob's tagger module is loaded under


@once
def brill() -> ModuleType:
    """TextBlob's `_text` module, loaded from its file without its package."""
    spec = importlib.util.find_spec("textblob")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("textblob is not installed")
    folder = Path(next(iter(spec.submodule_search_locations)))
    module_spec = importlib.util.spec_from_file_location(_BRILL_MODULE, folder / "_text.py")
    assert module_spec is not None and module_spec.loader is not None
    module = importlib.util.module_from_spec(module_spec)
    sys.modules[_BRILL_MODULE] = module
    module_spec.loader.exec_module(module)
    module.english_folder = folder / "en"  # type: ignore[attr-defined]
    return module


@once
def tagger_lexicon() -> Any:
    """TextBlob's English lexicon (`textblob.en.lexicon`'s files), its words in a table, its
    morphology and context rules loaded. Where no table can be built (no folder can be written, a
    full disk), TextBlob's own dict: more memory, the same tags."""
    text = brill()
    folder: Path = text.english_folder
    words = folder / "en-lexicon.txt"
    files = {"path": str(words), "morphology": str(folder / "en-morphology.txt"),
             "context": str(folder / "en-context.txt"), "entities": str(folder / "en-entities.txt"), "language": "en"}

    class TableLexicon(text.Lexicon):  # type: ignore[name-defined, misc]
        """`Lexicon` whose words are read from a table: a lookup of the dict TextBlob would load."""

        def __init__(self, table: DiskTable) -> None:
            super().__init__(**files)
            self.table = table

        def load(self) -> None:
            raise TypeError("the tagger's words are read from its table, not loaded into a dict")

        def get(self, word: Any, default: Any = None) -> Any:
            found = self.table.get(word) if isinstance(word, str) else None
            return default if found is None else found[-1]

        def __contains__(self, word: object) -> bool:
            return isinstance(word, str) and self.table.get(word) is not None

        def __getitem__(self, word: Any) -> Any:
            found = self.get(word)
            if found is None:
                raise KeyError(word)
            return found

        def __len__(self) -> int:
            return len(self.table)

    table = _table_or_none(words, "textblob-lexicon", lambda: _lexicon_rows(text, words))
    lexicon = text.Lexicon(**files) if table is None else TableLexicon(table)
    len(lexicon), len(lexicon.morphology), len(lexicon.context)
    return lexicon


def _table_or_none(source: Path, name: str, rows: Callable[[], Iterable[tuple[str, str]]]) -> DiskTable | None:
    try:
        return DiskTable.of(source, name, rows)
    except (OSError, sqlite3.Error) as exc:
        log.warning("%s is loaded into memory: no table of it could be built (%s)", source, exc)
        return None


def _lexicon_rows(text: ModuleType, words: Path) -> Iterator[tuple[str, str]]:
    # As `Lexicon.load`: each line's first two fields, a later line of a word replacing an earlier.
    for line in text._read(str(words)):
        if line.strip():
            word, tag = line.split(" ")[:2]
            yield word, tag


@once
def lemmatizer() -> ModuleType:
    """lemminflect, its lexicon of base forms in a table, its rules for unknown words loaded."""
    import lemminflect  # noqa: PLC0415
    from lemminflect import config  # noqa: PLC0415
    from lemminflect.core.Lemmatizer import Lemmatizer  # noqa: PLC0415

    source = Path(config.lemma_lu_fn)
    table = _table_or_none(source, "lemminflect-lemmas", lambda: _lemma_rows(source))
    if table is not None:  # else lemminflect loads its own dict
        Lemmatizer().lemma_dict = LemmaTable(table)
    lemminflect.getAllLemmas("being")
    lemminflect.getAllLemmasOOV("dockerizing", "VERB")
    return lemminflect


class LemmaTable:
    """lemminflect's `lemma_dict` (word → {upos: spellings}) read from a table."""

    def __init__(self, table: DiskTable) -> None:
        self.table = table

    def get(self, word: str, default: Any = None) -> Any:
        rows = self.table.get(word)
        if rows is None:
            return default
        found: dict[str, tuple[str, ...]] = {}
        for row in rows:  # in the file's order, as `LemmaLUCodec.load` updates a word's dict
            upos, _, forms = row.partition("\t")
            found[upos] = tuple(forms.split("/"))
        return found

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self.table.get(word) is not None

    def __len__(self) -> int:
        return len(self.table)


def _lemma_rows(source: Path) -> Iterator[tuple[str, str]]:
    from lemminflect.codecs.LemmaLUCodec import LemmaLUCodec  # noqa: PLC0415
    from lemminflect.core.LexicalUtils import categoryToUPos  # noqa: PLC0415

    with gzip.open(source, "rb") as lines:
        for line in lines:
            word, category, forms = LemmaLUCodec.fromString(line.decode())
            yield word, f"{categoryToUPos(category)}\t{'/'.join(forms)}"
