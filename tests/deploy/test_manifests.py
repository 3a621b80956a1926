"""deploy/ checked without a Docker engine or a cluster: every file loads, every deployed command is
a real service entrypoint of the one image, every environment variable set is a setting of the
service that gets it, and the README's table is exactly the settings classes' variables."""
from __future__ import annotations

import fnmatch
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from tests.deploy.deployment import (
    DEPLOY, IMAGE, K8S, NATS_USERS, ROOT, compose, compose_app_services, config_maps, container_env,
    dockerfile_instructions, env_names, exec_form, field_for, interpolated, k8s_documents, kustomization,
    module_of_argv, password_variable, readme_table, rendered_default, secrets, service_names,
    settings_class, settings_env, workloads,
)

STAGE_SERVICES = {"repo_clone", "doc_analyser", "pathway", "modules"}


def image_argv(command: list[str]) -> list[str]:
    """What the image runs for a compose `command` / Kubernetes `args`: ENTRYPOINT + it."""
    return exec_form(dockerfile_instructions(), "ENTRYPOINT") + command


# --- every file loads ---------------------------------------------------------------------------
@pytest.mark.parametrize("path", sorted(DEPLOY.rglob("*.yaml")), ids=lambda p: str(p.relative_to(DEPLOY)))
def test_every_yaml_file_loads(path):
    documents = [d for d in yaml.safe_load_all(path.read_text()) if d is not None]
    assert documents and all(isinstance(d, dict) for d in documents)
    if path.parent == K8S and path.name != "kustomization.yaml":
        for document in documents:
            assert {"apiVersion", "kind", "metadata"} <= set(document), document
            assert document["metadata"].get("name"), document


def test_the_project_has_the_services_deploy_expects():
    assert set(service_names()) == {"gateway", *STAGE_SERVICES}


# --- the image ----------------------------------------------------------------------------------
def test_one_image_for_every_service():
    instructions = dockerfile_instructions()
    assert instructions[0] == ("FROM", "python:3.11-slim")
    run = " ".join(args for instr, args in instructions if instr == "RUN")
    assert re.search(r"apt-get install [^&]*\bgit\b", run), "stage 1 needs git in the image"
    assert "pip install" in run
    user = [args for instr, args in instructions if instr == "USER"]
    assert user and not user[-1].startswith(("0", "root")), "the services do not run as root"
    assert image_argv(exec_form(instructions, "CMD")) == ["python", "-m", "services.gateway.main"]


def test_the_image_copies_what_the_package_needs_and_the_context_keeps_it(tmp_path):
    """Build the package from exactly the files the Dockerfile copies: it holds every entrypoint
    and the gateway's web assets; and the .dockerignore does not drop any of them."""
    copies = [args.split() for instr, args in dockerfile_instructions() if instr == "COPY"]
    src = tmp_path / "src"
    src.mkdir()
    sources = [s for *names, _ in copies for s in names if not s.startswith("--")]
    for source in sources:
        origin = ROOT / source
        assert origin.exists(), f"the Dockerfile copies {source}, which is not in the repository"
        if origin.is_dir():
            shutil.copytree(origin, src / source, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(origin, src / source)
    ignored = [l.strip() for l in (DEPLOY / "Dockerfile.dockerignore").read_text().splitlines()
               if l.strip() and not l.startswith("#")]
    for source in sources:
        assert not any(fnmatch.fnmatch(source, pattern) for pattern in ignored), f"{source} is ignored"
    # What `pip install` puts into site-packages: setuptools' build_py under pyproject.toml's config.
    built = subprocess.run([sys.executable, "-c", "from setuptools import setup; setup()", "-q", "build_py",
                            "--build-lib", str(tmp_path / "lib")], cwd=src, capture_output=True, text=True,
                           timeout=300)
    assert built.returncode == 0, built.stderr
    names = [p.relative_to(tmp_path / "lib").as_posix() for p in (tmp_path / "lib").rglob("*") if p.is_file()]
    for service in service_names():
        assert f"services/{service}/main.py" in names
    assert any(n.startswith("services/gateway/web/") for n in names), "the web UI is not in the package"


@pytest.mark.parametrize("service", ["gateway", *sorted(STAGE_SERVICES)])
def test_each_entrypoint_runs_and_reads_its_settings(service, tmp_path):
    """The module the image runs is a real entrypoint: started with a bad NATS_URL it exits at
    once with its settings class's own validation error (no server needed)."""
    argv = image_argv([f"services.{service}.main"])
    env = {k: v for k, v in os.environ.items() if k not in {"NATS_URL", "JWT_SECRET", "JWT_JWKS_URL"}}
    done = subprocess.run([sys.executable, *argv[1:]], env={**env, "NATS_URL": "http://not-nats:4222"},
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert settings_class(service).__name__ in done.stderr and "NATS_URL must start with" in done.stderr, done.stderr


# --- compose ------------------------------------------------------------------------------------
def test_compose_runs_every_service_from_the_image_twice():
    deployed = {}
    for name, spec in compose_app_services().items():
        service = module_of_argv(image_argv(spec["command"]))
        assert (ROOT / "services" / service / "main.py").is_file()
        assert spec["deploy"]["replicas"] == 2, name
        assert spec["healthcheck"]["test"], name
        deployed[service] = name
    assert set(deployed) == set(service_names())


def test_compose_has_a_three_node_jetstream_cluster_and_postgres():
    services = compose()["services"]
    nodes = {n: s for n, s in services.items() if str(s.get("image", "")).startswith("nats:")}
    assert sorted(nodes) == ["nats-1", "nats-2", "nats-3"]
    routes = re.search(r"routes:\s*\[([^\]]*)\]", (DEPLOY / "nats.conf").read_text()).group(1)
    assert sorted(re.findall(r"nats-route://([\w-]+):6222", routes)) == sorted(nodes)
    for name, node in nodes.items():
        tag = node["image"].split(":")[1]
        assert tuple(int(p) for p in re.findall(r"\d+", tag)[:2]) >= (2, 11), node["image"]
        assert node["environment"]["NATS_NAME"] == name
        assert set(node["environment"]) >= {password_variable(u) for u in NATS_USERS}
        mounts = node["volumes"]
        assert "./nats.conf:/etc/nats/nats.conf:ro" in mounts
        assert "./nats-accounts.conf:/etc/nats/nats-accounts.conf:ro" in mounts
        assert any(v.endswith(":/data") for v in mounts), "JetStream data on a volume"
        assert node["healthcheck"]["test"]
    assert services["postgres"]["healthcheck"]["test"]
    for spec in compose_app_services().values():
        assert spec["environment"]["STREAM_REPLICAS"] == "3"
        assert spec["environment"]["ENVIRONMENT"] == "production"


def test_compose_environment_is_each_services_settings():
    for name, spec in compose_app_services().items():
        service = module_of_argv(image_argv(spec["command"]))
        unknown = set(spec["environment"]) - env_names(settings_class(service))
        assert not unknown, f"compose sets {sorted(unknown)} for {name}, which {service} does not read"


def test_compose_connects_each_service_as_its_own_nats_user():
    for name, spec in compose_app_services().items():
        service = module_of_argv(image_argv(spec["command"]))
        url = spec["environment"]["NATS_URL"]
        assert url == f"nats://{service}:${{{password_variable(service)}}}@nats:4222", url


def test_compose_required_variables_are_in_the_env_example():
    example = {l.split("=", 1)[0] for l in (DEPLOY / ".env.example").read_text().splitlines()
               if "=" in l and not l.startswith("#")}
    required = set(re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*):\?", (DEPLOY / "compose.yaml").read_text()))
    assert required and required <= example, sorted(required - example)
    used = {n for n in interpolated((DEPLOY / "compose.yaml").read_text())}
    assert example <= used, f".env.example names variables compose never reads: {sorted(example - used)}"


# --- Kubernetes ---------------------------------------------------------------------------------
def test_kustomization_lists_every_manifest_and_no_secret_values():
    resources = kustomization()["resources"]
    listed = {K8S / r for r in resources}
    assert all(p.is_file() for p in listed), resources
    manifests = {p for p in K8S.glob("*.yaml") if p.name != "kustomization.yaml"}
    assert manifests - listed == {K8S / "secrets.example.yaml"}, "every manifest but the example secrets"
    assert all(d["kind"] != "Secret" for p, d in k8s_documents() if p in listed)
    generated = {g["name"]: g["files"] for g in kustomization()["configMapGenerator"]}
    assert all((K8S / f).is_file() for f in generated["nats-config"])
    assert [i["name"] for i in kustomization()["images"]] == [IMAGE]


def _app_containers() -> list[tuple[dict, dict]]:
    return [(w, c) for w in workloads() for c in w["spec"]["template"]["spec"]["containers"] if c["image"] == IMAGE]


def test_k8s_runs_every_service_from_the_image_with_probes():
    deployed = {}
    ports = config_maps()
    for workload, container in _app_containers():
        service = module_of_argv(image_argv(container["args"]))
        assert "command" not in container, "args only: the image's ENTRYPOINT stays"
        assert workload["kind"] == "Deployment" and workload["spec"]["replicas"] == 2
        named = {p["name"]: p["containerPort"] for p in container["ports"]}
        ready, live = container["readinessProbe"]["httpGet"], container["livenessProbe"]["httpGet"]
        assert (ready["path"], live["path"]) == ("/ready", "/health")
        if service == "gateway":
            assert named[ready["port"]] == named[live["port"]] == int(ports["coursegen-gateway"]["PORT"])
        else:
            assert named[ready["port"]] == named[live["port"]] == int(ports["coursegen-stage"]["METRICS_PORT"])
        deployed[service] = workload["metadata"]["name"]
    assert set(deployed) == set(service_names())


def test_k8s_selectors_services_and_references_agree():
    maps, keys = config_maps(), secrets()
    maps["nats-config"] = {}  # generated by kustomize
    labelled = [w["spec"]["template"]["metadata"]["labels"] for w in workloads()]
    for workload in workloads():
        assert workload["spec"]["selector"]["matchLabels"].items() <= workload["spec"]["template"]["metadata"]["labels"].items()
        for container in workload["spec"]["template"]["spec"]["containers"]:
            for source in container.get("envFrom", []):
                ref = source.get("configMapRef") or source.get("secretRef")
                assert ref["name"] in (maps if "configMapRef" in source else keys), ref
            for entry in container.get("env", []):
                secret = entry.get("valueFrom", {}).get("secretKeyRef")
                if secret and not secret.get("optional"):
                    assert secret["key"] in keys[secret["name"]], secret
        for volume in workload["spec"]["template"]["spec"].get("volumes", []):
            if "configMap" in volume:
                assert volume["configMap"]["name"] in maps
    for _, service in k8s_documents():
        if service["kind"] == "Service":
            selector = service["spec"]["selector"]
            assert any(selector.items() <= labels.items() for labels in labelled), service["metadata"]["name"]


def test_k8s_environment_is_each_services_settings():
    for workload, container in _app_containers():
        service = module_of_argv(image_argv(container["args"]))
        names, referenced = container_env(container)
        helpers = {n for n in names if n in referenced}  # only used inside another value, as $(NAME)
        unknown = names - helpers - env_names(settings_class(service))
        assert not unknown, f"{workload['metadata']['name']} gets {sorted(unknown)}, which {service} does not read"
        values = {e["name"]: e.get("value") for e in container.get("env", [])}
        assert values["NATS_URL"] == f"nats://{service}:$(NATS_PASSWORD)@nats:4222"
        password = next(e for e in container["env"] if e["name"] == "NATS_PASSWORD")
        assert password["valueFrom"]["secretKeyRef"]["key"] == password_variable(service)
    assert config_maps()["coursegen-common"]["STREAM_REPLICAS"] == "3"


def test_k8s_config_maps_hold_only_settings_of_the_services_that_load_them():
    loaders: dict[str, set[str]] = {}
    for _, container in _app_containers():
        for source in container.get("envFrom", []):
            if "configMapRef" in source:
                loaders.setdefault(source["configMapRef"]["name"], set()).add(
                    module_of_argv(image_argv(container["args"])))
    for name, data in config_maps().items():
        assert name in loaders, f"ConfigMap {name} is loaded by no service"
        for service in loaders[name]:
            unknown = set(data) - env_names(settings_class(service))
            assert not unknown, f"ConfigMap {name} sets {sorted(unknown)}, which {service} does not read"


def test_k8s_nats_is_a_three_node_jetstream_cluster_with_the_deployed_permissions():
    nats = next(w for w in workloads() if w["metadata"]["name"] == "nats")
    assert nats["kind"] == "StatefulSet" and nats["spec"]["replicas"] == 3
    container = nats["spec"]["template"]["spec"]["containers"][0]
    names, _ = container_env(container)
    assert {"NATS_NAME", *(password_variable(u) for u in NATS_USERS)} <= names
    routes = re.search(r"routes:\s*\[([^\]]*)\]", (K8S / "nats" / "nats.conf").read_text()).group(1)
    service = nats["spec"]["serviceName"]
    assert sorted(re.findall(r"nats-route://([\w.-]+):6222", routes)) == [f"nats-{i}.{service}" for i in range(3)]
    assert (K8S / "nats" / "nats-accounts.conf").read_text() == (DEPLOY / "nats-accounts.conf").read_text()

    def essential(path: Path) -> list[str]:
        lines = [l.split("#")[0].rstrip() for l in path.read_text().splitlines()]
        return [l for l in lines if l.strip() and "routes:" not in l]
    assert essential(K8S / "nats" / "nats.conf") == essential(DEPLOY / "nats.conf")


# --- the README's table -------------------------------------------------------------------------
def test_readme_table_is_exactly_the_settings_variables():
    table, readers = readme_table(), settings_env()
    assert set(table) == set(readers), (
        f"missing from the README: {sorted(set(readers) - set(table))}; "
        f"not a setting: {sorted(set(table) - set(readers))}")
    for name, (services, default, meaning) in table.items():
        assert services == readers[name], f"{name}: the table says {sorted(services)}, read by {sorted(readers[name])}"
        assert meaning, name
        defaults = {rendered_default(field_for(settings_class(s), name)) for s in readers[name]}
        for expected in defaults:
            assert (expected == default) if len(defaults) == 1 else (expected in default), (
                f"{name}: the table's default {default!r}, the settings' {sorted(defaults)}")


def test_readme_explains_both_deployments():
    text = (DEPLOY / "README.md").read_text()
    for needle in ("docker compose -f deploy/compose.yaml", "kubectl apply -k deploy/k8s",
                   "STREAM_REPLICAS", "sync_interval: always", "TLS", "METRICS_PORT"):
        assert needle in text, needle


def test_the_image_installs_exactly_the_locked_dependencies_checked_by_hash():
    """requirements.lock pins every production dependency of pyproject.toml (and the otlp extra) at
    the version pyproject.toml names, each with its hashes; the image installs from it with
    --require-hashes and nothing else; pgserver (make run's PostgreSQL) is not in it."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    lock = (ROOT / "requirements.lock").read_text()
    locked = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", lock):
        head = block.split(" ", 1)[0]
        if "==" in head:
            name, version = head.split("==")
            assert "--hash=sha256:" in block, f"{head} has no hash"
            locked[name.lower().replace("_", "-")] = version
    for requirement in [*project["dependencies"], *project["optional-dependencies"]["otlp"]]:
        name, version = re.match(r"([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?\s*(?:==\s*([^;\s]+))?", requirement).groups()
        name = name.lower().replace("_", "-")
        assert name in locked, f"{name} is not in requirements.lock: run make lock"
        assert version is None or locked[name] == version, f"{name}: pyproject {version}, lock {locked[name]}"
    assert "pgserver" not in locked
    runs = [args for instr, args in dockerfile_instructions() if instr == "RUN" and "pip install" in args]
    assert runs[0].startswith("pip install --require-hashes --no-deps -r /src/requirements.lock"), runs
    assert all("--no-deps" in run for run in runs), "every install takes nothing beyond the lock"
