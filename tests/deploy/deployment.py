"""Reading deploy/ the way Docker, Compose, Kubernetes and nats-server would, and the project's own
truth to hold it against: the service modules and the environment names of their settings classes
(derived from the pydantic-settings classes, never listed by hand)."""
from __future__ import annotations

import importlib
import json
import re
import shutil
from functools import cache
from pathlib import Path

import yaml
from pydantic import AliasChoices
from pydantic_settings import BaseSettings

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"
IMAGE = "coursegen"
# The users of deploy/nats-accounts.conf and the environment variables holding their passwords.
NATS_USERS = ("gateway", "repo_clone", "doc_analyser", "pathway", "modules")


def password_variable(user: str) -> str:
    return f"NATS_{user.upper()}_PASSWORD"


# --- the project --------------------------------------------------------------------------------
def service_names() -> list[str]:
    """Every `services/<name>/main.py` entrypoint."""
    return sorted(p.parent.name for p in (ROOT / "services").glob("*/main.py"))


@cache
def settings_class(service: str) -> type[BaseSettings]:
    """The one settings class defined in services/<service>/settings.py."""
    module = importlib.import_module(f"services.{service}.settings")
    found = [c for c in vars(module).values() if isinstance(c, type) and issubclass(c, BaseSettings)
             and c.__module__ == module.__name__]
    assert len(found) == 1, f"services/{service}/settings.py should define one settings class: {found}"
    return found[0]


def env_names(cls: type[BaseSettings]) -> set[str]:
    """The environment variables pydantic-settings reads for `cls` (case-insensitive: upper case)."""
    prefix = cls.model_config.get("env_prefix", "") or ""
    names = set()
    for name, field in cls.model_fields.items():
        alias = field.validation_alias or field.alias
        if isinstance(alias, str):
            names.add(alias.upper())
        elif isinstance(alias, AliasChoices):
            names |= {c.upper() for c in alias.choices if isinstance(c, str)}
        else:
            names.add(f"{prefix}{name}".upper())
    return names


def field_for(cls: type[BaseSettings], env: str):
    prefix = (cls.model_config.get("env_prefix", "") or "").upper()
    for name, field in cls.model_fields.items():
        if f"{prefix}{name}".upper() == env:
            return field
    return None


def settings_env() -> dict[str, set[str]]:
    """Environment variable -> the services whose settings read it."""
    readers: dict[str, set[str]] = {}
    for service in service_names():
        for env in env_names(settings_class(service)):
            readers.setdefault(env, set()).add(service)
    return readers


def module_of_argv(argv: list[str]) -> str:
    """`python -m services.X.main` -> X, failing on anything else."""
    assert len(argv) == 3 and argv[:2] == ["python", "-m"], argv
    match = re.fullmatch(r"services\.(\w+)\.main", argv[2])
    assert match, f"{argv[2]} is not a services.<name>.main module"
    return match.group(1)


# --- Dockerfile ---------------------------------------------------------------------------------
def dockerfile_instructions(path: Path = DEPLOY / "Dockerfile") -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    logical, current = [], ""
    for line in path.read_text().splitlines():
        if not current and (not line.strip() or line.lstrip().startswith("#")):
            continue
        current += line.rstrip("\\").strip() + " "
        if not line.rstrip().endswith("\\"):
            logical.append(current.strip())
            current = ""
    return [(l.split(None, 1)[0].upper(), l.split(None, 1)[1] if " " in l else "") for l in logical]


def exec_form(instructions: list[tuple[str, str]], name: str) -> list[str]:
    values = [args for instr, args in instructions if instr == name]
    assert values, f"the Dockerfile has no {name}"
    parsed = json.loads(values[-1])
    assert isinstance(parsed, list), f"{name} should be in exec form (a JSON list)"
    return parsed


# --- compose ------------------------------------------------------------------------------------
def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def compose_app_services() -> dict[str, dict]:
    """The compose services built from deploy/Dockerfile."""
    return {name: spec for name, spec in compose()["services"].items()
            if spec.get("build", {}).get("dockerfile") == "deploy/Dockerfile"}


def interpolated(value: str) -> list[str]:
    """The names in `${NAME}`, `${NAME:-default}`, `${NAME:?error}` of a compose value."""
    return re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*)", str(value))


# --- Kubernetes ---------------------------------------------------------------------------------
def k8s_documents(include_examples: bool = True) -> list[tuple[Path, dict]]:
    documents = []
    for path in sorted(K8S.glob("*.yaml")):
        if path.name == "kustomization.yaml" or (not include_examples and ".example." in path.name):
            continue
        documents += [(path, d) for d in yaml.safe_load_all(path.read_text()) if d]
    return documents


def kustomization() -> dict:
    return yaml.safe_load((K8S / "kustomization.yaml").read_text())


def workloads() -> list[dict]:
    return [d for _, d in k8s_documents() if d["kind"] in ("Deployment", "StatefulSet")]


def config_maps() -> dict[str, dict[str, str]]:
    return {d["metadata"]["name"]: d.get("data", {}) for _, d in k8s_documents() if d["kind"] == "ConfigMap"}


def secrets() -> dict[str, dict[str, str]]:
    return {d["metadata"]["name"]: d.get("stringData") or {} for _, d in k8s_documents() if d["kind"] == "Secret"}


def container_env(container: dict) -> tuple[set[str], set[str]]:
    """(variables the container gets, helper variables only used as $(NAME) in another value)."""
    names = set()
    for source in container.get("envFrom", []):
        if "configMapRef" in source:
            names |= set(config_maps()[source["configMapRef"]["name"]])
        if "secretRef" in source:
            names |= set(secrets()[source["secretRef"]["name"]])
    values = container.get("env", [])
    names |= {e["name"] for e in values}
    referenced = {ref for e in values for ref in re.findall(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)", str(e.get("value", "")))}
    return names, referenced


# --- README -------------------------------------------------------------------------------------
def readme_table() -> dict[str, tuple[set[str], str, str]]:
    """The README's environment table: name -> (services, default, meaning)."""
    lines = (DEPLOY / "README.md").read_text().splitlines()
    start = next(i for i, l in enumerate(lines) if re.match(r"\|\s*Variable\s*\|", l))
    rows = {}
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        assert len(cells) == 4, f"a row of four cells: {line}"
        name = cells[0].strip("`")
        services = set(service_names()) if cells[1] == "all" else {s.strip(" `") for s in cells[1].split(",")}
        assert name not in rows, f"{name} is in the table twice"
        rows[name] = (services, cells[2], cells[3])
    return rows


def rendered_default(field) -> str:
    """How the README's table writes a field's default."""
    value = field.default_factory() if field.default_factory is not None else field.default
    if value is None:
        return "unset"
    if value == "":
        return "empty"
    if isinstance(value, bool):
        return "`true`" if value else "`false`"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, list):
        return f"`{json.dumps(value)}`"
    return f"`{value}`"


# --- nats-server --------------------------------------------------------------------------------
def nats_passwords(seed: str = "pw") -> dict[str, str]:
    """What every NATS node reads from its environment: each user's password, and the key its
    JetStream store is encrypted with."""
    return {**{password_variable(user): f"{seed}-{user}-0123456789abcdef" for user in NATS_USERS},
            "NATS_JETSTREAM_KEY": f"{seed}-jetstream-key-0123456789abcdef0123456789abcdef"}


def copy_security_config(target: Path) -> None:
    """nats-server resolves `include` next to the including file: the accounts file goes along."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(DEPLOY / "nats-accounts.conf", target / "nats-accounts.conf")
