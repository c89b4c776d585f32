"""Attribute flattening for formats that only hold strings, numbers and booleans.

GraphML and GEXF cannot hold lists, mappings or date-times: lists and mappings become compact JSON
strings (``["AI", "Computer Vision"]``), date-times ISO 8601 strings, and missing values are left
out. Characters that XML 1.0 forbids (control characters other than tab, newline and carriage
return, unpaired surrogates, U+FFFE and U+FFFF) are replaced by U+FFFD, in values and in node ids.
graph.json keeps the original values.

The XML writers do not build a flattened copy of the graph: they flatten one node or edge at a
time (:func:`flatten_value`, with fast paths for the common types) and escape the text with
:func:`xml_text`, :func:`xml_attr` or :func:`json_attr`, which return the string itself when it
needs nothing (the common case: one regular expression search, :data:`text_special` or
:data:`attr_special`). :func:`flat_copy` is the same flattening applied to a whole graph, for
NetworkX's own writers: the GraphML and GEXF writers fall back to them for the graphs whose
attribute names those writers give a meaning (a GEXF node attribute ``start``, a GraphML graph
attribute ``id``...), which newsgraph's graphs never use.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any, TextIO, TypeAlias

import networkx as nx

from newsgraph.export.values import dumps

__all__ = [
    "Shapes",
    "attr_special",
    "attribute_shapes",
    "flat_copy",
    "flat_type",
    "flatten_value",
    "json_attr",
    "text_special",
    "write_elements",
    "xml_attr",
    "xml_text",
]

_ILLEGAL = "\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff"
_XML_ILLEGAL = re.compile(f"[{_ILLEGAL}]")
_TEXT_SPECIAL = re.compile(f"[{_ILLEGAL}&<>\r]").search
_ATTR_SPECIAL = re.compile(f'[{_ILLEGAL}&<>"\t\n\r]').search
_JSON_SPECIAL = re.compile(f"[{_ILLEGAL}&<>]").search

# One search tells whether a string needs any work (a match) or is written as it is (None): the
# writers call these on every value, so they are the compiled searches themselves.
text_special: Callable[[str], re.Match[str] | None] = _TEXT_SPECIAL
"""A match when :func:`xml_text` changes the string, ``None`` when it is written as it is."""
attr_special: Callable[[str], re.Match[str] | None] = _ATTR_SPECIAL
"""A match when :func:`xml_attr` changes the string, ``None`` when it is written as it is."""

_SCALARS = (bool, int, float)


Shapes: TypeAlias = "tuple[list[Mapping[Any, Any]], list[tuple[Any, Mapping[Any, Any]]]]"


def attribute_shapes(graph: nx.MultiDiGraph) -> Shapes:
    """The attributes of the first node of each shape (attribute names and value types), and the
    key and attributes of the first edge of each shape (and key type), in the graph's order: the
    rows the XML writers declare their attributes from, in one pass (rows mostly repeat a few
    shapes). Reads the adjacency directly: NetworkX's edge view costs a call an edge.

    Example:
        >>> g = nx.MultiDiGraph()
        >>> g.add_edge("a", "b", "k", w=1)
        'k'
        >>> g.add_edge("b", "a", "k", w=2)
        'k'
        >>> attribute_shapes(g)
        ([{}], [('k', {'w': 1})])
    """
    nodes: list[Mapping[Any, Any]] = []
    edges: list[tuple[Any, Mapping[Any, Any]]] = []
    seen: set[tuple[Any, ...]] = set()
    node_attrs = getattr(graph, "_node", None)
    for attrs in (node_attrs if node_attrs is not None else dict(graph.nodes(data=True))).values():
        shape = (tuple(attrs), tuple(map(type, attrs.values())))
        if shape not in seen:
            seen.add(shape)
            nodes.append(attrs)
    seen.clear()
    for keyed_by_target in getattr(graph, "_succ", graph.succ).values():
        for keyed in keyed_by_target.values():
            for key, attrs in keyed.items():
                edge_shape = (tuple(attrs), tuple(map(type, attrs.values())), type(key))
                if edge_shape not in seen:
                    seen.add(edge_shape)
                    edges.append((key, attrs))
    return nodes, edges


def write_elements(handle: TextIO, elements: Iterable[str], chunk: int = 500) -> None:
    """Write the XML ``elements`` to ``handle``, ``chunk`` of them (a few MB of text) a write."""
    pending: list[str] = []
    for element in elements:
        pending.append(element)
        if len(pending) >= chunk:
            handle.write("".join(pending))
            pending.clear()
    handle.write("".join(pending))


def _text(value: str) -> str:
    return _XML_ILLEGAL.sub("\ufffd", value)


def xml_text(value: str) -> str:
    """``value`` as XML character data: illegal characters replaced, ``& < >`` and CR escaped.

    Escapes as libxml2 (lxml) does, so the output matches what lxml writes.

    Example:
        >>> xml_text("a < b & \\x01 c") == "a &lt; b &amp; \\ufffd c"
        True
    """
    if _TEXT_SPECIAL(value) is None:
        return value
    value = _XML_ILLEGAL.sub("\ufffd", value)
    return (
        value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    )


def xml_attr(value: str, tab: str = "&#9;") -> str:
    """``value`` as an XML attribute value (between double quotes), escaped as libxml2 does.

    Tab, newline and carriage return become character references, so they survive attribute
    normalisation. ``tab="&#09;"`` escapes as Python's ElementTree does.

    Example:
        >>> xml_attr('say "hi"\\n')
        'say &quot;hi&quot;&#10;'
    """
    if _ATTR_SPECIAL(value) is None:
        return value
    value = _XML_ILLEGAL.sub("\ufffd", value)
    return (
        value.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("\t", tab)
        .replace("\n", "&#10;")
        .replace("\r", "&#13;")
    )


def json_attr(value: str, tab: str = "&#9;") -> str:
    """JSON text (from :func:`~newsgraph.export.values.dumps`) as an XML attribute value.

    The same as :func:`xml_attr`, quicker for JSON, which always holds quotes and never holds a
    raw control character.
    """
    if _JSON_SPECIAL(value) is None:
        return value.replace('"', "&quot;")
    return xml_attr(value, tab)


def flat_type(value: Any) -> str | None:
    """The XML Schema type GraphML and GEXF declare for ``value`` once flattened (``None``: the
    value is left out): ``boolean``, ``long``, ``double`` or ``string``, as NetworkX infers it."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "long"
    if isinstance(value, float):
        return "double"
    return "string"


def flatten_value(value: Any) -> str | int | float | bool | None:
    """One attribute value in a form GraphML and GEXF can hold."""
    if value is None or isinstance(value, _SCALARS):
        return value
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return _text(dumps(value))


def _flat(attrs: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in ((k, flatten_value(v)) for k, v in attrs.items()) if v is not None}


def flat_copy(
    graph: nx.MultiDiGraph,
    node_extra: Callable[[Mapping[str, Any]], Mapping[str, Any]] | None = None,
) -> nx.MultiDiGraph:
    """A copy of ``graph`` with every attribute flattened (node ids and edge keys unchanged).

    Holds the whole graph a second time: the streaming writers flatten one element at a time
    instead.
    """
    flat = nx.MultiDiGraph()
    flat.graph.update(_flat(graph.graph))
    for node, attrs in graph.nodes(data=True):
        values = _flat(attrs)
        if node_extra is not None:
            values.update(_flat(node_extra(attrs)))
        flat.add_node(_text(node), **values)
    for source, target, key, attrs in graph.edges(keys=True, data=True):
        flat.add_edge(_text(source), _text(target), key=key, **_flat(attrs))
    return flat
