"""A parser child function for the warm-up test: whether the Markdown parser's module was imported
when the call came. It is served as the service's parser is: its module's `warm_up_steps` are
shared/docs/parsing.py's."""
from __future__ import annotations

import sys

from shared.docs.formats import format_of
from shared.docs.parsing import warm_up_steps as warm_up_steps

SPEC = "tests.support.warm_parsing:markdown_parser_imported"


def markdown_parser_imported() -> bool:
    return format_of("page.md").parser.partition(":")[0] in sys.modules
