"""newsgraph: turn folders of news front-matter files into one knowledge graph.

The public API, for researcher scripts::

    import newsgraph

    graph = newsgraph.build(["seeds/"]).graph      # load + identify + build
    records = newsgraph.load_articles(["seeds/"])  # or stage by stage
    graph = newsgraph.build_graph(records.articles)
    newsgraph.write_json(graph, "graph.json")
"""

from __future__ import annotations

__version__ = "0.1.0"

from newsgraph.build import build_graph, count_kinds
from newsgraph.errors import (
    ExportError,
    InputError,
    NewsgraphError,
    UnknownFormatError,
)
from newsgraph.export import (
    EXPORTERS,
    read_json,
    write_exports,
    write_gexf,
    write_graphml,
    write_json,
)
from newsgraph.identify import canonical_url, provider_key, topic_key
from newsgraph.load import load_articles, load_file
from newsgraph.model import Article, FileResult, Image, Problem, Provider
from newsgraph.pipeline import BuildResult, build, run_build

__all__ = [
    "EXPORTERS",
    "Article",
    "BuildResult",
    "ExportError",
    "FileResult",
    "Image",
    "InputError",
    "NewsgraphError",
    "Problem",
    "Provider",
    "UnknownFormatError",
    "__version__",
    "build",
    "build_graph",
    "canonical_url",
    "count_kinds",
    "load_articles",
    "load_file",
    "provider_key",
    "read_json",
    "run_build",
    "topic_key",
    "write_exports",
    "write_gexf",
    "write_graphml",
    "write_json",
]
