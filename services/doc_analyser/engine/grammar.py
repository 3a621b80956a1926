"""Parts of speech for learning objectives, from two libraries that ship their data in their wheels
(nothing is downloaded at run time; spaCy's English models are not on the package registries):

- TextBlob's copy of Pattern's English tagger: a Brill tagger — a lexicon of the most likely tag of
  100 k words, suffix rules for unknown words and about 250 contextual rules learnt from the Brown
  corpus and the Penn Treebank. TextBlob's own `tag()` drops the suffix and contextual rules (its
  parser never passes them on), so this module calls its `find_tags` with the suffix rules and
  applies the contextual ones itself, indexed by tag (brill_context.py: the same tags, faster).
- lemminflect: a lemmatizer over a real lexicon (the SPECIALIST lexicon), for base forms
  ("configuring" → "configure", "shipping" → "ship").

An objective is tagged as the end of the sentence "You will learn to …", where an order reads as a
verb after "to". Names from code (`Client.publish`, `graphql-codegen`, `mod_wsgi`) are tagged as
proper nouns before the tagger sees them: its suffix rules would make a hyphenated name an
adjective. Time is linear in the words (each is looked up once and meets each contextual rule once),
and the words are capped, so no text can hold the tagger long. Both libraries load on first use,
their lexicons as tables on disk (lexicons.py)."""
from __future__ import annotations

from functools import lru_cache

from shared import linear_regex
from shared.once import once

from .brill_context import apply_rules, english_rules
from .lexicons import brill, lemmatizer, tagger_lexicon

_MOST_WORDS = 40
_LONGEST_WORD = 64
_FRAME = ("You", "will", "learn", "to")
# Tokens: code spans, words with the inner punctuation of names (dotted, snake_case, hyphenated,
# calls, paths, scoped packages), numbers, and any other single mark.
_TOKEN = linear_regex.compile(r"`[^`\n]{1,200}`|@?[\w]+(?:[-.'/:_@]\w+)*(?:\(\))?|[^\s\w]")
_NAME_FROM_CODE = linear_regex.compile(r"^`|[._/@]\w|\(\)|\w-\w|[a-z][A-Z]|[A-Z]{2}[a-z]")
_NAME = "NNP"
_NOUNS = frozenset({"NN", "NNS", "NNP", "NNPS", "PRP", "CD", "FW", "VBG"})
_FINITE_VERBS = frozenset({"VBZ", "VBP", "VBD", "MD"})
# Words an objective cannot end on: it would break off mid-phrase ("Work with the", "Install and").
_OPEN_ENDINGS = frozenset({"DT", "IN", "CC", "TO", "MD", "PRP$", "WRB", "WDT", "WP", "EX", "POS", "UH"})
_NOT_OBJECT_OPENERS = frozenset({"RB", "RBR", "RBS", "VBN", "VBD", "VBZ", "VBP", "MD", "UH", "WP"})
_OBJECT_DETERMINERS = frozenset({"DT", "PRP$"})
# Prepositions that complete a verb's action rather than qualify a noun ("Filter data with SQL",
# "Map fields to columns"; "Image paths in the theme", "Code of conduct" qualify their nouns).
_COMPLEMENTS = frozenset({"with", "to", "into", "from", "by", "using", "via"})
# Words after which a finite verb belongs to a clause of the object ("why a client is used",
# "that the broker is healthy").
_CLAUSE_TAGS = frozenset({"WRB", "WDT", "WP"})
_CLAUSE_WORDS = frozenset({"that", "if", "whether", "because", "when", "so"})


def words_of(text: str) -> list[str]:
    text = text[:2_000]
    if "`" in text:  # a code span may hold blanks
        return [token for token in _TOKEN.findall(text) if token.strip()][:_MOST_WORDS]
    # No other token holds a blank: the text's tokens are its blank-separated pieces' tokens, and a
    # piece of ASCII letters and digits is one (no pattern call for it).
    found: list[str] = []
    for piece in text.split():
        if piece.isascii() and piece.isalnum():
            found.append(piece)
        else:
            found.extend(_TOKEN.findall(piece))
        if len(found) >= _MOST_WORDS:
            break
    return found[:_MOST_WORDS]


@once
def _tagger():
    find_tags = brill().find_tags
    lexicon = tagger_lexicon()
    rules = english_rules()

    def tag(tokens: list[str]) -> list[str]:
        # The contextual rules are applied here, indexed by tag (brill_context.py), not by find_tags.
        tagged = find_tags(tokens, lexicon=lexicon, morphology=lexicon.morphology,
                                 default=("NN", "NNP", "CD"), language="en")
        return [tag for _, tag in apply_rules([(word, tag) for word, tag in tagged], rules)]
    return tag


def tags(tokens: list[str]) -> tuple[str, ...]:
    """The Penn Treebank tag of each token, names from code tagged as proper nouns."""
    return _tags(tuple(tokens))


@lru_cache(maxsize=16_384)  # one heading is read as an order, a thing and an objective: tagged once
def _tags(tokens: tuple[str, ...]) -> tuple[str, ...]:
    names = [len(token) > _LONGEST_WORD or bool(_NAME_FROM_CODE.search(token)) for token in tokens]
    found = _tagger()([("Name" if name else token) for token, name in zip(tokens, names)])
    return tuple(_NAME if name else _corrected(token, tag, index)
                 for index, (token, tag, name) in enumerate(zip(tokens, found, names)))


def _corrected(token: str, tag: str, index: int) -> str:
    """A contextual rule turns any noun after "to" into a verb ("deploy to production"): a word the
    lexicon knows as no verb stays a noun; so does a word its lexicon calls an interjection ("pip")
    past the first. The first word is left as read."""
    if tag == "VB" and index > 0 and token.isalpha() and not can_be_verb(token):
        return "NN"
    if tag == "UH" and index > 0:  # no interjection inside a sentence: "with pip" names a tool
        return "NN"
    return tag


def tagged(text: str, frame: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """`text`'s words and tags, read after `frame` if given; its first word lower-cased unless a name
    (a heading's capital says nothing of the part of speech)."""
    tokens = words_of(text)
    if tokens and not _NAME_FROM_CODE.search(tokens[0]) and not tokens[0].isupper():
        tokens[0] = tokens[0].lower()
    return list(zip(tokens, tags([*frame, *tokens])[len(frame):]))


def can_be_verb(word: str) -> bool:
    """Whether the lexicon knows `word` as a verb's base form ("filter", "break"; not "private")."""
    word = word.lower()
    return word in lemmatizer().getAllLemmas(word).get("VERB", ())


def opens_with_order(text: str, names: frozenset[str] = frozenset()) -> bool:
    """Whether a heading is an order: its first word is a verb ("Break a connection", "Install the
    CLI", "Test your app", "Filter data with SQL") and not the first noun of a compound ("Exit
    codes", "Download page", "Console output configuration"). A word that can be either is an order
    when a determiner follows it, or when its nouns take a complement ("with SQL"; "in", "of"
    qualify nouns: "Image paths in the theme"); a word that can be no noun is an order when the
    tagger reads a verb; one that can be an adjective, only before a determiner ("Best practices").
    A heading opening with one of the `names` the page writes as a name ("React testing library")
    is no order."""
    found = tagged(text)
    if len(found) < 2 or words_of(text)[0] in names or not can_be_verb(found[0][0]):
        return False
    if found[1][1] in _OBJECT_DETERMINERS or found[1][1] == "PRP":
        return True  # "Break a connection", "Test your app"
    if "ADJ" in lemmatizer().getAllLemmas(found[0][0]):  # "Best practices for crawlers"
        return False
    if not can_be_noun(found[0][0]):
        return found[0][1] == "VB"
    nouns = 1
    while nouns < len(found) and found[nouns][1] in _NOUNS - {"PRP"}:
        nouns += 1
    return 1 < nouns < len(found) and found[nouns][0].lower() in _COMPLEMENTS


def reads_as_order(sentence: str) -> bool:
    """Whether a sentence opening with a verb's form is an order ("Request a token from the
    server", "Use functools.wraps to handle this") rather than opening with its subject ("Secure
    Boot is enabled by default", "Debug mode shows a debugger"): the subject's verb (a finite form,
    tagged) follows the opening words before any determiner, preposition or punctuation; a
    parenthesis is skipped ("Secure Encrypted Virtualization (SEV) is …")."""
    depth = 0
    for word, tag in tagged(sentence)[1:]:
        if word in ("(", "["):
            depth += 1
        elif word in (")", "]"):
            depth = max(0, depth - 1)
        elif depth:
            continue
        elif tag in _FINITE_VERBS:
            return False
        elif tag not in _NOUNS | {"JJ", "VBN"}:
            return True
    return True


def modifies_nouns(phrase: str) -> bool:
    """Whether the tagger reads a phrase's first word as modifying the nouns after it, the phrase
    being nouns and their modifiers ("Query parameters", "Login required decorator": a compound,
    not an order)."""
    found = tagged(phrase)
    return len(found) >= 2 and found[0][1] in ("NN", "NNS", "NNP", "JJ") and found[-1][1] in _NOUNS \
        and all(tag in _NOUNS | {"JJ", "VBN"} for _, tag in found[1:])


def can_be_noun(word: str) -> bool:
    return bool(lemmatizer().getAllLemmas(word.lower()).get("NOUN"))


def is_verb_and_object(objective: str) -> bool:
    """An objective is a verb and what it acts on, read as the end of "You will learn to …": the
    first word can be a verb (the lexicon), the words after it (the tagger) open with no adverb or
    participle, name a thing before any other verb or clause, and do not end mid-phrase. "Configure TLS", "Work with exit codes", "Explain why a
    client is used" parse; "Understand break a connection", "Private attributes", "Work with the",
    "Migrate" do not."""
    found = tagged(objective, _FRAME)
    if len(found) < 2 or not can_be_verb(found[0][0]):  # after "to", a verb is read as one
        return False
    rest = [tag for _, tag in found[1:]]
    if rest[-1] in _OPEN_ENDINGS or rest[0] in _NOT_OBJECT_OPENERS:
        return False  # "Use designed for FastAPI", "Understand just modern Python"
    if len(rest) >= 2 and rest[0] not in ("IN", "RP", "TO") and can_be_verb(found[1][0]) \
            and rest[1] in _OBJECT_DETERMINERS:
        return False  # an order where the object should be: "Understand break a connection"
    has_object = False
    for index, tag in enumerate(rest):
        if tag == "VBD" and has_object:
            continue  # a participle after its noun, which the tagger cannot tell from a past: "a topic named orders"
        if tag in _FINITE_VERBS and not any(t in _CLAUSE_TAGS or w.lower() in _CLAUSE_WORDS
                                            for w, t in found[1:index + 1]):
            return False  # a clause, not an object: "Use of the icon set is deprecated"
        if not has_object and tag == "VB" and (index == 0 or rest[index - 1] not in ("CC", "TO")):
            return False  # a second verb before any object
        has_object = has_object or tag in _NOUNS
    return has_object


def names_a_thing(phrase: str, names: frozenset[str] = frozenset()) -> bool:
    """A noun phrase an "Understand …" or "Work with …" objective can name: it ends on a noun or
    a name, holds no finite verb ("reusability matters", "what's happening" are clauses) and does
    not open with an order or a modifier alone ("Designed for FastAPI", "Just modern Python")."""
    found = tagged(phrase)
    if not found or opens_with_order(phrase, names):
        return False
    phrase_tags = [tag for _, tag in found]
    if phrase_tags[-1] not in _NOUNS or phrase_tags[0] in ("RB", "VBN", "VBD", "IN", "TO", "WRB", "WP", "UH"):
        return False
    return not any(tag in _FINITE_VERBS for tag in phrase_tags)


def verb_of_gerund(word: str) -> str | None:
    """The verb a gerund is formed from ("configuring" → "configure", "shipping" → "ship",
    "templating" → "template"), or None when `word` is no verb's -ing form ("string", "thing",
    "during")."""
    word = word.lower()
    if not word.endswith("ing") or len(word) < 5:
        return None
    lemmas = lemmatizer()
    known = lemmas.getAllLemmas(word)
    if known:
        verb = known.get("VERB", (word,))[0]
        return verb if verb != word else None
    if tagger_lexicon().get(word, "VBG") != "VBG":
        return None  # a word of another kind the lemmatizer does not list ("during")
    return lemmas.getAllLemmasOOV(word, "VERB").get("VERB", (None,))[0]  # "dockerizing"
