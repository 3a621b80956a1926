"""The language detector's tables (py3langid's model) kept in files mapped into memory, not copied
into each process that detects a language.

Loaded as the library loads them, the tables are about 70 MB of every such process (the tokenizer's
transitions, 9.8 M entries; the restricted class table; two lists of a number per state). Detecting
a text's language walks its transitions and reads a row of the class table per feature met: in a
mapped file those are the pages read, clean pages of the page cache that every process of the
machine shares and the system can take back (a 20,000-character text touches scattered rows:
about 48 MB of them stay counted in the process's RSS, against 72 MB of its own memory loaded).

The files are written once per model (the library's version, the model file's size and time, and
the layout are in the folder's name), from the model as the library loads it, into a folder of
their own renamed into place whole: two processes building at once both end with whole tables, and
a folder that has lost a file since is written again. A cache folder that cannot be written, or a
file torn since, leaves the tables in memory, as the library keeps them (and says so in the log)."""
from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
from importlib.metadata import version
from pathlib import Path

import numpy as np

from shared.cache_folder import cache_folder

log = logging.getLogger(__name__)
# Bumped when the files' layout or meaning (the languages kept) changes: the folder's name changes, the tables are rewritten.
FORMAT = 1
_ARRAYS = ("nextmove", "rowbase", "output", "ptc", "pc")
_COMPLETE = "classes.json"  # written last


def identifier():
    """py3langid's LanguageIdentifier over the languages with an ISO 639-1 code, with normalised
    probabilities, its tables mapped from files (or, when no cache folder can be written, loaded
    as the library loads them)."""
    from py3langid.langid import MODEL_DIR, MODEL_FILE

    model = MODEL_DIR / MODEL_FILE
    try:
        return _mapped(_tables(model))
    except (OSError, ValueError) as exc:  # no folder to write in; a file torn since (np.load says so)
        log.warning("the language detector's tables are kept in memory: %s", exc)
        return _loaded(model)


def _tables(model: Path) -> Path:
    state = model.stat()
    identity = json.dumps([FORMAT, version("py3langid"), state.st_size, state.st_mtime_ns])
    root = cache_folder("language")
    folder = root / f"langid-{hashlib.sha256(identity.encode()).hexdigest()[:16]}"
    if not _whole(folder):
        _write(folder, _loaded(model))
    return folder


def _whole(folder: Path) -> bool:
    return all((folder / name).exists() for name in (*(f"{a}.npy" for a in _ARRAYS), _COMPLETE))


def _loaded(model: Path):
    from py3langid.langid import LanguageIdentifier

    found = LanguageIdentifier.from_model_file(model, norm_probs=True)
    # Only the languages with an ISO 639-1 code: the model's regional varieties and creoles (Nigerian
    # Pidgin, Extremaduran, …) took short technical English for theirs, and "zxx" is no language.
    found.set_languages(sorted({name for name in found.nb_classes if len(name) == 2}))
    # set_languages keeps the whole model beside the restricted copy, for a later call to widen it
    # again; none comes, and the whole model's table is 27 MB.
    found._full_model = found.nb_ptc, found.nb_pc, found.nb_classes
    return found


def _write(folder: Path, loaded) -> None:
    rowbase = np.asarray(loaded._rowbase, dtype=np.uint64)
    if rowbase.size and int(rowbase.max()) + 256 > np.iinfo(np.uint32).max:
        raise OSError("the detector's model has more transitions than its table's layout holds")
    arrays = {"nextmove": np.frombuffer(loaded.tk_nextmove, dtype=np.dtype(loaded.tk_nextmove.typecode)),
              "rowbase": rowbase.astype(np.uint32), "output": np.asarray(loaded.tk_output, dtype=np.int32),
              "ptc": np.ascontiguousarray(loaded.nb_ptc), "pc": np.ascontiguousarray(loaded.nb_pc)}
    partial = Path(tempfile.mkdtemp(prefix=folder.name + ".", suffix=".partial", dir=folder.parent))
    try:
        for name, array in arrays.items():
            np.save(partial / f"{name}.npy", array, allow_pickle=False)
        (partial / _COMPLETE).write_text(json.dumps(list(loaded.nb_classes)))
        os.chmod(partial, 0o755)  # read by every process of the machine that detects a language
        if folder.exists() and not _whole(folder):  # files lost from it since: replaced
            shutil.rmtree(folder, ignore_errors=True)
        try:
            os.rename(partial, folder)
        except OSError:
            if not _whole(folder):  # not another process's whole folder: a real failure
                raise
    finally:
        shutil.rmtree(partial, ignore_errors=True)


def _mapped(folder: Path):
    from py3langid.langid import LanguageIdentifier

    arrays = {name: np.load(folder / f"{name}.npy", mmap_mode="r", allow_pickle=False) for name in _ARRAYS}
    classes = json.loads((folder / _COMPLETE).read_text())
    found = LanguageIdentifier(arrays["ptc"], arrays["pc"], classes, memoryview(arrays["nextmove"]),
                               memoryview(arrays["output"]), norm_probs=True, tk_row=[])
    # The walk indexes these per byte of text: a memoryview gives Python ints, as the library's arrays do.
    found._rowbase = memoryview(arrays["rowbase"])
    return found
