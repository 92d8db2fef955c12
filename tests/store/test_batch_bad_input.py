"""Bad input in a batch: every bad item is recorded as failed with a clear one-line reason, and
every good item beside it is still read."""

from __future__ import annotations

import os
import shutil
import zipfile
from pathlib import Path

import pytest

from xxgk.store import batch
from xxgk.store.models import Ingest, Version

pytestmark = pytest.mark.django_db(transaction=True)

SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"


def _reasons() -> dict[str, str]:
    return {Path(item).name if "://" not in item else item: error
            for item, error in Ingest.objects.filter(status="failed").values_list("item", "error")}


def test_a_zip_with_path_traversal_and_a_sparse_10_gb_file(tmp_path: Path) -> None:
    seeds = sorted(SEEDS.glob("*.txt"))
    archive = tmp_path / "reports.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("good/a.txt", seeds[0].read_bytes())
        z.writestr("../../etc/evil.txt", seeds[1].read_bytes())
        z.writestr("/abs/evil2.txt", seeds[2].read_bytes())
        z.writestr("good/b.txt", seeds[3].read_bytes())
    huge = tmp_path / "huge.pdf"
    with open(huge, "wb") as f:
        f.truncate(10 * 2**30)
    corrupt = tmp_path / "corrupt.docx"
    corrupt.write_bytes(b"PK\x03\x04" + os.urandom(3000))
    shutil.copy(seeds[4], tmp_path / "fine.txt")
    s = batch.run([str(archive), str(huge), str(corrupt), str(tmp_path / "fine.txt")])
    assert (s.read, s.failed) == (3, 4)
    reasons = _reasons()
    assert len(reasons) == 4
    traversal = [r for k, r in reasons.items() if "evil" in k]
    assert len(traversal) == 2 and all("path traversal" in r for r in traversal)
    assert "too large" in reasons["huge.pdf"] or "过大" in reasons["huge.pdf"]
    assert reasons["corrupt.docx"]
    assert all("\n" not in r and "Traceback" not in r for r in reasons.values())
    assert not (tmp_path / "etc").exists() and not Path("/abs").exists()
    assert Version.objects.count() == 3


def test_a_url_list_with_other_schemes_and_private_addresses(tmp_path: Path) -> None:
    urls = tmp_path / "urls.txt"
    urls.write_text("\n".join([
        "file:///etc/passwd",
        "ftp://example.org/report.pdf",
        "gopher://example.org/1",
        "http://127.0.0.1:9/report.txt",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/x",
        "http://10.0.0.1/report.pdf",
    ]) + "\n", encoding="utf-8")
    shutil.copy(sorted(SEEDS.glob("*.txt"))[0], tmp_path / "fine.txt")
    s = batch.run([str(urls), str(tmp_path / "fine.txt")])
    assert (s.read, s.failed) == (1, 7)
    reasons = _reasons()
    for scheme in ("file:///etc/passwd", "ftp://example.org/report.pdf", "gopher://example.org/1"):
        assert "scheme" in reasons[scheme]
    for private in ("http://127.0.0.1:9/report.txt", "http://169.254.169.254/latest/meta-data/", "http://[::1]/x",
                    "http://10.0.0.1/report.pdf"):
        assert "private" in reasons[private]
