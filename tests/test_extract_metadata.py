"""Page titles without the site's name, and articles that live only in a page's structured data."""

from __future__ import annotations

import json

import pytest

from index.ingest.extract import _without_site, extract_html


@pytest.mark.parametrize(
    ("title", "site", "url", "expected"),
    [
        (
            "An Illusionist in Skyrim: Part 1 | PC Gamer",
            "PC Gamer",
            "https://www.pcgamer.com/a",
            "An Illusionist in Skyrim: Part 1",
        ),
        (
            "A Royal Salute To Polo In Rome - Luxurious Magazine",
            "Luxurious Magazine",
            "https://x.org/",
            "A Royal Salute To Polo In Rome",
        ),
        (
            "Berlin looks at its colonial past | DW | 19.01.2020",
            "Deutsche Welle",
            "https://www.dw.com/en/a",
            "Berlin looks at its colonial past",
        ),
        ("BBC News - Storm hits the coast", "BBC News", "https://www.bbc.co.uk/news/1", "Storm hits the coast"),
        (
            "Despite everything, U.S. emissions dipped in 2019 | Salon.com",
            "Salon.com",
            "https://www.salon.com/x",
            "Despite everything, U.S. emissions dipped in 2019",
        ),
        # Segments that are the headline's own stay: a letters page lists its letters.
        (
            "Letters: Crime | Roads | Taxes",
            "The Mercury News",
            "https://www.mercurynews.com/l",
            "Letters: Crime | Roads | Taxes",
        ),
        ("Anti-war march - 3 arrested", "Daily Post", "https://dailypost.example/", "Anti-war march - 3 arrested"),
        # A title that is only the site's name is kept rather than emptied.
        ("PC Gamer", "PC Gamer", "https://www.pcgamer.com/", "PC Gamer"),
    ],
)
def test_the_site_is_no_part_of_the_title(title: str, site: str, url: str, expected: str) -> None:
    assert _without_site(title, site, url) == expected


def _scripted_page(body: str) -> bytes:
    data = {
        "@context": "https://schema.org",
        "@graph": [{"@type": "NewsArticle", "headline": "Tsai wins", "articleBody": body}],
    }
    return (
        "<html lang='en'><head><title>Tsai wins | Daily Example</title>"
        f"<script type='application/ld+json'>{json.dumps(data)}</script></head>"
        "<body><div id='app'>Loading…</div><a href='/read'>READ FULL ARTICLE</a></body></html>"
    ).encode()


def test_an_article_rendered_by_scripts_is_read_from_its_structured_data() -> None:
    body = (
        "Taiwan's president won re-election on Saturday with a record 8.2 million votes.\n"
        "Her opponent conceded late in the evening, and turnout reached nearly 75 per cent of the island's voters."
    )
    article = extract_html(_scripted_page(body), url="https://daily.example/tsai")
    assert article.paragraphs == (
        "Taiwan's president won re-election on Saturday with a record 8.2 million votes.",
        "Her opponent conceded late in the evening, and turnout reached nearly 75 per cent of the island's voters.",
    )


def test_a_short_structured_body_is_still_no_article() -> None:
    from index.errors import NoArticleTextError

    with pytest.raises(NoArticleTextError):
        extract_html(_scripted_page("Too short to be an article."), url="https://daily.example/tsai")
