"""The support check of a model's written answer (services/gateway/ask/support.py, its rule in shared/grounding.py), case by case: a
sentence is kept only when it cites a passage of the answer and everything it names — identifiers,
option names, numbers — is in the passages it cites, with enough of its words; the answer is cut
into sentences whatever way the model writes its citation markers; hostile answers are bounded."""
from __future__ import annotations

import pytest

from services.gateway.ask.passages import Passage, Sentence, WrittenAnswer
from services.gateway.ask.support import (
    MAX_ANSWER_CHARS,
    cited_evidence,
    declines,
    is_supported,
    split_sentences,
    supported_sentences,
)
from shared.grounding import MAX_SENTENCE_CHARS, claims_of, stem, why_unsupported


def passage(number: int, text: str, heading: str = "Install", path: str = "docs/install.md") -> Passage:
    return Passage(number=number, path=path, heading=heading, anchor=heading.lower(), start_line=1,
                   end_line=10, quote=text, text=text)


INSTALL = passage(1, "Install the CLI with pip: pip install fluxmq. Fluxmq needs Python 3.11 or later. "
                     "Verify the installation by printing the version with fluxmq --version.")
SERVER = passage(2, "Start the broker with Docker: docker run -p 7400:7400 fluxmq/broker. The broker listens "
                    "on port 7400. Create a topic named orders with fluxmq topic create orders --partitions 3. "
                    "Set max_batch_size=500 in broker.toml to send larger batches.",
                 heading="Start a server", path="docs/getting-started.md")
CLIENT = passage(3, "Open a Python shell and publish a message with the client: "
                    "client = Client(\"localhost:7400\"); client.publish(\"orders\", {\"id\": 42}). "
                    "The publishMessage() helper retries three times.",
                 heading="Send your first message", path="docs/getting-started.md")
PASSAGES = [INSTALL, SERVER, CLIENT]


def kept(text: str, citations: tuple[int, ...], passages=PASSAGES) -> bool:
    return is_supported(Sentence(text, citations), passages)


def reason(text: str, citations: tuple[int, ...]) -> str | None:
    by_number = {p.number: p for p in PASSAGES}
    return why_unsupported(text, [cited_evidence(by_number[n]) for n in citations if n in by_number])


# --- the rule -------------------------------------------------------------------------------------------

def test_a_sentence_the_passage_says_is_kept():
    assert reason("Fluxmq needs Python 3.11 or later.", (1,)) is None


def test_a_paraphrase_of_the_passage_is_kept():
    assert reason("To install the CLI, you run pip install fluxmq.", (1,)) is None
    assert reason("You can check that installing worked by printing the version of fluxmq.", (1,)) is None
    assert reason("The broker is listening on port 7400 once it is started with Docker.", (2,)) is None


def test_an_invented_number_removes_the_sentence():
    assert reason("The broker listens on port 8080.", (2,)) == "the number 8080 is not in the cited passages"
    # A number is its digit string: 3 is not 3.11, and 1,000 reads as 1000.
    assert reason("Fluxmq needs Python 3 or later.", (1,)) is not None
    assert reason("Fluxmq needs Python 3.12 or later.", (1,)) is not None
    assert why_unsupported("It sends 1,000 orders.", [cited_evidence(passage(1, "It sends 1000 orders."))]) is None


def test_an_invented_option_name_removes_the_sentence():
    assert reason("Create a topic with fluxmq topic create orders --partitions 3.", (2,)) is None
    assert reason("Create a topic with fluxmq topic create orders --replicas 3.", (2,)) == \
        "the option '--replicas' is not in the cited passages"
    assert reason("Start the broker with docker run -d fluxmq/broker.", (2,)) is not None  # -d: invented
    assert reason("Start the broker with docker run -p 7400:7400 fluxmq/broker.", (2,)) is None


def test_an_option_is_not_found_inside_a_longer_one():
    evidence = [cited_evidence(passage(1, "Pass --no-cache-dir to pip to skip its cache."))]
    assert why_unsupported("Pass --no to pip to skip its cache.", evidence) is not None
    assert why_unsupported("Pass --no-cache-dir to pip to skip its cache.", evidence) is None


def test_a_setting_name_must_be_the_passage_s():
    assert reason("Set max_batch_size=500 in broker.toml for larger batches.", (2,)) is None
    assert reason("Set batch_size=500 in broker.toml for larger batches.", (2,)) is not None
    assert reason("Set max_batch_size=900 in broker.toml for larger batches.", (2,)) is not None  # the value
    assert reason("Set maxBatch=500 in broker.toml for larger batches.", (2,)) is not None


def test_an_identifier_absent_from_the_cited_passage_removes_the_sentence():
    assert reason("Publish a message with client.publish in a Python shell.", (3,)) is None
    assert reason("Publish a message with client.send in a Python shell.", (3,)) == \
        "the identifier 'client.send' is not in the cited passages"
    assert reason("Publish a message with `client.publish` in a Python shell.", (3,)) is None
    assert reason("Publish a message with `client.publish(\"orders\")` in a Python shell.", (3,)) is not None
    assert reason("Publish a message with `publish_message` in a Python shell.", (3,)) is not None
    # camelCase, PascalCase and () are code, compared case-sensitively.
    assert reason("The publishMessage() helper retries three times.", (3,)) is None
    assert reason("The PublishMessage() helper retries three times.", (3,)) is not None
    assert reason("The sendMessage helper retries three times.", (3,)) is not None
    # A path is code; a name is not found inside a longer one.
    assert reason("The broker reads broker.toml for larger batches.", (2,)) is None
    assert reason("The broker reads toml for larger batches.", (2,)) is None  # not code: a word of the passage
    assert reason("The broker reads fluxmq/brok for larger batches.", (2,)) is not None


def test_an_identifier_of_another_passage_does_not_count():
    # client.publish is in passage 3; the sentence cites 1 and 2 only.
    assert reason("Install fluxmq, then publish with client.publish.", (1, 2)) is not None
    assert reason("Install fluxmq, then publish with client.publish.", (1, 3)) is None


def test_the_heading_and_the_path_of_a_cited_passage_count():
    assert reason("The started.md guide explains how to start a server.", (2,)) is not None
    assert reason("The docs/getting-started.md guide explains how to start a server.", (2,)) is None


def test_too_few_shared_words_remove_the_sentence():
    assert reason("Kubernetes operators reconcile custom resources declaratively.", (1,)) is not None
    assert "content words" in reason("Kubernetes operators reconcile custom resources declaratively.", (1,))
    # Stop words alone say nothing a passage could back.
    assert reason("It is so.", (1,)) == "it has no content word to check"


def test_an_uncited_sentence_or_one_citing_no_passage_of_the_answer_is_removed():
    assert not kept("Fluxmq needs Python 3.11 or later.", ())
    assert not kept("Fluxmq needs Python 3.11 or later.", (7,))
    assert kept("Fluxmq needs Python 3.11 or later.", (7, 1))


def test_supported_sentences_keep_citations_to_existing_passages_and_count_the_removed():
    sentences = [Sentence("Fluxmq needs Python 3.11 or later.", (1, 9)),
                 Sentence("The broker listens on port 8080.", (2,)),
                 Sentence("Create a topic named orders.", ()),
                 Sentence("The broker listens on port 7400.", (2, 2))]
    kept_sentences, removed = supported_sentences(sentences, PASSAGES)
    assert kept_sentences == (Sentence("Fluxmq needs Python 3.11 or later.", (1,)),
                              Sentence("The broker listens on port 7400.", (2, 2)))
    assert removed == 2


def test_a_sentence_longer_than_the_bound_is_removed():
    long = "Fluxmq needs Python 3.11 or later " * (MAX_SENTENCE_CHARS // 30)
    assert len(long) > MAX_SENTENCE_CHARS and not kept(long, (1,))


def test_what_a_sentence_claims():
    claims = claims_of("Run `pip install fluxmq` then call Client.publish() with --verbose, "
                       "timeout=30 and retries: 3 (e.g. in main.py), port 7,400 on SmolLM2's 64-bit build.")
    assert claims.code == {"pip install fluxmq", "Client.publish()", "main.py", "SmolLM2"}
    assert claims.options == {"--verbose", "timeout"}
    assert claims.numbers == {"30", "3", "7400", "64"}
    assert {stem(w) for w in ("run", "call", "publish", "retries", "port", "build")} <= claims.stems


def test_stems_share_a_word_s_forms():
    assert len({stem(w) for w in ("install", "installs", "installing", "installed", "installation")}) == 1
    assert len({stem(w) for w in ("create", "creates", "created", "creating")}) == 1
    assert stem("running") == stem("run") and stem("libraries") == stem("library")


# --- sentences and their markers ----------------------------------------------------------------------

@pytest.mark.parametrize("answer", [
    "Fluxmq needs Python 3.11 [1]. The broker listens on port 7400 [2].",
    "Fluxmq needs Python 3.11. [1] The broker listens on port 7400. [2]",
    "Fluxmq needs Python 3.11.[1] The broker listens on port 7400.[2]",
    "Fluxmq needs Python 3.11 [1].\nThe broker listens on port 7400 [2]",
    "- Fluxmq needs Python 3.11 [1].\n- The broker listens on port 7400 [2].",
    "1. Fluxmq needs Python 3.11 [1]\n2. The broker listens on port 7400 [2]",
    "Fluxmq needs Python 3.11 [passage 1]. The broker listens on port 7400 [Passage 2].",
])
def test_markers_before_or_after_the_final_period(answer):
    sentences = split_sentences(answer)
    assert [s.citations for s in sentences] == [(1,), (2,)]
    assert [s.text.rstrip(".") for s in sentences] == ["Fluxmq needs Python 3.11", "The broker listens on port 7400"]


@pytest.mark.parametrize("markers, cited", [
    ("[1][3]", (1, 3)), ("[1] [3]", (1, 3)), ("[1, 3]", (1, 3)), ("[1,3]", (1, 3)), ("[1 and 3]", (1, 3)),
    ("[3][1][3]", (3, 1)), ("[0]", ()), ("[12345]", ()),
])
def test_several_markers_cite_several_passages(markers, cited):
    [sentence] = split_sentences(f"Install fluxmq with pip {markers}.")
    assert sentence.citations == cited


def test_a_sentence_without_a_marker_has_no_citations():
    sentences = split_sentences("Fluxmq is a broker. It needs Python 3.11 [1]. Nothing else is said.")
    assert [s.citations for s in sentences] == [(), (1,), ()]


def test_periods_inside_tokens_and_abbreviations_do_not_end_a_sentence():
    sentences = split_sentences("Call kettle.boil() on Python 3.11, e.g. in main.py [1]. Then pour [2].")
    assert [(s.text, s.citations) for s in sentences] == [
        ("Call kettle.boil() on Python 3.11, e.g. in main.py.", (1,)), ("Then pour.", (2,))]


def test_markers_and_markup_are_not_part_of_the_sentence_text():
    [sentence] = split_sentences("**Install** it with `pip install fluxmq` [1] .")
    assert sentence.text == "**Install** it with `pip install fluxmq`." and sentence.citations == (1,)
    assert split_sentences("[1]\n\n   \n[2].") == []


def test_a_written_answer_reads_back_with_its_markers():
    sentences, removed = supported_sentences(
        split_sentences("Fluxmq needs Python 3.11 [1]. The broker listens on port 8080 [2]."), PASSAGES)
    answer = WrittenAnswer(sentences, removed)
    assert answer.text == "Fluxmq needs Python 3.11. [1]" and answer.removed == 1


def test_an_answer_that_says_it_is_not_covered():
    assert declines("Not covered.") and declines("The passages do not cover this question.")
    assert declines("The passages don't mention it.")
    assert not declines("Fluxmq needs Python 3.11 [1].")


# --- hostile answers ----------------------------------------------------------------------------------

# name: (answer, whether some of it is kept)
HOSTILE = {
    "one 100 KB sentence of identifiers": ("client.publish_" * 7_000 + " [3].", False),
    "brackets that never close": ("[1, 2, 3, 4" * 10_000, False),
    "markers only": ("[1]" * 35_000, False),
    "periods only": ("." * 100_000, False),
    "backticks only": ("`" * 100_000, False),
    "a 100 KB number": ("1," * 50_000, False),
    "dots inside one token": ("a." * 50_000, False),
    "options": ("--a=" * 25_000, False),
    "sentences citing everything": ("The broker listens on port 7400 [1][2][3]. " * 2_500, True),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_100_kb_hostile_answer_is_read_up_to_its_bound_and_checked(name):
    answer, some_kept = HOSTILE[name]
    assert len(answer) >= 90_000
    sentences = split_sentences(answer)
    assert sum(len(s.text) for s in sentences) <= MAX_ANSWER_CHARS
    assert all(set(s.citations) <= {1, 2, 3, 4} for s in sentences)
    kept_sentences, removed = supported_sentences(sentences, PASSAGES)
    assert removed == len(sentences) - len(kept_sentences)
    assert bool(kept_sentences) == some_kept
    assert all(is_supported(s, PASSAGES) for s in kept_sentences)
    assert declines(answer) is False


def test_a_hostile_passage_is_read_up_to_its_bound():
    # An identifier that occurs only as part of longer names, 100,000 times: absent.
    evidence = [cited_evidence(passage(1, "a_b" * 100_000))]
    assert why_unsupported("Use a_b here.", evidence) is not None
    assert why_unsupported("Use `a_ba_b` here.", [cited_evidence(passage(1, "use `a_ba_b` here"))]) is None
