"""ASGI entry point for uvicorn: ``uvicorn search_api.main:app``."""

import gc

from search_api.app import create_app

app = create_app()
gc.freeze()
