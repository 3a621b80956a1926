"""The contracts generated from the event catalogue (`coursegen contracts`, `make contracts`).

The catalogue is the one place an event type is declared, with who may publish it
(`PUBLISHED_BY`). From it come: the JSON Schema of every event (schemas.py), the AsyncAPI document
(asyncapi.py, built when served) and the `course.*.<EventType>` subjects each NATS user may
publish, written between two marker lines into deploy/nats-accounts.conf. Everything else in that
file (JetStream API calls, buckets, inboxes, denials) is written by hand and kept as it is; the
Kubernetes copy is the same file. A unit test fails when a written file is stale."""
from __future__ import annotations

from pathlib import Path

from shared import linear_regex

from shared.events.catalogue import CATALOGUE
from shared.events.envelope import Event
from shared.events.publishers import GATEWAY, NATS_USERS
from shared.events.schemas import SUFFIX, event_schemas, export_schemas, published_schemas
from shared.events.subjects import subject_of_type

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = Path("shared/events/schemas")
ACCOUNTS = Path("deploy/nats-accounts.conf")
# Copies that must stay byte-for-byte the same as ACCOUNTS (Kustomize cannot reach outside k8s/).
ACCOUNTS_COPIES = (Path("deploy/k8s/nats/nats-accounts.conf"),)
BEGIN = "# BEGIN generated from shared/events/catalogue.py (coursegen contracts)"
END = "# END generated"
_USER_LINE = linear_regex.compile(r'^\s*user:\s*"?([A-Za-z0-9_]+)"?\s*$')
WIDTH = 100  # the accounts file's line length


class ContractError(ValueError):
    """The catalogue or the accounts file cannot give a sound contract; the message says why."""


def events_published_by(user: str) -> list[type[Event]]:
    """The event types `user` may append, in catalogue order."""
    if user not in NATS_USERS:
        raise ContractError(f"{user!r} is not a NATS user; the users are {NATS_USERS}")
    for cls in CATALOGUE:
        check_publishers(cls)
    return [cls for cls in CATALOGUE if user in cls.PUBLISHED_BY]


def check_publishers(cls: type[Event]) -> None:
    name = cls.type_name()
    if not cls.PUBLISHED_BY:
        raise ContractError(f"{name} declares no publisher: set PUBLISHED_BY = by(...) on the class")
    if unknown := sorted(set(cls.PUBLISHED_BY) - set(NATS_USERS)):
        raise ContractError(f"{name} names unknown publishers {unknown}; the users are {NATS_USERS}")
    if cls.COMMAND and cls.PUBLISHED_BY != {GATEWAY}:
        raise ContractError(f"{name} is a command: only the gateway appends commands (after validating a request)")


def permission_lines(user: str, indent: str) -> list[str]:
    """`user`'s event subjects as entries of a NATS `allow` list, wrapped at WIDTH."""
    entries = [f'"{subject_of_type(cls)}",' for cls in events_published_by(user)]
    lines: list[str] = []
    for entry in entries:
        if lines and len(lines[-1]) + 1 + len(entry) <= WIDTH:
            lines[-1] += " " + entry
        else:
            lines.append(indent + entry)
    return lines


def with_generated_permissions(text: str, source: str = str(ACCOUNTS)) -> str:
    """`text` (an accounts file) with each user's region between BEGIN and END regenerated; every
    line outside the regions is kept. Each user needs exactly one region, inside its own block."""
    out: list[str] = []
    user: str | None = None
    done: set[str] = set()
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if match := _USER_LINE.match(line):
            user = match.group(1)
        if line.strip() == END:
            raise ContractError(f"{source}:{i + 1}: {END!r} without a {BEGIN!r} before it")
        out.append(line)
        i += 1
        if line.strip() != BEGIN:
            continue
        where = f"{source}:{i}"
        if user is None:
            raise ContractError(f"{where}: a generated region before any `user:` line")
        if user in done:
            raise ContractError(f"{where}: a second generated region for user {user!r}")
        end = next((j for j in range(i, len(lines)) if lines[j].strip() in (BEGIN, END)), None)
        if end is None or lines[end].strip() != END:
            raise ContractError(f"{where}: the generated region for {user!r} has no {END!r} line")
        out += permission_lines(user, indent=line[:len(line) - len(line.lstrip())])
        out.append(lines[end])
        done.add(user)
        i = end + 1
    if missing := [u for u in NATS_USERS if u not in done]:
        raise ContractError(f"{source}: no generated region for {missing}: put the lines {BEGIN!r} and "
                            f"{END!r} into each user's publish allow list")
    return "\n".join(out)


def generated_accounts(root: Path = ROOT) -> dict[Path, str]:
    """Path (relative to `root`) -> the text it must have: the accounts file and its copies."""
    path = root / ACCOUNTS
    if not path.is_file():
        raise ContractError(f"{path} does not exist: give the root of a coursegen checkout")
    text = with_generated_permissions(path.read_text(), str(ACCOUNTS))
    return {ACCOUNTS: text, **{copy: text for copy in ACCOUNTS_COPIES}}


def stale_contracts(root: Path = ROOT) -> list[Path]:
    """The generated files under `root` that differ from what the catalogue gives (or are missing)."""
    stale = [path for path, text in generated_accounts(root).items()
             if not (root / path).is_file() or (root / path).read_text() != text]
    published = published_schemas(root / SCHEMAS)
    stale += [SCHEMAS / f"{name}{SUFFIX}" for name, schema in event_schemas().items()
              if published.get(name) != schema]
    return stale


def write_contracts(root: Path = ROOT) -> list[Path]:
    """Write every generated file under `root`; returns the paths written (relative to `root`)."""
    accounts = generated_accounts(root)  # raises before anything is written
    written = [path.relative_to(root) for path in export_schemas(root / SCHEMAS)]
    for path, text in accounts.items():
        (root / path).write_text(text)
        written.append(path)
    return written
