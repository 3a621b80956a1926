"""Verb forms, so candidate phrases stop at verbs without a part-of-speech tagger: "the broker
listens on port 7400" gives "broker", not "broker listens". Only forms that are rarely nouns in
documentation break a phrase: "publishes", "exposes" do, "partitions", "logs", "streams" don't."""
from __future__ import annotations

from services.doc_analyser.engine.stopwords import IMPERATIVE_VERBS

_MORE_VERBS = frozenset("""
accept allow amortise amortize appear become belong cause come consist contain continue cover
crash depend describe disappear divide drop exist explain expose fail flow follow give go
guarantee happen have help hold include keep land leave listen live look make matter mean move
need offer own perform prevent produce provide reach rebalance receive rejoin remain reorder
represent require resume say see seem serve show stay support take tell walk want work yield
emit persist survive behave differ rely advance arrive embed redraw refresh invoke
pass contribute write get put post pay test raise catch close limit handle bring sort wrap
authorise process secure send target stub patch mount sign encode cite paste fire pipe
""".split())
# Verbs whose -s form is more often a plural noun in documentation.
NOUN_VERBS = frozenset("""
partition log stream record request report test package index map tag cache query schedule
profile plot plan patch mock link list format filter export import change design share split
switch view wrap return call commit upgrade update release build event trigger message order
store benchmark bundle sign step task signal file type group model block round track watch trade
copy offset transform fix check ship handle project input output review state archive key tool
volume download upload install deploy setup plugin print scale mount pin fork lint tune bill
secret access turn rotate mount merge clone edit extract measure sync login debug
""".split())
_LY_NOUNS = frozenset("assembly family supply anomaly reply butterfly monopoly rally italy "
                      "jelly polly ally".split())
_IRREGULAR_PAST = frozenset("""
built made kept held left ran sent took gave given taken written wrote done shown known seen
found got gone became begun began brought chose chosen spent stood told thought understood
thrown broken hidden
""".split())


def _third_person(verb: str) -> str:
    if verb.endswith(("s", "sh", "ch", "x", "z", "o")):
        return verb + "es"
    if verb.endswith("y") and verb[-2:-1] not in "aeiou":
        return verb[:-1] + "ies"
    return verb + "s"


def _gerund_forms(verb: str) -> list[str]:
    forms = [verb + "ing"]
    if verb.endswith("e") and not verb.endswith("ee"):
        forms.append(verb[:-1] + "ing")
    forms.append(verb + verb[-1] + "ing")  # run → running, set → setting
    return forms


ALL_VERBS = IMPERATIVE_VERBS | _MORE_VERBS | NOUN_VERBS
THIRD_PERSON = frozenset(_third_person(verb) for verb in ALL_VERBS - NOUN_VERBS) | _IRREGULAR_PAST
GERUNDS = {form: verb for verb in sorted(IMPERATIVE_VERBS | _MORE_VERBS)
           for form in reversed(_gerund_forms(verb))}
# Gerunds that usually modify a noun ("streaming data", "logging configuration"): kept in phrases.
MODIFIER_GERUNDS = frozenset("""
streaming logging caching building mapping indexing scheduling batching loading routing testing
processing training rolling monitoring networking tracking rendering parsing profiling debugging
scaling messaging computing programming serving signing hashing sharding pooling clustering
partitioning versioning queueing queuing tracing alerting filtering sorting matching encoding
floating existing missing pending upcoming following remaining interesting outstanding rewriting
templating
""".split())


def breaks_phrase(word: str) -> bool:
    """A conjugated verb ("publishes", "built"): never part of a concept."""
    return word in THIRD_PERSON


def is_adverb(word: str) -> bool:
    return len(word) > 5 and word.endswith("ly") and word not in _LY_NOUNS


def follows_as_verb(previous: str, word: str) -> bool:
    """"to trade", "offsets advance", "brokers form": a base-form verb after "to" or after a
    plural noun (compounds rarely have a plural first part)."""
    if word not in ALL_VERBS:
        return False
    return previous == "to" or (len(previous) > 3 and previous.endswith("s")
                                and not previous.endswith(("ss", "us", "is")))


def is_past_participle(word: str) -> bool:
    """"documented", "stored": a verb when it ends a phrase, an adjective when it opens one."""
    return len(word) > 4 and word.endswith("ed") and not word.endswith("eed")
