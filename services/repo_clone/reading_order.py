"""The reading order stage 1 infers for documents that no navigation file lists (issue 19): the
common repository has no mkdocs.yml nav, SUMMARY.md or toctree, yet its files say a lot about
the order they are meant to be read in.

Folder by folder, depth first, a folder's entries (documents and subfolders) are ranked by:
1. its index/README first, project notes last (contributing, licence, changes, authors),
   reference-kind entries before the notes, and a subfolder that is a collection (no early kind:
   `patterns/`, `deploying/`, not `tutorial/`; no declared position) after the folder's own pages —
   the index often names such a collection in its first lines without meaning it comes first;
2. the order in which that index/README links to them (a hub page listing its chapters);
3. a position its front matter declares (`sidebar_position`, `weight`, `nav_order`, `order`;
   for a subfolder, that of its index);
4. what its name says of its kind of reading — never of its subject: introductions, installation,
   tutorials and a beginner's level (fundamentals, essentials) early; FAQ, reference, glossary,
   appendix, upgrade notes and an advanced level late;
5. a number in its name, in natural order (`2-x` before `10-x`, `ch01-01` before `ch01-02`; not a
   number inside a word: `nl2br`);
   an unnumbered name (`overview`) before the numbered ones of its kind (`tutorial01`).
Of subfolders that all of these leave tied, first a folder holding a page named as a first step,
then the folder whose pages the others' pages link to (define before use, among folders; an index
page's links lead on, so they do not count); folders still tied after that share their ranks, and
stage 3 places each in one piece where its pages come on average by what stage 2 learns of them
(services/pathway/engine/order/folders.py; in name order here measured worse on the order
benchmark's tuning half: a name order is no better a guess than the pages' own).
A document that ends by sending the reader on ("Continue to :doc:`factory`.", "Next: [Views](views.md)")
to another document of its folder is followed directly by that one, whatever ranks the latter had.
Entries that none of these tells apart share a rank: the rank is a partial order, and stage 3
breaks such ties with what stage 2 learns of each document (its kind, its prerequisites).
Ranks are dense and start at 0."""
from __future__ import annotations

import posixpath
from pathlib import Path

from shared import linear_regex
from shared.docs.formats import LINKED_PAGE_SUFFIXES, extensions_of
from shared.docs.front_matter import order_key, split_front_matter
from shared.tournament import Tournament

from .textfiles import read_checkout_text

INDEX_NAMES = ("index", "readme", "_index")
_EARLY = frozenset("""overview introduction intro getting-started getting_started gettingstarted start
    quickstart quick-start quick_start install installation installing setup basics
    tutorial tutorials first-steps fundamentals essentials beginner beginners""".split())
_LATE = frozenset("""faq faqs troubleshooting reference api glossary appendix upgrade
    upgrading migration migrating development advanced expert""".split())
# Project notes: how to take part, the licence, the history of releases, the people.
_NOTES = frozenset("""contributing contribute contrib license licence changes changelog history
    release-notes releases news authors credits""".split())
# Markdown links and images' targets, and Sphinx/MyST `:doc:`/`{doc}` roles, in document order.
_LINK = linear_regex.compile(r"\]\(\s*<?([^()\s<>]{1,500})"
                             r"|[{:]doc[}:]`(?:[^`<\n]{0,300}<)?([^`<>\n]{1,300})>?`")
# A number is a position unless letters follow it: "nl2br", "k8s" and "h2o" name things (see `_numbers`).
_DIGITS = linear_regex.compile(r"\d+")
_LOWER_CASE = frozenset("abcdefghijklmnopqrstuvwxyz")
MOST_HUB_BYTES = 500_000  # an index larger than this is read for links only up to here
# A line that names the document to read next; its first link is that document.
_NEXT = linear_regex.compile(r"^[\s>*_#→-]*(?:continue (?:on )?to|proceed to|read next|up next"
                             r"|next(?: up| page)?\s*:)[^\n]{0,300}", linear_regex.I | linear_regex.M)


def inferred_order(root: Path, docs: set[str], listed: set[str] = frozenset()) -> dict[str, int]:
    """Rank of every document of `docs` that `listed` (the navigation) does not hold. Listed
    documents still serve as index pages: a Sphinx root with no toctree is listed alone."""
    children: dict[str, set[str]] = {}
    for path in docs:
        parts = path.split("/")
        for depth in range(len(parts)):
            children.setdefault("/".join(parts[:depth]), set()).add("/".join(parts[:depth + 1]))
    documents = set(docs)
    keys: dict[str, tuple] = {}
    links: dict[str, list[str]] = {}  # page → the documents it links to, read once
    pending = [("", ())]
    while pending:
        folder, prefix = pending.pop()
        entries = children.get(folder, set())
        index = _index_of(entries, documents)
        hub = _hub_positions(root, folder, index, documents) if index else {}
        own = {entry: _entry_key(root, entry, entry == index, hub, documents) for entry in entries}
        own.update(_used_first(root, own, documents, children, links))
        own.update(_chained(own, _successors(root, folder, entries, index, documents)))
        for entry in entries:
            key = (*prefix, own[entry])
            if entry in documents:
                if entry not in listed:
                    keys[entry] = key
            else:
                pending.append((entry, key))
    distinct = sorted(set(keys.values()))
    rank = {key: position for position, key in enumerate(distinct)}
    return {path: rank[key] for path, key in keys.items()}


def _successors(root: Path, folder: str, entries: set[str], index: str | None,
                documents: set[str]) -> dict[str, str]:
    """Document → the document of the same folder it names as the next to read."""
    found: dict[str, str] = {}
    for entry in sorted(e for e in entries if e in documents):
        text = (read_checkout_text(root, entry) or "")[:MOST_HUB_BYTES]
        lines = _NEXT.findall(text)
        link = _LINK.search(lines[-1]) if lines else None
        target = link and _resolve(posixpath.dirname(entry), folder, link.group(1) or link.group(2), documents)
        if target in entries and target not in (entry, index) and target not in found.values():
            found[entry] = target
    return found


def _used_first(root: Path, own: dict[str, tuple], documents: set[str], children: dict[str, set[str]],
                links: dict[str, list[str]]) -> dict[str, tuple]:
    """Subfolders nothing else tells apart: first a folder holding a page named as a first step
    (installation, getting started); then by what their pages link to: a folder whose pages the
    pages of another link to more than the other way round comes first (define before use, among
    folders). Without it, the pages of tied folders would interleave by their places
    inside each folder, which say nothing across folders."""
    tied: dict[tuple, list[str]] = {}
    for entry, key in own.items():
        if entry not in documents:
            tied.setdefault(key, []).append(entry)
    keys: dict[str, tuple] = {}
    for key, folders in tied.items():
        if len(folders) < 2:
            continue
        tournament = Tournament(folders)  # (linked folder, linking folder): links
        among = set(folders)  # siblings: entries of one folder
        for linking in folders:
            # An index page's links lead on to what follows it (a hub), not back to what it uses.
            for page in _pages_under(linking, children, documents):
                if _stem(page) in INDEX_NAMES:
                    continue
                if page not in links:
                    links[page] = _links(root, page, documents)
                for target in links[page]:
                    linked = _entry_holding(target, posixpath.dirname(linking))
                    if linked in among and linked != linking:
                        tournament.vote(linked, linking)
        rank = tournament.ranks()
        keys.update({entry: (*key, not _starts_somewhere(entry, children, documents), rank[entry])
                     for entry in folders})
    return keys


def _pages_under(folder: str, children: dict[str, set[str]], documents: set[str]) -> list[str]:
    """The documents anywhere under `folder`, sorted."""
    found, pending = [], [folder]
    while pending:
        for entry in children.get(pending.pop(), ()):
            (found if entry in documents else pending).append(entry)
    return sorted(found)


def _entry_holding(path: str, folder: str) -> str | None:
    """The entry of `folder` (a document or subfolder) that `path` is or is inside, if any."""
    if folder and not path.startswith(folder + "/"):
        return None
    relative = path[len(folder) + 1:] if folder else path
    return posixpath.join(folder, relative.split("/")[0])


def _starts_somewhere(folder: str, children: dict[str, set[str]], documents: set[str]) -> bool:
    """Whether a page under `folder` is named as a first step (installation, getting started, a
    tutorial): the folder a reader starts in comes before those they go on to."""
    return any(_kind_of(_stem(p), _without_numbers(_stem(p))) == 0 for p in _pages_under(folder, children, documents))


def _links(root: Path, page: str, documents: set[str]) -> list[str]:
    """The documents `page` links to, anywhere in the checkout."""
    text = (read_checkout_text(root, page) or "")[:MOST_HUB_BYTES]
    found = (_resolve(posixpath.dirname(page), "", m.group(1) or m.group(2), documents) for m in _LINK.finditer(text))
    return [target for target in found if target]


def _chained(own: dict[str, tuple], successors: dict[str, str]) -> dict[str, tuple]:
    """Keys that put each successor right after its predecessor, chain by chain."""
    chained: dict[str, tuple] = {}
    for head in sorted(set(successors) - set(successors.values())):
        key, entry = own[head], head
        while entry in successors and successors[entry] not in chained:
            entry = successors[entry]
            key = (*key, 1)  # longer than its predecessor's key, shorter than any later entry's
            chained[entry] = key
    return chained


def _index_of(entries: set[str], documents: set[str]) -> str | None:
    found = sorted(e for e in entries if e in documents and _stem(e) in INDEX_NAMES)
    return min(found, key=lambda e: INDEX_NAMES.index(_stem(e))) if found else None


def _entry_key(root: Path, entry: str, is_index: bool, hub: dict[str, int], documents: set[str]) -> tuple:
    name = _stem(entry) if entry in documents else posixpath.basename(entry).lower()
    declared = _declared_position(root, entry, documents)
    numbers = tuple(int(name[start:end]) for start, end in _numbers(name))
    words = _without_numbers(name)
    kind = _kind_of(name, words)
    # Project notes stay last, in their own order, even when the index links them first ("What's new?").
    # A subfolder that is no early kind (a tutorial) is a collection the folder's own pages lead to
    # (recipes, deployment, extensions): after them, unless the index or front matter says otherwise.
    collection = entry not in documents and kind == 1 and declared is None
    return (not is_index, kind == 3, kind == 2, collection, hub.get(entry, float("inf")),
            float("inf") if declared is None else declared, kind, numbers or (-1,))


def _numbers(name: str) -> list[tuple[int, int]]:
    """Where the numbers of `name` are: its runs of digits, but a run right before a lower-case
    letter without its last digit (`v10a` holds the number 1, `k8s` none)."""
    spans = []
    for match in _DIGITS.finditer(name):
        start, end = match.span()
        if name[end:end + 1] not in _LOWER_CASE:
            spans.append((start, end))
        elif end - start > 1:
            spans.append((start, end - 1))
    return spans


def _without_numbers(name: str) -> str:
    kept, at = [], 0
    for start, end in _numbers(name):
        kept.append(name[at:start])
        at = end
    kept.append(name[at:])
    return "".join(kept).strip("-_. ")


def _kind_of(name: str, words: str) -> int:
    """0 early, 1 body, 2 late, 3 project notes: by the name, or by its words without numbers."""
    if name in _EARLY or words in _EARLY:
        return 0
    if name in _NOTES or words in _NOTES:
        return 3
    return 2 if name in _LATE or words in _LATE else 1


def _declared_position(root: Path, entry: str, documents: set[str]) -> float | None:
    if entry not in documents:  # a folder: the position its index declares
        index = _index_of({p for p in documents if posixpath.dirname(p) == entry}, documents)
        return _declared_position(root, index, documents) if index else None
    if not entry.lower().endswith(extensions_of("markdown", "mdx")):  # where front matter is
        return None
    text = read_checkout_text(root, entry) or ""
    return order_key(split_front_matter(text[:20_000])[0])


def _hub_positions(root: Path, folder: str, index: str, documents: set[str]) -> dict[str, int]:
    """Entry of `folder` → where the index first links to it (or to a document inside it)."""
    text = (read_checkout_text(root, index) or "")[:MOST_HUB_BYTES]
    positions: dict[str, int] = {}
    for match in _LINK.finditer(text):
        target = _resolve(posixpath.dirname(index), folder, match.group(1) or match.group(2), documents)
        if target and target != index:
            entry = _entry_holding(target, folder)
            if entry is not None:
                positions.setdefault(entry, len(positions))
    return positions


def _resolve(base: str, folder: str, link: str, documents: set[str]) -> str | None:
    link = link.split("#")[0].split("?")[0].strip()
    if not link or linear_regex.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", link):
        return None
    joined = posixpath.normpath(posixpath.join(base, link.lstrip("/")))
    if joined.startswith("..") or not (joined == folder or not folder or joined.startswith(folder + "/")):
        return None
    return next((joined + suffix for suffix in LINKED_PAGE_SUFFIXES if joined + suffix in documents), None)


def _stem(path: str) -> str:
    return posixpath.splitext(posixpath.basename(path))[0].lower()
