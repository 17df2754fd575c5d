"""The engine's command line: ``python -m index build | ask | eval | add | list | remove | chat``.

A thin shell over ``Engine``: settings come from the environment and ``.env``
(``EngineSettings``), flags override them, and any ``EngineError`` becomes one
line on stderr and exit status 1.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import queue
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from pydantic import ValidationError

from index.answer.conversation import remember
from index.errors import BUILD_COMMAND, EngineError
from index.types import Answer

if TYPE_CHECKING:
    from index.answer.engine import Engine
    from index.ingest.extract import Article
    from index.settings import EngineSettings
    from index.store.build import BuildReport
    from index.store.embedder import Embedder

EXIT_ERROR = 1


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        settings = _settings(args)
        return int(args.command(args, settings))
    except EngineError as error:
        print(f"error: {_with_flags(str(error), args)}", file=sys.stderr)
        return EXIT_ERROR
    except ValidationError as error:
        print(f"error: {_settings_problem(error)}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130


def _with_flags(message: str, args: argparse.Namespace) -> str:
    """Name the build command with the same --corpus/--index/--model flags as this one."""
    flags = [f"--{name} {value}" for name in ("corpus", "index", "model") if (value := getattr(args, name))]
    if not flags:
        return message
    return message.replace(BUILD_COMMAND, f"python -m index {' '.join(flags)} build")


def _settings_problem(error: ValidationError) -> str:
    """One line naming the first bad setting, as its environment variable."""
    first = error.errors()[0]
    name = "_".join(str(part) for part in first["loc"]).upper()
    return f"setting {name} is invalid: {first['msg']} (got {first.get('input')!r})"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m index", description="Answer questions about the articles in corpus/."
    )
    parser.add_argument("--corpus", type=Path, help="corpus directory (default: CORPUS_DIR or corpus)")
    parser.add_argument("--index", type=Path, help="index directory (default: INDEX_DIR or var/index)")
    parser.add_argument(
        "--model", help="sentence-transformers name or path (default: EMBEDDING_MODEL or the packaged all-MiniLM-L6-v2)"
    )
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    build = commands.add_parser("build", help="(re)build the index from the corpus")
    build.add_argument("--if-needed", action="store_true", help="only when the index is missing, stale or broken")
    build.set_defaults(command=_build)

    ask = commands.add_parser("ask", help="answer a question ('-' reads one question per line from stdin)")
    ask.add_argument("question", help="the question, or - for one question per line on stdin")
    ask.add_argument("--json", action="store_true", help="print one JSON object per answer")
    ask.set_defaults(command=_ask)

    evaluate = commands.add_parser("eval", help="score a question set (JSON lines with id, kind, q, gold)")
    evaluate.add_argument("file", type=Path)
    evaluate.add_argument("--misses", action="store_true", help="also list the questions answered wrongly")
    evaluate.set_defaults(command=_eval)

    add = commands.add_parser("add", help="add articles from web pages or .html/.htm/.txt/.md files, then rebuild")
    add.add_argument("sources", nargs="+", metavar="URL|FILE")
    add.set_defaults(command=_add)

    listing = commands.add_parser("list", help="list the articles of the corpus")
    listing.set_defaults(command=_list)

    remove = commands.add_parser("remove", help="remove an article by its id (see list), then rebuild")
    remove.add_argument("id")
    remove.set_defaults(command=_remove)

    chat = commands.add_parser("chat", help="chat in the terminal, with follow-up questions")
    chat.set_defaults(command=_chat)
    return parser


def _settings(args: argparse.Namespace) -> EngineSettings:
    from index.settings import EngineSettings

    overrides = {
        key: value
        for key, value in (("corpus_dir", args.corpus), ("index_dir", args.index), ("embedding_model", args.model))
        if value is not None
    }
    return EngineSettings(**overrides)


def _open_engine(settings: EngineSettings) -> Engine:
    from index.answer.engine import Engine

    return Engine.open(
        settings.corpus_dir, settings.index_dir, settings.embedding_model, embedder=lambda: make_embedder(settings)
    )


def _build(args: argparse.Namespace, settings: EngineSettings) -> int:
    from index.store.build import index_problem
    from index.store.files import MANIFEST

    if args.if_needed:
        problem = index_problem(settings.corpus_dir, settings.index_dir, settings.embedding_model)
        if problem is None:
            print(f"index in {settings.index_dir} is up to date")
            return 0
        if (settings.index_dir / MANIFEST).is_file():
            print(f"rebuilding the index in {settings.index_dir}: {problem}", flush=True)
        else:
            print(f"building the index in {settings.index_dir} for the first time (about 10 s)", flush=True)
    report = _rebuild(settings)
    print(
        f"built {settings.index_dir}: {report.documents} documents, {report.sentences} sentences, "
        f"{report.passages} passages; embedded {report.embedded} texts, reused {report.reused} from the "
        f"previous index; "
        f"{report.index_kind} index; {report.seconds:.1f} s"
    )
    return 0


def make_embedder(settings: EngineSettings) -> Embedder:
    """The embedder the settings name (tests replace this function with a fake).

    With ``EMBEDDING_RUNTIME=onnx`` (the default) the encoder the index holds,
    which needs no PyTorch: answering, ``index add`` and a rebuild all use it.
    Only without one (the first build, or another model) is the model loaded
    in sentence-transformers and exported, once; a model that cannot be
    exported runs in PyTorch. ``torch`` answers with sentence-transformers, the
    reference.
    """
    from index.store.encoder import encoder_from_index

    if settings.embedding_runtime == "onnx":
        encoder = encoder_from_index(settings.index_dir, settings.embedding_model)
        if encoder is not None:
            return encoder
    from index.errors import ModelError
    from index.store.encoder import OnnxEncoder
    from index.store.reference import SentenceTransformerEmbedder

    reference = SentenceTransformerEmbedder(settings.embedding_model, cache_dir=settings.model_cache_dir)
    if settings.embedding_runtime == "torch":
        return reference
    try:
        return OnnxEncoder(reference.model_bundles()[0])
    except ModelError as error:
        logging.getLogger(__name__).warning("running %s in PyTorch: %s", settings.embedding_model, error)
        return reference


def _rebuild(settings: EngineSettings) -> BuildReport:
    """Build the index of the corpus, reusing the embeddings of unchanged sentences."""
    from index.ingest.corpus import load_corpus
    from index.store.build import build_index
    from index.store.files import ensure_writable

    # Check what is cheap to check before the model takes seconds to load.
    load_corpus(settings.corpus_dir)
    ensure_writable(settings.index_dir)
    return build_index(
        settings.corpus_dir,
        settings.index_dir,
        make_embedder(settings),
        approximate_kind=settings.approximate_index_kind,
        approximate_from=settings.approximate_index_from,
        progress=sys.stderr.isatty(),
    )


def _rebuilt_line(report: BuildReport) -> str:
    return (
        f"rebuilt the index: {report.documents} articles, {report.sentences} sentences; "
        f"embedded {report.embedded} texts, reused {report.reused}; {report.seconds:.1f} s"
    )


def _add(args: argparse.Namespace, settings: EngineSettings) -> int:
    """Add each source; a source that fails is one line on stderr, and exit status 1."""
    from index.errors import SourceError
    from index.ingest.fetch import FetchPolicy
    from index.ingest.sources import is_url, read_article
    from index.store.language_models import index_language_models
    from index.store.library import add_articles, find_by_url

    started = time.perf_counter()
    policy = FetchPolicy(
        timeout=settings.fetch_timeout_seconds,
        max_bytes=settings.fetch_max_bytes,
        allow_private=settings.allow_private_urls,
    )
    articles: list[Article] = []
    already: list[str] = []  # said once we know whether there is still something to do
    failed = 0
    languages = index_language_models(settings.index_dir)
    for source in args.sources:
        if is_url(source) and (existing := find_by_url(settings.corpus_dir, source)):
            already.append(f"already added: {source} is {existing.id} (“{existing.title}”)")
            continue
        try:
            articles.append(read_article(source, policy, languages))
        except SourceError as error:
            print(f"error: {error}", file=sys.stderr)
            failed += 1
    outcome = add_articles(settings.corpus_dir, articles, lambda: _rebuild(settings), index_dir=settings.index_dir)
    for duplicate in outcome.duplicates:
        same = "URL" if duplicate.reason == "url" else "text"
        already.append(
            f"already added: “{duplicate.title}” has the same {same} as {duplicate.existing.id} "
            f"(“{duplicate.existing.title}”)"
        )
    for line in already:
        print(f"{line}; {'but not yet in the index' if outcome.completed else 'nothing to do'}")
    for added in outcome.added:
        print(
            f"added {added.id}: “{added.title}”, {added.source or 'unknown site'}, {added.date or 'undated'}; "
            f"{added.paragraphs} paragraphs, {added.sentences} sentences"
        )
    if outcome.completed:
        print("the index did not match the corpus (an earlier add or remove was interrupted); rebuilding it")
    if outcome.rebuilt is not None:
        print(_rebuilt_line(outcome.rebuilt))
        print(f"done in {time.perf_counter() - started:.1f} s")
    return EXIT_ERROR if failed else 0


def _list(args: argparse.Namespace, settings: EngineSettings) -> int:
    from index.store.library import list_articles

    articles = list_articles(settings.corpus_dir)
    if not articles:
        print(f"no articles in {settings.corpus_dir}")
        return 0
    width = max(len(a.id) for a in articles)
    print(f"{'id':<{width}}  {'date':<10}  {'¶':>3}  title — source")
    for a in articles:
        print(f"{a.id:<{width}}  {a.date or '-':<10}  {a.paragraphs:>3}  {a.title} — {a.source or '-'}")
    return 0


def _remove(args: argparse.Namespace, settings: EngineSettings) -> int:
    from index.store.library import remove_article

    outcome = remove_article(settings.corpus_dir, args.id, lambda: _rebuild(settings), index_dir=settings.index_dir)
    if outcome.completed:
        print(f"{outcome.removed.id} was out of the corpus but still in the index (an earlier remove was interrupted)")
    print(f"removed {outcome.removed.id}: “{outcome.removed.title}”")
    print(_rebuilt_line(outcome.rebuilt))
    return 0


def _ask(args: argparse.Namespace, settings: EngineSettings) -> int:
    engine = _open_engine(settings)
    if args.question != "-":
        answer = engine.answer(args.question)
        print(_as_json(answer) if args.json else answer.answer)
        return 0
    from index.answer.batching import MicroBatcher

    with MicroBatcher(engine) as batcher:
        for answer in _answer_stream(sys.stdin, batcher.submit):
            # Plain answers span several lines: a blank line keeps them apart.
            print(_as_json(answer) if args.json else answer.answer + "\n", flush=True)
    return 0


def _answer_stream(lines: TextIO, submit: Callable[[str, Answer | None], Future[Answer]]) -> Iterator[Answer]:
    """Answers to ``lines`` in order, submitting each line as soon as it is read.

    A line is a question, or a JSON object ``{"question": ..., "chat": ...}``:
    questions of one chat form a conversation, each asked once the one before
    it is answered, with what the conversation remembers. A reader thread
    keeps submitting while earlier answers are printed, so questions piped in
    together reach the batcher together.
    """
    pending: queue.Queue[Future[Answer] | None] = queue.Queue()
    conversations: dict[str, tuple[Future[Answer] | None, list[Answer | None]]] = {}

    def read() -> None:
        try:
            for line in lines:
                question, chat = _stream_line(line.rstrip("\r\n"))
                if chat is None:
                    pending.put(submit(question, None))
                    continue
                fresh: list[Answer | None] = [None]
                before, kept = conversations.get(chat, (None, fresh))
                answered: Future[Answer] = Future()
                _ask_in_turn(submit, question, before, kept, answered)
                conversations[chat] = (answered, kept)
                pending.put(answered)
        finally:
            pending.put(None)

    threading.Thread(target=read, name="stdin-reader", daemon=True).start()
    while (future := pending.get()) is not None:
        try:
            yield future.result()
        except Exception as error:
            # Keep one answer per line, in order, whatever befell this one.
            yield Answer(
                question=getattr(error, "question", ""),
                abstained=True,
                answer="Sorry, this question could not be answered.",
                reason=f"error: {error}",
                kind="refused",
            )


def _stream_line(line: str) -> tuple[str, str | None]:
    """A stream line's question and chat id: a JSON object's fields, or the line itself."""
    if line.lstrip().startswith("{"):
        try:
            row = json.loads(line)
        except ValueError:
            return line, None
        if isinstance(row, dict) and isinstance(row.get("question"), str):
            chat = row.get("chat")
            return row["question"], None if chat is None else str(chat)
    return line, None


def _ask_in_turn(
    submit: Callable[[str, Answer | None], Future[Answer]],
    question: str,
    before: Future[Answer] | None,
    kept: list[Answer | None],
    answered: Future[Answer],
) -> None:
    """Ask ``question`` once ``before`` (the chat's previous question) is answered, with the
    chat's memory ``kept[0]``; resolve ``answered`` after updating that memory."""

    def finish(inner: Future[Answer]) -> None:
        try:
            answer = inner.result()
        except Exception as error:
            answered.set_exception(error)
            return
        kept[0] = remember(kept[0], answer)
        answered.set_result(answer)

    def ask(_: object = None) -> None:
        submit(question, kept[0]).add_done_callback(finish)

    if before is None:
        ask()
    else:
        before.add_done_callback(ask)


def _as_json(answer: Answer) -> str:
    data = dataclasses.asdict(answer)
    return json.dumps(data, ensure_ascii=False)


def _eval(args: argparse.Namespace, settings: EngineSettings) -> int:
    from index.evaluate import evaluate, format_report, load_questions

    questions = load_questions(args.file)
    engine = _open_engine(settings)
    report = evaluate(questions, lambda texts: engine.answer_many([(t, None) for t in texts]))
    print(format_report(report))
    if args.misses:
        for question, answer in report.misses:
            cited = answer.citations[0].text if answer.citations else f"(abstained: {answer.reason})"
            print(f"miss {question.id} [{question.kind}] {question.q} -> {cited}")
    return 0


def _chat(args: argparse.Namespace, settings: EngineSettings) -> int:
    engine = _open_engine(settings)
    titles = ", ".join(f"“{d.title}”" for d in engine.documents)
    print(f"Ask about {titles}. An empty line or Ctrl-D quits.")
    previous: Answer | None = None
    while True:
        try:
            question = input("> ")
        except EOFError:
            print()
            return 0
        if not question.strip():
            return 0
        answer = engine.answer(question, previous)
        print(answer.answer)
        previous = remember(previous, answer)
