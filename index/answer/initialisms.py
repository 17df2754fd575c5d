"""Initialisms and the names they stand for: "US" and "the United States", "FDNY"
and "The New York City Fire Department (FDNY)".

A question may write a name one way and the article the other, and "what does
FDNY stand for?" is answered by the words the article spells it out with.
"""

from __future__ import annotations

import re

# An initialism as written: "US", "U.S.", "NBA" (two to five capitals, dots allowed).
INITIALISM = re.compile(r"(?<![\w.])(?:[A-Z]\.?){2,5}(?![\w])")
# Small words a spelt-out name may hold without an initial: "Bank *of* America".
_NAME_JOINERS = frozenset({"of", "and", "for", "the", "&", "de"})
_WORD = re.compile(r"[^\W\d_][\w’']*")
# "The New York City Fire Department (FDNY)": capitalised words (small joining words
# allowed inside) right before the initialism in brackets define it, in whatever order
# the initials come.
_JOINER = "|".join(map(re.escape, sorted(_NAME_JOINERS)))
_DEFINED = rf"(?P<name>(?:[A-Z][\w’'-]*\s+)(?:(?:{_JOINER})\s+|[A-Z][\w’'-]*\s+)*)\({{0}}\b"


def spells_out(letters: str, passage: str, *, capitalised: bool = True) -> bool:
    """Whether ``passage`` has a run of words (capitalised ones, when ``capitalised``)
    whose initials are ``letters``, small joining words ("of", "and") skipped:
    "Hewlett-Packard" for HP."""
    return spelt_run(letters, passage, capitalised=capitalised) is not None


def spelt_run(letters: str, passage: str, *, capitalised: bool = True) -> list[str] | None:
    """The first run of words of ``passage`` that spells ``letters`` out as ``spells_out``
    finds it ("United", "States" for US), or None."""
    run = _spelt_matches(letters, passage, capitalised=capitalised)
    return None if run is None else [word.group() for word in run]


def _spelt_matches(letters: str, passage: str, *, capitalised: bool) -> list[re.Match[str]] | None:
    found = list(_WORD.finditer(passage))
    initials = [
        ("" if capitalised and not w.group()[0].isupper() else w.group()[0].lower(), w.group().lower() in _NAME_JOINERS)
        for w in found
    ]
    wanted = letters.lower()
    for start in range(len(initials)):
        matched = 0
        end = start
        for initial, joiner in initials[start:]:
            if matched == len(wanted):
                break
            if initial == wanted[matched]:
                matched += 1
            elif not (joiner and matched):
                break
            end += 1
        if matched == len(wanted):
            return found[start:end]
    return None


def initialism_words(question: str, passage: str) -> frozenset[str]:
    """Words of ``question`` that ``passage`` names in another form: an initialism of the
    question the passage spells out ("US" and "the United States"), or the question's
    capitalised words that spell out an initialism of the passage ("United States" and
    "US"); in a question all in lower case, any words. A name written one way in a
    question and the other in the article is the same name."""
    named: set[str] = set()
    for token in INITIALISM.findall(question):
        if spells_out(token.replace(".", ""), passage):
            named.add(token)
    # A question typed all in lower case writes "the us" and "united states" for "U.S.".
    lower = question == question.lower()
    question_words = {word.lower(): word for word in _WORD.findall(question)}
    for token in set(INITIALISM.findall(passage)):
        letters = token.replace(".", "")
        if lower and letters.lower() in question_words:
            named.add(question_words[letters.lower()])
        run = spelt_run(letters, question, capitalised=not lower)
        if run is not None:
            named.update(run)
    return frozenset(named)


def expansion(initialism: str, sentence: str) -> str | None:
    """The words of ``sentence`` that ``initialism`` stands for, exactly as written, or None:
    a name with the initialism in brackets after it ("The New York City Fire Department
    (FDNY)", whatever the order of the initials), the words right before it in brackets
    whose initials spell it ("digital rights management (DRM)"), or a run of capitalised
    words whose initials spell it ("Port Authority Trans-Hudson" for PATH)."""
    letters = initialism.replace(".", "")
    defined = re.search(_DEFINED.format(re.escape(initialism)), sentence)
    if defined is not None:
        # "Like the New York City Subway (NYCS)": words before the name are not among its
        # initials ("Like"), or join ("the").
        name = defined.group("name").split()
        while name and (name[0].lower() in _NAME_JOINERS or name[0][0].lower() not in letters.lower()):
            name.pop(0)
        if name:
            return " ".join(name)
    # "digital rights management (DRM)": beside the initialism, small letters spell it too.
    beside = re.search(rf"((?:[^\W\d_][\w’'-]*\s+){{1,8}})\({re.escape(initialism)}\)", sentence)
    if beside is not None:
        words = _spelt_matches(letters, beside.group(1), capitalised=False)
        if words is not None and words[-1].end() == len(beside.group(1).rstrip()):
            return beside.group(1)[words[0].start() : words[-1].end()]
    run = _spelt_matches(letters, sentence, capitalised=True)
    # "B.I.C." is the initialism itself, not the words it stands for.
    if run is None or all(len(word.group()) == 1 for word in run):
        return None
    return sentence[run[0].start() : run[-1].end()]
