"""Redis and Elasticsearch nodes on hosts of a :class:`tests.support.netns.Network`.

Elasticsearch is the installation ``deploy/local/elasticsearch.sh`` made (with the project's
analysis plugin), run in the foreground as its service user (it refuses root). HTTP binds the host's
address; the nodes talk to each other on their ``<host>-transport`` addresses (see
:mod:`tests.support.netns` for why those are in 127/8).
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

from tests.support.netns import Network

ES_HOME = Path("/var/tmp/ann-cache/elasticsearch-8.19.21")
ES_USER = "ann-es"
ES_HEAP = "384m"


def _java_home() -> str:
    """The newest JDK the local install script would pick (``deploy/local/lib.sh``)."""
    result = subprocess.run(
        ["bash", "-c", f". {Path(__file__).parents[2]}/deploy/local/lib.sh && ann_pick_jdk"],
        capture_output=True, text=True, check=True, timeout=60)
    return result.stdout.strip()


def es_node_argv(net: Network, host: str, cluster: Sequence[str], work: Path) -> list[str]:
    """Write ``host``'s node configuration under ``work`` and return the command running it.

    The node binds the host's address, finds the others by host name on port 9300 and, on the
    first start, forms one cluster with them."""
    home = work / host
    conf = home / "config"
    shutil.rmtree(home, ignore_errors=True)
    (conf / "jvm.options.d").mkdir(parents=True)
    for name in ("data", "logs", "tmp"):
        (home / name).mkdir()
    for item in (ES_HOME / "config").iterdir():
        if item.is_file() and item.name != "elasticsearch.yml":
            shutil.copy(item, conf / item.name)
    (conf / "elasticsearch.yml").write_text("\n".join([
        f"cluster.name: annh{net.number}",
        f"node.name: {host}",
        f"http.host: {net[host].address}",
        "http.port: 9200",
        f"transport.host: {net[host].transport}",
        "transport.port: 9300",
        f"discovery.seed_hosts: [{', '.join(f'{h}-transport:9300' for h in cluster)}]",
        f"cluster.initial_master_nodes: [{', '.join(cluster)}]",
        f"path.data: {home / 'data'}",
        f"path.logs: {home / 'logs'}",
        "xpack.security.enabled: false",
        "cluster.routing.allocation.disk.threshold_enabled: false",
        "",
    ]))
    (conf / "jvm.options.d" / "heap.options").write_text(f"-Xms{ES_HEAP}\n-Xmx{ES_HEAP}\n")
    subprocess.run(["chown", "-R", f"{ES_USER}:{ES_USER}", str(home)], check=True)
    return [
        "runuser", "-u", ES_USER, "--",
        "env", f"ES_JAVA_HOME={_java_home()}", f"ES_PATH_CONF={conf}",
        f"ES_TMPDIR={home / 'tmp'}", f"{ES_HOME}/bin/elasticsearch",
    ]


def redis_argv(net: Network, host: str, work: Path) -> list[str]:
    """Redis on ``host``'s address, persisted as ``deploy/local/redis.sh`` does (append-only
    file, fsync every second; a SHUTDOWN writes it out before the restart)."""
    home = work / host
    home.mkdir(parents=True, exist_ok=True)
    return ["redis-server", "--bind", net[host].address, "--port", "6379",
            "--protected-mode", "no", "--dir", str(home), "--save", "",
            "--appendonly", "yes", "--appendfsync", "everysec"]
