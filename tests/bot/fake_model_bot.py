"""``python -m tests.bot.fake_model_bot``: ``python -m bot`` itself, with the fake embedder
in place of the model, so that a test can run the real entrypoint in a subprocess in seconds."""

from __future__ import annotations

import sys

import index.cli
from bot.__main__ import main
from tests.conftest import FakeEmbedder

if __name__ == "__main__":
    index.cli.make_embedder = lambda settings: FakeEmbedder()
    sys.exit(main([]))
