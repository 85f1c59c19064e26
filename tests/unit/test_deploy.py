"""deploy/: the compose file and the Kubernetes manifests against the code they run.

No Docker daemon or cluster runs here, so these files are never started by the suite. What can
drift silently is checked instead: every manifest against the Kubernetes API schemas
(kubernetes-validate), every command line against the real Celery and uvicorn parsers, every
``-A`` app, ASGI target, queue and environment name against the code and ``ann.settings``, and
every path the Dockerfile copies against the repository.
"""

from __future__ import annotations

import importlib
import json
import re
import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click
import kubernetes_validate
import pytest
from celery import Celery
from celery.bin.base import CLIContext
from celery.bin.celery import celery as celery_cli
from uvicorn.main import main as uvicorn_cli

from ann.settings import REPO_ROOT, Settings
from tests.support.deploy_files import (
    APP_IMAGE,
    K8S,
    KEDA_API,
    compose,
    compose_app_services,
    compose_env,
    dockerfile,
    dockerfile_env,
    k8s_containers,
    k8s_env,
    k8s_references,
    kustomization,
    manifests,
    objects,
    workloads,
)

KUBERNETES_VERSION = "1.30.0"
QUEUE_OF_APP = {"indexer.celery_app": "pages_queue", "crawler.celery_app": "crawl_queue",
                "search_api.alerts.celery_app": "alerts_queue"}
THIRD_PARTY_ENV = {"FLOWER_BASIC_AUTH"}
"""Environment names an app container may set besides the settings: read by the tool itself
(Flower takes every option from ``FLOWER_<OPTION>``; checked below)."""


def _app_commands() -> list[tuple[str, list[str]]]:
    """(where, argv) of every process that runs the project's image."""
    commands = [(f"compose:{name}", service["command"])
                for name, service in compose_app_services().items()]
    commands += [(f"k8s:{where}", c["command"]) for where, c in k8s_containers()
                 if c["image"] == APP_IMAGE]
    return commands


def _settings_names() -> set[str]:
    return {field.alias for field in Settings.model_fields.values() if field.alias}


@pytest.mark.parametrize(("name", "doc"),
                         [(n, d) for n, d in manifests()
                          if not d["apiVersion"].startswith(KEDA_API)],
                         ids=lambda v: v if isinstance(v, str) else v.get("kind", "?"))
def test_manifest_matches_the_kubernetes_schema(name: str, doc: dict[str, Any]) -> None:
    kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


def test_kustomization_lists_every_manifest() -> None:
    files = {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}
    assert sorted(kustomization()["resources"]) == sorted(files)
    images = {image["name"] for image in kustomization()["images"]}
    used = {c["image"] for _, c in k8s_containers()}
    assert used - {"redis:7.2-alpine"} == images


def test_there_are_commands_to_check() -> None:
    roles = {argv[3] if argv[0] == "celery" else argv[0] for _, argv in _app_commands()}
    assert roles == {"worker", "beat", "flower", "uvicorn"}


@pytest.mark.parametrize(("where", "argv"), _app_commands(),
                         ids=lambda v: v if isinstance(v, str) else "")
def test_command_parses_and_names_real_code(where: str, argv: list[str]) -> None:
    program, args = argv[0], argv[1:]
    if program == "uvicorn":
        context = uvicorn_cli.make_context("uvicorn", list(args))
        module, _, attribute = context.params["app"].partition(":")
        assert callable(getattr(importlib.import_module(module), attribute))
        return
    assert program == "celery", where
    context, name, sub = _parse_celery(args)
    app_module = context.params["app"]
    if name == "worker":
        queue_field = QUEUE_OF_APP[app_module]
        assert sub.params["queues"] == [getattr(Settings(), queue_field)], where


def _parse_celery(args: list[str]) -> tuple[click.Context, str, click.Context]:
    """Celery's own parsers on ``args``: the group's options, then the subcommand's (unknown
    options raise), without running anything."""
    at = next(i for i, token in enumerate(args) if token in celery_cli.commands)
    context = celery_cli.make_context("celery", args[:at], resilient_parsing=True)
    app = importlib.import_module(context.params["app"]).app
    assert isinstance(app, Celery), context.params["app"]
    context.obj = CLIContext(app=app, no_color=True, workdir=None, quiet=True)
    name = args[at]
    return context, name, celery_cli.commands[name].make_context(name, args[at + 1:],
                                                                 parent=context)


def test_a_misspelt_option_is_caught() -> None:
    with pytest.raises(click.NoSuchOption):
        _parse_celery(["-A", "indexer.celery_app", "worker", "--queus=x"])


def test_app_environment_names_are_settings() -> None:
    """Every name is a setting or read by its tool; in Kubernetes, a name that is neither only
    carries a Secret's value into another value (``$(REDIS_PASSWORD)`` in ``REDIS_URL``)."""
    names = _settings_names() | THIRD_PARTY_ENV
    compose_keys = {key for service in compose_app_services().values()
                    for key in service.get("environment", {})}
    config = objects("ConfigMap")[0]
    k8s_keys = set()
    for _, container in k8s_containers():
        if container["image"] != APP_IMAGE:
            continue
        env = container.get("env", [])
        referenced = set().union(*(k8s_references(e.get("value", "")) for e in env))
        k8s_keys |= {e["name"] for e in env if e["name"] not in referenced}
    dockerfile_keys = set(re.findall(r"\b(ANN_[A-Z_]+)=", dockerfile()))
    for where, keys in (("compose", compose_keys), ("ConfigMap", set(config["data"])),
                        ("k8s env", k8s_keys), ("Dockerfile", dockerfile_keys)):
        assert keys, where
        assert keys <= names, f"{where}: unknown settings {sorted(keys - names)}"


def test_flower_reads_its_login_from_the_environment() -> None:
    from flower.command import is_flower_envvar

    assert all(is_flower_envvar(name) for name in THIRD_PARTY_ENV)


def test_app_services_wait_for_their_services() -> None:
    services = compose()["services"]
    for name, service in compose_app_services().items():
        assert set(service["depends_on"]) == {"elasticsearch", "redis"}, name
    published = [port for service in services.values() for port in service.get("ports", [])]
    assert published and all(port.startswith("127.0.0.1:") for port in published)


def test_dockerfile_copies_what_exists_and_installs_the_deploy_extra() -> None:
    sources = [Path(part) for line in dockerfile().splitlines()
               if line.startswith("COPY ") and "--from=" not in line
               for part in line.split()[1:-1]]
    assert sources
    for source in sources:
        assert (REPO_ROOT / source).exists(), source
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    packages = set(project["tool"]["setuptools"]["packages"]["find"]["include"])
    copied = {f"{source}*" for source in sources}
    assert packages <= copied, packages - copied
    assert '".[deploy]"' in dockerfile()


def test_every_worker_queue_has_a_worker_in_both_deployments() -> None:
    """Each Celery app's queue is consumed in compose and in Kubernetes: a role with no worker
    (the alerts runner once) leaves what beat sends it on the queue for ever."""
    for where in ("compose", "k8s"):
        apps = {argv[2] for w, argv in _app_commands()
                if w.startswith(f"{where}:") and argv[0] == "celery" and argv[3] == "worker"}
        assert apps == set(QUEUE_OF_APP), where


# --- the scheduled crawl runs live --------------------------------------------------------------

def _crawl_schedule_envs() -> list[tuple[str, dict[str, str]]]:
    """The environments of every process that runs the crawl schedule: the crawl workers
    and beat, in compose and in Kubernetes."""
    envs = [(f"compose:{name}", compose_env(service))
            for name, service in compose_app_services().items()
            if service["command"][:3] == ["celery", "-A", "crawler.celery_app"]]
    envs += [(f"k8s:{name}", k8s_env(container)) for name, container in k8s_containers()
             if container.get("command", [])[:3] == ["celery", "-A", "crawler.celery_app"]]
    return envs


def test_the_scheduled_crawl_runs_live(monkeypatch: pytest.MonkeyPatch) -> None:
    """No process of the schedule names a mirror, so its settings choose the live sites."""
    monkeypatch.delenv("ANN_MIRROR_URL", raising=False)  # only the deploy files may decide
    envs = _crawl_schedule_envs()
    assert {where.split(":")[1] for where, _ in envs} == {"crawler", "beat"}
    assert len(envs) == 4
    for where, env in envs:
        assert "ANN_MIRROR_URL" not in env, where
        assert Settings(**env).mirror_url is None, where  # type: ignore[arg-type]


# --- metrics ----------------------------------------------------------------------------------

METRICS_PORT_OF_APP = {"indexer.celery_app": "ANN_INDEXER_METRICS_PORT",
                       "crawler.celery_app": "ANN_CRAWLER_METRICS_PORT"}


def test_every_worker_serves_metrics_from_a_directory_of_its_own() -> None:
    """Crawl and indexer workers set their metrics port and a private, writable directory for
    their pool's counters (tmpfs / emptyDir); no other process sets the directory (the alerts
    worker serves none: its failures are counted in Redis and shown by ``ann status``)."""
    for name, service in compose_app_services().items():
        env, app = compose_env(service), service["command"][2]
        if service["command"][3] == "worker" and app in METRICS_PORT_OF_APP:
            assert int(env[METRICS_PORT_OF_APP[app]]) > 0, name
            assert env["PROMETHEUS_MULTIPROC_DIR"] in service["tmpfs"], name
        else:
            assert "PROMETHEUS_MULTIPROC_DIR" not in env, name
    for doc in workloads():
        pod = doc["spec"]["template"]
        for container in pod["spec"]["containers"]:
            env = k8s_env(container)
            command = container.get("command", [])
            if command[3:4] != ["worker"] or command[2] not in METRICS_PORT_OF_APP:
                assert "PROMETHEUS_MULTIPROC_DIR" not in env, doc["metadata"]["name"]
                continue
            port = int(env[METRICS_PORT_OF_APP[command[2]]])
            assert {"name": "metrics", "containerPort": port} in container["ports"]
            assert pod["metadata"]["annotations"]["prometheus.io/port"] == str(port)
            mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
            volume = next(v for v in pod["spec"]["volumes"]
                          if v["name"] == mounts[env["PROMETHEUS_MULTIPROC_DIR"]])
            assert "emptyDir" in volume


def _api_servers() -> list[tuple[str, list[str], dict[str, str]]]:
    """(where, uvicorn's arguments, environment) of every API server: the image's default
    command, compose's and the manifests'."""
    cmd = re.search(r"^CMD (\[.*?\])$", dockerfile().replace("\\\n", ""), re.MULTILINE | re.DOTALL)
    assert cmd is not None
    servers = [("Dockerfile", json.loads(cmd.group(1)), dockerfile_env())]
    servers += [(f"compose:{name}", service["command"], compose_env(service))
                for name, service in compose_app_services().items()]
    servers += [(f"k8s:{where}", c["command"], k8s_env(c)) for where, c in k8s_containers()
                if c["image"] == APP_IMAGE]
    return [(where, argv[argv.index("uvicorn") + 1:], env) for where, argv, env in servers
            if "uvicorn" in argv]


@pytest.mark.parametrize(("where", "args", "env"), _api_servers(),
                         ids=lambda v: v if isinstance(v, str) else "")
def test_an_api_container_runs_the_one_process_its_settings_name(
    where: str, args: list[str], env: dict[str, str],
) -> None:
    """The rate limiter shares its limit among ``ANN_API_WORKERS`` processes, so uvicorn must
    run that many; in a container, one (replicas are the API's processes), which needs no
    metrics directory."""
    workers = uvicorn_cli.make_context("uvicorn", list(args)).params["workers"]
    assert workers == Settings(**env).api_workers == 1, where  # type: ignore[arg-type]
    assert "PROMETHEUS_MULTIPROC_DIR" not in env, where


# --- indexer workers scale on the queue -------------------------------------------------------

_SCALED_OBJECT_SPEC = {"scaleTargetRef", "pollingInterval", "cooldownPeriod",
                       "initialCooldownPeriod", "idleReplicaCount", "minReplicaCount",
                       "maxReplicaCount", "advanced", "fallback", "triggers"}
_TRIGGER = {"type", "name", "metadata", "authenticationRef", "metricType", "useCachedMetrics"}
_REDIS_LIST_METADATA = {"address", "host", "port", "addressFromEnv", "hostFromEnv", "portFromEnv",
                        "usernameFromEnv", "passwordFromEnv", "listName", "listLength",
                        "activationListLength", "databaseIndex", "enableTLS", "unsafeSsl"}
_TRIGGER_AUTH_SPEC = {"secretTargetRef", "env", "configMapTargetRef", "podIdentity",
                      "hashiCorpVault", "azureKeyVault", "awsSecretManager", "gcpSecretManager",
                      "boundServiceAccountToken"}
"""Fields of KEDA 2.x's ScaledObject, trigger, Redis-list scaler and TriggerAuthentication, from
its CRDs and the scaler's documentation (kubernetes-validate knows no custom resources)."""


def test_indexer_workers_scale_on_the_length_of_the_pages_queue() -> None:
    (scaled,) = objects("ScaledObject")
    spec = scaled["spec"]
    assert set(spec) <= _SCALED_OBJECT_SPEC and {"scaleTargetRef", "triggers"} <= set(spec)
    target = spec["scaleTargetRef"]
    assert set(target) <= {"name", "kind", "apiVersion", "envSourceContainerName"}
    indexer = next(d for d in workloads() if d["metadata"]["name"] == target["name"])
    assert indexer["kind"] == target.get("kind", "Deployment")
    assert all(isinstance(spec[k], int)
               for k in spec if k.endswith(("Count", "Interval", "Period")))
    assert 1 <= spec["minReplicaCount"] < spec["maxReplicaCount"]
    assert not objects("HorizontalPodAutoscaler"), "KEDA's HPA would fight another one"

    (trigger,) = spec["triggers"]
    assert set(trigger) <= _TRIGGER and trigger["type"] == "redis"
    metadata = trigger["metadata"]
    assert set(metadata) <= _REDIS_LIST_METADATA
    assert all(isinstance(v, str) for v in metadata.values()), "KEDA metadata are strings"
    assert int(metadata["listLength"]) > 0
    (container,) = indexer["spec"]["template"]["spec"]["containers"]
    queue = container["command"][container["command"].index("-Q") + 1]
    assert metadata["listName"] == queue == Settings().pages_queue

    # the Redis the workers use, as the KEDA operator (another namespace) reaches it
    redis_url = urlsplit(k8s_env(container)["REDIS_URL"])
    host, port = metadata["address"].rsplit(":", 1)
    service = next(s for s in objects("Service") if s["metadata"]["name"] == redis_url.hostname)
    assert host == f"{redis_url.hostname}.{kustomization()['namespace']}.svc"
    assert int(port) == redis_url.port == service["spec"]["ports"][0]["port"]
    assert metadata["databaseIndex"] == redis_url.path.strip("/")

    (auth,) = [a for a in objects("TriggerAuthentication")
               if a["metadata"]["name"] == trigger["authenticationRef"]["name"]]
    assert set(auth["spec"]) <= _TRIGGER_AUTH_SPEC
    (ref,) = auth["spec"]["secretTargetRef"]
    assert set(ref) == {"parameter", "name", "key"} and ref["parameter"] == "password"
    workers_secret = {e["name"]: e["valueFrom"]["secretKeyRef"] for e in container["env"]
                      if "valueFrom" in e}
    assert "$(REDIS_PASSWORD)" in next(e["value"] for e in container["env"]
                                       if e["name"] == "REDIS_URL")
    assert workers_secret["REDIS_PASSWORD"] == {"name": ref["name"], "key": ref["key"]}
