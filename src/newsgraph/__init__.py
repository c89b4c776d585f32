"""newsgraph: turn folders of news front-matter files into one knowledge graph.

The public API, for researcher scripts::

    import newsgraph

    graph = newsgraph.build(["seeds/"]).graph      # load + identify + build
    records = newsgraph.load_articles(["seeds/"])  # or stage by stage
    graph = newsgraph.build_graph(records.articles)
    newsgraph.write_json(graph, "graph.json")
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# The public API is imported on first use (PEP 562), so that `import newsgraph` and
# `newsgraph --help` do not pay for networkx, YAML and URL parsing until they are needed.
_EXPORTS = {
    "Analysis": "newsgraph.api",
    "open": "newsgraph.api",
    "Focus": "newsgraph.analysis.focus",
    "focus_articles": "newsgraph.analysis.focus",
    "load_foci": "newsgraph.analysis.focus",
    "AnalysisError": "newsgraph.errors",
    "FocusError": "newsgraph.errors",
    "build_graph": "newsgraph.graph",
    "count_kinds": "newsgraph.graph",
    "ExportError": "newsgraph.errors",
    "InputError": "newsgraph.errors",
    "NewsgraphError": "newsgraph.errors",
    "QueryError": "newsgraph.errors",
    "UnknownFormatError": "newsgraph.errors",
    "EXPORTERS": "newsgraph.export",
    "read_json": "newsgraph.export",
    "write_exports": "newsgraph.export",
    "write_gexf": "newsgraph.export",
    "write_graphml": "newsgraph.export",
    "write_json": "newsgraph.export",
    "canonical_url": "newsgraph.identify",
    "provider_key": "newsgraph.identify",
    "topic_key": "newsgraph.identify",
    "load_articles": "newsgraph.load",
    "load_file": "newsgraph.load",
    "Article": "newsgraph.model",
    "FileResult": "newsgraph.model",
    "Image": "newsgraph.model",
    "Problem": "newsgraph.model",
    "Provider": "newsgraph.model",
    "read_rdf": "newsgraph.export.rdf",
    "read_tables": "newsgraph.export.tables",
    "to_rdflib": "newsgraph.export.rdf",
    "BuildResult": "newsgraph.pipeline",
    "build": "newsgraph.pipeline",
    "run_build": "newsgraph.pipeline",
    "open_store": "newsgraph.sparql",
    "query": "newsgraph.sparql",
    "run_query": "newsgraph.sparql",
    "write_results": "newsgraph.sparql",
    "ValidationReport": "newsgraph.validate",
    "validate_export": "newsgraph.validate",
    "View": "newsgraph.views",
    "ViewError": "newsgraph.errors",
    "run_viz": "newsgraph.views",
    "select_view": "newsgraph.views",
    "write_view": "newsgraph.export.html",
}

if TYPE_CHECKING:
    from newsgraph.analysis.focus import Focus, focus_articles, load_foci
    from newsgraph.api import Analysis, open
    from newsgraph.errors import (
        AnalysisError,
        ExportError,
        FocusError,
        InputError,
        NewsgraphError,
        QueryError,
        UnknownFormatError,
        ViewError,
    )
    from newsgraph.export import (
        EXPORTERS,
        read_json,
        write_exports,
        write_gexf,
        write_graphml,
        write_json,
    )
    from newsgraph.export.html import write_view
    from newsgraph.export.rdf import read_rdf, to_rdflib
    from newsgraph.export.tables import read_tables
    from newsgraph.graph import build_graph, count_kinds
    from newsgraph.identify import canonical_url, provider_key, topic_key
    from newsgraph.load import load_articles, load_file
    from newsgraph.model import Article, FileResult, Image, Problem, Provider
    from newsgraph.pipeline import BuildResult, build, run_build
    from newsgraph.sparql import open_store, query, run_query, write_results
    from newsgraph.validate import ValidationReport, validate_export
    from newsgraph.views import View, run_viz, select_view


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'newsgraph' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "EXPORTERS",
    "Analysis",
    "AnalysisError",
    "Article",
    "BuildResult",
    "ExportError",
    "FileResult",
    "Focus",
    "FocusError",
    "Image",
    "InputError",
    "NewsgraphError",
    "Problem",
    "Provider",
    "QueryError",
    "UnknownFormatError",
    "ValidationReport",
    "View",
    "ViewError",
    "__version__",
    "build",
    "build_graph",
    "canonical_url",
    "count_kinds",
    "focus_articles",
    "load_articles",
    "load_file",
    "load_foci",
    "open",
    "open_store",
    "provider_key",
    "query",
    "read_json",
    "read_rdf",
    "read_tables",
    "run_build",
    "run_query",
    "run_viz",
    "select_view",
    "to_rdflib",
    "topic_key",
    "validate_export",
    "write_exports",
    "write_gexf",
    "write_graphml",
    "write_json",
    "write_results",
    "write_view",
]
