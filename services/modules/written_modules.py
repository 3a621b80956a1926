"""The modules a run wrote, in the pathway's order, each set aside on disk (shared/spill.py) once it is
written and read back when the export asks for it: a course of hundreds of modules holds the few
being written or exported, not every module's content until the last format is built."""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Sequence, overload

from shared.spill import SpillFile, Spilled

from .models import ModuleContent, ModuleSpec

# Decoded contents kept at hand: rendering one page reads its content a few times in a row.
RECENT = 4


class WrittenModules(Sequence[tuple[ModuleSpec, ModuleContent]]):
    """Reads like the list of (spec, content) of the pathway's modules, once each is kept. Any
    thread may read it; close it when the run is over."""

    def __init__(self, specs: Sequence[ModuleSpec]) -> None:
        self.specs = list(specs)
        self._spill = SpillFile()
        self._places: list[Spilled | None] = [None] * len(self.specs)
        self._recent: OrderedDict[int, ModuleContent] = OrderedDict()
        self._lock = threading.Lock()

    def keep(self, index: int, content: ModuleContent) -> None:
        """Module `index`'s content (from 0, in the pathway's order), set aside until it is read."""
        self._places[index] = self._spill.put(content)
        with self._lock:
            self._recent.pop(index, None)

    def content(self, index: int) -> ModuleContent:
        with self._lock:
            if index in self._recent:
                self._recent.move_to_end(index)
                return self._recent[index]
        place = self._places[index]
        if place is None:
            raise KeyError(f"module {index + 1} was not written")
        content = self._spill.take(place)
        with self._lock:
            self._recent[index] = content
            while len(self._recent) > RECENT:
                self._recent.popitem(last=False)
        return content

    @overload
    def __getitem__(self, index: int) -> tuple[ModuleSpec, ModuleContent]: ...

    @overload
    def __getitem__(self, index: slice) -> list[tuple[ModuleSpec, ModuleContent]]: ...

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return self.specs[index], self.content(index)

    def __len__(self) -> int:
        return len(self.specs)

    def close(self) -> None:
        self._spill.close()

    def __enter__(self) -> "WrittenModules":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
