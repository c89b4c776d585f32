"""Write a deterministic synthetic corpus of news-metadata files in the real format.

    python bench/generate.py OUT --articles N [--seed S]

Shapes follow the real records in ../shared/corpus/everyday-ai: Zipf-distributed providers and
topics; about a quarter of the records list related items (1 to 40; on average 9), of which part
point at other records of the corpus (under their webUrl or an AMP variant) and part at articles
that only ever appear as related items (shared between records, so stubs merge); AMP, AMP-cache
and tracking-parameter URL variants; images; quoted, multi-line and non-ASCII text; optional keys
missing as often as in the real data (quality, heat and published in 70% of records, originalUrl
in 40%, AMP URLs in 37%, images in 80%). About 6% of the records are about facial recognition and
its regulation, so that topic queries have something to find. The same N and S give the same
files, byte for byte.
"""

from __future__ import annotations

import argparse
import bisect
import json
import random
import sys
import time
from datetime import datetime, timedelta, timezone
from itertools import accumulate
from pathlib import Path

_WORD_TEXT = (
    "model chip data cloud robot vision language network startup research privacy police city "
    "court health patient market vehicle driver camera school job student bank trade energy "
    "climate factory drone satellite search video voice music game security fraud law ethics "
    "bias audit safety benchmark training inference hardware software platform app phone "
    "browser agent assistant translation speech image detection forecast diagnosis scan"
)
WORDS = tuple(_WORD_TEXT.split())
UNICODE_WORDS = (
    "café",
    "naïve",
    "Zürich",
    "São Paulo",
    "Kraków",
    "東京",
    "서울",
    "人工智能",
    "Ωmega",
)
TOPICS: tuple[str, ...] = (
    "AI",
    "Computer Vision",
    "Machine Learning",
    "Natural Language Processing",
    "AI in Healthcare",
    "AI in Autos",
    "AI Hardware",
    "AI in Robotics",
    "AWS AI",
    "Google AI",
    "Microsoft AI",
    "Facebook AI",
    "TensorFlow",
    "AI Ethics",
    "Deep Learning",
    "Reinforcement Learning",
    "Generative AI",
    "AI Policy",
    "Autonomous Vehicles",
    "Speech Recognition",
    *(f"Topic {i:03d}" for i in range(180)),
)
FACIAL = (
    "facial recognition",
    "face recognition",
    "facial-recognition technology",
)
REGULATION = ("ban", "regulation", "law", "privacy", "ordinance", "moratorium", "regulate")
START = datetime(2013, 1, 1, tzinfo=timezone.utc)
SPAN_MINUTES = int((datetime(2023, 12, 31, tzinfo=timezone.utc) - START).total_seconds() // 60)


def zipf_weights(n: int, s: float = 1.1) -> list[float]:
    return list(accumulate(1.0 / (k**s) for k in range(1, n + 1)))


class Corpus:
    """Draws the articles of one synthetic corpus."""

    def __init__(self, articles: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.count = articles
        self.providers = [self._provider(i) for i in range(max(40, articles // 25))]
        self.provider_cum = zipf_weights(len(self.providers))
        self.topic_cum = zipf_weights(len(TOPICS), 1.3)
        # Articles that only ever appear as related items: shared by several records.
        self.outside = [self._outside(i) for i in range(max(20, articles * 2))]
        self.outside_cum = zipf_weights(len(self.outside), 0.8)

    def _provider(self, i: int) -> dict[str, str]:
        rng = self.rng
        stem = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(4, 9)))
        domain = f"{stem}{i}.{rng.choice(['com', 'org', 'net', 'co.uk', 'de', 'news'])}"
        name = stem.capitalize() + rng.choice([" News", " Times", " Daily", " Review", "", " Post"])
        if rng.random() < 0.03:
            name = rng.choice(UNICODE_WORDS) + " " + name
        return {"name": name, "domain": domain}

    def pick_provider(self) -> dict[str, str]:
        r = self.rng.random() * self.provider_cum[-1]
        return self.providers[bisect.bisect(self.provider_cum, r)]

    def pick_topic(self) -> str:
        r = self.rng.random() * self.topic_cum[-1]
        return TOPICS[bisect.bisect(self.topic_cum, r)]

    def _outside(self, i: int) -> dict[str, object]:
        provider = self.pick_provider()
        slug = "-".join(self.rng.choice(WORDS) for _ in range(5))
        return {
            "title": self.title(),
            "url": f"https://www.{provider['domain']}/story/{slug}-{i}",
            "provider": provider,
            "date": self.date(),
        }

    def date(self) -> datetime:
        return START + timedelta(minutes=self.rng.randrange(SPAN_MINUTES))

    def title(self, facial: bool = False) -> str:
        rng = self.rng
        words = [rng.choice(WORDS) for _ in range(rng.randint(5, 11))]
        if facial:
            words.insert(rng.randrange(len(words)), rng.choice(FACIAL))
            words.insert(rng.randrange(len(words)), rng.choice(REGULATION))
        if rng.random() < 0.1:
            words.insert(rng.randrange(len(words)), rng.choice(UNICODE_WORDS))
        title = " ".join(words).capitalize()
        if rng.random() < 0.08:
            title = f'"{title}": what it means'
        if rng.random() < 0.03:
            title += " — analysis: part 2"
        return title

    def excerpt(self, facial: bool = False) -> str:
        rng = self.rng
        words = [rng.choice(WORDS) for _ in range(rng.randint(20, 34))]
        if facial:
            words[3:3] = ["the", rng.choice(FACIAL), "debate over", rng.choice(REGULATION)]
        text = " ".join(words)
        if rng.random() < 0.05:
            text = "\u201c" + text + "\u201d \u2013 said officials"
        return text[:200]

    def url(self, index: int) -> tuple[str, str]:
        provider = self.article_provider[index]
        slug = "-".join(self.rng.choice(WORDS) for _ in range(6))
        return f"https://www.{provider['domain']}/news/{slug}-{index}", provider["domain"]

    def images(self, domain: str) -> list[dict[str, object]]:
        rng = self.rng
        return [
            {
                "url": f"https://cdn.{domain}/img/{rng.getrandbits(48):012x}.jpg",
                "width": rng.choice([640, 760, 1024, 1200, 1426]),
                "height": rng.choice([360, 481, 576, 808, 845]),
                "isCached": rng.random() < 0.9,
            }
            for _ in range(rng.choice([1, 1, 1, 2]))
        ]

    def variants(self, url: str, domain: str) -> dict[str, str]:
        """AMP and AMP-cache URLs of an article, in one of the forms seen in real data."""
        rng = self.rng
        path = url.split(domain, 1)[1]
        amp = rng.choice(
            [f"https://www.{domain}/amp{path}", f"{url}?amp", f"{url}?outputType=amp", f"{url}.amp"]
        )
        host = f"www-{domain.replace('.', '-')}.cdn.ampproject.org"
        cdn = f"https://{host}/c/s/{amp.removeprefix('https://')}"
        return {"ampWebUrl": amp, "cdnAmpWebUrl": cdn}

    def generate(self, out: Path) -> int:
        rng = self.rng
        self.article_provider = [self.pick_provider() for _ in range(self.count)]
        urls = [self.url(i) for i in range(self.count)]
        out.mkdir(parents=True, exist_ok=True)
        written = 0
        for i in range(self.count):
            facial = rng.random() < 0.06
            url, domain = urls[i]
            provider = self.article_provider[i]
            record: dict[str, object] = {
                "category": "news",
                "title": self.title(facial),
                "excerpt": self.excerpt(facial),
                "publishedDateTime": self.date(),
            }
            if rng.random() < 0.4:
                record["originalUrl"] = (
                    url if rng.random() < 0.8 else self.url(rng.randrange(self.count))[0]
                )
            web = url
            if rng.random() < 0.05:
                web = f"{url}?utm_source=rss&utm_medium=feed"
            record["webUrl"] = web
            if rng.random() < 0.37:
                record.update(self.variants(url, domain))
            record["type"] = "article"
            if rng.random() < 0.7:
                record["quality"] = rng.randint(5, 95)
                record["heat"] = rng.choice([-1, -1, -1, rng.randint(1, 500)])
                record["published"] = rng.random() < 0.5
            record["provider"] = dict(provider)
            topics = ["AI"] if rng.random() < 0.9 else []
            for _ in range(rng.choice([0, 1, 1, 1, 2, 3])):
                topic = self.pick_topic()
                if topic not in topics:
                    topics.append(topic)
            if facial and "Computer Vision" not in topics:
                topics.append("Computer Vision")
            record["topics"] = topics or [self.pick_topic()]
            if rng.random() < 0.8:
                record["images"] = self.images(domain)
            if rng.random() < 0.24:
                record["related"] = [self.related(urls) for _ in range(self.related_count())]
            record["secured"] = f"{rng.getrandbits(256):064x};{rng.getrandbits(64):016x}=="
            date = record["publishedDateTime"]
            assert isinstance(date, datetime)
            name = f"{date:%Y-%m-%d}-{i:07d}.md"
            (out / name).write_text(render(record), encoding="utf-8")
            written += 1
        return written

    def related_count(self) -> int:
        return min(40, max(1, int(self.rng.expovariate(1 / 9))))

    def related(self, urls: list[tuple[str, str]]) -> dict[str, object]:
        rng = self.rng
        if rng.random() < 0.1:  # another record of this corpus
            index = rng.randrange(self.count)
            url, domain = urls[index]
            provider = self.article_provider[index]
            title = self.title()
        else:
            r = rng.random() * self.outside_cum[-1]
            item = self.outside[bisect.bisect(self.outside_cum, r)]
            url, provider, title = str(item["url"]), item["provider"], str(item["title"])
            assert isinstance(provider, dict)
            domain = provider["domain"]
        related: dict[str, object] = {
            "title": title,
            "excerpt": self.excerpt(),
            "publishedDateTime": self.date(),
            "webUrl": url,
        }
        if rng.random() < 0.5:
            related.update(self.variants(url, domain))
        related["type"] = "article"
        related["provider"] = dict(provider)
        related["quality"] = rng.randint(5, 95)
        if rng.random() < 0.8:
            related["images"] = self.images(domain)
        return related


def scalar(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def render(record: dict[str, object]) -> str:
    lines = ["---"]
    for key, value in record.items():
        if isinstance(value, dict):
            lines.append(f"{key}:")
            lines.extend(f"  {k}: {scalar(v)}" for k, v in value.items())
        elif isinstance(value, list):
            lines.append(f"{key}:")
            for item in value:
                if isinstance(item, dict):
                    lines.extend(_item(item, "  "))
                else:
                    lines.append(f"  - {scalar(item)}")
        else:
            lines.append(f"{key}: {scalar(value)}")
    lines.append("---")
    return "\n".join(lines) + "\n"


def _item(item: dict[str, object], indent: str) -> list[str]:
    lines = []
    first = True
    for key, value in item.items():
        lead = f"{indent}- " if first else f"{indent}  "
        first = False
        if isinstance(value, dict):
            lines.append(f"{lead}{key}:")
            lines.extend(f"{indent}    {k}: {scalar(v)}" for k, v in value.items())
        elif isinstance(value, list):
            lines.append(f"{lead}{key}:")
            for sub in value:
                assert isinstance(sub, dict)
                lines.extend(_item(sub, indent + "    "))
        else:
            lines.append(f"{lead}{key}: {scalar(value)}")
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder to write (created)")
    parser.add_argument("--articles", type=int, required=True, help="number of files")
    parser.add_argument("--seed", type=int, default=1, help="random seed [1]")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    written = Corpus(args.articles, args.seed).generate(args.out)
    seconds = time.perf_counter() - start
    print(f"wrote {written} files to {args.out} in {seconds:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
