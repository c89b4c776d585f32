"""Identify: one article, one node; one provider per domain; one topic per label, any spelling.

The rules (see "Identity" in the README):

- :func:`canonical_url` folds the many spellings of one article's URL into one: AMP-cache URLs are
  decoded to the origin URL, HTML entities unescaped, the scheme folded to https, the host
  lower-cased without ``www.`` and default ports, the fragment dropped, AMP markers and tracking
  parameters dropped, the remaining query parameters sorted and a trailing slash dropped.
- :func:`article_keys` joins every mention of an article (a whole file, or an item of a ``related``
  list) whose webUrl or AMP URLs share a canonical form (union-find). ``originalUrl`` is not an
  identity: it stands in for webUrl only where webUrl is missing.
- :func:`provider_key` is the normalised domain; :func:`topic_key` the case-folded label.

URL parsing and percent-encoding are yarl's; only the rules are written here.
"""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

from yarl import URL

from newsgraph.model import Article

__all__ = [
    "TRACKING_PARAMETERS",
    "Identity",
    "article_keys",
    "canonical_url",
    "identity",
    "identity_urls",
    "is_web_url",
    "mention_identities",
    "provider_key",
    "topic_key",
]

TRACKING_PARAMETERS: frozenset[str] = frozenset(
    ["fbclid", "gclid", "mc_cid", "mc_eid", "ocid", "cmpid"]
)
_TRACKING_PREFIXES = ("utm_", "itm_")
# (parameter, values) pairs dropped only with these values; "" stands for a bare key (``?amp``).
_VALUED_MARKERS = {
    "amp": {"", "1", "true"},
    "_amp": {"", "1", "true"},
    "outputtype": {"amp"},
    "partner": {"rss"},
}
# Tracking parameters that only some hosts use; elsewhere the same name can select content.
_HOST_TRACKING = {"medium.com": frozenset(["source"])}
_AMP_CACHE_SUFFIX = ".cdn.ampproject.org"
# A character reference closed by ";". Legacy references without one (``&copy``, ``&reg``) are left
# alone: in a URL they are query parameters (``&region=us``), not escapes.
_CHAR_REF = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")


# A URL that parsing and percent-encoding would leave as it is: http(s), a plain host name, a
# path of unreserved characters without dot segments, no port, query, fragment or reference.
# Most article URLs are like this, and for them the rules need no parser (about 10x faster than
# yarl; tests check both ways agree).
_PLAIN_URL = re.compile(
    r"(?i:https?)://([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*)"
    r"((?:/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)*/?)"
)


def is_web_url(text: str) -> bool:
    """True for an absolute http(s) URL with a host: the loader's check of every URL field.

    Example:
        >>> is_web_url("https://example.com/a?b=1"), is_web_url("example.com/a")
        (True, False)
    """
    if _PLAIN_URL.fullmatch(text):
        return True
    try:
        parsed = URL(text)
        return parsed.scheme.lower() in ("http", "https") and bool(parsed.raw_host)
    except (ValueError, TypeError, UnicodeError):
        return False


@lru_cache(maxsize=1 << 16)
def canonical_url(url: str) -> str | None:
    """The canonical form of an article URL, or ``None`` when it is not an absolute http(s) URL.

    Results are cached: related lists name the same articles over and over.

    Example:
        >>> canonical_url(
        ...     "https://www-theglobeandmail-com.cdn.ampproject.org/c/s/www.theglobeandmail.com"
        ...     "/amp/canada/article-bc/?utm_source=rss&b=2&a=1#top"
        ... )
        'https://theglobeandmail.com/canada/article-bc?a=1&b=2'
    """
    plain = _PLAIN_URL.fullmatch(url.strip())
    if plain is not None:
        host = _strip_www(plain.group(1).lower())
        if not host.endswith(_AMP_CACHE_SUFFIX):
            return f"https://{host}{_strip_amp_path(plain.group(2))}"
    return _parsed_canonical_url(url)


def _parsed_canonical_url(url: str) -> str | None:
    """:func:`canonical_url` through yarl's parser: any URL."""
    try:
        parsed = URL(_unescape(url.strip()))
        scheme = parsed.scheme.lower()
        host = (parsed.raw_host or "").lower().rstrip(".")
    except (ValueError, TypeError, UnicodeError):
        return None
    if scheme not in ("http", "https") or not host:
        return None
    if host.endswith(_AMP_CACHE_SUFFIX):
        origin = _amp_cache_origin(parsed)
        if origin is not None:
            return canonical_url(origin)
        # Not decodable: keep the cache path as it is, so that the result stays undecodable.
        path = parsed.raw_path.rstrip("/") or "/"
    else:
        path = _strip_amp_path(parsed.raw_path)
    host = _strip_www(host)
    port = parsed.explicit_port
    if port in (80, 443):
        port = None
    query = [(k, v) for k, v in parsed.query.items() if not _is_dropped(k, v, host)]
    query_string = parsed.with_query(sorted(query)).raw_query_string if query else ""
    try:
        # Built unencoded first so that yarl checks the host (no spaces, brackets for IPv6).
        authority = URL.build(scheme="https", host=host, port=port).raw_authority
        return str(
            URL.build(
                scheme="https",
                authority=authority,
                path=path,
                query_string=query_string,
                encoded=True,
            )
        )
    except (ValueError, UnicodeError):
        return None


def _unescape(text: str) -> str:
    """Unescape ``;``-closed HTML character references, repeatedly (feeds double-escape them)."""
    while True:
        unescaped = _CHAR_REF.sub(lambda m: html.unescape(m.group()), text)
        if unescaped == text:
            return text
        text = unescaped


def _strip_www(host: str) -> str:
    while host.startswith("www."):
        host = host[len("www.") :]
    return host


def _amp_cache_origin(url: URL) -> str | None:
    """``https://<host-dashed>.cdn.ampproject.org/c/s/<host>/<path>`` -> ``https://<host>/<path>``.

    The cache also serves viewer (``/v/``) and image (``/i/``) URLs the same way; without the
    ``s`` segment the origin is plain http.
    """
    segments = url.raw_path.split("/")[1:]
    if len(segments) < 2 or segments[0] not in ("c", "v", "i"):
        return None
    scheme = "http"
    if segments[1] == "s":
        scheme, segments = "https", segments[1:]
    rest = "/".join(segments[1:])
    if not rest:
        return None
    query = f"?{url.raw_query_string}" if url.raw_query_string else ""
    return f"{scheme}://{rest}{query}"


def _strip_amp_path(raw_path: str) -> str:
    """Drop ``amp`` segments, ``.amp`` and trailing slashes, ``.amp.html`` -> ``.html``, until
    none is left (``/story.amp/`` -> ``/story``)."""
    while True:
        segments = [s for s in raw_path.rstrip("/").split("/") if s.lower() != "amp"]
        last = segments[-1] if segments else ""
        lowered = last.lower()
        if lowered.endswith(".amp.html"):
            last = last[: -len(".amp.html")] + ".html"
        elif lowered.endswith(".amp"):
            last = last[: -len(".amp")]
        path = "/".join([*segments[:-1], last]).rstrip("/")
        if not path.startswith("/"):
            path = "/" + path
        if path == raw_path:
            return path
        raw_path = path


def _is_dropped(key: str, value: str, host: str) -> bool:
    lowered = key.lower()
    if lowered.startswith(_TRACKING_PREFIXES) or lowered in TRACKING_PARAMETERS:
        return True
    if value.lower() in _VALUED_MARKERS.get(lowered, ()):
        return True
    for domain, names in _HOST_TRACKING.items():
        if (host == domain or host.endswith("." + domain)) and lowered in names:
            return True
    return False


def identity_urls(article: Article) -> list[str]:
    """The canonical URLs an article is known by: webUrl (else originalUrl) and its AMP URLs."""
    return identity(article)[1]


def topic_key(label: str) -> str:
    """Unicode-normalised (NFKC), case-folded, whitespace-collapsed label.

    Normalised again after folding, as case folding can undo NFKC (``"\\u00df\\u0301"`` folds to
    ``"ss\\u0301"``, which composes to ``"s\\u015b"``).

    Example:
        >>> topic_key("  Computer\\u00a0 VISION ")
        'computer vision'
    """
    folded = unicodedata.normalize("NFKC", label).casefold()
    return " ".join(unicodedata.normalize("NFKC", folded).split())


@lru_cache(maxsize=1 << 14)
def _host(text: str | None) -> str | None:
    if not text or not text.strip():
        return None
    text = text.strip()
    if "://" not in text:
        text = "https://" + text.lstrip("/")
    try:
        host = (URL(text).raw_host or "").lower().rstrip(".")
    except (ValueError, TypeError, UnicodeError):
        return None
    host = _strip_www(host)
    return host or None


def provider_key(
    domain: str | None, web_url: str | None = None, name: str | None = None
) -> str | None:
    """The key of a provider: the host of its domain, else of the article's URL, else its name.

    A domain given as a whole URL or URL path is reduced to its host.

    Example:
        >>> provider_key("cbsnews.com/news/u-s-probing-autopilot-problems/")
        'cbsnews.com'
        >>> provider_key(None, "https://www.washingtonpost.com/technology/x")
        'washingtonpost.com'
    """
    host = _host(domain) or _host(web_url)
    if host:
        return host
    if name and name.strip():
        return "name:" + topic_key(name)
    return None


def _title_key(article: Article) -> str:
    """A stable key for a record that has a title but no URL at all."""
    provider = article.provider
    basis = "\n".join(
        [
            topic_key(article.title or ""),
            provider_key(provider.domain, None, provider.name) or "" if provider else "",
        ]
    )
    return "urn:newsgraph:title:" + hashlib.sha256(basis.encode()).hexdigest()[:24]


Identity = tuple[str | None, list[str]]
"""A mention's canonical webUrl (``None`` without one) and all its canonical identity URLs."""


def identity(article: Article) -> Identity:
    """The canonical webUrl and identity URLs of one mention (see :func:`identity_urls`)."""
    primary = canonical_url(article.web_url) if article.web_url else None
    others = [article.amp_web_url, article.cdn_amp_web_url]
    if not article.web_url:  # originalUrl stands in for a missing webUrl, never beside one
        others.append(article.original_url)
    urls = {primary, *(canonical_url(u) for u in others if u)}
    return primary, sorted(u for u in urls if u)


def mention_identities(record: Article) -> list[Identity]:
    """:func:`identity` of a whole-file record, then of each item of its ``related`` list.

    The loader computes these in its worker processes, next to parsing, so that the build does
    not have to.
    """
    return [identity(record), *(identity(item) for item in record.related)]


def article_keys(
    mentions: Sequence[Article], identities: Sequence[Identity] | None = None
) -> list[str]:
    """The article key of each mention: mentions that share an identity URL get the same key.

    The key is the smallest canonical webUrl among the group's whole-file records, else among all
    its mentions, else its smallest identity URL, so it does not depend on the input order.
    ``identities`` may pass :func:`identity` of each mention when the caller has them already.

    Example:
        >>> from newsgraph.model import Article
        >>> article_keys([
        ...     Article("a.md", web_url="https://x.com/s", amp_web_url="https://x.com/amp/s2"),
        ...     Article("b.md", web_url="https://x.com/s2?utm_source=feed"),
        ...     Article("c.md", web_url="https://y.com/t"),
        ... ])
        ['https://x.com/s', 'https://x.com/s', 'https://y.com/t']
    """
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:  # path compression
            parent[x], x = root, parent[x]
        return root

    if identities is None:
        identities = [identity(m) for m in mentions]
    mention_urls: list[list[str]] = []
    for mention, (_, found) in zip(mentions, identities, strict=True):
        urls = found or [_title_key(mention)]
        mention_urls.append(urls)
        for url in urls:
            parent.setdefault(url, url)
        first = find(urls[0])
        for url in urls[1:]:
            root = find(url)
            if root != first:
                parent[max(root, first)] = min(root, first)
                first = min(root, first)

    # Choose each group's key from its mentions' primary (webUrl) forms, preferring whole files.
    best: dict[str, tuple[int, str]] = {}
    for mention, urls, (primary, _) in zip(mentions, mention_urls, identities, strict=True):
        candidate = (0 if not mention.is_related_item else 1, primary) if primary else (2, urls[0])
        root = find(urls[0])
        if root not in best or candidate < best[root]:
            best[root] = candidate
    return [best[find(urls[0])][1] for urls in mention_urls]
