"""The claim check of stage 4 (services/modules/engine/ledger.py): what a writer says that its cited
source does not is replaced by the sources' own sentence or removed; quotations and framing pass;
the published text, checked again, holds no unsupported or uncited claim."""
from __future__ import annotations

import io
from collections import Counter

import pytest
from hypothesis import given, settings, strategies as st

from services.modules.engine.claims import sentences_of
from services.modules.engine.engine import write_module
from services.modules.engine.ledger import Checked, _counted_again, check_module
from services.modules.engine.sources import SourceDoc
from services.modules.engine.spans import LineSpan, section_spans
from services.modules.models import Citation, ContentSection, ModuleContent, ModuleSpec, Question
from shared.claim_ledger import Claim, CourseLedger, CourseLedgerFile, ModuleLedger
from shared.docs.parsing import parse
from shared.events.catalogue import ClaimCounts
from tests.support.committed_docs import committed_docs

pytestmark = pytest.mark.unit

INSTALL = """# Install

Run `pip install kettle` to get it.
Kettle needs Python 3.11 or newer.

## Configure

Set `KETTLE_HOME` to the folder where kettle keeps its water.
The default folder is `~/.kettle`.
"""
BREWING = """# Brewing

Call `kettle.boil()` and wait for the whistle.
Pour the water over the tea leaves after three minutes.
"""


def doc(path: str, text: str) -> SourceDoc:
    return SourceDoc(parse(path, text), raw_text=text)


SOURCES = [doc("docs/install.md", INSTALL), doc("docs/brewing.md", BREWING)]
SPEC = ModuleSpec(module_id="m1", position=1, title="Getting kettle", documents=["docs/install.md", "docs/brewing.md"])


def model_module(**fields) -> ModuleContent:
    base = dict(title="Getting kettle", introduction="", sections=[], key_points=[], conclusion="", summary="",
                assessment=[])
    return ModuleContent(**{**base, **fields})


def test_a_section_is_found_at_its_lines():
    parsed = parse("docs/install.md", INSTALL)
    assert section_spans(parsed, INSTALL) == (LineSpan(1, 4), LineSpan(6, 9))


def test_claims_its_cited_section_supports_are_kept_and_cited_by_line_range():
    section = ContentSection(title="Configure", source=Citation(path="docs/install.md", heading="Configure",
                                                                 anchor="configure"),
                             body_markdown="Set `KETTLE_HOME` to the folder where kettle keeps its water.")
    checked = check_module(model_module(sections=[section]), SPEC, SOURCES)
    [claim] = checked.claims
    assert (claim.status, claim.action, claim.cited) == ("supported", "kept", "docs/install.md#L6-L9")
    assert checked.content == model_module(sections=[section])


def test_a_wrong_number_is_replaced_by_the_sources_sentence_and_an_invention_removed():
    section = ContentSection(title="Install", source=Citation(path="docs/install.md", heading="Install",
                                                               anchor="install"),
                             body_markdown="Kettle needs Python 2.7 or newer. Astronauts wrote it on the moon.")
    checked = check_module(model_module(sections=[section]), SPEC, SOURCES)
    by_action = {claim.action: claim for claim in checked.claims}
    assert by_action["replaced"].status == "unsupported"
    assert by_action["replaced"].replacement == "Kettle needs Python 3.11 or newer."
    assert by_action["removed"].text == "Astronauts wrote it on the moon."
    assert checked.content.sections[0].body_markdown == "Kettle needs Python 3.11 or newer."
    assert (checked.counts.checked, checked.counts.replaced, checked.counts.removed) == (2, 1, 1)


def test_uncited_prose_is_kept_only_as_a_quotation_and_a_citation_in_place_is_checked_then_dropped():
    checked = check_module(model_module(
        introduction="This module covers Getting kettle. Kettle is loved by millions of developers.",
        summary="Pour the water over the tea leaves after three minutes [docs/brewing.md#brewing].",
        key_points=["Call `kettle.boil()` and wait for the whistle.", "Kettle is the fastest kettle ever built."],
    ), SPEC, SOURCES)
    statuses = Counter((claim.field, claim.status) for claim in checked.claims)
    assert statuses[("introduction", "uncited")] == 1      # framing ("This module covers …") is no claim
    assert statuses[("summary", "supported")] == 1
    assert statuses[("key_points.0", "supported")] == 1    # a quotation names its source
    assert checked.content.summary == "Pour the water over the tea leaves after three minutes."
    assert checked.content.key_points == ["Call `kettle.boil()` and wait for the whistle."]
    assert "millions" not in checked.content.introduction and "This module covers" in checked.content.introduction


def test_an_explanation_emptied_by_the_check_still_points_to_its_source():
    question = Question(kind="true_false", prompt="Kettle is written in Rust.", options=["True", "False"],
                        answer="False", explanation="Kettle compiles to WebAssembly quickly.",
                        source=Citation(path="docs/brewing.md"))
    checked = check_module(model_module(assessment=[question]), SPEC, SOURCES)
    assert checked.content.assessment[0].explanation == "From `docs/brewing.md`."


def test_text_in_another_language_is_held_to_the_identifiers_and_numbers_its_source_names():
    section = ContentSection(title="Install", source=Citation(path="docs/install.md", heading="Install",
                                                               anchor="install"),
                             body_markdown="Lancez `pip install kettle` pour l'obtenir. Kettle exige Python 2.7.")
    checked = check_module(model_module(sections=[section]), SPEC, SOURCES, translated=True)
    assert [(c.status, c.action) for c in checked.claims] == [("supported", "kept"), ("unsupported", "removed")]
    assert checked.content.sections[0].body_markdown == "Lancez `pip install kettle` pour l'obtenir."


def published_claims_hold(content: ModuleContent, spec: ModuleSpec, sources: list[SourceDoc]) -> bool:
    again = check_module(content, spec, sources)
    return again.counts.unsupported == again.counts.uncited == 0 and again.content == content


def test_the_offline_engine_quotes_so_its_claims_are_supported_on_every_committed_book():
    docs = committed_docs()
    books: dict[str, list[SourceDoc]] = {}
    for path, text in docs.items():
        books.setdefault(path.split("/")[0], []).append(doc(path, text))
    counts: Counter = Counter()
    for book, sources in books.items():
        for start in range(0, len(sources), 4):
            group = sources[start:start + 4]
            spec = ModuleSpec(module_id=f"{book}-{start}", position=1, title=book, documents=[d.path for d in group])
            checked = check_module(write_module(spec, group), spec, group)
            counts.update(checked.counts.model_dump())
            assert published_claims_hold(checked.content, spec, group), book
    # Quotations by construction: what is left is text the parsers read differently from the quote
    # (a URL line, a heading-like line), at most one claim in 200.
    assert counts["checked"] > 5000
    assert counts["supported"] >= 0.995 * counts["checked"], counts


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["Kettle needs Python 3.11 or newer.", "It was built in 1999 by Ada.",
                                 "Call `kettle.boil()` now!", "Set `KETTLE_HOME` first.", "This module covers tea.",
                                 "水を沸かします。", "- ", "**Bold** claim here.", "\n\n",
                                 "```\ncode\n```\n", "Pour the water.", "e.g. this"]), max_size=12))
def test_any_text_checked_then_checked_again_has_nothing_left_to_change(parts):
    # (A citation in place is kept in the ledger and taken out of the text: checked again, its claim
    # would be uncited. The other tests cover it.)
    text = " ".join(parts)
    section = ContentSection(title="Install", source=Citation(path="docs/install.md"), body_markdown=text)
    checked = check_module(model_module(introduction=text, sections=[section], summary=text), SPEC, SOURCES)
    assert checked.counts.checked == checked.counts.supported + checked.counts.unsupported + checked.counts.uncited
    assert checked.counts.replaced + checked.counts.removed == checked.counts.unsupported + checked.counts.uncited
    assert published_claims_hold(checked.content, SPEC, SOURCES)


def test_sentences_keep_their_place_in_the_field():
    text = "First claim here. Second one (e.g. this) stays whole.\n\n- An item: with words."
    found = [(s.markdown, text[s.start:s.end]) for s in sentences_of("f", text)]
    assert [markdown for markdown, _ in found] == ["First claim here.", "Second one (e.g. this) stays whole.",
                                                   "An item: with words."]
    assert all(markdown == place for markdown, place in found)


def test_a_later_pass_changes_a_replacement_only_where_its_sentence_holds_the_whole_words():
    """A claim replaced by "x = 1." and a supported one saying "Set max = 1.": the second, removed by
    a later pass, was counted as the replacement changed (its letters hold "x = 1.", its words do
    not); it is a supported claim changed."""
    replaced = Claim(field="introduction", text="Kettle freezes.", status="unsupported", action="replaced",
                     replacement="x = 1.")
    supported = Claim(field="conclusion", text="Set max = 1.", status="supported", action="kept")
    checked = Checked(model_module(), ClaimCounts(checked=2, supported=1, unsupported=1, replaced=1),
                      (replaced, supported))
    removed = Claim(field="conclusion", text="Set max = 1.", status="unsupported", action="removed")
    counts = _counted_again(checked, [removed])
    assert (counts.supported, counts.unsupported, counts.replaced, counts.removed) == (0, 2, 1, 1)
    held = Claim(field="introduction", text="x = 1. Then it whistles.", status="unsupported", action="removed")
    counts = _counted_again(checked, [held])
    assert (counts.supported, counts.unsupported, counts.replaced, counts.removed) == (1, 1, 0, 1)


@pytest.mark.parametrize("modules", [0, 1, 3])
def test_a_course_ledger_written_module_by_module_is_the_ledger_of_all_of_them(modules):
    """Stage 4 stores the course's ledger from a file it adds one module's ledger at a time to: the
    same bytes as the whole ledger dumped at once, counts summed."""
    ledgers = [ModuleLedger(module_id=f"m{n}", position=n, title=f"Modul «{n}» \"quoted\"\n",
                            counts=ClaimCounts(checked=n + 1, supported=n, uncited=1, removed=1),
                            claims=[Claim(field=f"sections.{k}.body_markdown", text=f"Claim {k} — ünïcode",
                                          status="supported", cited=f"docs/a.md#L{k}-L{k + 1}", action="kept")
                                    for k in range(n)])
               for n in range(modules)]
    counts = ClaimCounts()
    for ledger in ledgers:
        counts = counts.plus(ledger.counts)
    with CourseLedgerFile() as written, io.BytesIO() as out:
        for ledger in ledgers:
            written.add(ledger)
        written.write_to(out)
        assert written.counts == counts
        assert out.getvalue() == CourseLedger(counts=counts, modules=ledgers).model_dump_json().encode()
