"""One vocabulary (shared/vocabulary.py) and one concept normaliser (shared/concepts.py): every table
keyed by doc type covers every doc type, every model and event field takes exactly the declared
levels and types, the gateway and stage 3 take them from shared/ rather than from stage 2's package,
and stages 2 and 3 treat different wordings of one concept as one."""
from __future__ import annotations

import subprocess
import sys

import pytest
from pydantic import TypeAdapter

from services.doc_analyser.engine import complexity, corpus_documents, doctype, lexicon
from services.doc_analyser.engine.linking import Corpus as AnalysisCorpus
from services.doc_analyser.engine.models import DocumentAnalysis
from services.gateway.api.stage2 import AnalyzeDocuments
from services.pathway.engine import traits, variants
from services.pathway.engine.order import signals
from services.pathway.engine.corpus import Corpus as PathwayCorpus
from services.pathway.engine.engine import build_pathway, plan_pathways
from services.pathway.engine.models import PathwayDocument, PathwayPlan, PlannedModule, PlannedPathway
from services.pathway.engine.validation import validate_plan
from shared import concepts
from shared.docs.parsing import parse
from shared.events.catalogue import DocsAnalysisRequestedPayload
from services.modules.models import ModuleSpec
from shared.vocabulary import (COMPLEXITY_LEVELS, DOC_TYPES, Complexity, DocType, doc_type_order,
                               doc_type_subset, doc_type_table)

TABLES_BY_DOC_TYPE = {
    "pathway foundations-first phases": variants._FOUNDATIONS,
    "pathway hands-on phases": variants._HANDS_ON,
    "pathway reference-deep-dive phases": variants._REFERENCE,
    "pathway bands": traits.BAND_OF_TYPE,
    "analysis reading levels": corpus_documents.TYPE_LEVEL,
}
DOC_TYPE_ORDERS = {"pathway tie-break order": signals.DOC_TYPE_ORDER,
                   "analysis classification priority": doctype._PRIORITY}


def test_the_sets_are_their_literals_in_order():
    assert COMPLEXITY_LEVELS == ("beginner", "intermediate", "advanced")
    assert TypeAdapter(Complexity).json_schema()["enum"] == list(COMPLEXITY_LEVELS)
    assert TypeAdapter(DocType).json_schema()["enum"] == list(DOC_TYPES)
    assert len(set(DOC_TYPES)) == len(DOC_TYPES) == 13


@pytest.mark.parametrize("name", sorted(TABLES_BY_DOC_TYPE))
def test_every_table_keyed_by_doc_type_has_every_doc_type(name):
    assert sorted(TABLES_BY_DOC_TYPE[name]) == sorted(DOC_TYPES)


@pytest.mark.parametrize("name", sorted(DOC_TYPE_ORDERS))
def test_every_order_of_doc_types_names_each_once(name):
    assert sorted(DOC_TYPE_ORDERS[name]) == sorted(DOC_TYPES)


def test_the_subsets_and_the_complexity_bands_use_the_vocabulary():
    for subset in (traits.TASK_TYPES, traits.PROJECT_NOTES, variants._LOOKUP):
        assert subset and subset <= set(DOC_TYPES)
    assert [level for level, _ in complexity._BANDS] == list(COMPLEXITY_LEVELS)


def test_a_table_that_misses_or_misspells_a_doc_type_is_refused_naming_it():
    table = {doc_type: 0 for doc_type in DOC_TYPES if doc_type != "faq"}
    with pytest.raises(ValueError, match=r"missing \['faq'\]"):
        doc_type_table(table)
    with pytest.raises(ValueError, match=r"unknown \['howto'\]"):
        doc_type_table({**table, "faq": 0, "howto": 0})
    with pytest.raises(ValueError, match="repeats"):
        doc_type_order([*DOC_TYPES, "guide"])
    with pytest.raises(ValueError, match=r"unknown \['tutorials'\]"):
        doc_type_subset({"tutorial", "tutorials"})
    assert doc_type_table({t: 1 for t in DOC_TYPES}) == {t: 1 for t in DOC_TYPES}


def _enum(model, field: str) -> list[str]:
    schema = model.model_json_schema()
    prop = schema["properties"][field]
    return prop.get("enum") or schema["$defs"][prop["$ref"].rsplit("/", 1)[-1]]["enum"]


@pytest.mark.parametrize("model", [DocumentAnalysis, PathwayDocument, PlannedModule, PlannedPathway,
                                   ModuleSpec, DocsAnalysisRequestedPayload, AnalyzeDocuments])
def test_every_complexity_field_takes_exactly_the_levels(model):
    assert _enum(model, "complexity_level") == list(COMPLEXITY_LEVELS)


@pytest.mark.parametrize("model", [DocumentAnalysis, PathwayDocument])
def test_every_doc_type_field_takes_exactly_the_doc_types(model):
    assert _enum(model, "doc_type") == list(DOC_TYPES)


def test_stage_3_plans_every_doc_type_at_every_level_in_every_variant():
    # One document of each type at each level, with a focus so the focus variant exists too: a
    # doc type missing from any variant's table would be a KeyError here.
    documents = [PathwayDocument(path=f"docs/{doc_type}/{level}.md", title=f"{doc_type} {level}",
                                 doc_type=doc_type, complexity_level=level, reading_minutes=5,
                                 key_concepts=[doc_type])
                 for doc_type in DOC_TYPES for level in COMPLEXITY_LEVELS]
    corpus = PathwayCorpus.build(documents, None, "tutorial", 45)
    every_variant = variants.variants_for(corpus, "tutorial")
    assert {v.key for v in every_variant} == {"foundations-first", "hands-on", "fast-track", "focus",
                                              "reference-deep-dive", "by-topic"}
    pathways = [build_pathway(variant, corpus) for variant in every_variant]
    assert None not in pathways and validate_plan(PathwayPlan(pathways=pathways), documents) == []
    assert set(pathways[0].document_paths()) == {d.path for d in documents}


def test_the_gateway_and_stage_3_take_the_vocabulary_from_shared_not_from_stage_2():
    code = ("import sys, services.gateway.api.stage2, services.pathway.engine.engine; "
            "print(sorted(m for m in sys.modules if m.startswith('services.doc_analyser')))")
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "[]"


WORDINGS = ["Virtual Environments", "virtual environment", "the virtual environment"]


def test_one_normaliser_gives_every_wording_of_a_concept_one_key():
    assert lexicon.concept_key is concepts.concept_key  # stage 2 uses the shared one itself
    assert {concepts.concept_key(w) for w in WORDINGS} == {"virtual environment"}
    assert concepts.concept_key("virtual machine") != concepts.concept_key("virtual environment")


def test_stage_2_links_every_wording_of_a_concept_to_the_document_defining_it():
    corpus = AnalysisCorpus.build([
        parse("docs/venv.md", "# Virtual environments\n\nA virtual environment is an isolated Python "
                              "installation with its own packages and interpreter.\n"),
        parse("docs/install.md", "# Install\n\nCreate the virtual environment, then install the "
                                 "package into it with pip.\n"),
    ])
    definers = [corpus.definers(w) for w in WORDINGS]
    assert definers[0] and [path for path, _ in definers[0]] == ["docs/venv.md"]
    assert definers[1] == definers[0] == definers[2]
    assert len({corpus.document_frequency(w) for w in WORDINGS}) == 1


def test_stage_3_groups_and_teaches_every_wording_of_a_concept_as_one():
    def document(path: str, doc_type: str, concepts_: list[str], assumed: list[str] = ()) -> PathwayDocument:
        return PathwayDocument(path=path, title=path, doc_type=doc_type, complexity_level="beginner",
                               reading_minutes=5, key_concepts=concepts_, prerequisite_concepts=list(assumed))
    documents = [document("docs/a-venv.md", "concept", ["Virtual Environments"]),
                 document("docs/b-install.md", "how-to", ["virtual environment", "pip"],
                          assumed=["the virtual environment", "Python"]),
                 document("docs/c-cli.md", "reference", ["command line"])]
    topics = PathwayCorpus.build(documents, None, "", 45).topics
    assert topics["docs/a-venv.md"] == topics["docs/b-install.md"] == "virtual environments"
    for pathway in plan_pathways(documents, count=5).pathways:
        assert pathway.prerequisites == ["Python"]  # taught under another wording, so not assumed
