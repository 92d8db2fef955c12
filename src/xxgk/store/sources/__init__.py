"""The inputs of `xxgk batch`: folders, ZIP archives, list files, single files and URLs → `Item`s.

    from xxgk.store.sources import iter_items
    for item in iter_items(["reports/", "2024.zip", "urls.txt"]):
        try:
            data = item.load()                   # bytes, bounded; raises an xxgk.InputError
        except InputError as e:
            record_failed(item.name, str(e))     # the reason, one line; the batch goes on
            continue
        ingest(data, name=item.name, origin=item.origin, fetched_at=item.fetched_at)

`iter_items` only lists: it stats files and reads ZIP directories and list files, but reads no
report and fetches no URL; `Item.load()` does. What can be refused without reading (a 10 GB file,
a FIFO, `../` in a ZIP, `ftp://`, a literal private address) comes out as an item with `error` set,
in its place in the order, so the batch records it as failed and nothing else is lost.

Arguments, each expanded in the order given:

- a folder: its files, walked recursively, sorted by path; hidden files and folders and our own
  store (`*.sqlite3*`) skipped; symlinks followed (each real folder once);
- a `*.zip` file (given, or found in a folder or a list): its members, sorted by path, read in memory
  only; see `archive` for what is refused;
- a list file (`.txt`/`.lst`/`.list`/`.urls` given on the command line whose every non-blank,
  non-`#` line is a path or a URL): its entries, in file order, each expanded like an argument
  (folders walked, ZIPs opened; a list inside a list is a plain file);
- any other file: itself (the reader decides what it is);
- a URL (`scheme:…` that is not an existing path): itself; http and https only.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator, Sequence

from .archive import archive_items, close_archives, is_archive, member_refusal
from .item import FetchFailed, Item, RefusedInput
from .limits import FETCH_TIMEOUT, MAX_BYTES
from .local import Options, classify, crawl_record, file_item, is_url_like, read_list, walk
from .web import address_refusal, url_item

__all__ = [
    "Item", "iter_items", "RefusedInput", "FetchFailed", "MAX_BYTES", "address_refusal",
    "member_refusal", "close_archives",
]


def iter_items(
    args: Sequence[str | os.PathLike[str]],
    *,
    allow_private: bool = False,
    max_bytes: int = MAX_BYTES,
    fetch_timeout: float = FETCH_TIMEOUT,
    recursive: bool = True,
) -> Iterator[Item]:
    """Every input the arguments name, as Items, in a deterministic order (arguments as given;
    folders and ZIP members sorted by path; list entries in file order).

    `allow_private` lets URLs reach private, loopback and link-local addresses (an intranet portal,
    a test server); `max_bytes` bounds every file, member and download; `fetch_timeout` bounds each
    wait of a download (the whole download gets ten times as long); `recursive=False` takes only the
    files directly inside a folder argument."""
    opts = Options(allow_private=allow_private, max_bytes=max_bytes, fetch_timeout=fetch_timeout, recursive=recursive)
    for arg in args:
        yield from _expand(os.fspath(arg), opts, in_list=False)


def _expand(arg: str, opts: Options, *, in_list: bool) -> Iterator[Item]:
    if is_url_like(arg) and not os.path.lexists(arg):
        yield url_item(arg, opts)
        return
    st = classify(arg, arg)
    if isinstance(st, Item):
        yield st
        return
    if stat.S_ISDIR(st.st_mode):
        for found in walk(arg, opts):
            if isinstance(found, Item):
                yield found
            else:
                yield from _file(found[0], found[1], opts)
        return
    if not in_list and stat.S_ISREG(st.st_mode):
        entries = read_list(arg, st.st_size)
        if entries is not None:
            for entry in entries:
                record = crawl_record(entry) if "\t" in entry else None
                if record is None:
                    yield from _expand(entry, opts, in_list=True)
                    continue
                path, url, fetched = record
                for item in _expand(path, opts, in_list=True):
                    if item.kind == "file" and item.error is None:
                        item.origin, item.fetched_at = url, fetched
                    yield item
            return
    yield from _file(arg, arg, opts, st)


def _file(path: str, name: str, opts: Options, st: os.stat_result | None = None) -> Iterator[Item]:
    """A file found anywhere: a ZIP's members, or the file itself."""
    if st is None:
        found = classify(path, name)
        if isinstance(found, Item):
            yield found
            return
        st = found
    if is_archive(path) and stat.S_ISREG(st.st_mode):
        yield from archive_items(path, name, opts)
    else:
        yield file_item(path, name, st, opts)
