"""deploy/ lets no one in: Elasticsearch, Redis and Flower need passwords generated for the
deployment, the project's clients send them, only the project's pods reach the data services
in Kubernetes, and the API's liveness probe does not depend on Elasticsearch."""

from __future__ import annotations

import base64
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from elasticsearch import Elasticsearch
from fastapi.routing import APIRoute
from redis import Redis

from ann.settings import Settings
from search_api.app import create_app
from search_api.routes import liveness
from tests.support.deploy_files import (
    DEPLOY,
    NAME_LABEL,
    compose,
    compose_app_services,
    compose_env,
    compose_variables,
    k8s_containers,
    k8s_env,
    kustomization,
    objects,
    secret_refs,
    workloads,
)

GENERATED = {"ELASTIC_PASSWORD", "REDIS_PASSWORD", "FLOWER_BASIC_AUTH", "ANN_API_ADMIN_KEY",
             "ANN_API_CURSOR_SECRET"}


def _generate(out: Path) -> dict[str, str]:
    subprocess.run(["bash", str(DEPLOY / "generate-secrets.sh"), str(out)], check=True,
                   capture_output=True)
    lines = (out / ".env").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines)


def test_the_generator_writes_each_password_once_for_both_stacks(tmp_path: Path) -> None:
    values = _generate(tmp_path)
    assert set(values) == GENERATED
    assert all(len(v.removeprefix("admin:")) == 48 and int(v.removeprefix("admin:"), 16)
               for v in values.values())
    files = [tmp_path / ".env", tmp_path / "k8s" / "secrets.env"]
    assert files[0].read_text() == files[1].read_text()
    assert all(f.stat().st_mode & 0o077 == 0 for f in files), "readable by others"
    assert _generate(tmp_path) == values, "a second run must not rotate the passwords"
    assert _generate(tmp_path / "other") != values


def _required_compose_variables() -> set[str]:
    text = (DEPLOY / "compose.yaml").read_text(encoding="utf-8")
    return {name for name in compose_variables(text) if f"${{{name}:?" in text}


def test_compose_starts_nothing_without_its_passwords() -> None:
    services = compose()["services"]
    es = services["elasticsearch"]["environment"]
    assert es["xpack.security.enabled"] == "true"
    assert compose_variables(es["ELASTIC_PASSWORD"]) == {"ELASTIC_PASSWORD"}
    redis = services["redis"]["command"]
    assert compose_variables(redis[redis.index("--requirepass") + 1]) == {"REDIS_PASSWORD"}
    assert "ELASTIC_PASSWORD" in services["elasticsearch"]["healthcheck"]["test"][1]
    assert {"ELASTIC_PASSWORD", "REDIS_PASSWORD", "FLOWER_BASIC_AUTH"} <= \
        _required_compose_variables() <= GENERATED
    for name, service in compose_app_services().items():
        env = service["environment"]
        assert compose_variables(env["ES_URL"]) == {"ELASTIC_PASSWORD"}, name
        assert compose_variables(env["REDIS_URL"]) == {"REDIS_PASSWORD"}, name
    assert compose_variables(services["flower"]["environment"]["FLOWER_BASIC_AUTH"]) == \
        {"FLOWER_BASIC_AUTH"}


def _container(workload: str) -> dict[str, Any]:
    return next(c for name, c in k8s_containers() if name == workload)


def test_kubernetes_starts_nothing_without_its_passwords() -> None:
    (generator,) = kustomization()["secretGenerator"]
    assert generator["envs"] == ["secrets.env"]
    assert generator["options"]["disableNameSuffixHash"] is True  # KEDA names it verbatim
    secret = generator["name"]
    es, redis = _container("elasticsearch"), _container("redis")
    es_env = {e["name"]: e.get("value") for e in es["env"]}
    assert es_env["xpack.security.enabled"] == "true"
    assert secret_refs(es)["ELASTIC_PASSWORD"] == (secret, "ELASTIC_PASSWORD")
    assert "$ELASTIC_PASSWORD" in " ".join(es["readinessProbe"]["exec"]["command"])
    assert redis["args"][redis["args"].index("--requirepass") + 1] == "$(REDIS_PASSWORD)"
    assert secret_refs(redis)["REDIS_PASSWORD"] == (secret, "REDIS_PASSWORD")
    used_keys = set()
    for name, container in k8s_containers():
        refs = secret_refs(container)
        used_keys |= {key for secret_name, key in refs.values() if secret_name == secret}
        raw = {e["name"]: e.get("value", "") for e in container.get("env", [])}
        if "ES_URL" in raw:
            assert "$(ELASTIC_PASSWORD)" in raw["ES_URL"], name
            assert refs["ELASTIC_PASSWORD"] == (secret, "ELASTIC_PASSWORD"), name
        if "REDIS_URL" in raw:
            assert "$(REDIS_PASSWORD)" in raw["REDIS_URL"], name
            assert refs["REDIS_PASSWORD"] == (secret, "REDIS_PASSWORD"), name
    assert used_keys == GENERATED
    assert secret_refs(_container("flower"))["FLOWER_BASIC_AUTH"] == (secret, "FLOWER_BASIC_AUTH")


def test_the_project_clients_send_the_generated_passwords(tmp_path: Path) -> None:
    """ES_URL and REDIS_URL as the containers get them: elasticsearch-py sends the URL's user
    as Basic authentication and redis-py authenticates with the URL's password."""
    values = _generate(tmp_path)
    for name, service in compose_app_services().items():
        env = compose_env(service, secret=values["REDIS_PASSWORD"])
        assert Redis.from_url(env["REDIS_URL"]).connection_pool.connection_kwargs[
            "password"] == values["REDIS_PASSWORD"], name
    env = k8s_env(_container("api"), secret=values["ELASTIC_PASSWORD"])
    settings = Settings(ES_URL=env["ES_URL"])
    client = Elasticsearch(settings.es_url)
    (node,) = client.transport.node_pool.all()
    expected = base64.b64encode(f"elastic:{values['ELASTIC_PASSWORD']}".encode()).decode()
    assert node.config.headers["authorization"] == f"Basic {expected}"
    assert urlsplit(node.config.host).password is None  # not left in the URL it connects to
    client.close()


@pytest.mark.parametrize(("service", "client_setting"),
                         [("elasticsearch", "ES_URL"), ("redis", "REDIS_URL")])
def test_only_the_project_pods_reach_a_data_service(service: str, client_setting: str) -> None:
    """The NetworkPolicy of each data service admits exactly the workloads configured to use
    it (plus, for Redis, the KEDA operator reading the queue's length), on its port."""
    (workload,) = [w for w in workloads() if w["metadata"]["name"] == service]
    labels = workload["spec"]["template"]["metadata"]["labels"]
    (policy,) = [p for p in objects("NetworkPolicy")
                 if p["spec"]["podSelector"]["matchLabels"].items() <= labels.items()]
    assert policy["spec"]["policyTypes"] == ["Ingress"]
    (rule,) = policy["spec"]["ingress"]
    pods = [peer["podSelector"] for peer in rule["from"] if "namespaceSelector" not in peer]
    (expression,) = pods[0]["matchExpressions"]
    assert expression["key"] == NAME_LABEL and expression["operator"] == "In"
    clients = {w["metadata"]["name"] for w in workloads()
               for c in w["spec"]["template"]["spec"]["containers"]
               if client_setting in {e["name"] for e in c.get("env", [])}}
    assert clients and set(expression["values"]) == clients
    for w in workloads():  # the names above are the pods' labels
        assert w["spec"]["template"]["metadata"]["labels"][NAME_LABEL] == w["metadata"]["name"]
    others = [peer for peer in rule["from"] if "namespaceSelector" in peer]
    if service == "redis":
        (keda,) = others
        assert keda["namespaceSelector"]["matchLabels"] == {"kubernetes.io/metadata.name": "keda"}
    else:
        assert not others
    (svc,) = [s for s in objects("Service") if s["metadata"]["name"] == service]
    assert [p["port"] for p in rule["ports"]] == [svc["spec"]["ports"][0]["port"]]


def test_the_api_liveness_probe_does_not_ask_elasticsearch() -> None:
    """The probe's path is the liveness module's route, served by the app
    (tests/unit/test_liveness.py shows it answering while Elasticsearch does not)."""
    api = _container("api")
    path = api["livenessProbe"]["httpGet"]["path"]
    assert path in {r.path for r in liveness.router.routes if isinstance(r, APIRoute)}
    assert path in create_app(Settings()).openapi()["paths"]
    assert api["readinessProbe"]["httpGet"]["path"] == "/health"  # this one may


def test_every_api_server_ignores_forwarded_headers_itself() -> None:
    """uvicorn trusts ``X-Forwarded-For`` from 127.0.0.1 unless told not to; the application
    trusts only ``ANN_API_TRUSTED_PROXIES`` (tests/integration/test_api_proxy_headers.py shows the
    flag at work on a real server)."""
    commands = {
        "kubernetes": _container("api")["command"],
        "compose": compose()["services"]["api"]["command"],
        "image": (DEPLOY / "docker" / "Dockerfile").read_text().split("\nCMD ", 1)[1],
    }
    for where, command in commands.items():
        assert "uvicorn" in str(command) and "--no-proxy-headers" in str(command), where
