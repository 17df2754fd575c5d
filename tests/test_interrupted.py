"""An add or remove killed part way (SIGKILL: the out-of-memory killer, a power cut) leaves the
previous index readable and serving, and the same command run again completes the change.

The command runs in a subprocess (``tests.stalled_cli``) that stalls for good at a chosen
point of its work and is killed there; nothing in the engine knows about it.
"""

from __future__ import annotations

import select
import subprocess
import sys
from collections.abc import Iterator

import pytest

from index.answer.engine import Engine
from index.store.build import index_problem
from index.store.files import MANIFEST, read_index, read_manifest
from tests.conftest import REPO, FakeEmbedder, Workspace, run
from tests.page_server import PageServer, serving
from tests.stalled_cli import STALLED

FERRY_PAGE = "/news/coastal-herald-ferry.html"
FERRY_ID = "port-vale-s-electric-ferry-makes-its-first-crossing"
FERRY_TITLE = "Port Vale's electric ferry makes its first crossing"
# Seconds for the subprocess to reach its stage (imports, fetch) on a busy machine.
STALL_BOUND = 60


@pytest.fixture(scope="module")
def pages() -> Iterator[PageServer]:
    with serving() as server:
        yield server


def _killed_at(stage: str, args: list[str]) -> None:
    """Runs ``python -m index ARGS`` until it reaches ``stage``, then kills it with SIGKILL."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.stalled_cli", stage, *args],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None
    try:
        ready, _, _ = select.select([process.stdout], [], [], STALL_BOUND)
        line = process.stdout.readline() if ready else b""
    finally:
        process.kill()
        _, err = process.communicate(timeout=STALL_BOUND)
    assert line.decode().strip() == STALLED, f"never reached {stage}: {err.decode()}"


def _answers_from(engine: Engine, question: str) -> str:
    """The article ``engine`` cites first for ``question``."""
    answer = engine.answer(question)
    assert answer.citations, answer
    return answer.citations[0].document


def _unreferenced(workspace: Workspace) -> set[str]:
    """Files in the index directory that its manifest does not name."""
    named = {MANIFEST, *read_manifest(workspace.index).files.values()}
    return {p.name for p in workspace.index.iterdir()} - named


def test_an_add_killed_before_the_rebuild_is_completed_by_the_same_add(
    workspace: Workspace, pages: PageServer, capsys: pytest.CaptureFixture[str]
) -> None:
    url = pages.url(FERRY_PAGE)
    manifest = (workspace.index / MANIFEST).read_bytes()
    _killed_at("rebuild", workspace.args("add", url))
    # Killed between the two halves: the article is in the corpus, the index is the old one.
    assert [p.stem for p in workspace.added_files()] == [FERRY_ID]
    assert (workspace.index / MANIFEST).read_bytes() == manifest

    status, out, err = run(workspace.args("add", url), capsys)
    assert status == 0, err
    assert f"has the same URL as {FERRY_ID} (“{FERRY_TITLE}”); but not yet in the index" in out
    assert "did not match the corpus" in out and "rebuilt the index: 2 articles" in out
    fake = FakeEmbedder()
    assert index_problem(workspace.corpus, workspace.index, fake.name) is None
    engine = Engine.open(workspace.corpus, workspace.index, fake.name, embedder=fake)
    assert _answers_from(engine, "How much did the ferry cost?") == FERRY_ID


@pytest.mark.parametrize("stage", ["data-file", "manifest"])
def test_a_kill_while_the_index_is_written_leaves_the_previous_index_serving(
    stage: str, workspace: Workspace, pages: PageServer, capsys: pytest.CaptureFixture[str]
) -> None:
    url = pages.url(FERRY_PAGE)
    manifest = (workspace.index / MANIFEST).read_bytes()
    _killed_at(stage, workspace.args("add", url))
    assert _unreferenced(workspace), "the kill came before any index file was written"
    # The previous index, whole: the manifest and every file it names, checksums verified,
    # answering as the bot loads it.
    assert (workspace.index / MANIFEST).read_bytes() == manifest
    stored = read_index(workspace.index)
    assert [d.id for d in stored.documents] == ["ferry"]
    assert _answers_from(Engine(stored, FakeEmbedder()), "Who built the ferry?") == "ferry"

    status, _, err = run(workspace.args("add", url), capsys)
    assert status == 0, err
    assert index_problem(workspace.corpus, workspace.index, FakeEmbedder.name) is None
    assert _unreferenced(workspace) == set()  # the killed build's files are swept away


def test_a_remove_killed_before_the_commit_is_completed_by_the_same_remove(
    workspace: Workspace, pages: PageServer, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = run(workspace.args("add", pages.url(FERRY_PAGE)), capsys)
    assert status == 0, err
    _killed_at("manifest", workspace.args("remove", FERRY_ID))
    assert workspace.added_files() == []
    assert [d.id for d in read_index(workspace.index).documents] == ["ferry", FERRY_ID]

    status, out, err = run(workspace.args("remove", FERRY_ID), capsys)
    assert status == 0, err
    assert f"removed {FERRY_ID}" in out and "rebuilt the index: 1 articles" in out
    assert index_problem(workspace.corpus, workspace.index, FakeEmbedder.name) is None
    assert [d.id for d in read_index(workspace.index).documents] == ["ferry"]


def test_an_unknown_id_with_a_current_index_changes_nothing(workspace: Workspace, capsys) -> None:
    before = workspace.snapshot()
    status, _, err = run(workspace.args("remove", "no-such-article"), capsys)
    assert status == 1 and "no article has the id 'no-such-article'" in err
    assert workspace.snapshot() == before

