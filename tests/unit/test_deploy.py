"""deploy/: the compose file and the Kubernetes manifests against the code they run.

No Docker daemon or cluster runs here, so these files are never started by the suite. What can
drift silently is checked instead: every manifest against the Kubernetes API schemas
(kubernetes-validate), every command line against the real Celery and uvicorn parsers, every
``-A`` app, ASGI target, queue and environment name against the code and ``ann.settings``, and
every path the Dockerfile copies against the repository.
"""

from __future__ import annotations

import importlib
import re
import tomllib
from pathlib import Path
from typing import Any

import click
import kubernetes_validate
import pytest
import yaml
from celery import Celery
from celery.bin.base import CLIContext
from celery.bin.celery import celery as celery_cli
from uvicorn.main import main as uvicorn_cli

from ann.settings import REPO_ROOT, Settings

DEPLOY = REPO_ROOT / "deploy"
K8S = DEPLOY / "k8s"
KUBERNETES_VERSION = "1.30.0"
APP_IMAGE = "ann-crawl-index"
QUEUE_OF_APP = {"indexer.celery_app": "pages_queue", "crawler.celery_app": "crawl_queue"}


def _manifests() -> list[tuple[str, dict[str, Any]]]:
    return [
        (path.name, doc)
        for path in sorted(K8S.glob("*.yaml")) if path.name != "kustomization.yaml"
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc
    ]


def _k8s_containers() -> list[tuple[str, dict[str, Any]]]:
    return [
        (f"{name}:{doc['metadata']['name']}", container)
        for name, doc in _manifests() if doc["kind"] in ("Deployment", "StatefulSet")
        for container in doc["spec"]["template"]["spec"]["containers"]
    ]


def _compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    return loaded


def _app_commands() -> list[tuple[str, list[str]]]:
    """(where, argv) of every process that runs the project's image."""
    commands = [(f"compose:{name}", service["command"])
                for name, service in _compose()["services"].items()
                if service.get("image", "").startswith(APP_IMAGE)]
    commands += [(where, c["command"]) for where, c in _k8s_containers()
                 if c["image"] == APP_IMAGE]
    return commands


def _settings_names() -> set[str]:
    return {field.alias for field in Settings.model_fields.values() if field.alias}


@pytest.mark.parametrize(("name", "doc"), _manifests(),
                         ids=lambda v: v if isinstance(v, str) else v.get("kind", "?"))
def test_manifest_matches_the_kubernetes_schema(name: str, doc: dict[str, Any]) -> None:
    kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


def test_kustomization_lists_every_manifest() -> None:
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text(encoding="utf-8"))
    files = {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}
    assert sorted(kustomization["resources"]) == sorted(files)
    images = {image["name"] for image in kustomization["images"]}
    used = {c["image"] for _, c in _k8s_containers()}
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
    names = _settings_names()
    compose_env = {key for service in _compose()["services"].values()
                   if service.get("image", "").startswith(APP_IMAGE)
                   for key in service.get("environment", {})}
    config = next(doc for _, doc in _manifests() if doc["kind"] == "ConfigMap")
    k8s_env = {e["name"] for _, c in _k8s_containers() if c["image"] == APP_IMAGE
               for e in c.get("env", [])}
    dockerfile_env = set(re.findall(r"\b(ANN_[A-Z_]+)=", _dockerfile()))
    for where, keys in (("compose", compose_env), ("ConfigMap", set(config["data"])),
                        ("k8s env", k8s_env), ("Dockerfile", dockerfile_env)):
        assert keys, where
        assert keys <= names, f"{where}: unknown settings {sorted(keys - names)}"


def test_app_services_wait_for_their_services() -> None:
    services = _compose()["services"]
    for name, service in services.items():
        if service.get("image", "").startswith(APP_IMAGE):
            assert set(service["depends_on"]) == {"elasticsearch", "redis"}, name
    published = [port for service in services.values() for port in service.get("ports", [])]
    assert published and all(port.startswith("127.0.0.1:") for port in published)


def _dockerfile() -> str:
    return (DEPLOY / "docker" / "Dockerfile").read_text(encoding="utf-8")


def test_dockerfile_copies_what_exists_and_installs_the_deploy_extra() -> None:
    sources = [Path(part) for line in _dockerfile().splitlines()
               if line.startswith("COPY ") and "--from=" not in line
               for part in line.split()[1:-1]]
    assert sources
    for source in sources:
        assert (REPO_ROOT / source).exists(), source
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    packages = set(project["tool"]["setuptools"]["packages"]["find"]["include"])
    copied = {f"{source}*" for source in sources}
    assert packages <= copied, packages - copied
    assert '".[deploy]"' in _dockerfile()
