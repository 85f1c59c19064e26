"""HTTP routes, one module per resource; :func:`search_api.app.create_app` includes each."""
