"""Synthetic corpus of annual reports: random valid `Report`s and their text renderings.

See `tests.corpus.generate` (API and CLI) and `tests.corpus.layouts` (one renderer per sample layout).
Text shaped like real published documents, with labels from the hand-written catalogue
`tests.corpus.variants` (independent of `xxgk.report.keys`): `tests.corpus.printed`;
`tests.corpus.measure_printed` prints the readers' rates on it.
"""
