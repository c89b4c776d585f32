"""What ``newsgraph build --incremental`` keeps between builds, in ``OUT/.newsgraph-cache/``.

:class:`LoadCache` (``load.json``): what loading each file gave, by file.

A file is taken from the cache when its resolved path, size and modification time (in
nanoseconds) and the name reports give it are those recorded, as ``make`` and ``rsync`` decide;
every other file is loaded again. The cache is one JSON file (msgspec), rewritten atomically after
each incremental load, and ignored (then rewritten) when it is missing, unreadable or was written
by another newsgraph version, whose loading rules may differ. It never changes what a build gives:
the records it holds are the ones loading the unchanged file would give; and a cache that cannot
be written only makes the next build load every file again.

:class:`BuildStamp` (``build.json``): what the last incremental build read and wrote, so that
the next one can tell, from the files' stamps alone, that it would write the same exports again
(:func:`newsgraph.pipeline.up_to_date`): the same input files with the same stamps, the same
settings and newsgraph code, and every file it wrote still there as it was left.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

import msgspec

from newsgraph import __version__
from newsgraph.identify import Identity
from newsgraph.load import printable_path
from newsgraph.model import FileResult

__all__ = [
    "BUILD_STAMP_SCHEMA",
    "CACHE_SCHEMA",
    "BuildStamp",
    "LoadCache",
    "Settings",
    "Stamp",
    "code_fingerprint",
    "inputs_digest",
    "stamp",
]

CACHE_SCHEMA = "newsgraph-load-cache/1"
BUILD_STAMP_SCHEMA = "newsgraph-build-stamp/1"

# (resolved path, size, mtime_ns, the file result, the identities of its mentions)
_Entry = tuple[str, int, int, FileResult, list[Identity]]
# JSON, not MessagePack, which would turn every date-time into UTC (see newsgraph.load)
_DECODER = msgspec.json.Decoder(tuple[str, str, list[_Entry]])


Settings = dict[str, str | list[str] | None]
"""What decides a build's exports besides its files and code (:class:`BuildStamp`)."""

Stamp = tuple[int, int] | None
"""A file's size and modification time in nanoseconds; ``None`` when it cannot be read."""


def stamp(path: str) -> Stamp:
    """The :data:`Stamp` of ``path`` now."""
    try:
        stat = os.stat(path)  # noqa: PTH116 - one call per file, on the hot path
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns


class LoadCache:
    """Loaded files by resolved path, with the size and modification time they had."""

    def __init__(self, entries: Iterable[_Entry] = ()) -> None:
        self._entries = {entry[0]: entry for entry in entries}

    def __len__(self) -> int:
        return len(self._entries)

    @classmethod
    def read(cls, path: str | os.PathLike[str]) -> LoadCache:
        """The cache stored at ``path``; empty when there is none that this version can use."""
        try:
            schema, version, entries = _DECODER.decode(Path(path).read_bytes())
        except (OSError, msgspec.DecodeError, msgspec.ValidationError):
            return cls()
        if schema != CACHE_SCHEMA or version != __version__:
            return cls()
        return cls(entries)

    def lookup(self, path: str, name: str, now: Stamp) -> tuple[FileResult, list[Identity]] | None:
        """What loading ``path`` gave, if its stamp is still ``now``; else ``None``."""
        entry = self._entries.get(printable_path(path))
        if entry is None or now is None or entry[3].file != name or now != entry[1:3]:
            return None
        return entry[3], entry[4]

    @staticmethod
    def write(
        path: str | os.PathLike[str],
        files: Sequence[str],
        stamps: Sequence[Stamp],
        loaded: Sequence[tuple[FileResult, list[Identity]]],
    ) -> None:
        """Store what loading each of ``files`` gave (same order), replacing ``path`` atomically
        (nothing is stored when it cannot be written).

        ``stamps`` must be taken *before* the files were read: a file that changes while it is
        being loaded then has a newer stamp than the one recorded, and is loaded again next time.
        """
        entries: list[_Entry] = []
        for file, now, (result, identities) in zip(files, stamps, loaded, strict=True):
            if now is not None:
                entries.append((printable_path(file), now[0], now[1], result, identities))
        target = Path(path)
        temporary = target.with_name(target.name + ".tmp")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_bytes(msgspec.json.encode((CACHE_SCHEMA, __version__, entries)))
            temporary.replace(target)
        except OSError:  # an optimisation only: the next build loads every file
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)


def inputs_digest(named: Sequence[tuple[str, str]], stamps: Sequence[Stamp]) -> str | None:
    """A digest of the files ``named`` (path, name in reports), in order, with their ``stamps``;
    ``None`` when a file could not be stamped (it is then never taken as unchanged)."""
    if any(now is None for now in stamps):
        return None
    listing = [
        (printable_path(path), name, *now)
        for (path, name), now in zip(named, stamps, strict=True)
        if now is not None
    ]
    return hashlib.sha256(msgspec.json.encode(listing)).hexdigest()


@functools.cache
def code_fingerprint() -> str:
    """The newsgraph version and a digest of the package's files (its source, the HTML view's
    page, the foci): a build stamp written by other code (a new release, or an edited checkout)
    is not trusted."""
    package = Path(__file__).parent
    digest = hashlib.sha256(__version__.encode())
    for source in sorted(package.rglob("*")):
        if source.is_file() and "__pycache__" not in source.relative_to(package).parts:
            digest.update(source.relative_to(package).as_posix().encode() + b"\0")
            digest.update(source.read_bytes())
    return digest.hexdigest()


def _file_stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns, stat.st_ino


class BuildStamp(msgspec.Struct, forbid_unknown_fields=True):
    """What an incremental build read and wrote (:mod:`newsgraph.cache`, ``build.json``).

    Attributes:
        settings: What else decides the exports: the formats, the base IRI, ``SOURCE_DATE_EPOCH``.
        inputs: :func:`inputs_digest` of the files, stamped before they were read.
        written: Every file written, relative to the output folder, with its size, modification
            time (ns) and inode when the build ended.
        schema, code: :data:`BUILD_STAMP_SCHEMA` and :func:`code_fingerprint`.
    """

    settings: Settings
    inputs: str
    written: dict[str, tuple[int, int, int]]
    schema: str = BUILD_STAMP_SCHEMA
    code: str = ""

    @classmethod
    def of(cls, out: Path, settings: Settings, inputs: str, written: Iterable[Path]) -> BuildStamp:
        """The stamp of a build that wrote ``written`` (paths inside ``out``) just now."""
        files = {}
        for path in written:
            now = _file_stamp(path)
            if now is not None:
                files[path.relative_to(out).as_posix()] = now
        return cls(settings, inputs, files, code=code_fingerprint())

    def save(self, path: Path) -> None:
        """Write the stamp to ``path`` atomically (nothing when it cannot be written: the next
        build then builds)."""
        temporary = path.with_name(path.name + ".tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_bytes(msgspec.json.encode(self))
            temporary.replace(path)
        except OSError:
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)

    @classmethod
    def read(cls, path: Path) -> BuildStamp | None:
        """The stamp at ``path``, if there is one this code wrote."""
        try:
            kept = msgspec.json.decode(path.read_bytes(), type=cls)
        except (OSError, msgspec.DecodeError, msgspec.ValidationError):
            return None
        if kept.schema != BUILD_STAMP_SCHEMA or kept.code != code_fingerprint():
            return None
        return kept

    def holds(self, out: Path, settings: Settings) -> bool:
        """Whether this stamp's build had ``settings`` and wrote into ``out`` what is there now:
        every file it wrote still there, untouched. (Its inputs are the caller's to compare.)"""
        return self.settings == settings and all(
            _file_stamp(out / name) == tuple(now) for name, now in self.written.items()
        )
