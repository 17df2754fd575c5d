"""Real news pages added as an operator would, asked questions a stranger wrote.

The pages of ``../shared/news/pages`` (full HTML as their sites served them) are
served on 127.0.0.1 and added one by one with ``python -m index add URL`` into
a fresh corpus; then every question of ``benchmarks/data/news-questions.jsonl``
(written from the page text by a helper who never saw the code) is asked with
``python -m index ask --json -``, all nine articles in one corpus. Printed:

- first citation right: of the answerable questions, how often the first quote
  is from the question's page and holds one of its gold fragments (or, for a
  question on the article itself, the metadata reply gives its short answer);
- bold answers: of the questions with gold short answers, how many got a bold
  answer, how many of those match one (either contains the other), and the
  share of those questions given a wrong one;
- on-topic questions the page does not answer: the share declined ("not in the
  article") or answered as tentative without a bold answer, and false
  abstention on the answerable ones.

    python benchmarks/news.py            # a few minutes; --misses prints each miss on stderr
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
PAGES = REPO.parent / "shared" / "news" / "pages"
QUESTIONS = REPO / "benchmarks" / "data" / "news-questions.jsonl"


def main(argv: list[str] | None = None) -> int:
    """Add the pages, ask the questions, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=Path, default=PAGES)
    parser.add_argument("--questions", type=Path, default=QUESTIONS)
    parser.add_argument("--misses", action="store_true", help="print each miss on stderr")
    args = parser.parse_args(argv)
    questions = [json.loads(line) for line in args.questions.read_text(encoding="utf-8").splitlines() if line.strip()]
    with tempfile.TemporaryDirectory(prefix="news-") as work, _served(args.pages) as base:
        env = {
            **os.environ,
            "CORPUS_DIR": str(Path(work) / "corpus"),
            "INDEX_DIR": str(Path(work) / "index"),
            "ALLOW_PRIVATE_URLS": "true",
        }
        (Path(work) / "corpus").mkdir()
        page_ids: dict[str, str] = {}
        for page in sorted({q["page"] for q in questions}):
            before = set((Path(work) / "corpus").iterdir())
            if not _run(["add", f"{base}/{page}"], env, check=False):
                print(f"{page}: not added (its questions count as misses)", file=sys.stderr)
            added = set((Path(work) / "corpus").iterdir()) - before
            page_ids[page] = added.pop().stem if added else ""
        lines = "".join(json.dumps({"question": q["q"]}) + "\n" for q in questions)
        answers = [json.loads(line) for line in _run(["ask", "--json", "-"], env, lines).splitlines() if line]
    print(_report(questions, answers, page_ids, args.misses))
    return 0


def _report(questions: list[dict[str, Any]], answers: list[dict[str, Any]], ids: dict[str, str], misses: bool) -> str:
    answerable = [(q, a) for q, a in zip(questions, answers, strict=True) if q["gold"]]
    unanswerable = [(q, a) for q, a in zip(questions, answers, strict=True) if not q["gold"]]
    first_right = 0
    for q, a in answerable:
        right = _first_right(q, a, ids)
        first_right += right
        if misses and not right:
            first = a["citations"][0]["text"] if a["citations"] and not a["abstained"] else a["kind"]
            print(f"[first] {q['q']} -> {first[:120]!r}", file=sys.stderr)
    shorts = [(q, a) for q, a in answerable if q.get("short")]
    given = [(q, a) for q, a in shorts if a.get("short_answer")]
    right_bold = [(q, a) for q, a in given if _short_right(a["short_answer"], q["short"])]
    if misses:
        for q, a in given:
            if (q, a) not in right_bold:
                print(f"[bold] {q['q']} -> {a['short_answer']!r} / {q['short'][0]!r}", file=sys.stderr)
    declined = [a for _, a in unanswerable if a["abstained"] or (a.get("tentative") and not a.get("short_answer"))]
    falsely = [a for _, a in answerable if a["abstained"]]
    rows = [
        ("answerable questions", f"{len(answerable)}"),
        ("first citation right", f"{first_right / len(answerable):.2f}"),
        ("questions with a gold short answer", f"{len(shorts)}"),
        ("bold answer given", f"{len(given) / len(shorts):.2f}"),
        ("bold answers right", f"{len(right_bold) / len(given):.2f}" if given else "–"),
        (
            "wrong bold answer, per question with a gold short answer",
            f"{(len(given) - len(right_bold)) / len(shorts):.3f}",
        ),
        ("false abstention", f"{len(falsely) / len(answerable):.3f}"),
        ("unanswered on-topic questions", f"{len(unanswerable)}"),
        ("declined, or tentative without bold", f"{len(declined) / len(unanswerable):.2f}"),
    ]
    return "\n".join(["| figure | value |", "|---|---|", *(f"| {name} | {value} |" for name, value in rows)])


def _normal(text: str) -> str:
    return " ".join(text.replace("\xa0", " ").split())


def _first_right(question: dict[str, Any], answer: dict[str, Any], ids: dict[str, str]) -> bool:
    if answer["kind"] == "about":
        # "Who wrote this?" answered from the article's metadata (its byline, its date).
        said = _normal(answer["answer"]).casefold()
        return any(_normal(s).casefold().removeprefix("by ") in said for s in question.get("short", []))
    ranked = [c for c in answer["citations"] if not c.get("context")]
    if answer["abstained"] or not ranked or ranked[0]["document"] != ids.get(question["page"]):
        return False
    text = _normal(ranked[0]["text"])
    return any(_normal(gold) in text or text in _normal(gold) for gold in question["gold"])


def _short_right(short: str, golds: list[str]) -> bool:
    said = _normal(short).casefold()
    return any(g and (g in said or said in g) for g in (_normal(gold).casefold() for gold in golds))


def _run(arguments: list[str], env: dict[str, str], stdin: str | None = None, *, check: bool = True) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "index", *arguments], cwd=REPO, env=env, input=stdin, capture_output=True, text=True
    )
    if done.returncode != 0 and not check:
        return ""
    if done.returncode != 0:
        raise SystemExit(f"python -m index {' '.join(arguments)} failed:\n{done.stderr}")
    return done.stdout


@contextmanager
def _served(folder: Path) -> Iterator[str]:
    """``folder`` over HTTP on 127.0.0.1 (a port the system picks), for the duration."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


if __name__ == "__main__":
    raise SystemExit(main())
