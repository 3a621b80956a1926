"""What an export is made of: the course, its modules in order with their file names, and the
rules both renderings (Markdown folder, HTML site) share about links and code examples."""
from __future__ import annotations

import functools
import posixpath
import unicodedata
from dataclasses import dataclass, field
from typing import Callable, Sequence

from shared import linear_regex
from shared.course_labels import Labels, content_language_note
from shared.docs.formats import LINKED_PAGE_SUFFIXES
from shared.repos.forge_links import source_url

from ..markdown_text import url_scheme
from .pictures import Pictures
from ..models import CodeExample, ContentSection, ModuleContent, ModuleSpec


@dataclass(frozen=True)
class CourseExport:
    title: str
    description: str = ""
    pathway_title: str = ""
    pathway_description: str = ""
    pathway_objectives: Sequence[str] = ()
    modules: Sequence[tuple[ModuleSpec, ModuleContent]] = ()    # in the pathway's order
    engine: str = ""    # what wrote the modules: "offline" or "provider · model" (engine_line)
    # Which version of the course this is (None: an export built by hand), the commit its documents
    # come from, and what changed since the version before (empty for the first).
    version: int | None = None
    commit_sha: str | None = None
    changelog: Sequence[str] = ()
    # The repository the documents come from: a citation links to its document there, at the commit.
    repository_url: str | None = None
    # The concept maps and the drawn diagrams (pictures.py); none for an export built by hand.
    pictures: Pictures = Pictures()
    # The course's language (BCP 47: its labels, `lang` and `dir`) and the one its text is in (the
    # sources' where the offline engine wrote it); None: unknown, English labels.
    language: str | None = None
    content_language: str | None = None

    def source_link(self, path: str) -> str | None:
        return source_url(self.repository_url, self.commit_sha, path)

    @functools.cached_property
    def labels(self) -> Labels:
        return Labels(self.language)

    @property
    def language_note(self) -> str:
        """What the course says when its text is not in its language ("" when it is)."""
        return content_language_note(self.language, self.content_language)


OFFLINE = "offline"
# What a reader of an offline course should know (the web UI says the same on stage 4).
OFFLINE_ENGINE_NOTE = ("Written by coursegen's offline engine, without a model: it arranges the documents' own "
                       "text and asks questions from it. A model would explain each module in its own words and "
                       "write questions that test understanding.")


def engine_line(engine: str) -> str:
    """The export's one line about who wrote it; empty when unknown (an export built by hand)."""
    if not engine:
        return ""
    return OFFLINE_ENGINE_NOTE if engine == OFFLINE else f"Written with {engine} from the repository's documentation."


def release_line(course: CourseExport) -> str:
    """The line "Version 2 · built from commit abc1234"; empty when the export has no version."""
    if course.version is None:
        return ""
    commit = f" · built from commit {course.commit_sha[:7]}" if course.commit_sha else ""
    return f"Version {course.version}{commit}"


CHANGELOG_HEADING = "What changed in this version"


@dataclass(frozen=True)
class ModulePage:
    number: int             # 1-based place in the export
    spec: ModuleSpec
    title: str              # the content's title (what every other page's links to it say)
    stem: str               # "01-getting-started": the file name without extension
    # Each section's document (normalised path) and anchor, in order: where links to it land.
    topics: tuple[tuple[str, str], ...]
    # Reads the content: the course's modules may lie on disk until a page is written
    # (services/modules/written_modules.py); other pages ask this one only for the fields above.
    read: Callable[[], ModuleContent] = field(compare=False, repr=False)
    pictures: Pictures = Pictures()  # the course's (CourseExport.pictures)
    labels: Labels = field(default_factory=lambda: Labels(None), compare=False)  # the course's

    @property
    def content(self) -> ModuleContent:
        return self.read()


class ModulePages(tuple):  # tuple[ModulePage, ...]
    """A course's module pages, with the page holding each of its documents and the pages' file
    names found once: every section's links are resolved against them, and building them per
    section made an export's cost grow with sections × documents."""

    @functools.cached_property
    def holders(self) -> dict[str, ModulePage]:
        return _holders(self)

    @functools.cached_property
    def files(self) -> dict[str, frozenset[str]]:
        """Extension → the pages' file names with it, made once per extension asked for."""
        return {}

    def file_names(self, extension: str) -> frozenset[str]:
        if extension not in self.files:
            self.files[extension] = _file_names(self, extension)
        return self.files[extension]


def module_pages(course: CourseExport) -> ModulePages:
    return ModulePages(_page(course, n, spec, content) for n, (spec, content) in enumerate(course.modules, start=1))


def _page(course: CourseExport, number: int, spec: ModuleSpec, content: ModuleContent) -> ModulePage:
    topics = tuple((posixpath.normpath(section.source.path), section.source.anchor) for section in content.sections)
    return ModulePage(number, spec, content.title, f"{number:02d}-{slug(content.title or spec.title)}", topics,
                      functools.partial(_content_of, course.modules, number - 1), course.pictures, course.labels)


def _content_of(modules: Sequence[tuple[ModuleSpec, ModuleContent]], index: int) -> ModuleContent:
    return modules[index][1]


def _holders(pages: Sequence[ModulePage]) -> dict[str, ModulePage]:
    """Normalised document path → the page whose module holds it."""
    return {posixpath.normpath(path): page for page in pages for path in page.spec.documents}


def neighbours(pages: Sequence[ModulePage], page: ModulePage) -> tuple[ModulePage | None, ModulePage | None]:
    index = page.number - 1
    return (pages[index - 1] if index > 0 else None, pages[index + 1] if index + 1 < len(pages) else None)


MOST_SLUG_CHARS = 48
_DANGLING = frozenset("a an and or of the for to in on with".split())


def slug(title: str) -> str:
    """ASCII, lower case, hyphens: safe as a file name on every system and in a URL. A long title
    is cut after a whole word ("…-third-party-extensions", not "…-extensions-an")."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    full = linear_regex.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    if len(full) > MOST_SLUG_CHARS:
        cut = full[:MOST_SLUG_CHARS + 1]
        at_word = cut.rfind("-")
        full = cut[:at_word] if at_word >= MOST_SLUG_CHARS // 2 else full[:MOST_SLUG_CHARS]
        words = full.split("-")
        while len(words) > 2 and words[-1] in _DANGLING:  # "…-extension-and": the cut left a joint
            words.pop()
        full = "-".join(words)
    return full.strip("-") or "module"


def content_link_ok(url: str) -> bool:
    """Links inside generated content: only absolute web and mail links. Relative links in the
    documents point into the repository, which the export does not contain."""
    return url_scheme(url) in ("http", "https", "mailto")


# A Markdown link whose target holds no blank or parenthesis: what the parsers write (bounded).
# An image (`![...](...)`) is matched too, with its `!`, so that it is left alone.
_RELATIVE_LINK = linear_regex.compile(r"(?P<bang>!?)\[(?P<text>[^\[\]\n]{1,500})\]\((?P<target>[^()\s\[\]]{1,1000})\)")


def linked_to_modules(markdown: str, source_path: str, pages: Sequence[ModulePage], extension: str) -> str:
    """A section's links to other documents of the course, pointed at the module page that holds
    each (`02-topics.md`, or `.html` in the site, there at the section: `02-topics.html#topic-3`,
    the one the link's fragment names, else the document's first). Other relative links are left
    for the link policy, which keeps their text only: the repository is not part of the export."""
    holder = pages.holders if isinstance(pages, ModulePages) else _holders(pages)

    def rewritten(match: linear_regex.Match) -> str:
        target = match["target"]
        if match["bang"] or url_scheme(target) or target.startswith(("#", "/")):
            return match.group(0)
        path, _, fragment = target.partition("#")
        path = path[:-5] if path.endswith(".html") else path
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(source_path), path)) if path else ""
        found = next(((resolved + suffix, holder[resolved + suffix]) for suffix in LINKED_PAGE_SUFFIXES
                      if resolved + suffix in holder), None)
        if found is None:
            return match.group(0)
        document, page = found
        place = _topic_of(page, document, fragment) if extension == "html" else ""
        return f"[{match['text']}]({page.stem}.{extension}{place})"

    if "](" not in markdown:
        return markdown
    # All links found before any is rewritten: rewriting one searches its target.
    pieces, end = [], 0
    for match in list(_RELATIVE_LINK.finditer(markdown)):
        pieces += [markdown[end:match.start()], rewritten(match)]
        end = match.end()
    return "".join(pieces) + markdown[end:]


def topic_id(number: int) -> str:
    """The site's element id of a module page's section `number` (from 1, in the content's order)."""
    return f"topic-{number}"


def _topic_of(page: ModulePage, document: str, fragment: str) -> str:
    """`#topic-<n>`: the site's id of the section of `page` showing `document` — the one whose
    anchor is `fragment`, else the document's first; "" if none."""
    shown = [number for number, (path, _) in enumerate(page.topics, start=1) if path == document]
    named = [number for number in shown if fragment and page.topics[number - 1][1] == fragment]
    return f"#{topic_id((named or shown)[0])}" if shown else ""


def _file_names(pages: Sequence[ModulePage], extension: str) -> frozenset[str]:
    return frozenset(f"{page.stem}.{extension}" for page in pages)


def module_link_policy(pages: Sequence[ModulePage], extension: str):
    """`content_link_ok`, and links to the export's own module pages (at a section of them)."""
    own = pages.file_names(extension) if isinstance(pages, ModulePages) else _file_names(pages, extension)
    return lambda url: content_link_ok(url) or url.split("#", 1)[0] in own


def fence_language(language: str) -> str:
    return linear_regex.sub(r"[^a-z0-9+#-]", "", language.strip().lower())[:30]


def module_meta(spec: ModuleSpec) -> str:
    minutes = f"About {spec.estimated_minutes} minutes · " if spec.estimated_minutes else ""
    return f"{minutes}{spec.complexity_level.capitalize()}"


def examples_by_section(content: ModuleContent) -> tuple[list[tuple[ContentSection, list[CodeExample]]],
                                                         list[CodeExample]]:
    """Each section with the code examples taken from it (shown right under it), and the
    examples that match no section (shown together after the content)."""
    placed: dict[int, list[CodeExample]] = {n: [] for n in range(len(content.sections))}
    loose = []
    for example in content.code_examples:
        home = next((n for n, section in enumerate(content.sections) if section.source == example.source),
                    None)
        (placed[home] if home is not None else loose).append(example)
    return [(section, placed[n]) for n, section in enumerate(content.sections)], loose

