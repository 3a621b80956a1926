"""The reading order of a pathway, one pipeline read top to bottom:

1. **signals** (`signals.py`): what each document says of its place — where the authors'
   navigation lists it, or stage 1's inferred rank (names, index pages, front matter); its kind of
   reading, complexity and name; the concepts it teaches and talks about;
   **teaching** (`teaching.py`): define before use among the documents nothing else orders, a
   tournament over those concepts and stage 2's prerequisites;
2. **constraints** (`constraints.py`): the prerequisite graph, made acyclic, that every order must
   respect — the engine's, a model's (validation.py, repair.py) and a refresh's (adapt.py) — and
   how many documents require each (a signal too: the foundations others build on first);
3. **score** (`score.py`): the one sort key combining the signals, strongest first, with the
   variant's phase (variants.py: how each pathway ranks kinds of reading);
4. **order** (`score.arrange`): the sort key under the constraints — every prerequisite first, or
   pulled in just before the first document needing it; then, for the documents no navigation
   lists, **folders** (`folders.py`): each folder in one piece, where its pages came on average;
5. **explain** (`explain.py`): the reason for each document's place, read off the final order,
   whoever made it (the engine, a model, a refresh), so an author can check it.

Cutting the order into modules is grouping.py's job; which documents each pathway keeps is
variants.py's."""
from __future__ import annotations

from .constraints import PrerequisiteGraph, documents_by_path
from .explain import explain_order
from .score import arrange, sort_key
from .signals import taught_uses

__all__ = ["PrerequisiteGraph", "arrange", "documents_by_path", "explain_order", "sort_key", "taught_uses"]
