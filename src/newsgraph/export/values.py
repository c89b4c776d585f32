"""Attribute values as JSON: the one encoding graph.json, the RDF exports (``rdf:JSON`` literals)
and the flattened GraphML/GEXF attributes share.

Date-times are written as ISO 8601 strings; :func:`restore_datetimes` turns the known date-time
attributes back into ``datetime`` objects when a graph is read.
"""

from __future__ import annotations

import json
from collections.abc import MutableMapping
from datetime import datetime
from typing import Any

__all__ = ["DATETIME_FIELDS", "dumps", "json_default", "restore_datetimes"]

DATETIME_FIELDS = ("published_at",)
"""Node attributes (and ``alternatives`` entries) that hold date-times."""


def json_default(value: Any) -> Any:
    """``json.dumps`` hook: date-times as ISO 8601 strings."""
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def dumps(value: Any) -> str:
    """Compact JSON, non-ASCII kept as it is, key order kept (so the output is deterministic)."""
    return json.dumps(value, ensure_ascii=False, default=json_default, separators=(",", ":"))


def restore_datetimes(attrs: MutableMapping[str, Any]) -> None:
    """Turn the ISO strings of :data:`DATETIME_FIELDS` in node ``attrs`` back into date-times."""
    for name in DATETIME_FIELDS:
        if isinstance(attrs.get(name), str):
            attrs[name] = datetime.fromisoformat(attrs[name])
        alternatives = attrs.get("alternatives", {}).get(name)
        if alternatives:
            attrs["alternatives"][name] = [datetime.fromisoformat(v) for v in alternatives]
