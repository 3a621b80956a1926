"""reStructuredText inline markup → plain text plus links: `` `text <url>`_ ``, named references
(`` `text`_ `` resolved against `.. _text: url` targets), Sphinx roles (`:doc:`, `:ref:`,
`:class:`~a.B``), literals, emphasis, substitutions and footnote references."""
from __future__ import annotations

from shared import linear_regex
from shared.docs.placeholders import SetAside
from shared.docs.builder import (REFERENCE_MARK, Marked, Unattached, close_gaps_before_punctuation,
                                 humanise_file_name)
from shared.docs.markdown_out import code_span, escape_markdown

_ESCAPE = Marked("\\", linear_regex.compile(r"\\(.)"))
_LITERAL = Marked("``", linear_regex.compile(r"``([^`]{1,2000}?)``"))
_ROLE = Marked(":`", linear_regex.compile(r":(?:[\w-]+:)?([\w-]+):`([^`]{1,1000})`"))
# The label (at most 500 characters) is empty or ends in no blank: the blanks before `<` are
# the next part's.
_PHRASE_REFERENCE = Marked(">`", linear_regex.compile(r"`((?:[^`<]{0,499}?[^`<\s])??)\s*<([^`>]{1,1000})>`__?"))
# `name_` or `name__`, a whole word, not after a backtick.
_WORD_REFERENCE = Marked("_", Unattached(r"([A-Za-z][\w.-]*?)__?", "`", ""))
# Interpreted text (`name`, the default role) or, with underscores after it, a named reference
# (`text`_): one pattern, so a span is read from its opening backtick. Apart, the reference
# pattern started at a closing one: "`__name__` and `__module__`" read "` and `__" as a reference.
_INTERPRETED_OR_REFERENCE = Marked("`", linear_regex.compile(r"`([^`]{1,1000})`(__?)?"))
_STRONG = Marked("**", linear_regex.compile(r"\*\*([^*]{1,1000}?)\*\*"))
# Neither after nor before a word character or another star.
_EMPHASIS = Marked("*", Unattached(r"\*([^*\s][^*]{0,1000}?)\*", "*", "*"))
_SUBSTITUTION = Marked("|", linear_regex.compile(r"\|([^|\s][^|]{0,100}?)\|_{0,2}"))
_FOOTNOTE_REFERENCE = Marked("]_", linear_regex.compile(r"\s?\[(?:#[\w-]*|\*|\d+|[A-Za-z][\w.-]*)\]_"))
_LINKING_ROLES = {"doc", "download"}
_REFERENCE_ROLES = {"ref", "numref"}  # name a label some document declares (resolved by the corpus)
_MARKDOWN_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")

Links = list[tuple[str, str]]


def rst_inline_to_text(text: str, targets: dict[str, str]) -> tuple[str, Links]:
    aside = SetAside()
    links: Links = []
    # Each pattern is a `Marked`: tried only on a text holding the literal its matches hold.
    text = _LITERAL.sub(lambda m: aside.keep(m.group(1)), text)  # backslashes are literal in ``…``
    text = _ESCAPE.sub(lambda m: aside.keep(m.group(1)), text)
    text = _ROLE.sub(lambda m: aside.keep(role_text(links, m.group(1), m.group(2))), text)
    text = _PHRASE_REFERENCE.sub(lambda m: _phrase(links, targets, m.group(1), m.group(2)), text)
    text = _INTERPRETED_OR_REFERENCE.sub(
        lambda m: _named(links, targets, m.group(1)) if m.group(2) else aside.keep(m.group(1)), text)
    text = _WORD_REFERENCE.sub(lambda m: _named(links, targets, m.group(1), bare=True), text)
    text = _STRONG.sub(lambda m: m.group(1), text)
    text = _EMPHASIS.sub(lambda m: m.group(1), text)
    text = _SUBSTITUTION.sub(lambda m: m.group(1), text)
    text = _FOOTNOTE_REFERENCE.sub(lambda m: "", text)
    text = close_gaps_before_punctuation(text)  # code still set aside: its blanks stay
    restore = aside.restore
    return restore(text), [(restore(target), restore(label)) for target, label in links]


# Roles whose text is prose (a cross-reference's title, a term, a GUI label), not a name in code.
_PROSE_ROLES = {"ref", "term", "abbr", "guilabel", "menuselection", "math", "sub", "sup", "numref",
                "pep", "rfc", "title-reference", "emphasis", "strong"}


# Roles naming something in code: even with an explicit title, the title is a name.
_CODE_NAME_ROLES = {"class", "func", "meth", "attr", "mod", "obj", "data", "exc", "const", "type", "member",
                    "function", "method", "module", "attribute", "var", "envvar", "option", "program",
                    "command", "file", "samp", "kbd", "code", "literal", "makevar", "setting", "djadmin",
                    "ttag", "tfilter", "lookup", "fieldlookup"}


def rst_inline_to_markdown(text: str, targets: dict[str, str]) -> str:
    """The same paragraph as Markdown: literals and code roles as code spans, emphasis kept,
    references with a known target as links; the same patterns as `rst_inline_to_text`."""
    aside = SetAside()
    keep, ignored = aside.keep, []
    text = _LITERAL.sub(lambda m: keep(code_span(m.group(1))), text)
    text = _ESCAPE.sub(lambda m: keep(_escaped(m.group(1))), text)
    text = _ROLE.sub(lambda m: keep(role_markdown(m.group(1), m.group(2))), text)
    text = _PHRASE_REFERENCE.sub(lambda m: keep(_link(m.group(1), _phrase_target(targets, m.group(2)))), text)
    text = _INTERPRETED_OR_REFERENCE.sub(  # the default role: mostly names, as code
        lambda m: keep(_link(m.group(1), _named_target(targets, m.group(1))) if m.group(2)
                       else code_span(m.group(1))), text)
    text = _WORD_REFERENCE.sub(lambda m: keep(escape_markdown(_named(ignored, targets, m.group(1), bare=True))), text)
    text = _STRONG.sub(lambda m: keep(f"**{escape_markdown(m.group(1).strip())}**"), text)
    text = _EMPHASIS.sub(lambda m: keep(f"*{escape_markdown(m.group(1).strip())}*"), text)
    text = _SUBSTITUTION.sub(lambda m: m.group(1), text)
    text = _FOOTNOTE_REFERENCE.sub(lambda m: "", text)
    return aside.restore(close_gaps_before_punctuation(escape_markdown(text)))


def _escaped(character: str) -> str:
    return "\\" + character if character in _MARKDOWN_PUNCTUATION else character


def role_markdown(role: str, content: str) -> str:
    shown = role_text([], role, content)
    if role in _LINKING_ROLES:
        target = (title_and_target(content) or ("", content))[1]
        return _link(shown, target)
    if role in _PROSE_ROLES:
        return escape_markdown(shown)
    # An explicit title (`:gh:`the example <examples/tutorial>``, `:issue:`…`) is the text a reader
    # sees, not a name in code; a bare name (`:class:`Foo``) is code.
    titled = title_and_target(content) is not None and role not in _CODE_NAME_ROLES
    return escape_markdown(shown) if titled else code_span(shown)


def _phrase_target(targets: dict[str, str], target: str) -> str:
    return targets.get(target[:-1].strip().lower(), "") if target.endswith("_") else target


def _named_target(targets: dict[str, str], name: str) -> str:
    return targets.get(" ".join(name.split()).lower(), "")


def _link(label: str, target: str) -> str:
    label = label.strip() or target
    if not target or any(ch.isspace() or ch in "()<>" for ch in target):
        return escape_markdown(label)
    return f"[{escape_markdown(label)}]({target})"


def title_and_target(text: str) -> tuple[str, str] | None:
    """`Install <install>` → ("Install", "install"); None without a final `<target>`. String
    code: the pattern `^(.*?)\\s*<([^<>]+)>$` was quadratic in a long run of blanks."""
    if not text.endswith(">"):
        return None
    start = text.rfind("<")
    target = text[start + 1:-1]
    if start < 0 or not target or ">" in target:
        return None
    return text[:start].rstrip(), target


def role_text(links: Links, role: str, content: str) -> str:
    """`:doc:`Install <install>`` → "Install" (a link); `:class:`~pkg.Client`` → "Client"."""
    label, target = title_and_target(content) or ("", content)
    if role in _LINKING_ROLES:
        links.append((target, label or humanise_file_name(target)))
        return label or humanise_file_name(target)
    if role in _REFERENCE_ROLES:
        # Sphinx shows the labelled section's title; without it, the label read as words
        # (`complex-guide` → "Complex guide") rather than an identifier in the prose.
        shown = label or humanise_file_name(target)
        links.append((REFERENCE_MARK + target, shown))
        return shown
    if label:
        return label
    target = target.lstrip("!")
    return target.lstrip("~").rsplit(".", 1)[-1] if target.startswith("~") else target


def _phrase(links: Links, targets: dict[str, str], label: str, target: str) -> str:
    if target.endswith("_"):  # `text <name_>`_ points at a named target, not a URL
        target = targets.get(target[:-1].strip().lower(), "")
    if target:
        links.append((target, label or target))
    return label or target


def _named(links: Links, targets: dict[str, str], name: str, bare: bool = False) -> str:
    target = targets.get(" ".join(name.split()).lower())
    if target:
        links.append((target, name))
    elif bare:
        return name + "_"  # `snake_` in prose that is no reference: leave it alone
    return name
