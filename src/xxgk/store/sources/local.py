"""Files on disk: one file, a folder walked, a list file of paths and URLs.

Nothing here opens a file that is not a regular file: a FIFO would block the batch forever, a
device (/dev/zero) never ends. The kind is taken from `os.stat` (which follows symlinks), and
`read_file` opens with O_NONBLOCK and checks again on the open descriptor, so a file swapped for a
FIFO between the walk and the load fails instead of hanging.
"""

from __future__ import annotations

from datetime import datetime, timezone

import codecs
import errno
import fnmatch
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from ...errors import InputError
from .item import Item, RefusedInput, too_large
from .limits import CHUNK, DOC_SUFFIXES, LIST_PROBE_BYTES, LIST_SUFFIXES, MAX_LIST_BYTES

__all__ = ["Options", "classify", "file_item", "read_file", "walk", "read_list", "is_url_like", "is_store_file"]


@dataclass(frozen=True)
class Options:
    """The batch's bounds, passed down to every item's loader."""

    allow_private: bool
    max_bytes: int
    fetch_timeout: float
    recursive: bool


#: Our own store and its WAL/SHM/journal files: a batch pointed at the folder that holds the store
#: must not try to ingest it.
STORE_PATTERN = "*.sqlite3*"

#: Something with a scheme: at least two characters, so that a Windows drive letter ("C:\\a.pdf") is
#: a path; no white space anywhere on the line, which prose always has or ends on punctuation. An
#: http(s) URL may hold spaces (hrefs scraped from portals do: "/xxgk/2023 年报.pdf").
_HTTP = re.compile(r"(?i:https?)://\S+")
_URL_LIKE = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]+:\S+|(?i:https?)://\S.*")
#: Sentence punctuation that file names do not carry but report prose does on nearly every line.
_PROSE = re.compile("[。，；：！？]")

_KINDS = (
    (stat.S_ISFIFO, "FIFO"),
    (stat.S_ISCHR, "字符设备 character device"),
    (stat.S_ISBLK, "块设备 block device"),
    (stat.S_ISSOCK, "socket"),
)


def is_url_like(text: str) -> bool:
    return _URL_LIKE.fullmatch(text) is not None


def is_store_file(name: str) -> bool:
    return fnmatch.fnmatch(name.lower(), STORE_PATTERN)


def abspath(path: str) -> str:
    return os.path.abspath(path)


def classify(path: str, name: str) -> os.stat_result | Item:
    """The stat of what `path` leads to, or a refused Item saying why it cannot be read at all."""
    origin = abspath(path)
    try:
        return os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            error: InputError = InputError("符号链接指向不存在的文件（broken symlink）")
        else:
            error = InputError("文件不存在（no such file）")
    except PermissionError:
        error = InputError("无权读取（permission denied）")
    except OSError as e:
        if e.errno == errno.ELOOP:
            error = InputError("符号链接循环（symlink loop）")
        else:
            error = InputError(f"无法读取（cannot read）：{e.strerror or e}")
    return Item.refused(name, origin, error)


def not_regular(st: os.stat_result) -> str | None:
    """What a non-regular, non-directory file is ("FIFO", …), or None for a regular file."""
    for test, what in _KINDS:
        if test(st.st_mode):
            return what
    return None if stat.S_ISREG(st.st_mode) else "特殊文件 special file"


def file_item(path: str, name: str, st: os.stat_result, opts: Options) -> Item:
    """A regular file as an Item; refused now when its stat already says it cannot be read."""
    origin = abspath(path)
    what = not_regular(st)
    if what is not None:
        return Item.refused(name, origin, RefusedInput(f"不是普通文件（not a regular file: {what}），未打开"))
    if st.st_size > opts.max_bytes:  # a 10 GB sparse file is refused here, before any read
        return Item.refused(name, origin, too_large(st.st_size, opts.max_bytes), size=st.st_size)
    if not os.access(path, os.R_OK):
        return Item.refused(name, origin, InputError("无权读取（permission denied）"), size=st.st_size)
    limit = opts.max_bytes
    return Item(name=name, origin=origin, kind="file", size=st.st_size, _loader=lambda item: read_file(path, limit))


def read_file(path: str, max_bytes: int) -> bytes:
    """The bytes of a regular file, never more than `max_bytes` + 1 read, never blocking on a FIFO."""
    try:
        fd = _open_nonblocking(path)
    except FileNotFoundError:
        raise InputError("文件不存在（no such file）") from None
    except PermissionError:
        raise InputError("无权读取（permission denied）") from None
    except OSError as e:
        raise InputError(f"无法读取（cannot read）：{e.strerror or e}") from None
    try:
        st = os.fstat(fd)
        what = not_regular(st)
        if what is not None:
            raise RefusedInput(f"不是普通文件（not a regular file: {what}），未读取")
        if st.st_size > max_bytes:
            raise too_large(st.st_size, max_bytes)
        os.set_blocking(fd, True)
        parts: list[bytes] = []
        total = 0
        while total <= max_bytes:
            chunk = os.read(fd, min(max(CHUNK, st.st_size - total + 1), max_bytes + 1 - total))
            if not chunk:
                break
            parts.append(chunk)
            total += len(chunk)
    except OSError as e:
        raise InputError(f"无法读取（cannot read）：{e.strerror or e}") from None
    finally:
        os.close(fd)
    if total > max_bytes:  # it grew since the walk
        raise too_large(total, max_bytes, what="读取时已超过 ")
    return b"".join(parts)


def walk(root: str, opts: Options) -> Iterator[tuple[str, str] | Item]:
    """The files under `root`: (path, name) pairs sorted by their path inside the tree, or refused
    Items for what cannot be listed or read at all.

    Hidden files and folders (a leading dot) and our own store files are skipped. Symlinks are
    followed, to files and to folders (a folder of links into an archive tree is a normal way to
    pick reports); each real folder is walked once, by (device, inode), so a link loop ends.
    With `recursive=False` only the files directly in `root` are taken.
    """
    found: list[tuple[tuple[str, ...], str, Item | None]] = []
    seen: set[tuple[int, int]] = set()
    try:
        st = os.stat(root)
        seen.add((st.st_dev, st.st_ino))
    except OSError:
        pass
    stack: list[tuple[str, tuple[str, ...]]] = [(root, ())]
    while stack:
        folder, parts = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = list(it)
        except OSError as e:
            why = "无权读取（permission denied）" if isinstance(e, PermissionError) else f"无法列出文件夹（cannot list）：{e.strerror or e}"
            found.append((parts, folder, Item.refused(folder, abspath(folder), InputError(why))))
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = os.path.join(folder, entry.name)
            try:
                is_dir = entry.is_dir()  # follows symlinks
            except OSError:
                is_dir = False
            if is_dir:
                if not opts.recursive:
                    continue
                try:
                    dst = os.stat(path)
                except OSError:
                    continue
                key = (dst.st_dev, dst.st_ino)
                if key not in seen:
                    seen.add(key)
                    stack.append((path, (*parts, entry.name)))
                continue
            if is_store_file(entry.name):
                continue
            found.append(((*parts, entry.name), path, None))
    found.sort(key=lambda f: f[0])
    for _, path, refused in found:
        yield refused if refused is not None else (path, path)


def read_list(path: str, size: int) -> list[str] | None:
    """The entries of a list file (paths or URLs, one a line; blank lines and `#` comments skipped),
    or None when the file is not a list.

    A list is a file named .txt/.lst/.list/.urls whose every other line is URL-like
    (`scheme:…`, no spaces: every scheme counts, so a listed ftp:// is refused later by name, not
    read as prose) or a path (an existing file or folder, or a name ending like a document, with no
    sentence punctuation). A plain-text report is never a list: its lines are prose, and the first
    one (a title such as "XX县人民政府2023年政府信息公开工作年度报告") is neither. Relative paths are
    taken from the list's folder, else from the current folder when they exist only there.
    """
    if os.path.splitext(path)[1].lower() not in LIST_SUFFIXES or size > MAX_LIST_BYTES or size == 0:
        return None
    base = os.path.dirname(abspath(path))
    try:
        with _open_regular(path) as f:
            head = f.read(LIST_PROBE_BYTES)
            if _lines(head, base, partial=len(head) < size) is None:
                return None  # the first lines already say: a report, not a list
            data = head + f.read(MAX_LIST_BYTES + 1 - len(head))
    except OSError:
        return None  # the item itself will say why the file cannot be read
    lines = _lines(data, base, partial=False)
    if not lines:
        return None
    entries = [_entry(line, base) for line in lines]
    return None if any(e is None for e in entries) else entries  # type: ignore[misc]


def _open_nonblocking(path: str) -> int:
    """A read-only descriptor that a FIFO cannot block on opening; callers check the file type
    with fstat and switch blocking back on before reading."""
    return os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0))


def _open_regular(path: str) -> BinaryIO:
    """`path` opened for reading if it is (still) a regular file, without blocking on a FIFO."""
    fd = _open_nonblocking(path)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _lines(data: bytes, base: str, *, partial: bool) -> list[str] | None:
    """The content lines of `data` if every one may be a list entry so far, else None. A partial
    probe drops its last, possibly cut line."""
    if b"\x00" in data:
        return None
    try:
        text = codecs.decode(data, "utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            return None
    raw = text.splitlines()
    if partial and raw:
        raw = raw[:-1]
    out = []
    for line in raw:
        line = line.strip().lstrip("\ufeff")
        if not line or line.startswith("#"):
            continue
        if "\t" in line:  # a crawl's record: the file, the URL it was fetched from, when
            if crawl_record(line) is None or not _path_like(line.split("\t", 1)[0], base):
                return None
        elif not (is_url_like(line) or _path_like(line, base)):
            return None
        out.append(line)
    return out


def crawl_record(line: str) -> tuple[str, str, datetime | None] | None:
    """`path<TAB>url[<TAB>fetched-at]` (ISO 8601; UTC when it names no zone) as (path, url,
    fetched_at), or None when the line is not one. A crawler saves files and keeps where it got
    them: the store records that URL and time as the version's origin, not the local path."""
    parts = line.split("\t")
    if len(parts) not in (2, 3) or not parts[0].strip() or not _HTTP.fullmatch(parts[1].strip()):
        return None
    fetched = None
    if len(parts) == 3 and parts[2].strip():
        try:
            fetched = datetime.fromisoformat(parts[2].strip())
        except ValueError:
            return None
        if fetched.tzinfo is None:
            fetched = fetched.replace(tzinfo=timezone.utc)
    return parts[0].strip(), parts[1].strip(), fetched


def _path_like(line: str, base: str) -> bool:
    """May `line` name a file: no sentence punctuation, and it ends like a document or exists (in
    the list's folder or the current one)."""
    if _PROSE.search(line) or len(line) > 4096:
        return False
    if os.path.splitext(line)[1].lower() in DOC_SUFFIXES:
        return True
    return os.path.lexists(os.path.join(base, line)) or os.path.lexists(line)


def _entry(line: str, base: str) -> str | None:
    """A list line as an argument: the URL as written, or the path resolved against the list's folder
    (a crawl record keeps its URL and time after the resolved path)."""
    if "\t" in line:
        path, rest = line.split("\t", 1)
        resolved = _entry(path.strip(), base)
        return None if resolved is None else f"{resolved}\t{rest}"
    if os.path.isabs(line):
        return line
    here = os.path.join(base, line)
    if os.path.lexists(here):
        return here
    if os.path.lexists(line):
        return line
    if is_url_like(line):
        return line
    if os.path.splitext(line)[1].lower() in DOC_SUFFIXES:
        return here  # missing: the batch records "no such file" for it
    return None
