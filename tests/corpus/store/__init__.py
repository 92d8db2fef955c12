"""The store corpus generator (tests/corpus/store_corpus.py): hierarchy, yearly values, media, injections."""
