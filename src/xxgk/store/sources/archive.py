"""ZIP archives: each member an Item, read in memory only, never extracted to disk.

Everything that can be refused is refused from the central directory, before a byte is inflated:
too many entries (from the end record, before the directory is even parsed), member names that
point outside the archive (`../x`, `/abs`, `C:\\x`: never written anywhere, but a name that lies
about where it belongs is refused so no later tool extracts it), members larger than the limit
or compressed implausibly well (a bomb), encrypted members, nested ZIPs. A member that lies about
its size is still bounded when read: zipfile stops at the declared size and fails the CRC.
"""

from __future__ import annotations

import os
import re
import threading
import zipfile
import zlib
from collections import OrderedDict
from collections.abc import Iterator

from ...errors import InputError, InputTooLarge
from .item import Item, RefusedInput, too_large
from .limits import CHUNK, MAX_OPEN_ARCHIVES, MAX_RATIO, MAX_ZIP_ENTRIES, RATIO_MIN_SIZE
from .local import Options

__all__ = ["is_archive", "archive_items", "member_refusal", "close_archives"]

_DRIVE = re.compile(r"[A-Za-z]:")
_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}


def is_archive(path: str) -> bool:
    """An archive is a file named *.zip. A ZIP under any other name goes to the reader, which reads
    Office documents (.docx and .xlsx are ZIPs) and refuses other archives in one line."""
    return path.lower().endswith(".zip")


def archive_items(path: str, name: str, opts: Options) -> Iterator[Item]:
    """The members of the archive at `path` as Items, sorted by their path inside the archive
    (duplicate names in directory order); one refused Item for the whole archive when it cannot be
    listed. Directories, hidden members (a leading dot in any part) and __MACOSX are skipped."""
    origin = os.path.abspath(path)
    try:
        with open(path, "rb") as f:
            entries = _declared_entries(f)
        if entries is not None and entries > MAX_ZIP_ENTRIES:
            raise InputTooLarge(f"压缩包条目过多（too many entries）：{entries} 个，超过 {MAX_ZIP_ENTRIES} 的上限，未展开")
        zf = zipfile.ZipFile(path)
        infos = zf.infolist()
    except InputError as e:
        yield Item.refused(name, origin, e)
        return
    except (zipfile.BadZipFile, zlib.error, ValueError, OSError, EOFError, NotImplementedError, RuntimeError) as e:
        yield Item.refused(name, origin, InputError(f"不是可读的 ZIP 压缩包（not a readable ZIP archive）：{_short(e)}"))
        return
    if len(infos) > MAX_ZIP_ENTRIES:  # the end record undercounted (ZIP64 or a lying record)
        zf.close()
        yield Item.refused(name, origin, InputTooLarge(f"压缩包条目过多（too many entries）：{len(infos)} 个，超过 {MAX_ZIP_ENTRIES} 的上限，未展开"))
        return
    archive = _Archive(path, zf)
    members = []
    for info in infos:
        decoded = _member_name(info)
        shown = decoded.replace("\\", "/")
        refusal = member_refusal(info.orig_filename) or member_refusal(decoded)
        if refusal is None:
            if info.is_dir() or shown.endswith("/"):
                continue
            parts = [p for p in shown.split("/") if p]
            if not parts or parts[0] == "__MACOSX" or any(p.startswith(".") for p in parts):
                continue
        members.append((shown.split("/"), shown, info, refusal))
    members.sort(key=lambda m: m[0])
    for _, shown, info, refusal in members:
        item_name = f"{name}!{shown}"
        item_origin = f"{origin}!{shown}"
        error = refusal or _directory_refusal(info, shown, opts.max_bytes)
        if error is not None:
            yield Item.refused(item_name, item_origin, error, kind="member", size=info.file_size)
            continue
        yield Item(name=item_name, origin=item_origin, kind="member", size=info.file_size,
                   _loader=_member_loader(archive, info, opts.max_bytes))
    archive.release()


def member_refusal(raw: str) -> RefusedInput | None:
    """Why a member name is refused: it points outside the archive. `raw` is the name as stored
    (zipfile's `filename` has already cut it at a NUL); backslashes count as separators."""
    name = raw.replace("\\", "/")
    if "\x00" in name:
        return RefusedInput(f"路径穿越（path traversal）：压缩包成员名 {name!r} 含 NUL 字符，已拒绝（未解压）")
    if name.startswith("/"):
        return RefusedInput(f"路径穿越（path traversal: absolute name）：压缩包成员名 {name!r} 是绝对路径，已拒绝（未解压）")
    if _DRIVE.match(name):
        return RefusedInput(f"路径穿越（path traversal: drive letter）：压缩包成员名 {name!r} 带盘符，已拒绝（未解压）")
    if ".." in name.split("/"):
        return RefusedInput(f"路径穿越（path traversal）：压缩包成员名 {name!r} 指向压缩包之外，已拒绝（未解压）")
    return None


def _member_name(info: zipfile.ZipInfo) -> str:
    """The member's name as its author wrote it. Without the UTF-8 flag (bit 11) the ZIP format says
    CP437, which zipfile follows; archives made by Windows in China (Explorer, WinRAR, 360压缩) write
    GBK there, so "报告.pdf" would show as "▒¿╕µ.pdf". GB18030 is tried first and kept when it decodes."""
    if info.flag_bits & 0x800:
        return info.orig_filename
    try:
        raw = info.orig_filename.encode("cp437")
    except UnicodeEncodeError:
        return info.orig_filename
    if raw.isascii():
        return info.orig_filename
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        return info.orig_filename


def _directory_refusal(info: zipfile.ZipInfo, shown: str, max_bytes: int) -> InputError | None:
    """What the central directory alone says against a member."""
    if shown.lower().endswith(".zip"):
        return RefusedInput("嵌套的 ZIP 不展开（nested ZIP not expanded）：请先解压外层压缩包，再把里面的文件交给 xxgk batch")
    if info.flag_bits & 0x1:
        return InputError("压缩包成员已加密（encrypted）：请去掉密码后重新打包")
    if info.compress_type not in _METHODS:
        return InputError(f"不支持的压缩方式（unsupported compression method {info.compress_type}）")
    if info.file_size > max_bytes:
        return too_large(info.file_size, max_bytes, what="解压后 ")
    if info.file_size >= RATIO_MIN_SIZE and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        return InputTooLarge(
            f"疑似压缩炸弹（zip bomb）：成员声明解压后 {info.file_size / 1048576:.0f} MiB，压缩后仅 "
            f"{info.compress_size / 1024:.0f} KiB（压缩比超过 {MAX_RATIO}），未解压"
        )
    return None


def _member_loader(archive: _Archive, info: zipfile.ZipInfo, max_bytes: int):  # type: ignore[no-untyped-def]
    def load(item: Item) -> bytes:
        return archive.read(info, max_bytes)

    return load


def _declared_entries(f) -> int | None:  # type: ignore[no-untyped-def]
    """The entry count of the end-of-central-directory record (ZIP64 when present), read before
    zipfile parses the whole directory into objects; None when there is no readable end record."""
    end = getattr(zipfile, "_EndRecData", None)
    if end is None:  # pragma: no cover - a private helper present in every CPython since 2.6
        return None
    rec = end(f)
    return None if rec is None else int(rec[zipfile._ECD_ENTRIES_TOTAL])  # type: ignore[attr-defined]


def _short(e: BaseException) -> str:
    text = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    return text if len(text) <= 160 else text[:157] + "…"


# -- lazily opened archives ---------------------------------------------------------------------

_lock = threading.RLock()
_open: OrderedDict[int, _Archive] = OrderedDict()


class _Archive:
    """One archive file shared by its members' Items: opened when a member is loaded, kept among the
    `MAX_OPEN_ARCHIVES` most recently used: loading the members of a 10,000-member ZIP one after the
    other parses its directory once (twice when every item was listed before the first load), and a
    batch over 10,000 ZIPs holds at most 8 descriptors."""

    def __init__(self, path: str, zf: zipfile.ZipFile) -> None:
        self.path = path
        self._zf: zipfile.ZipFile | None = zf
        with _lock:
            self._touch()

    def _touch(self) -> None:
        _open[id(self)] = self
        _open.move_to_end(id(self))
        while len(_open) > MAX_OPEN_ARCHIVES:
            _, oldest = _open.popitem(last=False)
            oldest._close()

    def _close(self) -> None:
        if self._zf is not None:
            self._zf.close()
            self._zf = None

    def release(self) -> None:
        """Listing is done: the archive may be closed now and reopened when a member is loaded."""
        with _lock:
            _open.pop(id(self), None)
            self._close()

    def read(self, info: zipfile.ZipInfo, max_bytes: int) -> bytes:
        """The member's bytes, at most `max_bytes` (the lock is held throughout: an archive being read
        is never closed under the reader by another thread's eviction)."""
        with _lock:
            try:
                if self._zf is None:
                    self._zf = zipfile.ZipFile(self.path)
                self._touch()
                parts: list[bytes] = []
                total = 0
                with self._zf.open(info) as f:
                    while total <= max_bytes:
                        chunk = f.read(min(CHUNK * 16, max_bytes + 1 - total))
                        if not chunk:
                            break
                        parts.append(chunk)
                        total += len(chunk)
            except (zipfile.BadZipFile, zlib.error, ValueError, OSError, EOFError, NotImplementedError, RuntimeError, KeyError) as e:
                raise InputError(f"压缩包成员已损坏（damaged member）：{_short(e)}") from None
        if total > max_bytes:
            raise too_large(total, max_bytes, what="解压时已超过 ")
        return b"".join(parts)


def close_archives() -> None:
    """Close every archive kept open for lazy loads (tests, the end of a batch)."""
    with _lock:
        while _open:
            _, archive = _open.popitem()
            archive._close()
