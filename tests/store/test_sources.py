"""Batch inputs on disk (xxgk.store.sources): folders, files, ZIP archives, list files.

Every refusal is checked by its reason (the English term in the message) and by what `load()`
raises; expected names and orders are literal lists built by hand. URLs are in test_sources_web.py.
"""

from __future__ import annotations

import os
import shutil
import struct
import threading
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from xxgk.errors import InputError, InputTooLarge
from xxgk.store.sources import Item, RefusedInput, close_archives, iter_items
from xxgk.store.sources import archive as archive_mod
from xxgk.store.sources import local

MiB = 1024 * 1024


@pytest.fixture(autouse=True)
def _close_archives():
    yield
    close_archives()


def _items(*args: object, **kw: object) -> list[Item]:
    return list(iter_items([os.fspath(a) for a in args], **kw))  # type: ignore[arg-type]


def _names(items: list[Item], root: Path) -> list[str]:
    return [os.path.relpath(i.name, root) if "://" not in i.name else i.name for i in items]


def _finishes(fn: Callable[[], object], seconds: float = 20.0) -> object:
    """Run `fn` in a thread and fail (instead of hanging the suite) if it never returns: the guard for
    inputs that must never be opened for a blocking read (a FIFO)."""
    out: dict[str, object] = {}

    def run() -> None:
        try:
            out["value"] = fn()
        except BaseException as e:  # noqa: BLE001 - handed back to the test
            out["error"] = e

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(seconds)
    assert not t.is_alive(), "blocked: a FIFO or device was opened for reading"
    if "error" in out:
        raise out["error"]  # type: ignore[misc]
    return out.get("value")


# -- folders and files --------------------------------------------------------------------------


def test_folder_sorted_hidden_and_store_files_skipped(tmp_path: Path) -> None:
    root = tmp_path / "in"
    for rel in ["b.txt", "a/z.pdf", "a/b/c.txt", "A.txt", ".hidden.txt", ".git/config", "x.sqlite3",
                "x.sqlite3-wal", "sub/store.SQLITE3-shm", "sub/r.docx"]:
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(rel.encode())
    items = _items(root)
    assert _names(items, root) == ["A.txt", "a/b/c.txt", "a/z.pdf", "b.txt", "sub/r.docx"]
    assert all(i.error is None and i.kind == "file" and i.fetched_at is None for i in items)
    assert items[1].origin == str(root.resolve() / "a" / "b" / "c.txt")
    assert items[1].load() == b"a/b/c.txt"
    assert items[1].size == len(b"a/b/c.txt")
    assert _names(_items(root, recursive=False), root) == ["A.txt", "b.txt"]


def test_arguments_keep_their_order_and_a_missing_one_is_an_item(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_bytes(b"b")
    (tmp_path / "a.txt").write_bytes(b"a")
    items = _items(tmp_path / "b.txt", tmp_path / "missing.pdf", tmp_path / "a.txt")
    assert _names(items, tmp_path) == ["b.txt", "missing.pdf", "a.txt"]
    assert items[1].error is not None and "no such file" in items[1].error
    with pytest.raises(InputError, match="no such file"):
        items[1].load()
    assert items[2].load() == b"a"


def test_ten_gigabyte_sparse_file_refused_from_its_size(tmp_path: Path) -> None:
    big = tmp_path / "huge.pdf"
    with open(big, "wb") as f:
        f.truncate(10 * 2**30)
    (tmp_path / "ok.txt").write_bytes(b"fine")
    items = _items(tmp_path)
    assert _names(items, tmp_path) == ["huge.pdf", "ok.txt"]
    huge = items[0]
    assert huge.size == 10 * 2**30
    assert huge.error is not None and "too large" in huge.error and "10240 MiB" in huge.error and "100 MiB" in huge.error
    with pytest.raises(InputTooLarge, match="too large"):
        huge.load()
    assert items[1].load() == b"fine"


def test_size_limit_is_inclusive_and_a_file_that_grows_is_caught_when_read(tmp_path: Path) -> None:
    exact, over = tmp_path / "exact.txt", tmp_path / "over.txt"
    exact.write_bytes(b"x" * 100)
    over.write_bytes(b"x" * 101)
    a, b = _items(exact, over, max_bytes=100)
    assert a.error is None and a.load() == b"x" * 100
    assert b.error is not None and "too large" in b.error
    exact.write_bytes(b"x" * 150)  # grew between the listing and the load
    with pytest.raises(InputTooLarge):
        a.load()


def test_fifo_never_opened(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    (tmp_path / "z.txt").write_bytes(b"z")
    items = _finishes(lambda: _items(tmp_path))
    assert _names(items, tmp_path) == ["pipe.txt", "z.txt"]  # type: ignore[arg-type]
    pipe = items[0]  # type: ignore[index]
    assert pipe.error is not None and "not a regular file: FIFO" in pipe.error
    with pytest.raises(RefusedInput, match="FIFO"):
        _finishes(pipe.load)
    # The same FIFO reached by the loader itself (swapped in after the walk) fails instead of blocking.
    with pytest.raises(RefusedInput, match="FIFO"):
        _finishes(lambda: local.read_file(str(fifo), 100))


def test_devices_and_a_symlink_to_one_never_read(tmp_path: Path) -> None:
    (tmp_path / "zero.pdf").symlink_to("/dev/zero")
    dev, link = _items("/dev/null", tmp_path / "zero.pdf")
    assert dev.error is not None and "not a regular file" in dev.error and "character device" in dev.error
    assert link.error is not None and "not a regular file" in link.error
    with pytest.raises(RefusedInput):
        link.load()


def test_symlinks_broken_to_files_outside_and_folder_loops(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_bytes(b"outside")
    root = tmp_path / "tree"
    (root / "a").mkdir(parents=True)
    (root / "a" / "r.txt").write_bytes(b"r")
    (root / "a" / "loop").symlink_to("..")            # tree/a/loop → tree: walked once only
    (root / "a" / "self").symlink_to(".")             # tree/a/self → tree/a
    (root / "dangling.pdf").symlink_to(root / "gone.pdf")
    (root / "out.txt").symlink_to(outside)            # a file outside the tree is followed
    items = _items(root)
    assert _names(items, root) == ["a/r.txt", "dangling.pdf", "out.txt"]
    assert items[1].error is not None and "broken symlink" in items[1].error
    assert items[2].load() == b"outside"
    assert items[2].origin == str(root.resolve() / "out.txt")  # the name the person gave, made absolute


def test_linked_folder_outside_the_tree_is_walked(tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "e.txt").write_bytes(b"e")
    (tmp_path / "tree").mkdir()
    (tmp_path / "tree" / "linked").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    assert _names(_items(tmp_path / "tree"), tmp_path / "tree") == ["linked/e.txt"]


def test_permission_denied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_bytes(b"s")
    secret.chmod(0)
    try:
        (item,) = _items(secret)
        if os.geteuid() != 0:  # root reads anything: the refusal is then checked through the loader below
            assert item.error is not None and "permission denied" in item.error
    finally:
        secret.chmod(0o644)

    real_open = os.open

    def deny(path: object, *a: object, **k: object) -> int:
        if os.fspath(path) == str(secret):  # type: ignore[arg-type]
            raise PermissionError(13, "Permission denied")
        return real_open(path, *a, **k)  # type: ignore[arg-type]

    (item,) = _items(secret)
    monkeypatch.setattr(os, "open", deny)
    with pytest.raises(InputError, match="permission denied"):
        item.load()


def test_unlistable_folder_is_an_item(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "ok").mkdir()
    (tmp_path / "ok" / "a.txt").write_bytes(b"a")
    (tmp_path / "locked").mkdir()
    real = os.scandir

    def scandir(path: object):  # type: ignore[no-untyped-def]
        if os.fspath(path).endswith("locked"):  # type: ignore[arg-type]
            raise PermissionError(13, "Permission denied")
        return real(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", scandir)
    items = _items(tmp_path)
    assert _names(items, tmp_path) == ["locked", "ok/a.txt"]
    assert items[0].error is not None and "permission denied" in items[0].error


# -- ZIP archives -------------------------------------------------------------------------------


def _zip(path: Path, members: dict[str, bytes], *, method: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", method) as z:
        for name, data in members.items():
            z.writestr(zipfile.ZipInfo(name), data, compress_type=method)
    return path


def test_zip_traversal_members_refused_and_good_ones_read_in_memory(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    archive = _zip(work / "reports.zip", {
        "good/a.txt": b"A",
        "../../etc/passwd": b"root:x:0:0",
        "/abs.txt": b"abs",
        "C:/win.txt": b"win",
        "..\\..\\evil.txt": b"evil",
        "b.txt": b"B",
        "dir/": b"",
        ".hidden.txt": b"h",
        "__MACOSX/._b.txt": b"mac",
        "inner.zip": b"PK\x05\x06" + bytes(18),
    })
    items = _items(archive)
    shown = [i.name.split("!", 1)[1] for i in items]
    assert shown == ["/abs.txt", "../../etc/passwd", "../../evil.txt", "C:/win.txt", "b.txt", "good/a.txt", "inner.zip"]
    by = dict(zip(shown, items))
    for bad in ["/abs.txt", "../../etc/passwd", "../../evil.txt", "C:/win.txt"]:
        assert by[bad].error is not None and "path traversal" in by[bad].error, bad
        with pytest.raises(RefusedInput, match="path traversal"):
            by[bad].load()
    assert by["inner.zip"].error is not None and "nested ZIP" in by["inner.zip"].error
    assert by["good/a.txt"].load() == b"A" and by["b.txt"].load() == b"B"
    assert by["good/a.txt"].name == f"{archive}!good/a.txt"
    assert by["good/a.txt"].origin == f"{archive.resolve()}!good/a.txt"
    assert by["good/a.txt"].kind == "member" and by["good/a.txt"].fetched_at is None
    # Nothing was extracted anywhere: the folder holds the archive alone.
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["reports.zip", "work"]


def _zeros_zip(path: Path, members: dict[str, int]) -> Path:
    """A ZIP whose members are `size` zero bytes each, written 1 MiB at a time (never held whole)."""
    block = bytes(MiB)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for name, size in members.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            info._compresslevel = 1  # type: ignore[attr-defined]  # what ZipFile.open(…, "w") compresses with
            with z.open(info, "w", force_zip64=size > 2**31) as f:
                for _ in range(size // MiB):
                    f.write(block)
                f.write(bytes(size % MiB))
    return path


def test_zip_bomb_refused_from_the_directory(tmp_path: Path) -> None:
    archive = _zeros_zip(tmp_path / "bomb.zip", {"big.txt": 200 * MiB, "dense.txt": 20 * MiB, "small.txt": 1000})
    assert archive.stat().st_size < 2 * MiB  # 220 MB of zeros deflate to ~1 MB
    big, dense, small = _items(archive)
    assert big.size == 200 * MiB
    assert big.error is not None and "too large" in big.error and "200 MiB" in big.error
    with pytest.raises(InputTooLarge):
        big.load()
    # Under the size limit but compressed ~1000:1: a bomb by its ratio.
    assert dense.error is not None and "zip bomb" in dense.error
    with pytest.raises(InputTooLarge, match="zip bomb"):
        dense.load()
    assert small.error is None and small.load() == bytes(1000)


def _set_sizes(data: bytearray, declared: int) -> None:
    """Overwrite the uncompressed size in every local and central header of a one-member ZIP."""
    local_at = data.index(b"PK\x03\x04")
    central_at = data.index(b"PK\x01\x02")
    struct.pack_into("<I", data, local_at + 22, declared)
    struct.pack_into("<I", data, central_at + 24, declared)


def test_zip_member_lying_about_its_size_is_still_bounded(tmp_path: Path) -> None:
    archive = _zeros_zip(tmp_path / "liar.zip", {"liar.txt": 5 * MiB})
    data = bytearray(archive.read_bytes())
    _set_sizes(data, 100)
    archive.write_bytes(bytes(data))
    (item,) = _items(archive, max_bytes=1000)
    assert item.error is None and item.size == 100
    with pytest.raises(InputError, match="damaged member"):
        item.load()


def test_zip_with_too_many_entries_refused_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(archive_mod, "MAX_ZIP_ENTRIES", 5)
    archive = _zip(tmp_path / "many.zip", {f"r{i}.txt": b"x" for i in range(6)})
    (item,) = _items(archive)
    assert item.name == str(archive)
    assert item.error is not None and "too many entries" in item.error and "6" in item.error
    with pytest.raises(InputTooLarge):
        item.load()
    # The count comes from the end record, before the directory is parsed: a record claiming 65,535
    # entries is refused even though its directory is short.
    data = bytearray(_zip(tmp_path / "claims.zip", {"a.txt": b"a"}).read_bytes())
    end = data.rindex(b"PK\x05\x06")
    struct.pack_into("<HH", data, end + 8, 65535, 65535)
    (tmp_path / "claims.zip").write_bytes(bytes(data))
    (item,) = _items(tmp_path / "claims.zip")
    assert item.error is not None and "too many entries" in item.error and "65535" in item.error


def test_zip_encrypted_unreadable_and_not_a_zip(tmp_path: Path) -> None:
    archive = _zip(tmp_path / "enc.zip", {"secret.txt": b"s", "plain.txt": b"p"})
    data = bytearray(archive.read_bytes())  # zipfile writes no encryption: set the flag bit by hand
    for sig, flags_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.index(sig)  # the first member's headers: secret.txt
        struct.pack_into("<H", data, at + flags_at, struct.unpack_from("<H", data, at + flags_at)[0] | 0x1)
    archive.write_bytes(bytes(data))
    fake = tmp_path / "fake.zip"
    fake.write_bytes("这不是压缩包".encode())
    plain, secret, not_zip = _items(archive, fake)
    assert plain.load() == b"p"
    assert secret.error is not None and "encrypted" in secret.error
    assert not_zip.name == str(fake) and not_zip.error is not None and "not a readable ZIP archive" in not_zip.error


def test_zip_member_names_in_gbk(tmp_path: Path) -> None:
    """Windows in China writes member names in GBK without the UTF-8 flag; they show as written."""
    archive = _zip(tmp_path / "gbk.zip", {"abcd/efgh.txt": b"g", "../x/ijkl.txt": b"t", "utf8/年报.txt": b"u"})
    data = archive.read_bytes()
    assert len("报告".encode("gbk")) == len(b"abcd") and len("年度".encode("gbk")) == len(b"efgh")
    for ascii_name, gbk in ((b"abcd", "报告"), (b"efgh", "年度"), (b"ijkl", "渠县")):
        data = data.replace(ascii_name, gbk.encode("gbk"))  # local and central header alike
    archive.write_bytes(data)
    items = _items(archive)
    assert [i.name.split("!", 1)[1] for i in items] == ["../x/渠县.txt", "utf8/年报.txt", "报告/年度.txt"]
    assert items[0].error is not None and "path traversal" in items[0].error
    assert items[2].origin == f"{archive.resolve()}!报告/年度.txt"
    assert [i.load() for i in items[1:]] == [b"u", b"g"]


def test_zip_in_a_folder_expanded_and_office_files_left_whole(tmp_path: Path) -> None:
    root = tmp_path / "in"
    root.mkdir()
    _zip(root / "batch.ZIP", {"y/2.txt": b"2", "x.txt": b"1"})
    _zip(root / "report.docx", {"word/document.xml": b"<w/>", "[Content_Types].xml": b"<t/>"})
    (root / "a.txt").write_bytes(b"a")
    items = _items(root)
    assert _names(items, root) == ["a.txt", "batch.ZIP!x.txt", "batch.ZIP!y/2.txt", "report.docx"]
    assert [i.kind for i in items] == ["file", "member", "member", "file"]
    assert items[2].load() == b"2"


def test_members_load_after_listing_every_archive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Listing everything first (for a progress bar) and loading later still works, with at most
    MAX_OPEN_ARCHIVES archives open."""
    monkeypatch.setattr(archive_mod, "MAX_OPEN_ARCHIVES", 2)
    for k in range(4):
        _zip(tmp_path / f"{k}.zip", {"a.txt": f"{k}a".encode(), "b.txt": f"{k}b".encode()})
    items = _items(tmp_path)
    assert [i.load() for i in items] == [b"0a", b"0b", b"1a", b"1b", b"2a", b"2b", b"3a", b"3b"]
    assert len(archive_mod._open) <= 2
    shutil.rmtree(tmp_path)
    with pytest.raises(InputError, match="damaged member"):
        items[0].load()


# -- list files ---------------------------------------------------------------------------------


def test_list_of_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reports = tmp_path / "reports"
    (reports / "sub").mkdir(parents=True)
    (reports / "b.txt").write_bytes(b"b")
    (reports / "sub" / "c.pdf").write_bytes(b"c")
    (reports / "报告 2023.txt").write_bytes("中".encode())
    _zip(reports / "z.zip", {"m.txt": b"m"})
    absolute = tmp_path / "abs.txt"
    absolute.write_bytes(b"abs")
    nested = reports / "nested.txt"
    nested.write_text("b.txt\n", encoding="utf-8")
    listing = tmp_path / "files.lst"
    listing.write_text(
        "# reports to ingest\n\n"
        "reports/b.txt\n"
        f"{absolute}\n"
        "reports/sub\n"
        "reports/z.zip\n"
        "  reports/报告 2023.txt  \n"
        "reports/gone.pdf\n"
        "reports/nested.txt\n",
        encoding="utf-8",
    )
    monkeypatch.chdir("/")  # relative entries are taken from the list's folder
    items = _items(listing)
    assert _names(items, tmp_path) == [
        "reports/b.txt", "abs.txt", "reports/sub/c.pdf", "reports/z.zip!m.txt", "reports/报告 2023.txt",
        "reports/gone.pdf", "reports/nested.txt",
    ]
    assert [i.load() for i in items[:5]] == [b"b", b"abs", b"c", b"m", "中".encode()]
    assert items[5].error is not None and "no such file" in items[5].error
    assert items[6].error is None and items[6].load() == b"b.txt\n"  # a list inside a list is a file


def test_list_in_gbk_relative_to_the_current_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "渠县.txt").write_bytes(b"q")
    (tmp_path / "lists").mkdir()
    listing = tmp_path / "lists" / "todo.txt"
    listing.write_bytes("data/渠县.txt\r\n".encode("gbk"))
    monkeypatch.chdir(tmp_path)
    (item,) = _items(listing)
    assert item.name == "data/渠县.txt" and item.load() == b"q"


def test_plain_text_reports_are_not_lists(seed_paths: list[Path], tmp_path: Path) -> None:
    for seed in seed_paths:
        items = _items(seed)
        assert [(i.name, i.kind, i.error) for i in items] == [(str(seed), "file", None)]
        assert items[0].load() == seed.read_bytes()
    # Even when every line of its head is a file name, one line of prose makes it a report.
    mixed = tmp_path / "mixed.txt"
    mixed.write_text("附件1.pdf\n附件2.pdf\n本机关2024年共收到申请12件，均已按时答复。\n", encoding="utf-8")
    assert [i.name for i in _items(mixed)] == [str(mixed)]
    cites = tmp_path / "cites.txt"  # every line ends like a document, but one is a sentence
    cites.write_text("附件1.pdf\n详见附件：2024年度报告.pdf\n", encoding="utf-8")
    assert [i.name for i in _items(cites)] == [str(cites)]
    # A report found in a folder is never opened as a list.
    urls = tmp_path / "dir" / "urls.txt"
    urls.parent.mkdir()
    urls.write_text("ftp://example.com/a.pdf\n", encoding="utf-8")
    assert [(i.name, i.error) for i in _items(urls.parent)] == [(str(urls), None)]
    # Other names are never lists; an empty .txt is a (empty) report.
    other = tmp_path / "list.csv"
    other.write_text("a.pdf\n", encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert [i.name for i in _items(other, empty)] == [str(other), str(empty)]


def test_list_of_urls_with_other_schemes(tmp_path: Path) -> None:
    listing = tmp_path / "urls.txt"
    listing.write_text(
        "# scraped 2025-01-01\n"
        "ftp://example.com/r.pdf\n"
        "file:///etc/passwd\n"
        "javascript:alert(1)\n"
        "data:text/plain,hello\n"
        "gopher://example.com/1\n"
        "http://10.0.0.8/r.pdf\n"
        "https://user:pw@example.com/r.pdf\n",
        encoding="utf-8",
    )
    items = _items(listing)
    assert [i.name for i in items] == [
        "ftp://example.com/r.pdf", "file:///etc/passwd", "javascript:alert(1)", "data:text/plain,hello",
        "gopher://example.com/1", "http://10.0.0.8/r.pdf", "https://user:pw@example.com/r.pdf",
    ]
    assert all(i.kind == "url" and i.error for i in items)
    for item in items[:5]:
        assert "scheme not allowed" in item.error  # type: ignore[operator]
        with pytest.raises(RefusedInput, match="scheme not allowed"):
            item.load()
    assert "private address refused" in items[5].error  # type: ignore[operator]
    assert "credentials" in items[6].error  # type: ignore[operator]


def test_direct_url_arguments(tmp_path: Path) -> None:
    items = _items("ftp://example.com/x.pdf", "http://[::1]:8000/", "http://192.168.1.1/a")
    assert ["scheme not allowed" in i.error for i in items] == [True, False, False]  # type: ignore[operator]
    assert all("private address refused" in i.error for i in items[1:])  # type: ignore[operator]
    # With private addresses allowed nothing is refused before the fetch.
    assert [i.error for i in _items("http://[::1]:8000/", allow_private=True)] == [None]


def test_a_crawl_list_gives_each_saved_file_its_url_and_fetch_time(seed_paths: list[Path], tmp_path: Path) -> None:
    import datetime as dt

    seeds = seed_paths[:2]
    for i, p in enumerate(seeds):
        (tmp_path / f"r{i}.txt").write_bytes(p.read_bytes())
    crawl = tmp_path / "crawl.txt"
    crawl.write_text(
        "# saved file, where it came from, when\n"
        "r0.txt\thttps://www.example.gov.cn/xxgk/2024/ndbg.html\t2025-02-01T09:30:00+08:00\n"
        "r1.txt\thttp://example.gov.cn/b.html\t2025-02-02T10:00:00\n"
        "r0.txt\thttps://mirror.example.org/b.html\n",
        encoding="utf-8")
    items = list(iter_items([crawl]))
    assert [(Path(i.name).name, i.origin, i.fetched_at) for i in items] == [
        ("r0.txt", "https://www.example.gov.cn/xxgk/2024/ndbg.html",
         dt.datetime(2025, 2, 1, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))),
        ("r1.txt", "http://example.gov.cn/b.html", dt.datetime(2025, 2, 2, 10, 0, tzinfo=dt.timezone.utc)),
        ("r0.txt", "https://mirror.example.org/b.html", None),
    ]
    assert items[0].load() == seeds[0].read_bytes()  # the bytes still come from the saved file


def test_a_crawl_line_with_a_bad_url_or_time_is_no_list(tmp_path: Path) -> None:
    (tmp_path / "r0.txt").write_text("x", encoding="utf-8")
    for bad in ("r0.txt\tftp://example.org/a\n", "r0.txt\thttps://example.org/a\tyesterday\n"):
        crawl = tmp_path / "crawl.txt"
        crawl.write_text(bad, encoding="utf-8")
        items = list(iter_items([crawl]))
        assert [Path(i.name).name for i in items] == ["crawl.txt"]  # read as a file (and refused by the reader)
