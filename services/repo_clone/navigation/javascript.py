"""JavaScript/TypeScript configuration read as data, never executed (VitePress, Starlight,
Docusaurus, Nextra).

The file is parsed by tree-sitter's TypeScript grammar (TSX for .tsx/.jsx), and only literals are
turned into values: strings, numbers, booleans, arrays, objects (spreads merged), template
literals without substitutions, and identifiers naming a top-level `const` of the same file or one
imported from a relative file in the checkout. A call keeps its callee's name and its arguments
(`defineConfig({...})`, `starlight({...})`), since configs wrap their object in one. Anything else
(a function, a computed key, a substitution) reads as `None`. The work is bounded by the file's
size, the number of nodes turned into values and the number of files followed, so a hostile
config costs little; a file that does not parse gives no value and a logged reason.
"""
from __future__ import annotations

import logging
import posixpath
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from ..textfiles import read_checkout_text

log = logging.getLogger(__name__)

MOST_CONFIG_BYTES = 512_000  # a navigation config is a few kilobytes; beyond this it is not read
MOST_VALUE_NODES = 100_000  # syntax nodes turned into values, over all files of one reading
MOST_FILES = 16  # files followed through imports from one config
_MODULE_SUFFIXES = ("", ".ts", ".mts", ".js", ".mjs", ".cjs", ".tsx", ".jsx", "/index.ts", "/index.js")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}


@dataclass(frozen=True)
class Call:
    """A call in a config: `defineConfig({...})` → Call("defineConfig", [{...}])."""
    callee: str
    arguments: list[Any]


@cache
def _parser(tsx: bool) -> Any:
    import tree_sitter
    import tree_sitter_typescript
    language = tree_sitter_typescript.language_tsx() if tsx else tree_sitter_typescript.language_typescript()
    return tree_sitter.Parser(tree_sitter.Language(language))


@dataclass
class _Module:
    path: str
    declarations: dict[str, Any] = field(default_factory=dict)  # name → its value's syntax node
    imports: dict[str, tuple[str, str]] = field(default_factory=dict)  # local name → (file, exported name)
    exports: dict[str, Any] = field(default_factory=dict)  # exported name ("default") → syntax node


class _Reading:
    """One config and the relative files it imports, read under one budget."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.nodes = 0
        self.modules: dict[str, _Module | None] = {}
        self.resolving: set[tuple[str, str]] = set()

    def module(self, path: str) -> _Module | None:
        if path in self.modules:
            return self.modules[path]
        self.modules[path] = None
        if len(self.modules) > MOST_FILES:
            log.info("navigation config %s: more than %d files imported; the rest are not read", path, MOST_FILES)
            return None
        text = read_checkout_text(self.root, path)
        if text is None or len(text.encode()) > MOST_CONFIG_BYTES:
            if text is not None:
                log.info("navigation config %s is larger than %d bytes: not read", path, MOST_CONFIG_BYTES)
            return None
        tree = _parser(path.endswith((".tsx", ".jsx"))).parse(text.encode())
        if tree.root_node.has_error:
            log.info("navigation config %s does not parse as JavaScript/TypeScript: not read", path)
            return None
        self.modules[path] = module = _declarations(path, tree.root_node)
        return module

    def export(self, path: str, name: str) -> Any:
        module = self.module(path)
        if module is None or (path, name) in self.resolving:
            return None
        node = module.exports.get(name)
        if node is None:
            return None
        self.resolving.add((path, name))
        try:
            return self.value(module, node)
        finally:
            self.resolving.discard((path, name))

    def identifier(self, module: _Module, name: str) -> Any:
        if (module.path, "#" + name) in self.resolving:
            return None  # a constant defined through itself
        if name in module.declarations:
            self.resolving.add((module.path, "#" + name))
            try:
                return self.value(module, module.declarations[name])
            finally:
                self.resolving.discard((module.path, "#" + name))
        if name in module.imports:
            source, exported = module.imports[name]
            target = self._resolve_import(module.path, source)
            return self.export(target, exported) if target else None
        return None

    def _resolve_import(self, importer: str, source: str) -> str | None:
        if not source.startswith("."):
            return None  # a package: its code is not in the documentation
        base = posixpath.normpath(posixpath.join(posixpath.dirname(importer), source))
        if base.startswith(".."):
            return None
        for suffix in _MODULE_SUFFIXES:
            if (self.root / (base + suffix)).is_file():
                return base + suffix
        return None

    def value(self, module: _Module, node: Any) -> Any:
        self.nodes += 1
        if self.nodes > MOST_VALUE_NODES:
            return None
        kind = node.type
        if kind == "string":
            return _string(node)
        if kind == "template_string":
            if any(child.type == "template_substitution" for child in node.named_children):
                return None
            return _string(node)
        if kind == "number":
            return _number(node.text.decode())
        if kind in ("true", "false"):
            return kind == "true"
        if kind in ("null", "undefined"):
            return None
        if kind == "unary_expression" and node.child_count == 2 and node.children[0].type == "-":
            number = self.value(module, node.children[1])
            return -number if isinstance(number, (int, float)) and not isinstance(number, bool) else None
        if kind in ("parenthesized_expression", "as_expression", "satisfies_expression",
                    "non_null_expression", "type_assertion"):
            inner = [child for child in node.named_children if not child.type.endswith("type")
                     and child.type not in ("type_identifier", "generic_type", "predefined_type")]
            return self.value(module, inner[0]) if inner else None
        if kind == "array":
            return self._array(module, node)
        if kind == "object":
            return self._object(module, node)
        if kind == "identifier":
            return self.identifier(module, node.text.decode())
        if kind == "call_expression":
            callee = node.child_by_field_name("function")
            arguments = node.child_by_field_name("arguments")
            if callee is None or arguments is None:
                return None
            return Call(callee.text.decode()[:200], [self.value(module, argument)
                                                     for argument in arguments.named_children
                                                     if argument.type != "comment"])
        return None

    def _array(self, module: _Module, node: Any) -> list:
        items: list = []
        for child in node.named_children:
            if child.type == "comment":
                continue
            if child.type == "spread_element":
                spread = self.value(module, child.named_children[0]) if child.named_children else None
                items.extend(spread if isinstance(spread, list) else [])
            else:
                items.append(self.value(module, child))
        return items

    def _object(self, module: _Module, node: Any) -> dict:
        result: dict = {}
        for child in node.named_children:
            if child.type == "pair":
                key = _key(child.child_by_field_name("key"))
                value = child.child_by_field_name("value")
                if key is not None and value is not None:
                    result[key] = self.value(module, value)
            elif child.type == "shorthand_property_identifier":
                result[child.text.decode()] = self.identifier(module, child.text.decode())
            elif child.type == "spread_element" and child.named_children:
                spread = self.value(module, child.named_children[0])
                if isinstance(spread, dict):
                    result.update(spread)
        return result


def read_config(root: Path, path: str) -> dict[str, Any]:
    """The exports of the config at `path` (a checkout path) as values: "default" for
    `export default` / `module.exports`, and each exported `const` by name. Nothing is executed."""
    reading = _Reading(root)
    module = reading.module(path)
    if module is None:
        return {}
    values = {name: reading.export(path, name) for name in module.exports}
    if reading.nodes > MOST_VALUE_NODES:
        log.info("navigation config %s: more than %d syntax nodes; the rest is not read", path, MOST_VALUE_NODES)
    return values


def unwrap(value: Any) -> Any:
    """The object a config wraps in calls: defineConfig({...}) → {...}."""
    for _ in range(8):
        if not isinstance(value, Call) or not value.arguments:
            break
        value = value.arguments[0]
    return value


def calls(value: Any, callee: str, depth: int = 0) -> list[Call]:
    """Every call of `callee` inside a value, in document order (`starlight({...})` in
    `integrations: [...]`)."""
    if depth > 30:
        return []
    found: list[Call] = []
    if isinstance(value, Call):
        if value.callee == callee:
            found.append(value)
        for argument in value.arguments:
            found.extend(calls(argument, callee, depth + 1))
    elif isinstance(value, dict):
        for item in value.values():
            found.extend(calls(item, callee, depth + 1))
    elif isinstance(value, list):
        for item in value:
            found.extend(calls(item, callee, depth + 1))
    return found


def _declarations(path: str, program: Any) -> _Module:
    module = _Module(path)
    for statement in program.named_children:
        exported = statement.type == "export_statement"
        if exported:
            if any(child.type == "default" for child in statement.children):
                value = statement.child_by_field_name("value") or statement.child_by_field_name("declaration")
                if value is not None:
                    module.exports["default"] = value
                continue
            declaration = statement.child_by_field_name("declaration")
            if declaration is None:
                continue
            statement = declaration
        if statement.type in ("lexical_declaration", "variable_declaration"):
            for declarator in statement.named_children:
                name = declarator.child_by_field_name("name")
                value = declarator.child_by_field_name("value")
                if declarator.type == "variable_declarator" and name is not None and value is not None \
                        and name.type == "identifier":
                    module.declarations[name.text.decode()] = value
                    if exported:
                        module.exports[name.text.decode()] = value
        elif statement.type == "import_statement":
            _imports(module, statement)
        elif statement.type == "expression_statement" and statement.named_children:
            assignment = statement.named_children[0]
            if assignment.type == "assignment_expression":
                left = assignment.child_by_field_name("left")
                right = assignment.child_by_field_name("right")
                if left is not None and right is not None and left.text.decode() == "module.exports":
                    module.exports["default"] = right
    return module


def _imports(module: _Module, statement: Any) -> None:
    source_node = statement.child_by_field_name("source")
    if source_node is None:
        return
    source = _string(source_node)
    for clause in statement.named_children:
        if clause.type != "import_clause":
            continue
        for part in clause.named_children:
            if part.type == "identifier":
                module.imports[part.text.decode()] = (source, "default")
            elif part.type == "named_imports":
                for specifier in part.named_children:
                    if specifier.type != "import_specifier":
                        continue
                    name = specifier.child_by_field_name("name")
                    alias = specifier.child_by_field_name("alias") or name
                    if name is not None and alias is not None:
                        module.imports[alias.text.decode()] = (source, name.text.decode())


def _key(node: Any) -> str | None:
    if node is None:
        return None
    if node.type in ("property_identifier", "identifier"):
        return node.text.decode()
    if node.type == "string":
        return _string(node)
    if node.type == "number":
        return node.text.decode()
    return None  # a computed key is not read


def _string(node: Any) -> str:
    parts = []
    for child in node.named_children:
        text = child.text.decode()
        if child.type == "escape_sequence":
            text = _ESCAPES.get(text[1:], text[1:]) if len(text) == 2 else text
        parts.append(text)
    return "".join(parts)


def _number(text: str) -> int | float | None:
    text = text.replace("_", "")
    try:
        return int(text, 0) if text.isdigit() or text.lower().startswith(("0x", "0o", "0b")) else float(text)
    except ValueError:
        return None
