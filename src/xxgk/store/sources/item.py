"""One input of a batch (`Item`) and the errors its loading raises."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from ...errors import InputError, InputTooLarge

__all__ = ["Item", "RefusedInput", "FetchFailed", "too_large"]


class RefusedInput(InputError):
    """Refused by a safety rule before anything was read: a URL scheme other than http(s), a private
    address, a ZIP member named outside its archive, a FIFO or device, a nested ZIP."""


class FetchFailed(InputError):
    """A URL could not be downloaded: name not resolved, connection refused, timeout, HTTP status,
    TLS error, too many redirects."""


@dataclass(eq=False)
class Item:
    """One thing a batch ingests: a file, a member of a ZIP archive, or a URL.

    `name` is what a person sees (the path as given, ``archive.zip!dir/member.pdf``, the URL as
    listed); `origin` is what the store keeps as the version's origin (an absolute path, an absolute
    archive path ``!`` member, the final URL after redirects).

    `error` is set when the item is refused from what is known without reading it (a stat, a ZIP
    directory, the URL's text): `load()` then raises that error without touching the input. Other
    failures (a download, a damaged member, a file that grew) are only known when loading, and
    `load()` raises them. Every error is an `xxgk.errors.InputError` (`InputTooLarge` for every size
    bound, `RefusedInput` for safety rules, `FetchFailed` for the network), with a one-line message
    in Chinese that names the English term (``路径穿越（path traversal）：…``).

    `fetched_at` (UTC) is set for URLs only, by `load()`, together with the final `origin`. A file's
    or member's mtime is not used: it says when the bytes were last copied or unpacked on this disk,
    not when they were published or fetched, and storing it would invent a provenance.

    `load()` reads afresh on each call (nothing is cached: a batch holds one item's bytes at a time).
    """

    name: str
    origin: str
    fetched_at: datetime | None = None
    error: str | None = None
    #: "file", "member" (of a ZIP) or "url".
    kind: str = "file"
    #: Bytes, when known before loading (a file's stat size, a member's declared size); None for URLs.
    size: int | None = None
    _loader: Callable[[Item], bytes] | None = field(default=None, repr=False)
    _error_type: type[InputError] = field(default=InputError, repr=False)

    def load(self) -> bytes:
        """The item's bytes, at most the batch's `max_bytes`; raises an InputError subclass."""
        if self.error is not None or self._loader is None:
            raise self._error_type(self.error or "无法读取（unreadable）")
        return self._loader(self)

    @classmethod
    def refused(cls, name: str, origin: str, error: InputError, *, kind: str = "file", size: int | None = None) -> Item:
        """An item that is known to fail: `load()` raises `error` again (same class, same message)."""
        return cls(name=name, origin=origin, error=str(error), kind=kind, size=size, _error_type=type(error))


def too_large(size: int, limit: int, *, what: str = "") -> InputTooLarge:
    """The one message for every size bound (files, members, downloads)."""
    return InputTooLarge(
        f"文件过大（too large）：{what}{_mib(size)}，超过 {_mib(limit)} 的上限；报告通常只有几 MB，请确认是否是正确的文件"
    )


def _mib(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / 1048576:.1f} MiB".replace(".0 MiB", " MiB")
    return f"{n} B"
