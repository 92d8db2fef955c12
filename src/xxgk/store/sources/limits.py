"""Every bound `xxgk batch` puts on its inputs, in one place, with what it was chosen against.

A batch reads whatever a person points it at: a folder copied from a portal, a ZIP from a
colleague, a list of URLs scraped from 500 sites. Each bound below turns one hostile or broken
input into one failed item with a reason, instead of a hang, a full disk or a full memory.
"""

from __future__ import annotations

from ...read import MAX_DOCUMENT_BYTES
from ...read.docx import MAX_RATIO as OFFICE_MAX_RATIO

#: Largest item (file, ZIP member, download) read into memory: the reader's own bound on any input,
#: so that nothing is fetched or decompressed that `xxgk.parse` would refuse anyway.
MAX_BYTES = MAX_DOCUMENT_BYTES

#: A ZIP with more entries is refused whole, from its end-of-central-directory record, before its
#: directory is parsed (100,000 ZipInfo objects take ~50 MB). Every county and township report of a
#: province for a year is ~10^4 files.
MAX_ZIP_ENTRIES = 100_000

#: A ZIP member that declares more than this many times its compressed size is a decompression bomb,
#: refused from the directory before anything is inflated. The same ratio the Office reader uses for a
#: document's main part. Fitted on ../shared: text and Markdown reports deflate 2.3-2.6x, JSON 8-9x,
#: PDFs 1.0x; zeros deflate ~230x, so 100 is far from every real report and below any useful bomb.
MAX_RATIO = OFFICE_MAX_RATIO
#: The ratio is checked only on members at least this large (a 2 KB file of spaces compresses to
#: nothing and harms no one).
RATIO_MIN_SIZE = 1024 * 1024

#: Archives kept open at once for lazy member loads (file descriptors), least recently used closed.
MAX_OPEN_ARCHIVES = 8

#: A list file (paths or URLs, one a line) larger than this is not taken for a list: 64 MiB is
#: ~500,000 URLs of 130 characters, a year of every agency in China.
MAX_LIST_BYTES = 64 * 1024 * 1024
#: How much of a candidate list is looked at first: one prose line in it ends the question cheaply,
#: so a 20 MB text report named .txt is never read whole just to be told apart from a list.
LIST_PROBE_BYTES = 64 * 1024
#: Names of files that may be lists when given on the command line (never when found in a folder or
#: a ZIP: a folder of reports with an urls.txt in it must not start downloading).
LIST_SUFFIXES = frozenset({".txt", ".lst", ".list", ".urls"})
#: A line of a list that names a missing file still counts as a path when it ends like a document
#: (the batch records "no such file" for it instead of refusing the whole list as a report).
DOC_SUFFIXES = frozenset({
    ".txt", ".md", ".htm", ".html", ".shtml", ".pdf", ".doc", ".docx", ".wps", ".odt", ".xls", ".xlsx",
    ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".gif", ".zip", ".json",
})

#: Redirects followed per URL (browsers allow ~20; government portals use 1-2: http → https, old
#: path → new CMS path).
MAX_REDIRECTS = 5
#: Seconds a URL's connection, or any one read of it, may wait (`fetch_timeout`).
FETCH_TIMEOUT = 30.0
#: A whole fetch (every redirect, the whole body) must finish within this many `fetch_timeout`s, so a
#: server dripping a byte every 29 s cannot hold a batch forever: 300 s at the default, 100 MiB at
#: 350 KB/s.
FETCH_DEADLINE_FACTOR = 10
#: Bytes asked of a file or socket per read.
CHUNK = 64 * 1024
