"""The command line: every error is one line and a non-zero exit; the real thing end to end."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from index.cli import main
from index.store.build import build_index
from tests.conftest import CORPUS, REPO, TINY_ARTICLE, FakeEmbedder


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(args)
    out, err = capsys.readouterr()
    return status, out, err


def assert_one_line_error(status: int, err: str, *fragments: str) -> None:
    assert status == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ")
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in lines[0]


def test_build_with_missing_corpus(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run_cli(["--corpus", str(tmp_path / "none"), "--index", str(tmp_path / "i"), "build"], capsys)
    assert_one_line_error(status, err, "does not exist")


def test_build_with_empty_corpus(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run_cli(["--corpus", str(tmp_path), "--index", str(tmp_path / "i"), "build"], capsys)
    assert_one_line_error(status, err, "no .txt article files")


def test_build_with_a_file_that_is_not_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "bad.txt").write_bytes(b"\xff\xfe\x00binary")
    status, _, err = run_cli(["--corpus", str(tmp_path), "--index", str(tmp_path / "i"), "build"], capsys)
    assert_one_line_error(status, err, "bad.txt", "not UTF-8")


def test_build_with_a_wrong_model_path(tiny_corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--corpus", str(tiny_corpus), "--index", str(tmp_path / "i"), "--model", "/no/such/model", "build"]
    status, _, err = run_cli(args, capsys)
    assert_one_line_error(status, err, "/no/such/model", "does not exist")


def test_build_into_an_unwritable_directory(
    tiny_corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    status, _, err = run_cli(["--corpus", str(tiny_corpus), "--index", str(blocker / "i"), "build"], capsys)
    assert_one_line_error(status, err, "cannot write the index")


def test_ask_without_an_index(tiny_corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run_cli(["--corpus", str(tiny_corpus), "--index", str(tmp_path / "i"), "ask", "hi?"], capsys)
    assert_one_line_error(status, err, "no index", "build it with: python -m index --corpus")


def _built(tiny_corpus: Path, tmp_path: Path) -> Path:
    index_dir = tmp_path / "index"
    build_index(tiny_corpus, index_dir, FakeEmbedder())
    return index_dir


def test_ask_with_a_corrupt_index(tiny_corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    index_dir = _built(tiny_corpus, tmp_path)
    faiss_file = next(index_dir.glob("faiss-*.index"))
    faiss_file.write_bytes(faiss_file.read_bytes()[:20])
    args = ["--corpus", str(tiny_corpus), "--index", str(index_dir), "--model", "fake-embedder", "ask", "Who?"]
    status, _, err = run_cli(args, capsys)
    assert_one_line_error(status, err, "damaged", "rebuild it with: python -m index --corpus")


def test_ask_with_a_stale_index(tiny_corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    index_dir = _built(tiny_corpus, tmp_path)
    (tiny_corpus / "ferry.txt").write_text(TINY_ARTICLE.replace("Monday", "Tuesday"), encoding="utf-8")
    args = ["--corpus", str(tiny_corpus), "--index", str(index_dir), "--model", "fake-embedder", "ask", "When?"]
    status, _, err = run_cli(args, capsys)
    assert_one_line_error(status, err, "another version", "rebuild it with: python -m index --corpus")


def test_eval_with_a_broken_question_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    questions = tmp_path / "q.jsonl"
    questions.write_text('{"id": "x", "q": "no kind or gold"}\n', encoding="utf-8")
    status, _, err = run_cli(["eval", str(questions)], capsys)
    assert_one_line_error(status, err, "q.jsonl:1")


def _cli(*args: str, stdin: str = "", index_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CORPUS_DIR": str(CORPUS), "INDEX_DIR": str(index_dir)}
    return subprocess.run(
        [sys.executable, "-m", "index", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("command", "environment", "status"),
    [
        (["index", "--help"], {}, 0),
        (["bot", "--help"], {}, 0),
        (["bot"], {"TELEGRAM_BOT_TOKEN": "not-a-token"}, 2),
        (["bot"], {"TELEGRAM_BOT_TOKEN": "", "BOT_MODE": "carrier-pigeon"}, 2),
    ],
)
def test_help_and_settings_errors_do_not_import_torch(
    command: list[str], environment: dict[str, str], status: int, tmp_path: Path
) -> None:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", *command],
        capture_output=True,
        text=True,
        cwd=tmp_path,  # no .env here
        env={**os.environ, "PYTHONPATH": str(REPO), **environment},
        check=False,
        timeout=60,
    )
    assert result.returncode == status, result.stderr[-500:]
    imported = {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines() if "import time:" in line}
    assert "torch" not in imported and "sentence_transformers" not in imported


def test_build_prints_what_it_did(tmp_path: Path) -> None:
    result = _cli("build", index_dir=tmp_path / "index")
    assert result.returncode == 0, result.stderr
    assert "1 documents, 27 sentences, 27 passages" in result.stdout
    assert " s" in result.stdout and "flat index" in result.stdout
    again = _cli("build", "--if-needed", index_dir=tmp_path / "index")
    assert "up to date" in again.stdout


def test_ask_json_stdin_answers_every_line_in_order(real_index: Path) -> None:
    questions = ["why was Instagram blocked?", "", "What is the capital of France?", "how many ppl use insta"]
    result = _cli("ask", "--json", "-", stdin="\n".join(questions) + "\n", index_dir=real_index)
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["question"] for r in rows] == questions
    first = rows[0]
    assert not first["abstained"] and first["answer"]
    for citation in first["citations"]:
        assert {"document", "paragraph", "sentence", "text", "score"} <= citation.keys()
        assert citation["document"] == "russia-instagram"
    assert rows[1]["abstained"] and rows[2]["abstained"]
    assert "80 million users" in rows[3]["citations"][0]["text"]


def test_ask_prints_quotes_with_citations(real_index: Path) -> None:
    result = _cli("ask", "why was Instagram blocked?", index_dir=real_index)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("[1] “")
    assert "(¶" in result.stdout
    assert "Russia to shut down Instagram service at midnight" in result.stdout


def test_terminal_chat_follows_up(real_index: Path) -> None:
    result = _cli("chat", stdin="Who is Nick Clegg?\nWho did he talk to?\n", index_dir=real_index)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("[1] “") == 2
    # The prompt "> " opens each turn: banner, first answer, follow-up answer, farewell.
    follow_up = result.stdout.split("> ")[2]
    assert "Washington Post" in follow_up


def test_eval_prints_the_table(real_index: Path) -> None:
    result = _cli("eval", str(REPO / "tests" / "qa" / "questions-b.jsonl"), index_dir=real_index)
    assert result.returncode == 0, result.stderr
    assert "hit@1  hit@3   MRR" in result.stdout
    assert "abstention on unanswerable questions:" in result.stdout
    assert "false abstention on answerable ones:" in result.stdout


@pytest.mark.parametrize(
    ("name", "value"), [("APPROXIMATE_INDEX_FROM", "abc"), ("APPROXIMATE_INDEX_KIND", "annoy")]
)
def test_a_bad_setting_is_one_line(
    name: str, value: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(name, value)
    status, _, err = run_cli(["--index", str(tmp_path / "i"), "ask", "hi?"], capsys)
    assert_one_line_error(status, err, name, repr(value))


def test_fix_command_repeats_the_flags(tiny_corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--corpus", str(tiny_corpus), "--index", str(tmp_path / "i"), "ask", "hi?"]
    status, _, err = run_cli(args, capsys)
    assert_one_line_error(status, err, f"python -m index --corpus {tiny_corpus} --index {tmp_path / 'i'} build")


def test_manifest_with_wrong_field_types(tiny_corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    index_dir = _built(tiny_corpus, tmp_path)
    manifest = json.loads((index_dir / "manifest.json").read_text())
    manifest["files"] = "not a mapping"
    (index_dir / "manifest.json").write_text(json.dumps(manifest))
    args = ["--corpus", str(tiny_corpus), "--index", str(index_dir), "--model", "fake-embedder", "ask", "Who?"]
    status, _, err = run_cli(args, capsys)
    assert_one_line_error(status, err, "unreadable")


def test_undecodable_input_costs_no_other_line_its_answer(real_index: Path) -> None:
    env = {**os.environ, "CORPUS_DIR": str(CORPUS), "INDEX_DIR": str(real_index)}
    result = subprocess.run(
        [sys.executable, "-m", "index", "ask", "--json", "-"],
        input=b"who is mosseri\n\xff\xfe not utf-8\nSmart Voting\n",
        capture_output=True,
        cwd=REPO,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-500:]
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 3
    assert "Mosseri" in rows[0]["citations"][0]["text"]
    assert rows[1]["abstained"]
    assert "Smart Voting" in rows[2]["citations"][0]["text"]
