"""The language detector's tables mapped from files (shared/language_tables.py): the detector
answers as the library's own, reading its files allocates next to nothing where the library's load
allocates its whole model, and a cache that cannot be written, or a file lost or torn since, still
gives a detector that answers the same."""
from __future__ import annotations

import tracemalloc

import pytest

from shared import cache_folder as cache_module
from shared import language_tables

TEXTS = [
    "Le chat dort sur la table de la cuisine pendant que la pluie tombe.",
    "The service reads every event of the course before it plans the pathways.",
    "Der Dienst liest jedes Ereignis des Kurses, bevor er die Lernpfade plant.",
    "El servicio lee cada evento del curso antes de planificar las rutas.",
    "サービスは経路を計画する前にコースのすべてのイベントを読みます。",
    "Служба читает каждое событие курса, прежде чем планировать маршруты.",
    "def plan(events): return sorted(events, key=lambda e: e.seq)  # x = 1",
    "ok",
]


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSEGEN_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache" / "language"


@pytest.fixture(scope="module")
def library():
    from py3langid.langid import MODEL_DIR, MODEL_FILE

    return language_tables._loaded(MODEL_DIR / MODEL_FILE)


def test_the_mapped_detector_answers_as_the_librarys_and_its_files_are_read_not_loaded(cache, library):
    language_tables.identifier()  # writes the files
    tracemalloc.start()
    try:
        mapped = language_tables.identifier()
        _, allocated = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert allocated < 1_000_000  # the library's own load allocates about 70 MB
    for text in TEXTS:
        assert mapped.classify(text) == library.classify(text), text
    assert list(mapped.nb_classes) == list(library.nb_classes)


def test_a_cache_that_cannot_be_written_keeps_the_tables_in_memory(cache, library, monkeypatch):
    def unwritable(name):
        raise OSError("read-only file system")

    monkeypatch.setattr(language_tables, "cache_folder", unwritable)
    in_memory = language_tables.identifier()
    assert [in_memory.classify(text) for text in TEXTS] == [library.classify(text) for text in TEXTS]


def test_a_folder_that_lost_a_file_is_written_again_a_torn_file_is_not_read_and_a_whole_one_is_kept(
        cache, library):
    first = language_tables._tables(library_model())
    (first / "ptc.npy").unlink()  # a cache cleaner took some of it
    again = language_tables._tables(library_model())
    assert again == first and (again / language_tables._COMPLETE).exists()
    assert [language_tables._mapped(again).classify(text) for text in TEXTS] == [
        library.classify(text) for text in TEXTS]
    # Another process's whole folder is there when this one renames its own: it keeps that one.
    language_tables._write(again, library)
    assert sorted(p.name for p in cache.iterdir()) == [again.name]
    (again / "nextmove.npy").write_bytes(b"torn")  # not an array file any more: the model is loaded instead
    assert [language_tables.identifier().classify(text) for text in TEXTS] == [
        library.classify(text) for text in TEXTS]


def library_model():
    from py3langid.langid import MODEL_DIR, MODEL_FILE

    return MODEL_DIR / MODEL_FILE


def test_every_cache_user_names_its_own_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSEGEN_CACHE", str(tmp_path))
    assert cache_module.cache_folder("language") == tmp_path / "language"
    assert cache_module.cache_folder("tables") == tmp_path / "tables"
