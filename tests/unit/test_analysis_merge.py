"""The analyses of a document's parts merged into one (engine/merge.py): the first part names and
types the document, the hardest part sets its level, lists are de-duplicated case-insensitively,
ranked and capped at the model's own limits, the summary keeps every part's lead within its
length, and what one part teaches is not knowledge the document assumes."""
from __future__ import annotations

from services.doc_analyser.engine.merge import merge_analyses, ranked
from services.doc_analyser.engine.models import DocumentAnalysis


def part(**fields) -> DocumentAnalysis:
    values = dict(title="A part", doc_type="guide", complexity_level="beginner")
    values.update(fields)
    return DocumentAnalysis(**values)


def test_title_and_type_from_the_first_part_level_from_the_hardest():
    merged = merge_analyses([part(title="Kettle guide", doc_type="tutorial"),
                             part(title="Appendix", doc_type="reference", complexity_level="advanced"),
                             part(complexity_level="intermediate")])
    assert (merged.title, merged.doc_type, merged.complexity_level) == ("Kettle guide", "tutorial", "advanced")


def test_one_part_is_its_own_analysis():
    only = part(key_concepts=["Brokers"], summary="About brokers.")
    assert merge_analyses([only]) is only


def test_concepts_are_deduplicated_case_insensitively_and_every_parts_lead_ranks_high():
    merged = merge_analyses([
        part(key_concepts=["Message broker", "queues", "topics", "retention"]),
        part(key_concepts=["consumer groups", "Queues", "offsets"]),
        part(key_concepts=["dead letters"]),
    ])
    # queues: 1/2 + 1/2; each part's first: 1; then the rest by score, ties in document order.
    assert merged.key_concepts == ["Message broker", "queues", "consumer groups", "dead letters", "topics",
                                   "offsets", "retention"]


def test_lists_are_capped_at_the_models_limits():
    parts = [part(key_concepts=[f"concept {p}-{i}" for i in range(15)],
                  learning_objectives=[f"Explain thing {p}-{i}" for i in range(8)],
                  assumed_knowledge=[f"prior {p}-{i}" for i in range(12)],
                  topics=[f"topic {p}-{i}" for i in range(8)]) for p in range(4)]
    merged = merge_analyses(parts)
    assert (len(merged.key_concepts), len(merged.learning_objectives), len(merged.assumed_knowledge),
            len(merged.topics)) == (20, 10, 15, 10)
    assert {f"concept {p}-0" for p in range(4)} <= set(merged.key_concepts)  # every part's first kept


def test_the_summary_keeps_each_parts_first_sentence_in_order_within_its_limit():
    summaries = [f"Part {p} opens the topic {p}. " + " ".join(f"Detail {p}.{s} " + "x" * 180 + "."
                                                           for s in range(8)) for p in range(6)]
    merged = merge_analyses([part(summary=s) for s in summaries])
    assert len(merged.summary) <= 2000
    positions = [merged.summary.index(f"Part {p} opens the topic {p}.") for p in range(6)]
    assert positions == sorted(positions)
    assert "Detail 0.0" in merged.summary and "Detail 0.7" not in merged.summary


def test_short_summaries_are_all_kept():
    merged = merge_analyses([part(summary="Brokers route messages."), part(summary=""),
                             part(summary="Consumers read them. Offsets say where.")])
    assert merged.summary == "Brokers route messages. Consumers read them. Offsets say where."


def test_what_one_part_teaches_is_not_assumed_knowledge():
    merged = merge_analyses([part(key_concepts=["Consumer groups"], assumed_knowledge=["TCP", "Docker"]),
                             part(key_concepts=["retention"], assumed_knowledge=["consumer GROUPS", "tcp", "YAML"])])
    assert merged.assumed_knowledge == ["TCP", "Docker", "YAML"]


def test_topics_are_the_union():
    merged = merge_analyses([part(topics=["messaging"]), part(topics=["Messaging", "operations"])])
    assert merged.topics == ["messaging", "operations"]


def test_blank_items_are_dropped_and_spelling_kept_as_first_seen():
    assert ranked([["  Kafka ", "", "kafka"], ["KAFKA", "Zoo  keeper"], ["zoo keeper"]], 5) == ["Kafka", "Zoo  keeper"]
