"""Incremental validation: a cache of every file's triples and findings, what a change can
affect, and the re-check of it (in chunks, in worker processes for large data)."""
