"""Identity: canonical URLs, provider and topic keys, and the merging of article mentions.

Explicit examples are URL strings copied from the seed and from the real corpus in
``../shared/corpus/everyday-ai`` (the corpus itself is read, never copied; the tests that need it
skip when it is absent). Properties are checked with Hypothesis.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import newsgraph
from newsgraph.identify import (
    _parsed_canonical_url,
    article_keys,
    canonical_url,
    identity_urls,
    is_web_url,
    mention_identities,
    provider_key,
    topic_key,
)
from newsgraph.model import Article, Provider

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "everyday-ai"
SEED = ROOT / "seeds" / "000_ed631ec3a911a005.txt"
BUILT_AT = datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)

needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not here")


# --- canonical_url: real examples ---------------------------------------------------------------

# (canonical form, spellings of the same article found in the seed and the corpus)
REAL_SPELLINGS = [
    pytest.param(
        "https://natlawreview.com/article/"
        "city-baltimore-may-criminalize-use-facial-recognition-technologies-businesses",
        [
            "https://www.natlawreview.com/article/"
            "city-baltimore-may-criminalize-use-facial-recognition-technologies-businesses",
            "https://www.natlawreview.com/article/"
            "city-baltimore-may-criminalize-use-facial-recognition-technologies-businesses?amp",
            "https://www-natlawreview-com.cdn.ampproject.org/c/s/www.natlawreview.com/article/"
            "city-baltimore-may-criminalize-use-facial-recognition-technologies-businesses?amp",
        ],
        id="seed-natlawreview-?amp-and-cdn",
    ),
    pytest.param(
        "https://theglobeandmail.com/canada/british-columbia/"
        "article-bc-privacy-commissioner-considering-investigation-of-liberal-party-use",
        [
            "https://www.theglobeandmail.com/canada/british-columbia/"
            "article-bc-privacy-commissioner-considering-investigation-of-liberal-party-use/",
            "https://www.theglobeandmail.com/amp/canada/british-columbia/"
            "article-bc-privacy-commissioner-considering-investigation-of-liberal-party-use/",
            "https://www-theglobeandmail-com.cdn.ampproject.org/c/s/www.theglobeandmail.com/amp/"
            "canada/british-columbia/"
            "article-bc-privacy-commissioner-considering-investigation-of-liberal-party-use/",
        ],
        id="seed-globeandmail-/amp/-and-cdn",
    ),
    pytest.param(
        "https://theglobeandmail.com/politics/"
        "article-civil-liberties-group-urges-liberal-party-to-stop-using-facial",
        [
            "https://www.theglobeandmail.com/politics/"
            "article-civil-liberties-group-urges-liberal-party-to-stop-using-facial/",
        ],
        id="seed-record",
    ),
    pytest.param(
        "https://washingtonpost.com/technology/2019/12/19/"
        "federal-study-confirms-racial-bias-many-facial-recognition-systems-casts-doubt-their-"
        "expanding-use",
        [
            # the corpus spells the webUrl with a trailing slash; the slash-less form is the same
            "https://www.washingtonpost.com/technology/2019/12/19/"
            "federal-study-confirms-racial-bias-many-facial-recognition-systems-casts-doubt-their-"
            "expanding-use/",
            "https://www.washingtonpost.com/technology/2019/12/19/"
            "federal-study-confirms-racial-bias-many-facial-recognition-systems-casts-doubt-their-"
            "expanding-use",
            "https://www.washingtonpost.com/technology/2019/12/19/"
            "federal-study-confirms-racial-bias-many-facial-recognition-systems-casts-doubt-their-"
            "expanding-use/?outputType=amp",
            "https://www-washingtonpost-com.cdn.ampproject.org/c/s/www.washingtonpost.com/"
            "technology/2019/12/19/"
            "federal-study-confirms-racial-bias-many-facial-recognition-systems-casts-doubt-their-"
            "expanding-use/?outputType=amp",
        ],
        id="washingtonpost-outputType=amp-trailing-slash",
    ),
    pytest.param(
        "https://washingtonpost.com/technology/2020/06/10/amazon-rekognition-police",
        [
            "https://www.washingtonpost.com/technology/2020/06/10/amazon-rekognition-police/",
            "https://www.washingtonpost.com/technology/2020/06/10/amazon-rekognition-police"
            "/?outputType=amp",
            "https://www-washingtonpost-com.cdn.ampproject.org/c/s/www.washingtonpost.com/"
            "technology/2020/06/10/amazon-rekognition-police/?outputType=amp",
        ],
        id="washingtonpost-rekognition",
    ),
    pytest.param(
        "https://chicagotribune.com/consumer-reviews/"
        "sns-facial-recognition-bias-20191226-cldfnnmqbzf6lp5w622jnw7oga-story.html",
        [
            "https://www.chicagotribune.com/consumer-reviews/"
            "sns-facial-recognition-bias-20191226-cldfnnmqbzf6lp5w622jnw7oga-story.html",
            "https://www.chicagotribune.com/consumer-reviews/"
            "sns-facial-recognition-bias-20191226-cldfnnmqbzf6lp5w622jnw7oga-story.html"
            "?outputType=amp",
            "https://www-chicagotribune-com.cdn.ampproject.org/c/s/www.chicagotribune.com/"
            "consumer-reviews/"
            "sns-facial-recognition-bias-20191226-cldfnnmqbzf6lp5w622jnw7oga-story.html"
            "?outputType=amp",
        ],
        id="chicagotribune-outputType=amp",
    ),
    pytest.param(
        "https://computerweekly.com/feature/How-Pegasystems-is-capturing-the-Fortune-500",
        [
            "https://www.computerweekly.com/feature/How-Pegasystems-is-capturing-the-Fortune-500",
            "https://www.computerweekly.com/feature/How-Pegasystems-is-capturing-the-Fortune-500"
            "?amp=1",
            "https://www-computerweekly-com.cdn.ampproject.org/c/s/www.computerweekly.com/feature/"
            "How-Pegasystems-is-capturing-the-Fortune-500?amp=1",
        ],
        id="computerweekly-amp=1-path-case-kept",
    ),
    pytest.param(
        "https://pcmag.com/news/samsung-prepares-neon-ai-for-ces-debut",
        [
            "https://www.pcmag.com/news/samsung-prepares-neon-ai-for-ces-debut?amp=true",
            "https://www-pcmag-com.cdn.ampproject.org/c/s/www.pcmag.com/news/"
            "samsung-prepares-neon-ai-for-ces-debut?amp=true",
        ],
        id="pcmag-amp=true",
    ),
    pytest.param(
        "https://govtech.com/security/settlement-clearview-ai-to-limit-sales-of-biometric-database",
        [
            "https://www.govtech.com/security/"
            "settlement-clearview-ai-to-limit-sales-of-biometric-database",
            "https://www.govtech.com/security/"
            "settlement-clearview-ai-to-limit-sales-of-biometric-database?_amp=true",
            "https://www-govtech-com.cdn.ampproject.org/c/s/www.govtech.com/security/"
            "settlement-clearview-ai-to-limit-sales-of-biometric-database?_amp=true",
        ],
        id="govtech-_amp=true",
    ),
    pytest.param(
        "https://nytimes.com/2020/06/09/technology/facial-recognition-software.html",
        [
            "https://www.nytimes.com/2020/06/09/technology/facial-recognition-software.html",
            "https://www.nytimes.com/2020/06/09/technology/facial-recognition-software.amp.html",
            "https://www-nytimes-com.cdn.ampproject.org/c/s/www.nytimes.com/2020/06/09/technology/"
            "facial-recognition-software.amp.html",
        ],
        id="nytimes-.amp.html",
    ),
    pytest.param(
        "https://networkworld.com/article/3672237/"
        "us-blocks-sale-of-some-nvidia-and-amd-chips-to-china.html",
        [
            "https://www.networkworld.com/article/3672237/"
            "us-blocks-sale-of-some-nvidia-and-amd-chips-to-china.html",
            "https://www.networkworld.com/article/3672237/"
            "us-blocks-sale-of-some-nvidia-and-amd-chips-to-china.amp.html",
            "https://www-networkworld-com.cdn.ampproject.org/c/s/www.networkworld.com/article/"
            "3672237/us-blocks-sale-of-some-nvidia-and-amd-chips-to-china.amp.html",
        ],
        id="networkworld-.amp.html",
    ),
    pytest.param(
        "https://medium.com/trueface-ai/"
        "computer-vision-and-the-ccpa-what-you-need-to-know-928477de0601",
        [
            "https://medium.com/trueface-ai/"
            "computer-vision-and-the-ccpa-what-you-need-to-know-928477de0601"
            "?source=topic_page---------2------------------1",
        ],
        id="medium-source-tracking",
    ),
    pytest.param(
        "https://digitaltrends.com/news/"
        "amazon-bans-police-from-using-facial-recognition-tech-rekognition-for-1-year",
        [
            "https://www.digitaltrends.com/news/"
            "amazon-bans-police-from-using-facial-recognition-tech-rekognition-for-1-year/"
            "?itm_source=4&itm_content=2x4&itm_term=2376504",
        ],
        id="digitaltrends-itm_*",
    ),
    pytest.param(
        "https://fastcompany.com/90516450/"
        "ibm-microsoft-and-amazons-face-recognition-bans-dont-go-far-enough",
        [
            "https://www.fastcompany.com/90516450/"
            "ibm-microsoft-and-amazons-face-recognition-bans-dont-go-far-enough?partner=rss",
        ],
        id="fastcompany-partner=rss",
    ),
    pytest.param(
        "https://venturebeat.com/wp-content/uploads/2020/06/rep-jimmy-gomez.jpg?strip=all&w=1200",
        [
            "https://venturebeat.com/wp-content/uploads/2020/06/rep-jimmy-gomez.jpg?w=1200&#038;strip=all"
        ],
        id="venturebeat-&#038;-unescaped-and-sorted",
    ),
]


@pytest.mark.parametrize(("canonical", "spellings"), REAL_SPELLINGS)
def test_real_spellings_share_one_canonical_url(canonical: str, spellings: list[str]) -> None:
    assert [canonical_url(u) for u in spellings] == [canonical] * len(spellings)
    assert canonical_url(canonical) == canonical


def test_medicalxpress_amp_is_not_folded_by_the_url_alone() -> None:
    web = "https://medicalxpress.com/news/2019-12-artificial-intelligence-tracks-leukemia.html"
    amp = "https://medicalxpress.com/news/2019-12-artificial-intelligence-tracks-leukemia.amp"
    cdn = (
        "https://medicalxpress-com.cdn.ampproject.org/c/s/medicalxpress.com/news/"
        "2019-12-artificial-intelligence-tracks-leukemia.amp"
    )
    assert canonical_url(web) == web
    assert canonical_url(amp) == canonical_url(cdn) != canonical_url(web)
    # ... they are one article because one record lists both: a later mention of the AMP URL alone
    # (as a related item elsewhere) joins the record.
    record = Article("a.md", title="Leukemia", web_url=web, amp_web_url=amp, cdn_amp_web_url=cdn)
    related = Article("b.md", title="Leukemia", web_url=amp, rank=3)
    other = Article("c.md", title="Other", web_url="https://medicalxpress.com/news/other.html")
    assert identity_urls(record) == sorted(
        {web, "https://medicalxpress.com/news/2019-12-artificial-intelligence-tracks-leukemia"}
    )
    assert article_keys([related, other, record]) == [web, other.web_url, web]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://example.com/a/b", "https://example.com/a/b"),
        ("HTTP://Example.COM/A/b", "https://example.com/A/b"),
        ("https://WWW.Example.com/a", "https://example.com/a"),
        ("https://www.example.com:443/a", "https://example.com/a"),
        ("http://www.example.com:80/a", "https://example.com/a"),
        ("https://example.com:8080/a", "https://example.com:8080/a"),
        ("https://example.com/a#section-2", "https://example.com/a"),
        (
            "https://example.com/a?utm_source=rss&utm_medium=feed&UTM_Campaign=x",
            "https://example.com/a",
        ),
        ("https://example.com/a?itm_source=4&itm_term=5", "https://example.com/a"),
        ("https://example.com/a?id=7&fbclid=IwAR0abc", "https://example.com/a?id=7"),
        ("https://example.com/a?gclid=xyz&mc_cid=1&mc_eid=2", "https://example.com/a"),
        ("https://example.com/a?ocid=msn&cmpid=rss", "https://example.com/a"),
        ("https://example.com/a?partner=rss", "https://example.com/a"),
        ("https://example.com/a?partner=acme", "https://example.com/a?partner=acme"),
        ("https://example.com/a?amp", "https://example.com/a"),
        ("https://example.com/a?amp=1", "https://example.com/a"),
        ("https://example.com/a?amp=true", "https://example.com/a"),
        ("https://example.com/a?_amp=true", "https://example.com/a"),
        ("https://example.com/a?outputType=amp", "https://example.com/a"),
        ("https://example.com/a?outputType=print", "https://example.com/a?outputType=print"),
        ("https://example.com/amp/a", "https://example.com/a"),
        ("https://example.com/a/amp/", "https://example.com/a"),
        ("https://example.com/a.amp", "https://example.com/a"),
        ("https://example.com/a.amp.html", "https://example.com/a.html"),
        ("https://example.com/a.AMP.HTML", "https://example.com/a.html"),
        ("https://example.com/a?b=2&#038;a=1", "https://example.com/a?a=1&b=2"),
        ("https://example.com/a?b=2&amp;a=1", "https://example.com/a?a=1&b=2"),
        ("https://example.com/a?b=2&amp;#038;a=1", "https://example.com/a?a=1&b=2"),
        ("https://example.com/a?z=1&b=2&a=3&b=1", "https://example.com/a?a=3&b=1&b=2&z=1"),
        ("https://example.com/a/", "https://example.com/a"),
        ("https://example.com/a//", "https://example.com/a"),
        ("https://example.com/", "https://example.com/"),
        ("https://example.com", "https://example.com/"),
        ("https://www.example.com/?utm_source=x", "https://example.com/"),
        ("  https://example.com/a  ", "https://example.com/a"),
        # medium's "source" is tracking; elsewhere a parameter of that name is kept
        ("https://medium.com/p/x?source=rss----1", "https://medium.com/p/x"),
        ("https://blog.medium.com/x?source=a", "https://blog.medium.com/x"),
        ("https://example.com/x?source=a", "https://example.com/x?source=a"),
        # legacy entity names without ";" are query parameters, not escapes
        ("https://example.com/a?lang=en&region=us", "https://example.com/a?lang=en&region=us"),
        (
            "https://example.com/a?copy=1&not=2&section=3",
            "https://example.com/a?copy=1&not=2&section=3",
        ),
        ("https://example.com/a?x=1&para=2&times=3", "https://example.com/a?para=2&times=3&x=1"),
        # AMP-cache forms: /c/s/ is https, /c/ alone is http, /v/ is the viewer
        ("https://example-com.cdn.ampproject.org/c/s/example.com/a?amp=1", "https://example.com/a"),
        ("https://example-com.cdn.ampproject.org/c/example.com/a", "https://example.com/a"),
        (
            "https://example-com.cdn.ampproject.org/v/s/www.example.com/amp/a",
            "https://example.com/a",
        ),
        (
            "https://example-com.cdn.ampproject.org/c/s/example.com/a?b=2&a=1&utm_source=x#f",
            "https://example.com/a?a=1&b=2",
        ),
        # found by the properties below: each of these used to change again when canonicalised
        ("https://example.com/story.amp/", "https://example.com/story"),
        ("https://example.com/amp.amp", "https://example.com/"),
        ("https://www.www.example.com/a", "https://example.com/a"),
        ("https://example.com/a&amp;amp;b", "https://example.com/a&b"),
        (  # not decodable: the cache path is kept, "amp" segment included
            "https://x-com.cdn.ampproject.org/amp/c/s/example.com/a",
            "https://x-com.cdn.ampproject.org/amp/c/s/example.com/a",
        ),
        ("http://[2001:db8::1]:8080/a/", "https://[2001:db8::1]:8080/a"),
    ],
)
def test_canonical_url_rules(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


@pytest.mark.parametrize(
    "url",
    [
        "",
        "   ",
        "garbage",
        "example.com/a",
        "//example.com/a",
        "/a/b",
        "ftp://example.com/a",
        "mailto:someone@example.com",
        "javascript:alert(1)",
        "file:///etc/passwd",
        "data:text/html,hi",
        "http://",
        "https:///a",
        "https://example.com:99999/a",
        "https://example.com:port/a",
        "https://exa mple.com/a",
    ],
)
def test_canonical_url_rejects_what_is_not_an_http_url(url: str) -> None:
    assert canonical_url(url) is None


@needs_corpus
def test_corpus_urls_are_canonical_and_cdn_forms_match_amp_forms() -> None:
    mentions = [m for a in _corpus_records() for m in (a, *a.related)]
    urls = [
        u
        for m in mentions
        for u in (m.web_url, m.original_url, m.amp_web_url, m.cdn_amp_web_url)
        if u is not None
    ]
    assert len(urls) > 500
    canonical = [canonical_url(u) for u in urls]
    assert None not in canonical
    assert all(canonical_url(c) == c for c in canonical if c is not None)
    pairs = [(m.amp_web_url, m.cdn_amp_web_url) for m in mentions if m.cdn_amp_web_url]
    assert len(pairs) > 50
    assert all(amp is not None and canonical_url(amp) == canonical_url(cdn) for amp, cdn in pairs)


# --- provider_key and topic_key ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("domain", "web_url", "name", "expected"),
    [
        (
            "cbsnews.com/news/u-s-probing-autopilot-problems-on-765000-tesla-vehicles/",
            "https://www.cbsnews.com/news/u-s-probing-autopilot-problems-on-765000-tesla-vehicles/",
            "cbsnews.com/news/u-s-probing-autopilot-problems-on-765000-tesla-vehicles/",
            "cbsnews.com",
        ),
        ("theglobeandmail.com", None, "The Globe and Mail", "theglobeandmail.com"),
        ("www.washingtonpost.com", None, None, "washingtonpost.com"),
        ("WWW.NatLawReview.com", None, None, "natlawreview.com"),
        ("https://www.natlawreview.com/article/x", None, None, "natlawreview.com"),
        ("//www.example.com/x", None, None, "example.com"),
        ("example.com.", None, None, "example.com"),
        ("www.www.example.com", None, None, "example.com"),
        ("auto.hindustantimes.com", None, None, "auto.hindustantimes.com"),
        # the domain wins over the article's host
        ("theglobeandmail.com", "https://cdn.example.net/x", None, "theglobeandmail.com"),
        # no usable domain: the web URL's host
        (
            None,
            "https://www.washingtonpost.com/technology/x",
            "Washington Post",
            "washingtonpost.com",
        ),
        ("", "https://www.washingtonpost.com/technology/x", None, "washingtonpost.com"),
        ("  ", "https://www.washingtonpost.com/technology/x", None, "washingtonpost.com"),
        ("http://", "https://www.washingtonpost.com/technology/x", None, "washingtonpost.com"),
        # neither: the name
        (None, None, "The Globe and Mail", "name:the globe and mail"),
        (None, None, "  The  Globe\u00a0and MAIL ", "name:the globe and mail"),
        ("", "", "The Globe and Mail", "name:the globe and mail"),
        (None, None, None, None),
        (None, None, "   ", None),
    ],
)
def test_provider_key(
    domain: str | None, web_url: str | None, name: str | None, expected: str | None
) -> None:
    assert provider_key(domain, web_url, name) == expected


@needs_corpus
def test_corpus_provider_keys_are_hosts() -> None:
    keys = {
        provider_key(m.provider.domain, m.web_url, m.provider.name)
        for a in _corpus_records()
        for m in (a, *a.related)
        if m.provider is not None
    }
    assert len(keys) > 100
    for key in keys:
        assert key is not None
        assert key == key.lower()
        assert not key.startswith(("www.", "name:"))
        assert "/" not in key and ":" not in key


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Computer Vision", "computer vision"),
        ("COMPUTER VISION", "computer vision"),
        ("  Computer\u00a0 VISION ", "computer vision"),
        ("Computer\tVision\n", "computer vision"),
        ("AI", "ai"),
        ("\uff21\uff29", "ai"),  # full-width letters (NFKC)
        ("\ufb01ne-tuning", "fine-tuning"),  # the fi ligature (NFKC)
        ("Stra\u00dfe", "strasse"),  # case folding, not lower()
        ("Cafe\u0301", "caf\u00e9"),  # combining accent composed (NFKC)
        ("\u00df\u0301", "s\u015b"),  # folded to "ss\u0301", composed again
        ("SS\u0301", "s\u015b"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_topic_key(label: str, expected: str) -> None:
    assert topic_key(label) == expected


# --- properties ----------------------------------------------------------------------------------

_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_", min_size=1, max_size=8)
_LABEL = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?", fullmatch=True)
_PERCENT = st.integers(0, 255).map(lambda b: f"%{b:02X}")
_UNICODE = st.text(
    alphabet=st.characters(categories=["L", "N"], exclude_characters="/?#%"), min_size=1, max_size=4
)
_PIECE = st.one_of(
    _WORD,
    _PERCENT,
    _UNICODE,
    st.sampled_from(
        ["amp", "AMP", ".amp", ".amp.html", ".html", "~", "!", "&", ";", "=", "+", "@"]
    ),
)
_SEGMENT = st.one_of(
    st.sampled_from(["amp", "AMP", "", "index.html", "story.amp", "story.amp.html", "google-amp"]),
    st.lists(_PIECE, min_size=1, max_size=4).map("".join),
).filter(lambda s: s not in (".", ".."))
_KEY = st.one_of(
    st.sampled_from(
        [
            "utm_source",
            "utm_medium",
            "UTM_Campaign",
            "itm_source",
            "fbclid",
            "gclid",
            "mc_cid",
            "mc_eid",
            "ocid",
            "cmpid",
            "partner",
            "amp",
            "_amp",
            "outputType",
            "source",
            "id",
            "page",
            "q",
        ]
    ),
    _WORD,
)
_VALUE = st.one_of(
    st.sampled_from(
        ["", "1", "true", "rss", "amp", "AMP", "a b", "a+b", "%2F", "%26", "caf\u00e9"]
    ),
    _WORD,
    _PERCENT,
)
_PARAM = st.one_of(_KEY, st.tuples(_KEY, _VALUE).map("=".join))


@st.composite
def realistic_urls(draw: st.DrawFn) -> str:
    """URLs as feeds spell them: any case, www or not, ports, AMP markers, tracking parameters,
    entity-escaped separators, fragments, and AMP-cache wrapping."""
    labels = draw(st.lists(_LABEL, min_size=1, max_size=3))
    host = ".".join([*labels, draw(st.sampled_from(["com", "org", "co.uk", "de", "net"]))])
    if draw(st.booleans()):
        host = draw(st.sampled_from(["www.", "WWW.", "Www."])) + host
    if draw(st.booleans()):
        host = host.upper()
    path = "/" + "/".join(draw(st.lists(_SEGMENT, max_size=5)))
    if draw(st.booleans()):
        path += "/"
    params = draw(st.lists(_PARAM, max_size=5))
    separator = draw(st.sampled_from(["&", "&#038;", "&amp;"]))
    query = "?" + separator.join(params) if params or draw(st.booleans()) else ""
    fragment = draw(st.sampled_from(["", "#", "#top", "#comments-1"]))
    if draw(st.booleans()):
        wrapped = draw(st.sampled_from(["c/s", "v/s", "c"]))
        cache = host.lower().replace(".", "-")
        return f"https://{cache}.cdn.ampproject.org/{wrapped}/{host}{path}{query}{fragment}"
    scheme = draw(st.sampled_from(["http", "https", "HTTP", "HTTPS", "Https"]))
    port = draw(st.sampled_from(["", "", ":80", ":443", ":8080"]))
    return f"{scheme}://{host}{port}{path}{query}{fragment}"


def _check_canonical(url: str) -> None:
    canonical = canonical_url(url)
    if canonical is not None:
        assert canonical.startswith("https://")
        assert "#" not in canonical
        assert canonical_url(canonical) == canonical


@settings(max_examples=400)
@given(realistic_urls())
def test_canonical_url_is_idempotent_on_realistic_urls(url: str) -> None:
    _check_canonical(url)


@settings(max_examples=300)
@given(
    st.one_of(
        st.text(), st.tuples(st.sampled_from(["http://", "https://"]), st.text()).map("".join)
    )
)
def test_canonical_url_is_idempotent_on_noise(text: str) -> None:
    _check_canonical(text)


_PLAIN_CHARS = st.text("abcAMPZ09-._~/", max_size=30)


@settings(max_examples=500)
@given(
    st.sampled_from(["http://", "https://", "HTTPS://", "http://www.", "https://WWW.www."]),
    st.sampled_from(["example.com", "a-b.co.uk", "x.cdn.ampproject.org", "1.2.3.4", "amp.com"]),
    _PLAIN_CHARS,
)
def test_plain_url_fast_path_agrees_with_the_parser(scheme: str, host: str, path: str) -> None:
    url = f"{scheme}{host}/{path}"
    assert canonical_url(url) == _parsed_canonical_url(url)
    assert is_web_url(url) == (_parsed_canonical_url(url) is not None)


@settings(max_examples=200)
@given(realistic_urls())
def test_fast_path_agrees_with_the_parser_on_realistic_urls(url: str) -> None:
    assert canonical_url(url) == _parsed_canonical_url(url)


def test_mention_identities_cover_the_record_then_its_related_items() -> None:
    record = newsgraph.load_file(SEED).article
    assert record is not None
    found = mention_identities(record)
    assert len(found) == 1 + len(record.related)
    assert found[0][0] == canonical_url(record.web_url or "")
    assert [f[0] for f in found[1:]] == [canonical_url(r.web_url or "") for r in record.related]


_SPELLING = st.sampled_from(
    [
        lambda u: u.replace("https://", "http://", 1),
        lambda u: u.replace("https://", "https://www.", 1),
        lambda u: u.replace("https://", "HTTPS://WWW.", 1),
        lambda u: u + "#frag",
        lambda u: u + ("&" if "?" in u else "?") + "utm_source=feed&fbclid=abc",
        lambda u: u + ("&#038;" if "?" in u else "?") + "amp=1",
        lambda u: _amp_cache(u),
    ]
)


def _amp_cache(url: str) -> str:
    """The AMP-cache URL of ``url``: ``/c/s/<host>/...`` for https, ``/c/<host>/...`` for http."""
    scheme, rest = url.split("://", 1)
    wrapped = "c/s" if scheme.lower() == "https" else "c"
    return f"https://x-com.cdn.ampproject.org/{wrapped}/{rest}"


@settings(max_examples=300)
@given(realistic_urls(), st.lists(_SPELLING, max_size=4))
def test_respelling_a_canonical_url_keeps_it(url: str, respell: list) -> None:
    canonical = canonical_url(url)
    if canonical is None:
        return
    spelled = canonical
    for function in respell:
        spelled = function(spelled)
    assert canonical_url(spelled) == canonical


@given(st.text())
def test_topic_key_is_idempotent(label: str) -> None:
    key = topic_key(label)
    assert topic_key(key) == key
    assert key == key.strip()
    assert "  " not in key


_POOL = [
    "https://www.example.com/story/",
    "https://example.com/story?amp=1",
    "https://example-com.cdn.ampproject.org/c/s/example.com/amp/story",
    "https://example.com/other.html",
    "https://example.com/other.amp.html",
    "http://news.example.org/a?utm_source=x",
    "https://news.example.org/a.amp",
    "https://news.example.org/b",
    "not a url",
]


@st.composite
def mentions(draw: st.DrawFn) -> Article:
    url = st.none() | st.sampled_from(_POOL)
    return Article(
        source=draw(st.sampled_from(["a.md", "b.md", "c.md"])),
        title=draw(st.none() | st.sampled_from(["Story", "story ", "Other"])),
        web_url=draw(url),
        original_url=draw(url),
        amp_web_url=draw(url),
        cdn_amp_web_url=draw(url),
        provider=draw(st.none() | st.builds(Provider, name=st.sampled_from(["Example", "X"]))),
        rank=draw(st.none() | st.integers(1, 3)),
    )


@given(st.lists(mentions(), max_size=10), st.data())
def test_article_keys_do_not_depend_on_order(mentions: list[Article], data: st.DataObject) -> None:
    keys = article_keys(mentions)
    order = data.draw(st.permutations(range(len(mentions))))
    shuffled = article_keys([mentions[i] for i in order])
    assert shuffled == [keys[i] for i in order]
    # mentions that share an identity URL share a key
    for i, first in enumerate(mentions):
        for j, second in enumerate(mentions):
            if set(identity_urls(first)) & set(identity_urls(second)):
                assert keys[i] == keys[j]


# --- the graph -----------------------------------------------------------------------------------

_CORPUS_RECORDS: list[Article] = []


def _corpus_records() -> list[Article]:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not here")
    if not _CORPUS_RECORDS:
        _CORPUS_RECORDS.extend(newsgraph.load_articles([CORPUS, SEED], jobs=1).articles)
    return _CORPUS_RECORDS


def _snapshot(graph: nx.MultiDiGraph) -> tuple[str, str, str]:
    """Nodes, edges and graph attributes, in insertion order, attribute order included."""
    return (
        repr(list(graph.nodes(data=True))),
        repr(list(graph.edges(keys=True, data=True))),
        repr(graph.graph),
    )


@pytest.fixture(scope="module")
def corpus_records() -> list[Article]:
    return _corpus_records()


@pytest.fixture(scope="module")
def corpus_snapshot(corpus_records: list[Article]) -> tuple[str, str, str]:
    return _snapshot(newsgraph.build_graph(corpus_records, built_at=BUILT_AT))


@needs_corpus
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_graph_does_not_depend_on_record_order(
    corpus_records: list[Article], corpus_snapshot: tuple[str, str, str], data: st.DataObject
) -> None:
    records = data.draw(st.permutations(corpus_records), label="records")
    graph = newsgraph.build_graph(records, built_at=BUILT_AT)
    nodes, edges, attributes = _snapshot(graph)
    assert nodes == corpus_snapshot[0]
    assert edges == corpus_snapshot[1]
    assert attributes == corpus_snapshot[2]


def test_a_record_listing_itself_gets_no_self_edge() -> None:
    provider = Provider(name="Example News", domain="example.com")
    record = Article(
        "self.md",
        title="A story",
        web_url="https://www.example.com/news/a-story/",
        amp_web_url="https://www.example.com/amp/news/a-story/",
        provider=provider,
        topics=("AI",),
        related=(
            Article(
                "self.md",
                title="A story (AMP)",
                web_url="https://www.example.com/amp/news/a-story/",
                provider=provider,
                rank=1,
            ),
            Article("self.md", title="Another story", web_url="https://example.org/b", rank=2),
        ),
    )
    graph = newsgraph.build_graph([record], built_at=BUILT_AT)
    node = "article:https://example.com/news/a-story"
    assert graph.graph["merges"]["self_links_dropped"] == 1
    assert not list(nx.selfloop_edges(graph))
    assert sorted(graph.edges(node, keys=True)) == [
        (node, "article:https://example.org/b", "related_to"),
        (node, "provider:example.com", "published_by"),
        (node, "topic:ai", "has_topic"),
    ]
    assert graph.nodes[node]["sources"] == [
        {"file": "self.md", "role": "record"},
        {"file": "self.md", "role": "related", "rank": 1},
    ]
