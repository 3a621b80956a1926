"""Front matter at the top of Markdown/MDX files: YAML between `---` lines (Jekyll, Docusaurus,
MkDocs) or TOML between `+++` lines (Hugo). Only simple top-level `key: value` pairs are read —
enough for `title`, `description`, `sidebar_position` — with no YAML library."""
from __future__ import annotations

from shared import linear_regex

# The value is stripped in code: `\s*(.*?)\s*$` rescanned a run of blanks for every character.
_YAML_PAIR = linear_regex.compile(r"^([A-Za-z_][\w-]{0,60}+)\s*+:(.*)$")
_TOML_PAIR = linear_regex.compile(r"^([A-Za-z_][\w-]{0,60}+)\s*+=(.*)$")
_COMMENT = linear_regex.compile(r"\s#")
_LONGEST_FRONT_MATTER_LINES = 300


def split_front_matter(text: str) -> tuple[dict, str]:
    """(fields, body). A leading `---` block that holds no `key: value` line is a thematic break,
    not front matter, and is left in the body."""
    stripped = text.lstrip("\n")
    first_line = stripped.split("\n", 1)[0].strip()
    if first_line not in ("---", "+++"):
        return {}, text
    lines = stripped.split("\n")
    closers = ("---", "...") if first_line == "---" else ("+++",)
    for index in range(1, min(len(lines), _LONGEST_FRONT_MATTER_LINES)):
        if lines[index].strip() in closers:
            pair = _YAML_PAIR if first_line == "---" else _TOML_PAIR
            fields = _fields(lines[1:index], pair)
            if fields or index == 1:
                return fields, "\n".join(lines[index + 1:])
            return {}, text
    return {}, text


def _fields(lines: list[str], pair: linear_regex.Pattern) -> dict:
    fields: dict = {}
    for line in lines:
        if line[:1].isspace() or line.lstrip().startswith("#"):
            continue  # nested mapping, list item or comment: not a simple pair
        match = pair.match(line)
        if match and match.group(1) not in fields:
            fields[match.group(1)] = _scalar(match.group(2).strip())
    return fields


def _scalar(value: str) -> str:
    comment = _COMMENT.search(value) if not value.startswith(("'", '"')) else None
    value = value[:comment.start()] if comment else value
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        value = value[1:-1]
    return value.strip()


# The keys site generators order pages by: Docusaurus, Hugo, Just the Docs (Jekyll), and the
# plain `order` several themes read. The first one present wins.
ORDER_KEYS = ("sidebar_position", "weight", "nav_order", "order")


def order_key(fields: dict) -> float | None:
    """The page's position among its siblings that its front matter declares, or None."""
    for key in ORDER_KEYS:
        value = fields.get(key)
        try:
            number = float(value) if value not in (None, "") else None
        except (TypeError, ValueError):
            number = None
        if number is not None and number == number and abs(number) != float("inf"):
            return number
    return None
