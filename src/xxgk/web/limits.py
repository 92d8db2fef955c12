"""Limits of the web app, in one place, each with what it was chosen from."""

from __future__ import annotations

#: Largest single uploaded file. Real annual reports: text/HTML under 200 KB, born-digital PDFs
#: 0.2–3 MB, scans of 10–20 pages at 200 dpi up to ~25 MB (shared/real, the issue-14 corpus).
UPLOAD_MAX_FILE_BYTES = 50 * 1024 * 1024
#: Largest upload request (a ZIP of a county's reports, or many files at once).
UPLOAD_MAX_REQUEST_BYTES = 200 * 1024 * 1024
#: Most files in one request (Django refuses more: DATA_UPLOAD_MAX_NUMBER_FILES).
UPLOAD_MAX_FILES = 500
#: Seconds one uploaded file may be parsed (in a child process of the Huey worker) before it is
#: killed and recorded as failed: born-digital reports take 0.1-1 s, a 20-page scan through OCR
#: ~100 s (README: ~4 s for a 5-page scan); three times that, so only a pathological file hits it.
UPLOAD_PARSE_SECONDS = 300.0
#: Address space of that child: the largest file (50 MiB) with its page images stays well under
#: 1 GiB (bench_pdf's 2,000-page case peaks at ~600 MB), but OCR's runtime reserves more address
#: space than it touches: measured, a scanned page reads in a 4 GiB child and fails to load the OCR
#: runtime in a 1 GiB one.
UPLOAD_PARSE_MEMORY_BYTES = 4 * 1024 * 1024 * 1024
#: Uploads above this go to a temporary file instead of memory.
UPLOAD_IN_MEMORY_BYTES = 2 * 1024 * 1024
#: Non-file form fields (a correction, a note).
FORM_MAX_BYTES = 2 * 1024 * 1024

#: Login attempts per (IP, user name) within LOGIN_WINDOW_SECONDS before refusing for the window:
#: enough for typos, too few for guessing (OWASP's authentication cheat sheet suggests small single
#: digits per account).
LOGIN_MAX_ATTEMPTS = 5
LOGIN_WINDOW_SECONDS = 15 * 60

#: Rows on one page of a list (coverage, issues, rankings): a county has up to ~100 agencies.
PAGE_SIZE = 100

#: The issues list counts its rows up to this many and says "more than" beyond: an exact count of a
#: whole store's findings (~1 M at 100,000 reports) costs more than the page itself. 1,000 (ten
#: pages): at 10,000 a township-year filter took 320 ms on the 101,443-report bench store, against
#: the 200 ms target (bench/bench_web.py).
ISSUES_COUNT_CAP = 1_000
#: Most rows in one export of the issues list (a whole store's open findings; larger needs the
#: store's Parquet export, `xxgk export`).
ISSUES_EXPORT_MAX_ROWS = 200_000
#: Longest note on a handled finding.
NOTE_MAX_CHARS = 2000

#: A running upload job with no worker left is failed (and can be retried) once it is this much past
#: the time its files could have taken (`supervise.jobs.stale`): recording a batch of 64 files and the
#: quality refresh took under a minute on the 101,443-report bench store.
JOB_STALE_MARGIN_SECONDS = 300
