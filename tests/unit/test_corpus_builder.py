"""Stage 2 builds its corpus as documents come from the parsers, in whatever order they finish
(services/doc_analyser/engine/corpus_documents.py `CorpusBuilder`, fed by document_feed.py): the
corpus is the one built from every parsed document at once, and it keeps no document's parse, nor
its phrases in memory (they wait on disk, read back as asked)."""
from __future__ import annotations

import random
from dataclasses import fields
from pathlib import Path

from services.doc_analyser.engine.corpus_documents import CorpusBuilder, index_document
from services.doc_analyser.engine.linking import Corpus, link_one
from services.doc_analyser.engine.offline import analyse_document
from services.doc_analyser.engine.phrase_index import Terms
from shared.docs.model import ParsedDocument
from shared.docs.parsing import parse
from tests.support.live_objects import live

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "docs"
PATHS = sorted(p.relative_to(FIXTURES).as_posix() for p in FIXTURES.rglob("*") if p.is_file())


def parsed() -> list[ParsedDocument]:
    return [parse(path, (FIXTURES / path).read_text(encoding="utf-8")) for path in PATHS]


def test_documents_added_in_any_order_make_the_corpus_built_at_once():
    documents = parsed()
    whole = Corpus.build(documents)
    order = {document.path: number for number, document in enumerate(documents)}
    for seed in range(3):
        arriving = documents[:]
        random.Random(seed).shuffle(arriving)
        builder = CorpusBuilder()
        for number, document in enumerate(arriving):
            # Some come indexed by the parser's child, the others are indexed here.
            builder.add(document, index_document(document) if number % 2 else None)
        built = Corpus(*builder.documents(order))
        assert built.paths == whole.paths
        for document in documents:
            analysis = analyse_document(document, "beginner")
            assert link_one(document.path, analysis, built, []) == link_one(document.path, analysis, whole, [])
            assert built.document(document.path) == whole.document(document.path)


def test_the_corpus_keeps_no_parse_and_a_repeated_path_counts_once():
    documents = parsed()
    builder = CorpusBuilder()
    for document in documents + documents[:2]:
        builder.add(document)
    entries, frequency = builder.documents()
    assert len(entries) == len(documents)
    assert not any(isinstance(value, ParsedDocument) for entry in entries.values()
                   for value in (getattr(entry, field.name) for field in fields(entry)))
    assert frequency == Corpus.build(documents)._frequency


def test_the_corpus_keeps_each_documents_phrases_on_disk_and_reads_them_back_whole():
    documents = parsed()
    already = live(Terms)
    corpus = Corpus.build(documents)
    assert live(Terms) - already == 0  # none of the documents' phrases held in memory
    for document in documents:
        stored = corpus.document(document.path).terms
        assert stored.load() == index_document(document).terms and len(stored) == len(stored.load())


def test_each_vector_is_the_tf_idf_of_the_documents_own_word_counts():
    # The builder keeps a document's counts as numbers of its vocabulary until the vector is made.
    from services.doc_analyser.engine.corpus_documents import Vocabulary, _vector

    documents = parsed()
    corpus = Corpus.build(documents)
    for document in documents:
        expected = _vector(index_document(document).counts, corpus._frequency, len(documents), Vocabulary())
        assert corpus.document(document.path).vector == expected
        assert len(expected) > 0
