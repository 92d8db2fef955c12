"""Synthetic corpus of annual reports: random valid `Report`s and their text renderings.

See `tests.corpus.generate` (API and CLI) and `tests.corpus.layouts` (one renderer per sample layout).
"""
