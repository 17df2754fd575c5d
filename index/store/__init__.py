"""Storage: the encoder, the vectors (FAISS), BM25 and the manifest; build, load and add.

The second stage; it may use ``index.ingest``, never ``index.answer``.
"""
