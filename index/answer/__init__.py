"""Answering: question -> plan -> retrieve -> rerank -> compose -> cite.

The last stage; it may use ``index.store.files`` and ``index.ingest``, which never use it.
"""
