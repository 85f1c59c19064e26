"""What tests import: builders, servers, workers and readers they share. ``tests/conftest.py``
holds fixtures and hooks only, so nothing imports it."""
