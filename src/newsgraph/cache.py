"""The load cache of ``newsgraph build --incremental``: what loading each file gave, by file.

A file is taken from the cache when its resolved path, size and modification time (in
nanoseconds) and the name reports give it are those recorded, as ``make`` and ``rsync`` decide;
every other file is loaded again. The cache is one JSON file (msgspec), rewritten atomically after
each incremental load, and ignored (then rewritten) when it is missing, unreadable or was written
by another newsgraph version, whose loading rules may differ. It never changes what a build gives:
the records it holds are the ones loading the unchanged file would give; and a cache that cannot
be written only makes the next build load every file again.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

import msgspec

from newsgraph import __version__
from newsgraph.identify import Identity
from newsgraph.load import printable_path
from newsgraph.model import FileResult

__all__ = ["CACHE_SCHEMA", "LoadCache", "Stamp", "stamp"]

CACHE_SCHEMA = "newsgraph-load-cache/1"

# (resolved path, size, mtime_ns, the file result, the identities of its mentions)
_Entry = tuple[str, int, int, FileResult, list[Identity]]
# JSON, not MessagePack, which would turn every date-time into UTC (see newsgraph.load)
_DECODER = msgspec.json.Decoder(tuple[str, str, list[_Entry]])


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
