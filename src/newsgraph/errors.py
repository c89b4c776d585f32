"""The one exception hierarchy of newsgraph.

Library code raises these; the CLI turns them into ``Error: ...`` on stderr and exit code 1. Bad
records are never raised: they become :class:`newsgraph.model.Problem` entries in the report.
"""

from __future__ import annotations

__all__ = [
    "AnalysisError",
    "ExportError",
    "FocusError",
    "InputError",
    "NewsgraphError",
    "QueryError",
    "UnknownFormatError",
    "ViewError",
]


class NewsgraphError(Exception):
    """Base class of every error newsgraph raises on purpose."""


class InputError(NewsgraphError):
    """Raised when the inputs cannot be read at all: a path that does not exist, or no files."""


class ExportError(NewsgraphError):
    """Raised when an export cannot be written or read back."""


class UnknownFormatError(ExportError):
    """Raised when an export format name is not in the registry; the message lists valid names."""


class QueryError(NewsgraphError):
    """Raised when a SPARQL query cannot be run: bad syntax (line and column given), an update."""


class FocusError(NewsgraphError):
    """Raised when a focus cannot be used: a foci file that cannot be read, an unknown focus name,
    a malformed keyword query (the message points at the place)."""


class AnalysisError(NewsgraphError):
    """Raised when an analysis cannot be run as asked: an unknown measure or topic, a measure that
    is not defined on the network (the message says why and what to use instead)."""


class ViewError(NewsgraphError):
    """Raised when an HTML view cannot be selected as asked: ``--around`` names nothing in the
    graph, a focus matches no article, an unknown measure, focus and around both given."""
