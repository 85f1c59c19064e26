"""Each indexer worker looks in the ledger on a timer and sends again the batches lost on their
way to a worker (:mod:`ann.ledger` says how they get lost and how they are found).

A step of the worker's consumer, run by its event loop in the main process, like kombu's own
sweep of the unacknowledged messages: it runs wherever indexer workers run — every deployment,
``ann up``, a test's lone worker — with no beat process to depend on and no place to wait behind
a backlog in the queue it watches. A Redis lock lets one worker per interval do the work; with
Redis away, the look is skipped and logged, and the next one tries again.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import Celery, bootsteps
from kombu.exceptions import OperationalError
from redis import Redis
from redis.exceptions import RedisError

from ann.ledger import Ledger
from ann.settings import Settings

logger = logging.getLogger(__name__)


class LedgerRedrive:
    """Sends the ledger's lost batches of one queue through ``app``."""

    def __init__(self, app: Celery, settings: Settings) -> None:
        self._app = app
        self._redis = Redis.from_url(settings.redis_url, socket_timeout=5,
                                     socket_connect_timeout=5)
        self.ledger = Ledger(self._redis, settings.key_prefix, settings.pages_queue)
        self.interval = settings.ledger_redrive_seconds
        self._age = settings.ledger_redrive_age_seconds

    def _send(self, task_id: str, task: str, args: list[Any]) -> None:
        self._app.send_task(task, args=args, task_id=task_id, queue=self.ledger.queue)

    def __call__(self) -> int:
        """One look; the batches sent again (0 also when Redis or the broker is away)."""
        try:
            sent = self.ledger.redrive(self._send, self._age, self.interval)
        except (RedisError, OperationalError, OSError) as error:
            logger.warning("ledger re-drive skipped: %s", error)
            return 0
        if sent:
            logger.warning("re-drove %d batch(es) of %s: unsettled and in no queue, held by no "
                           "worker", sent, self.ledger.queue)
        return sent

    def close(self) -> None:
        self._redis.close()


def redrive_step(settings: Settings) -> type[bootsteps.StartStopStep]:
    """A consumer step that runs a :class:`LedgerRedrive` every ``ANN_LEDGER_REDRIVE_SECONDS``."""

    class Redrive(bootsteps.StartStopStep):  # type: ignore[misc]
        requires = ("celery.worker.consumer.tasks:Tasks",)

        def __init__(self, parent: Any, **kwargs: Any) -> None:
            super().__init__(parent, **kwargs)
            self._redrive: LedgerRedrive | None = None
            self._timer: Any = None

        def start(self, parent: Any) -> None:
            self._redrive = LedgerRedrive(parent.app, settings)
            self._timer = parent.timer.call_repeatedly(self._redrive.interval, self._redrive)

        def stop(self, parent: Any) -> None:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            if self._redrive is not None:
                self._redrive.close()
                self._redrive = None

    return Redrive
