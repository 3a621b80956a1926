"""Phrasing one heading or one sentence as a learning objective: something a learner will be able
to do ("Install the CLI", "Configuring TLS" → "Configure TLS", "How do I upgrade?" → "Upgrade",
"Consumer groups" → "Understand consumer groups", "Client.publish" → "Use Client.publish", a
reference page's "Users" → "Work with users",
"Passing parameters in URLs" → "Pass parameters in URLs", "Why use a Client?" → "Explain why to use
a client"). A heading an objective would only garble (a warning, a broken identifier) gives none."""
from __future__ import annotations

from services.doc_analyser.engine.lexicon import STOPWORDS, concept_key, looks_like_instructions_to_a_model, words
from services.doc_analyser.engine.stopwords import IMPERATIVE_VERBS
from services.doc_analyser.engine.grammar import (can_be_verb, modifies_nouns, names_a_thing, opens_with_order, reads_as_order,
                                                  verb_of_gerund)
from services.doc_analyser.engine.verbs import ALL_VERBS, MODIFIER_GERUNDS, NOUN_VERBS, THIRD_PERSON
from shared import linear_regex
from shared.cjk import has_cjk
from shared.docs.pointers import points_beside
from shared.docs.headings import FIRST_STEPS, PROJECT_NOTES, TABLE_OF_CONTENTS
from shared.vocabulary import doc_type_subset

_LONGEST_OBJECTIVE_WORDS = 10
# Kinds of page whose named things a learner works with (looks up, applies) rather than uses.
_WORKED_WITH = doc_type_subset({"reference", "api", "how-to", "example"})
_NOT_OBJECTIVES = {"read", "browse", "wait", "watch", "view", "enter", "print", "return", "retry",
                   "pick", "choose", "log", "turn", "ensure", "avoid", "list"}
# Headings that name no subject a learner could master: the shared vocabulary's groups and the
# sections of reference pages, changelogs and project pages.
_GENERIC_NAMES = TABLE_OF_CONTENTS | PROJECT_NOTES | FIRST_STEPS
# The whole heading, but for a final line break.
_GENERIC_PATTERNS = linear_regex.compile(
    r"^(intro|summary|documentation|conclusion|what's next|acknowledge?ments|see also|"
    r"references|further reading|resources|related|faq|support|about|"
    r"before you (begin|start)|notes?|links|community|status|features|"
    r"examples?|parameters|arguments|returns|raises|"
    r"attributes|methods|options|properties|fields|exceptions|added|changed|fixed|removed|"
    r"deprecated|security|unreleased|donate|donations?|contact|sponsors?|sponsorship|maintainers|help|get help|"
    r"credits and history|(?:an? )?(?:simple |quick |basic )?example|"
    r"more information|who uses (?:this|it)|see it in action|try it now|user(?:'s|s'?|’s)? guide|api reference|"
    r"source code|download page|(?:release|project) information|useful resources|usage examples?|the basics|synopsis|"
    r"about (?:the |this )?(?:project|documentation|docs|us)|general|miscellaneous|misc|"
    r"(?:learning )?(?:objectives|goals|outcomes)|prerequisites|requirements|recap|wrap[- ]?up|next steps|"
    r"key takeaways|takeaways|"
    r"参考文献|参考链接|参考资料|参考|更多|背景|效果演示|示例|总结|小结|常见问题|相关链接|参考資料|関連リンク|まとめ|"
    r"よくある質問|サンプル)\n?$",
    linear_regex.IGNORECASE)


# Words a noun-phrase heading cannot start with and still name something to understand.
_NOT_SUBJECTS = frozenset("who what where how when why which whom whose".split())
_NUMBERING = linear_regex.compile(r"^(?:step\s*\d+\s*[:.)-]?\s*|\d+(?:\.\d+)*[.)]?\s+)", linear_regex.IGNORECASE)
_HOW_DO_I = linear_regex.compile(r"^how (?:do|can|should) (?:i|you|we) |^how to ", linear_regex.IGNORECASE)
_WHAT_IS = linear_regex.compile(r"^what (?:is|are) (?:an? |the )?", linear_regex.IGNORECASE)
_WHY = linear_regex.compile(r"^why (?:(?:do|should|would|can) (?:i|you|we) |to )?", linear_regex.IGNORECASE)
_WHEN_TO = linear_regex.compile(r"^when (?:(?:do|should|would|can) (?:i|you|we) |to )", linear_regex.IGNORECASE)
_NEGATIVE = linear_regex.compile(r"^(?:do not|don't|never|not)\b", linear_regex.IGNORECASE)
# Words after a gerund that show it acts on something ("Testing your app"), not names a kind
# ("Logging configuration" is about configuration, not an order to log it).
_OBJECT_OPENERS = frozenset("a an the your my our this that these those with in on to for from".split())
_CUT = linear_regex.compile(r"\s*(?:[:;(]|\s[—–-]\s|,\s|\.\s|\.$| so that | so you | which | because | if | "
                            r"when | before | after | while | until | as follows| first\b)", linear_regex.IGNORECASE)
_FIRST_WORD = linear_regex.compile(r"[A-Za-z]+")
_CODE_LIKE = linear_regex.compile(r"[{}=$<>`]|https?:|\.\.\.")
_OBJECT_PRONOUNS = frozenset({"it", "them"})
# Words that open a phrase attached to the clause before them: a cut objective ends before one.
_JOINTS = frozenset("for to with of in on at from by that which so whenever using into".split())
_AUXILIARIES = frozenset("can could is are was were will would should must may might has have".split())
# A name from code: dotted or snake_case, a call, camelCase or an acronym-led class (HTTPEndpoint).
_NAME_FROM_CODE = linear_regex.compile(r"[._]\w|\(\)|[a-z][A-Z]|[A-Z]{2}[a-z]")
_IDENTIFIER = linear_regex.compile(r"\w+(?:[._]\w+)+(?:\(\))?|\w+\(\)")  # dotted or snake_case, or a call


def _generic(heading: str) -> bool:
    return " ".join(heading.split()).casefold().replace("’", "'") in _GENERIC_NAMES or bool(
        _GENERIC_PATTERNS.match(heading))


def heading_objective(text: str, doc_type: str, names: frozenset[str] = frozenset()) \
        -> tuple[str, int] | None:
    """(objective, priority) for a heading; priority 0 for instructions, 2 for noun phrases."""
    text = _NUMBERING.sub("", text.strip()).strip()
    if not text or _generic(text.rstrip("?:. ")) or points_beside(text.rstrip(":")):
        return None
    question = text.endswith("?")
    text = text.rstrip("?:. ")
    if _NEGATIVE.match(text) or text.count("[") != text.count("]") or text.count("(") != text.count(")"):
        return None
    if _HOW_DO_I.match(text):
        return capitalise(_HOW_DO_I.sub("", text)), 0
    if _WHAT_IS.match(text):
        return f"Understand {_lower_first(_WHAT_IS.sub('', text), names)}", 2
    if _WHY.match(text):
        return _why_objective(_WHY.sub("", text), names)
    if _WHEN_TO.match(text):
        rest = _WHEN_TO.sub("", text)
        first = (words(rest) or [""])[0].lower()
        return (f"Decide when to {first}{_lower_rest(rest[len(first):], names)}", 0) \
            if first in ALL_VERBS else None
    if has_cjk(text):
        return _cjk_heading_objective(text, doc_type)
    heading_words = words(text)
    if question or not heading_words or len(heading_words) > 8:
        return None
    first = heading_words[0].lower()
    rest = text[len(heading_words[0]):].strip()
    # "Download page", "Sync code": a verb that is as often a noun is an order only before an
    # object's article ("Install the CLI"), a preposition or a name ("Install HTTPX").
    following = (rest.split() or [""])[0]
    as_order = first not in NOUN_VERBS or following.lower() in _OBJECT_OPENERS or _is_name(following, names)
    if first not in _NOT_OBJECTIVES and opens_with_order(text, names):
        return capitalise(f"{first} {_lower_rest(rest, names)}"), 0
    if first == "introducing":
        return None  # "Introducing Shortly" presents something; "Introduce shortly" is no objective
    verb = verb_of_gerund(first)
    if verb and rest and (first not in MODIFIER_GERUNDS or rest.split()[0].lower() in _OBJECT_OPENERS):
        return capitalise(f"{verb} {_lower_rest(_second_gerund_too(rest), names)}"), 0
    if len(heading_words) == 1 and (first in ALL_VERBS or verb):
        return None  # "Contribute", "Testing": a verb alone says nothing to learn
    if len(heading_words) > 5 or first in _NOT_SUBJECTS or (first in ALL_VERBS and as_order):
        return None
    if not names_a_thing(text, names):  # "Designed for FastAPI", "In production" name nothing to learn
        return None
    if can_be_verb(first) and not _is_name(heading_words[0], names) and not modifies_nouns(text):
        return None  # "Sync code": an order or a thing — neither the lexicon nor the tagger can tell
    if _NAME_FROM_CODE.search(text.split(" ")[0]):  # "Client.publish", not "Usage with PartyKit"
        return f"Use {_lower_first(text, names)}", 2
    if doc_type in _WORKED_WITH:
        # "Use users", "Use response": a thing named in words is worked with, not used.
        return f"Work with {_lower_first(text, names)}", 2
    return f"Understand {_lower_first(text, names)}", 2


_CJK_NUMBERING = linear_regex.compile(r"^\d+(?:\.\d+)*[.)]?\s*")
_LONGEST_CJK_HEADING = 20


def _cjk_heading_objective(text: str, doc_type: str) -> tuple[str, int] | None:
    """A Chinese or Japanese heading: no English grammar to read an order or a name in, and its
    number may touch its text ("3.使用标准PDF解析"); what it names is what to understand."""
    text = _CJK_NUMBERING.sub("", text).strip()
    if not text or text.endswith(("?", "？")) or len(text) > _LONGEST_CJK_HEADING or _generic(text):
        return None
    return f"{'Work with' if doc_type in _WORKED_WITH else 'Understand'} {text}", 2


def _second_gerund_too(rest: str) -> str:
    """After a gerund made an order, a second one joined to it follows: "Reading or modifying the
    environment" → "Read or modify the environment", not "Read or modifying …"."""
    parts = rest.split(" ")
    if len(parts) >= 2 and parts[0].lower() in {"and", "or"} and (verb := verb_of_gerund(parts[1])):
        return " ".join([parts[0], verb, *parts[2:]])
    return rest


def _is_name(word: str, names: frozenset[str]) -> bool:
    """A word written as a name: one the prose capitalises mid-sentence ("HTTPX", "Docker"), or
    shaped like one (an inner capital, a digit). A capital that Title Case gives every word of
    a heading ("Query Parameters", "Request Files") is no name."""
    word = word.strip(".,:;!?()[]\"'`")
    return bool(word) and (word in names or any(c.isupper() or c.isdigit() for c in word[1:]))


def _why_objective(rest: str, names: frozenset[str]) -> tuple[str, int] | None:
    """"Why use a Client?" → "Explain why to use a client"; "Why HTTPX?" → "Explain why HTTPX is
    used"; a question in inverted order ("Why is it slow?") is left alone: no rule turns it round."""
    rest_words = words(rest)
    if not rest_words:
        return None
    first = rest_words[0].lower()
    if first in {"is", "are", "does", "do", "did", "was", "were", "should", "would", "can", "not"}:
        return None
    lowered = " ".join(_lower_word(word, names) for word in rest.split(" "))  # "a Client" → "a client"
    if first in ALL_VERBS:
        return f"Explain why to {lowered}", 2
    if len(rest_words) <= 3:
        subject = _lower_first(rest, names)
        return f"Explain why {subject} {'are' if _plural(subject) else 'is'} used", 2
    return None


def _plural(phrase: str) -> bool:
    """"hardcoded behaviors" is plural; "HTTPX", "access", "status", "analysis" are not."""
    last = phrase.split(" ")[-1]
    return last.islower() and last.endswith("s") and not last.endswith(("ss", "us", "is", "ics"))


def sentence_objective(sentence: str) -> str | None:
    """"Install the CLI with pip:" → "Install the CLI with pip"; None unless an instruction, or
    when it points at something beside it ("Add the following to your config")."""
    if points_beside(sentence.rstrip(":")):
        return None
    opening = _FIRST_WORD.match(sentence)
    if opening is None or opening.group(0).lower() not in IMPERATIVE_VERBS:
        return None
    sentence_words = words(sentence[:80])
    if not sentence_words or not sentence.lstrip().startswith(sentence_words[0]):
        return None
    first = sentence_words[0].lower()
    if first not in IMPERATIVE_VERBS or first in _NOT_OBJECTIVES:
        return None
    if not reads_as_order(sentence[:200]):  # "Secure Boot is …", "Console output is …"
        return None
    # "Request headers can be accessed …": a verb that is as often a noun, followed within two
    # words by an auxiliary, is the sentence's subject, not an order.
    # Any verb right before one is a name: "fetch is the modern way to make requests" (Flask).
    if _AUXILIARIES.intersection(word.lower() for word in sentence_words[1:3 if first in NOUN_VERBS else 2]):
        return None
    # So is one followed by a verb's -s form: "Debug mode shows an interactive debugger" (Flask).
    if first in NOUN_VERBS and THIRD_PERSON.intersection(word.lower() for word in sentence_words[1:3]):
        return None
    if looks_like_instructions_to_a_model(sentence):
        return None
    cut = _CUT.search(sentence)
    clause = sentence[:cut.start()] if cut else sentence
    kept = clause.split()
    if len(kept) > _LONGEST_OBJECTIVE_WORDS:
        kept = kept[:_LONGEST_OBJECTIVE_WORDS]
        if "and" in kept[2:]:  # "… and watch" — a cut second step reads badly: drop it
            kept = kept[:len(kept) - 1 - kept[::-1].index("and")]
        else:
            kept = _before_a_broken_phrase(kept)
    while kept and kept[-1].lower().strip(".,") in STOPWORDS:
        if kept[-1].lower().strip(".,") in _OBJECT_PRONOUNS and len(kept) > 2 and kept[-2].lower() in ALL_VERBS:
            break  # "… and enter it": the verb keeps its object
        kept.pop()
    if len(kept) >= 4 and kept[-2].lower() == "to" and kept[-1].lower() in ALL_VERBS \
            and kept[-3].lower() not in ALL_VERBS:  # "… you want to use" is whole
        kept = kept[:-2]  # "Use functools.wraps to handle [this for you]": the purpose lost its object
    if len(kept) < 2 or _CODE_LIKE.search(" ".join(kept)):
        return None
    return capitalise(" ".join(kept).rstrip(".,!"))


def _before_a_broken_phrase(kept: list[str]) -> list[str]:
    """A sentence cut at the word limit ends before the short phrase the cut broke off ("Check out
    the Quickstart for an overview of what Flask" → "… for an overview"); a phrase that may be
    whole ("at a URL prefix") or ends in a verb ("… you want to use") stays."""
    joints = [index for index, word in enumerate(kept) if index >= 3 and word.lower() in _JOINTS]
    if joints and len(kept) - joints[-1] - 1 <= 2 and kept[-1].lower() not in ALL_VERBS:
        return kept[:joints[-1]]
    return kept


def names_a_subject(concept: str) -> bool:
    """A concept an "Understand …" objective can name: not a verb ("donate"), not a section every
    project has ("installation", "usage")."""
    first = (words(concept) or [""])[0].lower()
    return bool(first) and not _generic(concept.strip()) and not (
        len(words(concept)) == 1 and first in ALL_VERBS) and first not in _NOT_SUBJECTS


def concept_objective(concept: str) -> str:
    """"Understand consumer groups"; an identifier from code is used: "Use markdown.preprocessors",
    "Use mod_wsgi" (not a product's name, "Understand MarkupSafe", nor a phrase about one,
    "Understand before_request callback")."""
    return f"Use {concept}" if _IDENTIFIER.fullmatch(concept) else f"Understand {concept}"


def objective_key(objective: str) -> str:
    return concept_key(objective)


def capitalise(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:]


def _lower_first(text: str, names: frozenset[str]) -> str:
    """Ordinary words lose their capital ("Consumer groups", "Message Lifecycle" → "message
    lifecycle"); names, acronyms and identifiers keep theirs ("Fluxmq", "TLS", "Client.publish").
    Only the first word is touched unless the heading is in Title Case."""
    parts = text.split(" ")
    title_case = sum(1 for part in parts if part[:1].isupper()) > max(1, len(parts) // 2)
    return " ".join(_lower_word(part, names) if index == 0 or title_case else part
                    for index, part in enumerate(parts))


def _lower_rest(text: str, names: frozenset[str]) -> str:
    """The words after a heading's verb, without Title Case ("Handle Binary Data")."""
    parts = text.split(" ")
    if sum(1 for part in parts if part[:1].isupper()) <= max(0, len(parts) // 2):
        return text
    return " ".join(_lower_word(part, names) for part in parts)


def _lower_word(word: str, names: frozenset[str]) -> str:
    if word[:1].isupper() and word[1:] == word[1:].lower() and word not in names \
            and not linear_regex.search(r"[._()\d]", word):
        return word.lower()
    return word
