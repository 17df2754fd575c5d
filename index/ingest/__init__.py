"""Ingestion: files and links -> clean article text with metadata -> sentences.

The first stage of the pipeline; it imports nothing from ``index.store.files`` or
``index.answer``.
"""
