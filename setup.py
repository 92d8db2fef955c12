"""Build hook for the optional C modules; everything else is declared in pyproject.toml.

xxgk.read._pdfscan runs the PDF reader's per-character and per-object loops over PDFium without
crossing ctypes for each call (why, and by how much: bench/RESULTS.md). optional=True: without a C
compiler the install still succeeds and the reader uses its pure-Python loops, which give the same
result (tests/read/test_pdfscan.py).
"""

from setuptools import Extension, setup

setup(ext_modules=[
    Extension("xxgk.read._pdfscan", ["src/xxgk/read/_pdfscan.c"], optional=True),
    # The ingestion's walks over a report's contract object (xxgk/_speedups.c); jsontext falls back
    # to its Python walk, which gives the same answer (tests/store/test_jsontext.py).
    Extension("xxgk._speedups", ["src/xxgk/_speedups.c"], optional=True),
])
