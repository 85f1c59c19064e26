"""deploy/ read as data for the deployment tests: compose services, Kubernetes objects and
containers, and the environment each process of the app image gets."""

from __future__ import annotations

import re
from typing import Any

import yaml

from ann.settings import REPO_ROOT

DEPLOY = REPO_ROOT / "deploy"
K8S = DEPLOY / "k8s"
APP_IMAGE = "ann-crawl-index"
KEDA_API = "keda.sh/"
NAME_LABEL = "app.kubernetes.io/name"

_COMPOSE_VARIABLE = re.compile(r"\$\{(\w+)(?::?[-?][^}]*)?\}")
_K8S_VARIABLE = re.compile(r"\$\((\w+)\)")


def manifests() -> list[tuple[str, dict[str, Any]]]:
    return [
        (path.name, doc)
        for path in sorted(K8S.glob("*.yaml")) if path.name != "kustomization.yaml"
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc
    ]


def objects(kind: str) -> list[dict[str, Any]]:
    return [doc for _, doc in manifests() if doc["kind"] == kind]


def kustomization() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((K8S / "kustomization.yaml").read_text("utf-8"))
    return loaded


def workloads() -> list[dict[str, Any]]:
    return [doc for _, doc in manifests() if doc["kind"] in ("Deployment", "StatefulSet")]


def k8s_containers() -> list[tuple[str, dict[str, Any]]]:
    return [
        (doc["metadata"]["name"], container)
        for doc in workloads() for container in doc["spec"]["template"]["spec"]["containers"]
    ]


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    return loaded


def compose_app_services() -> dict[str, dict[str, Any]]:
    return {name: service for name, service in compose()["services"].items()
            if service.get("image", "").startswith(APP_IMAGE)}


def compose_variables(value: str) -> set[str]:
    """The ``${NAME...}`` variables compose substitutes in ``value``."""
    return set(_COMPOSE_VARIABLE.findall(value))


def k8s_references(value: str) -> set[str]:
    """The ``$(NAME)`` variables Kubernetes substitutes in ``value``."""
    return set(_K8S_VARIABLE.findall(value))


def dockerfile() -> str:
    return (DEPLOY / "docker" / "Dockerfile").read_text(encoding="utf-8")


def dockerfile_env() -> dict[str, str]:
    return dict(re.findall(r"\b(ANN_[A-Z_]+)=(\S+)", dockerfile()))


def compose_env(service: dict[str, Any], secret: str = "s3cret") -> dict[str, str]:
    """A compose service's environment as its process sees it: the image's, then the
    service's, with every variable substituted by ``secret``."""
    env = {**dockerfile_env(), **service.get("environment", {})}
    return {k: _COMPOSE_VARIABLE.sub(secret, str(v)) for k, v in env.items()}


def k8s_env(container: dict[str, Any], secret: str = "s3cret") -> dict[str, str]:
    """A container's environment as its process sees it: the image's, the ConfigMaps of
    ``envFrom``, then ``env`` (values from Secrets read as ``secret``, ``$(NAME)`` expanded)."""
    config_maps = {doc["metadata"]["name"]: doc["data"] for doc in objects("ConfigMap")}
    env = dict(dockerfile_env())
    for source in container.get("envFrom", []):
        env.update(config_maps[source["configMapRef"]["name"]])
    for entry in container.get("env", []):
        value = entry.get("value")
        if value is None:
            assert "secretKeyRef" in entry["valueFrom"], entry
            value = secret
        env[entry["name"]] = _K8S_VARIABLE.sub(lambda m: env[m.group(1)], value)
    return env


def secret_refs(container: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """Environment names of ``container`` read from Secrets: name → (secret, key)."""
    return {entry["name"]: (entry["valueFrom"]["secretKeyRef"]["name"],
                            entry["valueFrom"]["secretKeyRef"]["key"])
            for entry in container.get("env", [])
            if "secretKeyRef" in entry.get("valueFrom", {})}
