"""A ZIP archive written as a stream of chunks, so a large archive never sits in memory whole."""

import io
import zipfile
from collections.abc import Iterable, Iterator


class _Sink(io.RawIOBase):
    """A write-only, unseekable buffer: zipfile then writes data descriptors and never seeks."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._chunks.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data


def stream_zip(files: Iterable[tuple[str, bytes]]) -> Iterator[bytes]:
    """Yields the archive chunk by chunk as each (name, data) is added."""
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            archive.writestr(name, data)
            yield sink.take()
    yield sink.take()
