"""Saved searches and their alerts: the store, the scheduled runner, the feed and the webhook.

Why here, inside the API's package: the runner must select exactly what ``/search`` selects for
the same query and filters, so it takes the query builder (:func:`search_api.query.selection`)
and the filter model (:class:`search_api.params.Filters`) themselves rather than a copy; the
roles never import each other, so a runner in the crawler or the indexer could not, and a new
role package would only move the same imports one step away. The API writes saved searches
(:mod:`search_api.routes.saved_searches`) and reads their feeds; the runner, a Celery app of its
own (:mod:`search_api.alerts.celery_app`) on its own queue (``ANN_ALERTS_QUEUE``), checks them
and calls their webhooks. The API process never imports the Celery app, and the worker never
imports FastAPI's routes: they share only this package's store and models. Redis keys are named
in :mod:`ann.keyspace`, every default in :mod:`ann.settings`.

The schedule is the deployment's one beat (``crawler.celery_app``, redbeat): it sends the check
by task name (:data:`ann.messages.CHECK_ALERTS_TASK`) on the alerts queue, as it sends crawl jobs
by name. A second beat would contend for redbeat's lock under the same key prefix.
"""
