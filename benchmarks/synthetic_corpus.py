"""A deterministic synthetic corpus of news-like articles, for build and ANN benchmarks.

Every article retells the real article's story with its own cast: each of the
real article's paragraphs is kept (so an article has the real one's size,
25 paragraphs and 27 sentences), the paragraphs are locally shuffled, and every
name, place, organisation, weekday, month and number is replaced from word
pools. No sentence is ever produced twice (a repeated one gets a dateline such
as "In Oslo on Tuesday, ..."), because identical texts would be embedded once
and make a build look faster than it is.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from index.ingest.corpus import load_corpus
from index.ingest.text import split_sentences

# (country, adjective, people): the real article's Russia, Ukraine and Belarus.
COUNTRIES = (
    ("Russia", "Russian", "Russians"),
    ("Ukraine", "Ukrainian", "Ukrainians"),
    ("Belarus", "Belarusian", "Belarusians"),
    ("Norway", "Norwegian", "Norwegians"),
    ("Poland", "Polish", "Poles"),
    ("Turkey", "Turkish", "Turks"),
    ("Brazil", "Brazilian", "Brazilians"),
    ("India", "Indian", "Indians"),
    ("Kenya", "Kenyan", "Kenyans"),
    ("Nigeria", "Nigerian", "Nigerians"),
    ("Egypt", "Egyptian", "Egyptians"),
    ("Iran", "Iranian", "Iranians"),
    ("Mexico", "Mexican", "Mexicans"),
    ("Chile", "Chilean", "Chileans"),
    ("Peru", "Peruvian", "Peruvians"),
    ("Canada", "Canadian", "Canadians"),
    ("Hungary", "Hungarian", "Hungarians"),
    ("Serbia", "Serbian", "Serbians"),
    ("Georgia", "Georgian", "Georgians"),
    ("Indonesia", "Indonesian", "Indonesians"),
    ("Argentina", "Argentinian", "Argentinians"),
    ("Morocco", "Moroccan", "Moroccans"),
    ("Ghana", "Ghanaian", "Ghanaians"),
    ("Thailand", "Thai", "Thais"),
)
FIRST_NAMES = (
    "Adam Alexander Nick Vladimir Alexi Maria Elena Sofia Omar Priya Jonas Ingrid Tomas Lucia Mateo Amara "
    "Kwame Yusuf Hana Leila Pavel Irina Diego Camila Arjun Nadia Felix Greta Ravi Zara"
).split()
LAST_NAMES = (
    "Putin Lukashenko Clegg Mosseri Navalny Petrov Kowalski Haugen Yilmaz Silva Sharma Otieno Okafor Mansour "
    "Rahimi Herrera Rojas Castillo Tremblay Nagy Jovanovic Beridze Santoso Fernandez Benali Mensah Chaiyaporn "
    "Lindqvist Moreau Novak"
).split()
PLATFORMS = (
    "Instagram Snapline Pictura Lensly Glimmer Framewise Shutterbox Momento Flickstream Viewfinder Photomesh "
    "Reelhouse Snapfeed Imagio Kaleido Shotbook"
).split()
OWNERS = "Meta Nexus Helix Quanta Lumen Vertex Arcadia Pinnacle Northwind Solace Brightline Orbital".split()
NETWORKS = "Facebook Chatter Circle Townhall Kinship Linkup Gathr Friendzone Neighbr Commons".split()
COMPANIES = (
    "Google Apple Microsoft YouTube IMB Amazon Oracle Samsung Netflix Spotify Adobe Intel Cisco Nvidia Dropbox "
    "Zoom Slack Uber Airbnb PayPal"
).split()
NEWSPAPERS = (
    "Washington Post|New York Times|Financial Times|Wall Street Journal|Boston Globe|Chicago Tribune|"
    "Toronto Star|Irish Times|Sydney Herald|Guardian"
).split("|")
AGENCIES = "Reuters|Bloomberg|Politico|Axios|Associated Press|Agence France-Presse|Kyodo|Anadolu".split("|")
REGULATORS = "Roskomnadzor Telecomnadzor Medianet Comreg Ofnet Digicom Netwatch Infocom Teleregul Mediacontrol".split()
SECURITY = "FSB KGB NSB SBU DGSI GID NIS ABIN DSS SVR".split()
APPS = "Smart Voting|Fair Ballot|Open Count|Civic Voice|Free Vote|Clear Poll|People's Tally|Vote Watch".split("|")
CITIES = (
    "Moscow Oslo Warsaw Ankara Lima Nairobi Lagos Cairo Tehran Santiago Ottawa Budapest Belgrade Tbilisi Jakarta "
    "Rabat Accra Bangkok Kyiv Minsk Mumbai Delhi Istanbul Izmir Krakow Bergen Mombasa Alexandria Valparaiso "
    "Montreal Debrecen Batumi Surabaya Casablanca Kumasi Chiang Mai Porto Alegre Monterrey Cordoba Tabriz"
).split()
WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
MONTHS = "January February March April May June July August September October November December".split()

# Sentence openers that may be lower-cased after a dateline.
_COMMON_OPENERS = frozenset("An A The But In That They After Within This".split())
# A number, with the month before it when it is a date ("February 24").
_NUMBER = re.compile(rf"\b(?:({'|'.join(MONTHS)}) )?(\d+)\b")
# How often a paragraph moves from its place: a larger value shuffles more.
_SHUFFLE_SPREAD = 2.5


@dataclass(frozen=True)
class Article:
    """One generated article: its file name, title and paragraphs."""

    name: str
    title: str
    paragraphs: tuple[str, ...]

    def text(self) -> str:
        """The article as a corpus file: front matter, then one paragraph a line."""
        header = f"---\ntitle: {self.title}\nsource: Synthetic News\nlanguage: en\ndate: 2022\n---\n"
        return header + "\n".join(self.paragraphs) + "\n"


class ArticleGenerator:
    """Makes articles from one real article's paragraphs; the same seed gives the same articles."""

    def __init__(self, template_corpus: Path, seed: int) -> None:
        document = load_corpus(template_corpus)[0]
        self._templates = [split_sentences(p) for p in document.paragraphs]
        self._rng = random.Random(seed)
        self._seen: set[str] = set()

    def article(self, name: str) -> Article:
        """A new article whose sentences were never generated before."""
        cast = self._cast()
        order = sorted(range(len(self._templates)), key=lambda i: i + self._rng.gauss(0, _SHUFFLE_SPREAD))
        paragraphs = tuple(" ".join(self._sentence(s, cast) for s in self._templates[i]) for i in order)
        title = f"{cast['Russia']} to shut down {cast['Instagram']} service at midnight"
        return Article(name=name, title=title, paragraphs=paragraphs)

    def sentences(self, count: int) -> list[str]:
        """``count`` fresh sentences, each with its own cast (e.g. held-out queries)."""
        templates = [s for paragraph in self._templates for s in paragraph]
        return [self._sentence(self._rng.choice(templates), self._cast()) for _ in range(count)]

    def _cast(self) -> dict[str, str]:
        """Who and what one article is about: a replacement for each name of the real article."""
        pick = self._rng.sample
        (a, a_adj, a_people), (b, b_adj, b_people), (c, c_adj, _) = pick(COUNTRIES, 3)
        leader, rival, exec_1, exec_2, ally = (
            f"{first} {last}" for first, last in zip(pick(FIRST_NAMES, 5), pick(LAST_NAMES, 5), strict=True)
        )
        company_1, company_2, company_3, company_4, company_5 = pick(COMPANIES, 5)
        security_1, security_2 = pick(SECURITY, 2)
        cast = {
            "Russia": a, "Russian": a_adj, "Russians": a_people,
            "Ukraine": b, "Ukrainian": b_adj, "Ukrainians": b_people, "Belarusian": c_adj,
            "Vladimir Putin": leader, "Putin": leader.split()[1], "Alexi Navalny": rival,
            "Nick Clegg": exec_1, "Adam Mosseri": exec_2, "Alexander Lukashenko": ally,
            "Instagram": self._rng.choice(PLATFORMS), "Meta": self._rng.choice(OWNERS),
            "Facebook": self._rng.choice(NETWORKS), "Google": company_1, "Apple": company_2,
            "Microsoft": company_3, "YouTube": company_4, "IMB": company_5,
            "Washington Post": self._rng.choice(NEWSPAPERS), "Reuters": self._rng.choice(AGENCIES),
            "Roskomnadzor": self._rng.choice(REGULATORS), "FSB": security_1, "KGB": security_2,
            "Smart Voting": self._rng.choice(APPS), "Moscow": self._rng.choice(CITIES),
        }  # fmt: skip
        return cast

    def _sentence(self, template: str, cast: dict[str, str]) -> str:
        """``template`` with the cast, fresh weekdays, months and numbers; never a sentence seen before."""
        sentence = _substitute(template, cast, self._rng)
        attempt = 0
        while sentence in self._seen:
            attempt += 1
            sentence = _with_dateline(_substitute(template, cast, self._rng), self._dateline(attempt))
        self._seen.add(sentence)
        return sentence

    def _dateline(self, attempt: int) -> str:
        """A place/time opener, longer the more attempts a sentence has needed."""
        city, day, month = self._rng.choice(CITIES), self._rng.choice(WEEKDAYS), self._rng.choice(MONTHS)
        if attempt < 4:
            return self._rng.choice((f"In {city}", f"On {day}", f"Earlier in {month}"))
        if attempt < 12:
            return f"In {city} on {day}"
        return f"In {city} on {day}, {self._rng.randint(2, 28)} {month}"


def _substitute(template: str, cast: dict[str, str], rng: random.Random) -> str:
    """Replace every cast name, weekday, month and number of ``template`` in one pass."""
    replacements: dict[str, Callable[[], str]] = {name: _constant(value) for name, value in cast.items()}
    replacements.update({day: lambda: rng.choice(WEEKDAYS) for day in WEEKDAYS})
    replacements.update({month: lambda: rng.choice(MONTHS) for month in MONTHS})
    pattern = _names_pattern(tuple(replacements))
    named = pattern.sub(lambda m: replacements[m.group()](), template)
    return _NUMBER.sub(lambda m: _number(m, rng), named)


def _number(match: re.Match[str], rng: random.Random) -> str:
    """A fresh number for ``match``: a day of the month after a month name, else 2 to 99."""
    month = match.group(1)
    return f"{month} {rng.randint(1, 28)}" if month else str(rng.randint(2, 99))


def _constant(value: str) -> Callable[[], str]:
    return lambda: value


_PATTERNS: dict[tuple[str, ...], re.Pattern[str]] = {}


def _names_pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    """One regex matching any of ``names`` as whole words, longest first."""
    if names not in _PATTERNS:
        alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
        _PATTERNS[names] = re.compile(rf"\b(?:{alternatives})\b")
    return _PATTERNS[names]


def _with_dateline(sentence: str, dateline: str) -> str:
    """``sentence`` opened by ``dateline``, lower-casing a common first word."""
    first, _, rest = sentence.partition(" ")
    if first in _COMMON_OPENERS:
        first = first.lower()
    return f"{dateline}, {first} {rest}".rstrip()


def write_corpus(corpus_dir: Path, generator: ArticleGenerator, count: int) -> list[Article]:
    """Write ``count`` generated articles into ``corpus_dir`` (one ``.txt`` each)."""
    corpus_dir.mkdir(parents=True, exist_ok=True)
    articles = [generator.article(f"article-{number:05d}") for number in range(count)]
    for article in articles:
        (corpus_dir / f"{article.name}.txt").write_text(article.text(), encoding="utf-8")
    return articles
