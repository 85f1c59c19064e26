"""`ann variants load|show`: put the name and place variants in force (``ann/variants.py``).

``load`` reads the shipped list and the operator's file (``ANN_VARIANTS_FILE``) and writes them
to the engine, where every API process reads them within ``ANN_API_VARIANTS_REFRESH`` seconds:
an edited file is live without reindexing or restarting anything."""

from __future__ import annotations

import typer
from elasticsearch import Elasticsearch, NotFoundError

from ann.ops.cli.common import console
from ann.settings import get_settings
from ann.variants import (
    DOCUMENT_ID,
    INDEX_SETTINGS,
    MAPPING,
    VariantsError,
    as_document,
    from_document,
    load,
)

app = typer.Typer(help="Name and place variants that searches expand (Myanmar / Burma).",
                  no_args_is_help=True)


@app.command("load")
def load_variants() -> None:
    """Read the shipped variants and ANN_VARIANTS_FILE and put them in force."""
    settings = get_settings()
    try:
        groups = load(settings.variants_file)
    except (VariantsError, OSError) as error:
        raise typer.BadParameter(str(error)) from None
    es = Elasticsearch(settings.es_nodes, request_timeout=30)
    try:
        if not es.indices.exists(index=settings.variants_index):
            es.indices.create(index=settings.variants_index, settings=INDEX_SETTINGS,
                              mappings=MAPPING)
        es.index(index=settings.variants_index, id=DOCUMENT_ID, document=as_document(groups),
                 refresh=True)
    finally:
        es.close()
    extra = f" (with {settings.variants_file})" if settings.variants_file else ""
    console.print(f"{len(groups)} groups of variants in force{extra}; the API uses them within "
                  f"{settings.api_variants_refresh_seconds:g} s")


@app.command("show")
def show_variants() -> None:
    """Print the variants in force, one group a line."""
    settings = get_settings()
    es = Elasticsearch(settings.es_nodes, request_timeout=30)
    try:
        found = es.get(index=settings.variants_index, id=DOCUMENT_ID)
    except NotFoundError:
        console.print("no variants in force: run `ann variants load`")
        raise typer.Exit(1) from None
    finally:
        es.close()
    for group in from_document(found["_source"]):
        console.print(", ".join(group), highlight=False)
