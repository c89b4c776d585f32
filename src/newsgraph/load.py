"""Load: paths -> files -> front matter -> :class:`~newsgraph.model.Article` records and problems.

Each file is read on its own (:func:`load_file` is a pure function of the path, safe to run in a
process pool); :func:`load_articles` finds the files and streams them through the local engine.

The policy for bad input, applied field by field:

- A file that cannot be used is *skipped* with an ``error`` problem: not UTF-8, binary, empty, no
  front matter, invalid YAML, front matter that is not a mapping, a title or URL field that is not
  text, or a record with neither a title nor any URL.
- A field that is wrong but not needed for identity is *dropped* with a ``warning`` and the record
  is kept (a bad image width, an unparseable quality or date). Where a value can be read safely in
  another shape it is *repaired* with a warning: ``topics: AI`` is read as ``[AI]``, a single
  ``related`` mapping as a one-item list.
- ``heat: -1`` means "no value" and is read as ``None``. Unknown keys are kept in ``extra``.
"""

from __future__ import annotations

import fnmatch
import glob as globlib
import hashlib
import math
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path, PurePath
from typing import Any

import msgspec
import yaml_rs
from frontmatter.default_handlers import YAMLHandler

from newsgraph.engines.local import SERIAL_BELOW, default_jobs, gc_paused, map_ordered
from newsgraph.errors import InputError
from newsgraph.identify import Identity, is_web_url, mention_identities
from newsgraph.model import DEFAULT_GLOBS, Article, FileResult, Image, Problem, Provider

__all__ = [
    "DEFAULT_GLOBS",
    "LoadResult",
    "decode_batch",
    "discover_files",
    "discover_names",
    "iter_load",
    "iter_load_identified",
    "load_articles",
    "load_batch",
    "load_file",
    "load_named",
    "name_files",
]


# Input key -> Article attribute. Older files name the URL keys sourceUrl/ampUrl/cdnAmpUrl.
_URL_KEYS = {
    "webUrl": "web_url",
    "originalUrl": "original_url",
    "ampWebUrl": "amp_web_url",
    "cdnAmpWebUrl": "cdn_amp_web_url",
}
_URL_ALIASES = {"sourceUrl": "webUrl", "ampUrl": "ampWebUrl", "cdnAmpUrl": "cdnAmpWebUrl"}
_TEXT_KEYS = {"excerpt": "excerpt", "type": "type", "category": "category", "secured": "secured"}
_ARTICLE_KEYS = frozenset(
    [
        "title",
        "publishedDateTime",
        "quality",
        "heat",
        "published",
        "provider",
        "topics",
        "images",
        "related",
        *_URL_KEYS,
        *_URL_ALIASES,
        *_TEXT_KEYS,
    ]
)
_IMAGE_KEYS = frozenset(["url", "width", "height", "title", "isCached"])
_PROVIDER_KEYS = frozenset(["name", "domain", "images"])
_HANDLER = YAMLHandler()


class _YamlError(Exception):
    """Internal: invalid YAML, with the position (1-based, within the front matter) and problem."""

    def __init__(self, line: int | None, column: int | None, problem: str) -> None:
        super().__init__(problem)
        self.line, self.column, self.problem = line, column, problem


_POSITION = re.compile(r"line (\d+), column (\d+)")
_DUPLICATE = re.compile(r"duplicate mapping key: '?(.*?)'?$")


def _load_yaml(text: str) -> tuple[Any, list[str]]:
    """Parse front matter with yaml-rs; return the value and the keys that appear twice.

    yaml-rs (Rust) parses these files 7 to 14 times faster than PyYAML's C loader with identical
    results on the real and synthetic corpora (bench/RESULTS.md). A key given twice is an error
    there; it is parsed again keeping the last value, as most YAML readers do, and reported.

    Raises:
        _YamlError: The text is not valid YAML.
    """
    try:
        return yaml_rs.loads(text, parse_datetime=True), []
    except yaml_rs.YAMLDecodeError as exc:
        message = str(exc).strip()
        duplicate = _DUPLICATE.match(message.splitlines()[0])
        if duplicate is None:
            position = _POSITION.search(message)
            line, column = (int(position[1]), int(position[2])) if position else (None, None)
            raise _YamlError(line, column, message.splitlines()[-1].strip()) from None
    value = yaml_rs.loads(text, duplicate_key_policy=yaml_rs.DuplicateKeyPolicy.LastWins)
    return value, [duplicate[1]]


@dataclass(frozen=True, slots=True)
class LoadResult:
    """Every file that was looked at, in path order, with what loading it gave."""

    files: tuple[FileResult, ...]

    @property
    def articles(self) -> list[Article]:
        """The records of the files that loaded."""
        return [f.article for f in self.files if f.article is not None]

    @property
    def problems(self) -> list[Problem]:
        """All problems, file by file."""
        return [p for f in self.files for p in f.problems]


class _Skip(Exception):
    """Internal: the file (or, inside ``related``, the item) cannot be used."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class _Reader:
    """Reads one file's front matter into typed values, collecting problems as it goes."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    # -- reporting -------------------------------------------------------------------------------
    def warn(self, field: str, message: str) -> None:
        self.problems.append(Problem(self.file, field, "warning", message))

    def fail(self, field: str, message: str) -> _Skip:
        """The exception to raise when the record cannot be used (see :meth:`article`)."""
        return _Skip(field, message)

    # -- scalars ---------------------------------------------------------------------------------
    def text(self, value: Any, field: str, *, needed: bool = False) -> str | None:
        """A string; numbers and dates are read as their text, with a warning to quote them."""
        if value is None or isinstance(value, str):
            return value
        if isinstance(value, (int, float, date)) and not isinstance(value, bool):
            text = value.isoformat() if isinstance(value, date) else str(value)
            self.warn(
                field, f"expected text, got {_kind(value)}; read as {text!r}. Quote the value"
            )
            return text
        message = f"must be text (got {_kind(value)}); write it as a quoted string"
        if needed:
            raise self.fail(field, message)
        self.warn(field, message + "; the field was dropped")
        return None

    def url(self, value: Any, field: str) -> str | None:
        """An absolute http(s) URL. A value of the wrong type skips the file: URLs are identity."""
        text = self.text(value, field, needed=True)
        if text is None:
            return None
        text = text.strip()
        if not text:
            return None
        if not is_web_url(text):
            self.warn(
                field,
                f"{text!r} is not an absolute http(s) URL; the field was dropped. Fix the URL",
            )
            return None
        return text

    def integer(self, value: Any, field: str) -> int | None:
        if value is None:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, float) and math.isfinite(value) and value.is_integer():
            return int(value)
        if isinstance(value, str):
            try:
                return int(value.strip())
            except ValueError:
                pass
        self.warn(
            field, f"must be a whole number (got {_kind(value)} {value!r}); the field was dropped"
        )
        return None

    def boolean(self, value: Any, field: str) -> bool | None:
        if value is None or isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            return value.strip().lower() == "true"
        self.warn(
            field, f"must be true or false (got {_kind(value)} {value!r}); the field was dropped"
        )
        return None

    def timestamp(self, value: Any, field: str) -> datetime | None:
        """A timezone-aware datetime; a value without a zone is read as UTC, with a warning."""
        if value is None:
            return None
        parsed: datetime | None = None
        if isinstance(value, datetime):
            parsed = value
        elif isinstance(value, date):
            parsed = datetime(value.year, value.month, value.day)
        elif isinstance(value, str):
            text = value.strip()
            try:
                parsed = datetime.fromisoformat(text[:-1] + "+00:00" if text[-1:] in "Zz" else text)
            except ValueError:
                parsed = None
        if parsed is None:
            self.warn(
                field,
                f"is not a date-time (got {_kind(value)} {value!r}); the field was dropped. "
                "Write it as ISO 8601, e.g. 2021-06-23T16:04:00Z",
            )
            return None
        if parsed.tzinfo is None:
            shown = value.isoformat() if isinstance(value, date) else value
            self.warn(field, f"{shown!r} has no time zone; read as UTC. Add 'Z' or an offset")
            parsed = parsed.replace(tzinfo=timezone.utc)
        return parsed

    # -- structures ------------------------------------------------------------------------------
    def mapping_list(self, value: Any, field: str) -> list[tuple[str, Mapping[str, Any]]]:
        """A list of mappings, each with its field path; a lone mapping is read as a list of one."""
        if value is None:
            return []
        if isinstance(value, Mapping):
            self.warn(
                field,
                "must be a list; read the single mapping as a list of one item. "
                "Start the item with '- '",
            )
            return [(f"{field}[0]", value)]
        if not isinstance(value, list):
            self.warn(
                field, f"must be a list of mappings (got {_kind(value)}); the field was dropped"
            )
            return []
        items = []
        for i, item in enumerate(value):
            if isinstance(item, Mapping):
                items.append((f"{field}[{i}]", item))
            else:
                self.warn(
                    f"{field}[{i}]",
                    f"must be a mapping (got {_kind(item)}); the item was dropped",
                )
        return items

    def images(self, value: Any, field: str) -> tuple[Image, ...]:
        images = []
        for path, item in self.mapping_list(value, field):
            url = self.text(item.get("url"), f"{path}.url")
            if not url:
                self.warn(path, "an image needs a url; the image was dropped")
                continue
            images.append(
                Image(
                    url=url,
                    width=self.integer(item.get("width"), f"{path}.width"),
                    height=self.integer(item.get("height"), f"{path}.height"),
                    title=self.text(item.get("title"), f"{path}.title"),
                    is_cached=self.boolean(item.get("isCached"), f"{path}.isCached"),
                    extra=_extra(item, _IMAGE_KEYS),
                )
            )
        return tuple(images)

    def provider(self, value: Any, field: str) -> Provider | None:
        if value is None:
            return None
        if isinstance(value, str):
            self.warn(
                field,
                "must be a mapping {name, domain}; read the text as the provider's name. "
                "Write 'provider:' with 'name:' and 'domain:' lines under it",
            )
            return Provider(name=value)
        if not isinstance(value, Mapping):
            self.warn(
                field, f"must be a mapping {{name, domain}} (got {_kind(value)}); field dropped"
            )
            return None
        return Provider(
            name=self.text(value.get("name"), f"{field}.name"),
            domain=self.text(value.get("domain"), f"{field}.domain"),
            images=self.images(value.get("images"), f"{field}.images"),
            extra=_extra(value, _PROVIDER_KEYS),
        )

    def topics(self, value: Any, field: str) -> tuple[str, ...]:
        if value is None:
            return ()
        if isinstance(value, str):
            self.warn(
                field,
                f"must be a list of strings (got a string); read {value!r} as one topic. "
                "Write one topic per line as '- AI'",
            )
            value = [value]
        if not isinstance(value, list):
            self.warn(field, f"must be a list of strings (got {_kind(value)}); field dropped")
            return ()
        topics = []
        for i, item in enumerate(value):
            text = self.text(item, f"{field}[{i}]")
            if text is not None and text.strip():
                topics.append(text.strip())
        return tuple(topics)

    def article(
        self, meta: Mapping[str, Any], prefix: str = "", rank: int | None = None
    ) -> Article:
        """One article from a mapping.

        Raises:
            _Skip: The record cannot be used; for a related item, only the item is dropped.
        """
        values: dict[str, Any] = {}
        names = {key: key for key in _URL_KEYS}  # the key each URL was read from, for problems
        for alias, key in _URL_ALIASES.items():
            if alias in meta and key not in meta:
                values[key] = meta[alias]
                names[key] = alias
        values.update({k: v for k, v in meta.items() if k in _URL_KEYS})
        urls = {
            attr: self.url(values.get(key), prefix + names[key]) for key, attr in _URL_KEYS.items()
        }
        title = self.text(meta.get("title"), prefix + "title", needed=True)
        if title is not None and not title.strip():
            title = None
        if title is None and not any(urls.values()):
            message = (
                "has neither a title nor any URL (webUrl, originalUrl, ampWebUrl, cdnAmpWebUrl); "
                "add at least a webUrl"
            )
            raise self.fail(prefix.rstrip(".") or "title", message)
        extra = _extra(meta, _ARTICLE_KEYS)
        for alias, key in _URL_ALIASES.items():
            if alias in meta and key in meta and meta[alias] != meta[key]:
                self.warn(prefix + alias, f"differs from {key}; kept as an extra field")
                extra[alias] = _jsonable(meta[alias])
        related: list[Article] = []
        if rank is None:
            for i, (path, item) in enumerate(self.mapping_list(meta.get("related"), "related")):
                try:
                    child = self.article(item, path + ".", rank=i + 1)
                except _Skip as skip:  # an unusable related item is dropped, not the file
                    self.warn(skip.field, skip.message + "; the related item was dropped")
                    continue
                related.append(child)
        elif "related" in meta:
            extra["related"] = _jsonable(meta["related"])
        heat = self.integer(meta.get("heat"), prefix + "heat")
        return Article(
            source=self.file,
            title=title,
            excerpt=self.text(meta.get("excerpt"), prefix + "excerpt"),
            published_at=self.timestamp(
                meta.get("publishedDateTime"), prefix + "publishedDateTime"
            ),
            web_url=urls["web_url"],
            original_url=urls["original_url"],
            amp_web_url=urls["amp_web_url"],
            cdn_amp_web_url=urls["cdn_amp_web_url"],
            type=self.text(meta.get("type"), prefix + "type"),
            quality=self.integer(meta.get("quality"), prefix + "quality"),
            heat=None if heat == -1 else heat,
            published=self.boolean(meta.get("published"), prefix + "published"),
            category=self.text(meta.get("category"), prefix + "category"),
            provider=self.provider(meta.get("provider"), prefix + "provider"),
            topics=self.topics(meta.get("topics"), prefix + "topics"),
            images=self.images(meta.get("images"), prefix + "images"),
            related=tuple(related),
            secured=self.text(meta.get("secured"), prefix + "secured"),
            extra=extra,
            rank=rank,
        )


def _kind(value: Any) -> str:
    """How YAML typed a value, in words a user of the format knows."""
    if value is None:
        return "nothing"
    return {
        "str": "a string",
        "int": "a number",
        "float": "a number",
        "bool": "true/false",
        "list": "a list",
        "dict": "a mapping",
        "datetime": "a date-time",
        "date": "a date",
        "bytes": "binary data",
    }.get(type(value).__name__, type(value).__name__)


def _jsonable(value: Any) -> Any:
    """The value with YAML-only types turned into JSON ones, so every export can carry it."""
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((_jsonable(v) for v in value), key=repr)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, bytes):
        import base64

        return base64.b64encode(value).decode("ascii")
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value


def _extra(meta: Mapping[str, Any], known: frozenset[str]) -> dict[str, Any]:
    return {str(k): _jsonable(v) for k, v in meta.items() if k not in known}


def _display(full: str, cwd: str | None = None) -> str:
    """A resolved path as reports show it: relative to the working folder when under it, and
    writable as UTF-8 (:func:`printable_path`)."""
    base = (cwd if cwd is not None else str(Path.cwd().resolve())).rstrip(os.sep) + os.sep
    if full.startswith(base):
        full = full[len(base) :]
    return printable_path(full if os.sep == "/" else Path(full).as_posix())


def printable_path(path: str) -> str:
    """``path`` as UTF-8 can write it: the bytes of a file name that are not UTF-8, which Python
    keeps as lone surrogates (``os.fsdecode``), shown as ``\\xNN`` escapes."""
    if path.isascii():
        return path
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return path


def _name_problems(path: str | os.PathLike[str], name: str) -> list[Problem]:
    """A warning when the file's path is not UTF-8 (reports show it escaped)."""
    text = os.fspath(path)
    if printable_path(text) == text:
        return []
    return [
        Problem(
            name,
            "",
            "warning",
            "the file's path is not UTF-8, so reports show its other bytes as \\xNN escapes; "
            "rename the file (or its folder) in UTF-8 to keep its name",
        )
    ]


def load_file(path: str | os.PathLike[str], name: str | None = None) -> FileResult:
    """Read one news-metadata file.

    Never raises for bad content: problems come back in the result.

    Args:
        path: The file to read.
        name: How reports name the file (default: the path relative to the working folder).

    Returns:
        A :class:`FileResult`: the article (``None`` when the file was skipped), the SHA-256 of
        the file's bytes, and the problems found.

    Example:
        >>> result = load_file("seeds/000_ed631ec3a911a005.txt")
        >>> result.article.provider.name, len(result.article.related), result.problems
        ('The Globe and Mail', 2, ())
    """
    name = name if name is not None else _display(os.path.realpath(path))
    return _file_result(name, _contents(path), path)


def _contents(path: str | os.PathLike[str]) -> bytes | OSError:
    """The bytes of ``path``, or the error reading it (to report with the file's other results)."""
    try:
        with open(path, "rb") as file:
            return file.read()
    except OSError as exc:
        return exc


def _all_contents(paths: Sequence[str]) -> list[bytes | OSError]:
    return [_contents(path) for path in paths]


def _file_result(name: str, contents: bytes | OSError, path: str | os.PathLike[str]) -> FileResult:
    """:func:`load_file` of the file at ``path``, named ``name`` in reports, given what reading
    it gave."""
    name = printable_path(name)
    reader = _Reader(name)
    reader.problems.extend(_name_problems(path, name))
    digest = ""
    article: Article | None = None
    try:
        if isinstance(contents, OSError):
            raise contents
        digest = hashlib.sha256(contents).hexdigest()
        article = _read(contents, reader)
    except OSError as exc:
        reader.problems.append(
            Problem(name, "", "error", f"cannot be read ({exc.strerror}); check the path")
        )
    except _Skip as skip:
        reader.problems.append(Problem(name, skip.field, "error", skip.message))
    return FileResult(name, digest, article, tuple(reader.problems))


Loaded = tuple[FileResult, list[Identity]]
"""What loading gives for one file: its result, and the identity of each mention it makes (the
record, then its related items; empty when the file was skipped)."""

# Results cross from the workers as msgspec JSON: 2-3x faster both ways than pickling the records.
# (MessagePack is faster still, but it turns every date-time into UTC, losing the offset the
# file gave: 09:30+01:00 would come back as 08:30+00:00.)
_ENCODER = msgspec.json.Encoder()
_DECODER = msgspec.json.Decoder(list[Loaded])
# Files a worker loads per task: large enough to amortise the hand-over, small enough to balance.
_BATCH = 128
# Threads reading a batch's files (each a share of them) before the worker parses them: files not
# in the page cache wait on the disk. Measured on 20,000 files of the 1M benchmark corpus, caches
# dropped, 2 workers: 11.9 - 13.3 s read one by one, 9.2 - 9.3 s with 4 threads (16 threads were
# slower than 4: 9.2 s against 7.7 s on the 100k corpus); with the files cached, the same within
# the noise (6.0 - 7.0 s).
_READ_AHEAD = 4
# While a worker parses a batch, the kernel is asked to read the files of the batch it will take
# next into its page cache (posix_fadvise WILLNEED, from a thread: the call returns once the reads
# are queued). Measured with the caches dropped, 2 workers, loading alone: 100k files
# 11.9-14.8 s -> 10.8-11.4 s (3 alternated runs); 1M files 126.0-130.2 s -> 112.4-131.5 s, within
# the host's spread there (93.1 s with the files cached: the rest is the kernel's own work of
# reading the files, about 45 us of system CPU a file).
_advisers: dict[int, ThreadPoolExecutor] = {}


def _identified(result: FileResult) -> Loaded:
    return result, mention_identities(result.article) if result.article is not None else []


def _load_identified(path: str | os.PathLike[str], name: str) -> Loaded:
    return _identified(load_file(path, name))


def load_batch(batch: Sequence[tuple[str, str]], ahead: Sequence[str] = ()) -> bytes:
    """Load and identify a batch of ``(path, report name)`` pairs; the results encoded as bytes.

    The stage function that the engines map over their workers (a process pool here, Dask
    workers in :mod:`newsgraph.engines.dask`); :func:`decode_batch` reads the bytes back. The
    batch's files are read first, by :data:`_READ_AHEAD` threads that each read a share of them
    (the disk serves several reads at once); the threads end with the batch. ``ahead`` names
    files to be loaded soon after, which the kernel is asked to start reading meanwhile
    (:func:`read_soon`).
    """
    if ahead:
        read_soon(ahead)
    paths = [path for path, _ in batch]
    share = -(-len(paths) // _READ_AHEAD) or 1
    with gc_paused(), ThreadPoolExecutor(_READ_AHEAD) as readers:
        shares = readers.map(
            _all_contents, [paths[i : i + share] for i in range(0, len(paths), share)]
        )
        contents = [read for part in shares for read in part]
        results = [
            _identified(_file_result(name, read, path))
            for (path, name), read in zip(batch, contents, strict=True)
        ]
        return _ENCODER.encode(results)


def read_soon(paths: Sequence[str]) -> None:
    """Ask the kernel to read ``paths`` into its page cache, from a thread of this process, and
    return at once; paths that cannot be opened are passed over (loading reports them). Does
    nothing where ``posix_fadvise`` does not exist."""
    if not hasattr(os, "posix_fadvise"):
        return
    pid = os.getpid()  # a forked process has the executor but not its thread: make its own
    adviser = _advisers.get(pid)
    if adviser is None:
        adviser = _advisers[pid] = ThreadPoolExecutor(1, thread_name_prefix="newsgraph-read-soon")
    adviser.submit(_advise, list(paths))


def _advise(paths: list[str]) -> None:
    for path in paths:
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            continue
        try:
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_WILLNEED)
        except OSError:
            pass  # (a file system that takes no advice: the file is read when loaded)
        finally:
            os.close(fd)


def _load_hinted(task: tuple[Sequence[tuple[str, str]], Sequence[str]]) -> bytes:
    return load_batch(*task)


def hinted_batches(
    named: Sequence[tuple[str, str]], lead: int
) -> list[tuple[Sequence[tuple[str, str]], list[str]]]:
    """``named`` in batches of :data:`_BATCH`, each with the paths of the batch ``lead`` places
    after it: with ``lead`` workers taking batches in order, the one a worker takes next."""
    batches = [named[i : i + _BATCH] for i in range(0, len(named), _BATCH)]
    return [
        (batch, [path for path, _ in batches[i + lead]] if i + lead < len(batches) else [])
        for i, batch in enumerate(batches)
    ]


def decode_batch(data: bytes) -> list[Loaded]:
    """The results :func:`load_batch` encoded, as records equal to the ones it made."""
    return _DECODER.decode(data)


def _read(data: bytes, reader: _Reader) -> Article:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise reader.fail("", "is UTF-16 text; re-save it as UTF-8, e.g. iconv -f utf-16 -t utf-8")
    if b"\x00" in data:
        raise reader.fail("", "is a binary file, not text; only text files with front matter")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise reader.fail(
            "",
            f"is not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "re-save it as UTF-8, e.g. iconv -f latin1 -t utf-8",
        ) from None
    if not text.strip():
        raise reader.fail("", "is empty; a news record needs YAML front matter between '---' lines")
    stripped = text.lstrip()
    offset = text[: len(text) - len(stripped)].count("\n")  # blank lines before the first '---'
    text = stripped
    opening = _HANDLER.FM_BOUNDARY.match(text)
    if opening is None:
        raise reader.fail(
            "",
            "has no YAML front matter; the file must start with a line '---', then the YAML "
            "fields, then a line '---'",
        )
    offset += text[: opening.end()].count("\n")  # blank lines the opening '---' match took in
    try:
        fm, body = _HANDLER.split(text)
    except ValueError:
        raise reader.fail(
            "", "has front matter that is never closed; add a line '---' after the YAML fields"
        ) from None
    try:
        meta, duplicates = _load_yaml(fm)
    except _YamlError as exc:
        where = f" at line {exc.line + offset}, column {exc.column}" if exc.line else ""
        problem = exc.problem
        fix = "fix the YAML syntax (quote values with ':')"
        if "alias" in problem and "limit" in problem:  # a few aliases that expand to millions
            fix = "write the values out instead of repeating them through aliases (&name, *name)"
        raise reader.fail("", f"has invalid YAML{where}: {problem}; {fix}") from None
    if not isinstance(meta, Mapping):
        raise reader.fail(
            "",
            f"front matter must be a mapping of keys to values (got {_kind(meta)}); "
            "write one 'key: value' per line",
        )
    for key in duplicates:
        reader.warn(key, "appears more than once; the last value was used. Remove the others")
    article = reader.article(meta)
    body = body.strip()
    if body:
        article = _with_body(article, body)
    return article


def _with_body(article: Article, body: str) -> Article:
    from dataclasses import replace

    return replace(article, body=body)


def discover_files(
    paths: Iterable[str | os.PathLike[str]], globs: Sequence[str] = DEFAULT_GLOBS
) -> list[Path]:
    """Expand files, folders (searched recursively) and glob patterns into a sorted file list.

    A file named directly is always included; in folders, only names matching ``globs`` are, and
    hidden files and folders are passed over. The paths come back resolved (absolute, without
    symbolic links), each once.

    Raises:
        InputError: A path does not exist, or a pattern matches nothing.
    """
    return [Path(name) for name in discover_names(paths, globs)]


def discover_names(
    paths: Iterable[str | os.PathLike[str]], globs: Sequence[str] = DEFAULT_GLOBS
) -> list[str]:
    """:func:`discover_files`, the paths as strings: what the build uses, since making a
    ``Path`` of each took 8 of the 12 s of finding a million files."""
    found: set[str] = set()
    for raw in paths:
        text = os.fspath(raw)
        path = Path(text)
        if path.is_dir():
            found.update(_walk(str(path.resolve()), globs))
        elif path.is_file():
            found.add(str(path.resolve()))
        elif globlib.has_magic(text):
            # a pattern may be absolute or climb out of the working folder: Path.glob cannot
            matches = [Path(m) for m in globlib.glob(text, recursive=True)]  # noqa: PTH207
            files = [m for m in matches if m.is_file()]
            if not files:
                raise InputError(f"{text}: the pattern matches no file; check the pattern")
            found.update(str(m.resolve()) for m in files)
        else:
            raise InputError(f"{text}: no such file or folder; check the path")
    return sorted(found)


def _walk(folder: str, globs: Sequence[str]) -> Iterator[str]:
    """Files under a resolved ``folder`` whose names match ``globs``, resolved too.

    Only linked files need resolving (a million ``realpath`` calls take 20 s); names are
    matched with ``fnmatch`` (6x faster than ``PurePath.match``) unless a pattern has a ``/``.
    """
    plain = [g for g in globs if "/" not in g]
    nested = [g for g in globs if "/" in g]
    stack = [folder]
    while stack:
        current = stack.pop()
        try:
            entries = list(os.scandir(current))
        except OSError as exc:
            raise InputError(
                f"{current}: cannot list this folder ({exc.strerror}); check its permissions"
            ) from None
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if entry.is_dir():
                if not entry.is_symlink():  # as os.walk: linked folders are not entered
                    stack.append(entry.path)
            elif entry.is_file() and (
                any(fnmatch.fnmatchcase(entry.name, g) for g in plain)
                or any(PurePath(entry.path).match(g) for g in nested)
            ):
                yield os.path.realpath(entry.path) if entry.is_symlink() else entry.path


def iter_load(
    files: Sequence[Path], *, jobs: int | None = None, progress: Callable[[int], None] | None = None
) -> Iterator[FileResult]:
    """Load ``files`` in a process pool, yielding results in the order of ``files``."""
    for result, _ in iter_load_identified(files, jobs=jobs, progress=progress):
        yield result


def iter_load_identified(
    files: Sequence[Path], *, jobs: int | None = None, progress: Callable[[int], None] | None = None
) -> Iterator[Loaded]:
    """Load ``files`` and identify their mentions, yielding ``(result, identities)`` in order.

    With more than one job, batches of files are loaded by worker processes, which also compute
    every mention's canonical URLs (:func:`newsgraph.identify.mention_identities`): that work
    is as large as parsing, and done there it runs on every core.
    """
    yield from load_named(name_files(files), jobs=jobs, progress=progress)


def name_files(files: Sequence[str | os.PathLike[str]]) -> list[tuple[str, str]]:
    """Each file's absolute path and the name reports give it (relative to the working folder).

    Names are made here, not in the workers, whose working folder may differ.
    """
    cwd = str(Path.cwd().resolve())
    # discover_files resolved the links already; abspath makes no system call (resolve() does)
    resolved = [os.path.abspath(path) for path in files]  # noqa: PTH100
    return [(full, _display(full, cwd)) for full in resolved]


def load_named(
    named: Sequence[tuple[str, str]],
    *,
    jobs: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> Iterator[Loaded]:
    """:func:`iter_load_identified` for ``(path, report name)`` pairs from :func:`name_files`.

    Each worker is handed, with its batch, the paths of the batch it will take next, for the
    kernel to read meanwhile (see :func:`load_batch`).
    """
    jobs = default_jobs() if jobs is None else max(1, jobs)
    if jobs == 1 or len(named) < SERIAL_BELOW:
        for path, name in named:
            yield _load_identified(path, name)
            if progress is not None:
                progress(1)
        return
    tasks = hinted_batches(named, lead=jobs)
    for data in map_ordered(_load_hinted, tasks, jobs=jobs, chunksize=1):
        loaded = decode_batch(data)
        yield from loaded
        if progress is not None:
            progress(len(loaded))


def load_articles(
    paths: Iterable[str | os.PathLike[str]],
    *,
    globs: Sequence[str] = DEFAULT_GLOBS,
    jobs: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> LoadResult:
    """Load every news-metadata file under ``paths``.

    Args:
        paths: Files, folders (recursive) and glob patterns.
        globs: File-name patterns to take from folders.
        jobs: Worker processes (default: one per core; small inputs load in-process).
        progress: Called with 1 after each file, e.g. to advance a progress bar.

    Returns:
        A :class:`LoadResult` accounting for every file found.

    Raises:
        InputError: A path does not exist or a pattern matches nothing.

    Example:
        >>> result = load_articles(["seeds/"])
        >>> [a.title[:30] for a in result.articles]
        ['Civil liberties group urges Li']
    """
    files = discover_files(paths, globs)
    return LoadResult(tuple(iter_load(files, jobs=jobs, progress=progress)))
