"""The rules that read a message before anything is searched, and the short-answer spans:
table-driven, no model."""

from __future__ import annotations

import pytest

from index.answer.intents import read_message
from index.answer.questions import needs_context, split_question
from index.answer.short_answer import asked_short_kind, short_answer


@pytest.mark.parametrize(
    ("message", "intent", "detail"),
    [
        ("hi", "smalltalk", "greeting"),
        ("hey 👋", "smalltalk", "greeting"),
        ("thanks a lot!!", "smalltalk", "thanks"),
        ("ok cool, thanks", "smalltalk", "thanks"),
        ("ok", "smalltalk", "ack"),
        ("ok 👌", "smalltalk", "ack"),
        ("thanks 🙏🏻", "smalltalk", "thanks"),
        ("where's this article from?", "about", "source"),
        ("who r u", "smalltalk", "identity"),
        ("what can you do?", "smalltalk", "capability"),
        ("hello, can you help me with something?", "smalltalk", "capability"),
        ("tl;dr", "overview", None),
        ("whats the gist", "overview", None),
        ("What is this article about?", "overview", None),
        ("who wrote this article?", "about", "author"),
        ("where was this published?", "about", "source"),
        ("can u send me the link to the original", "about", "url"),
        ("can u send me the link", "about", "url"),
        ("What's the headline?", "about", "title"),
        ("when was this published", "about", "date"),
        ("hi, who runs instagram?", "question", None),
        ("How can I use a VPN to get around the block?", "question", None),
        ("what happened to apple pay there", "question", None),
        ("What is the name of the app?", "question", None),
        ("Which paper did Clegg speak to?", "question", None),
        ("what is it called?", "about", "title"),
        ("What was the city called before the English renamed it?", "question", None),
        # Why it is called so asks for a reason the article may give, not for the title.
        ("why is it called to kill a mockingbird", "question", None),
        ("why is it called new york? wasnt it new amsterdam before", "question", None),
        ("what are the main points", "overview", None),
        ("what are the main themes of the book", "question", None),
    ],
)
def test_message_intent(message: str, intent: str, detail: str | None) -> None:
    reading = read_message(message)
    assert reading.intent == intent
    assert (reading.smalltalk or reading.field) == detail


def test_a_greeting_in_front_of_a_question_is_peeled_off() -> None:
    assert read_message("hi, who runs instagram?").text == "who runs instagram?"


@pytest.mark.parametrize(
    ("question", "parts"),
    [
        ("When does it start and what should users do?", ["When does it start", "what should users do?"]),
        ("Who made the app, and where was it removed from?", ["Who made the app", "where was it removed from?"]),
        ("According to Mosseri, how many users are there?", ["According to Mosseri, how many users are there?"]),
        ("What did Russia and Ukraine do?", ["What did Russia and Ukraine do?"]),
        ("what did apple stop + what about microsoft?", ["what did apple stop", "what about microsoft?"]),
        ("1) who did they threaten 2) what happened after", ["who did they threaten", "what happened after"]),
        ("Who won 2) the race?", ["Who won 2) the race?"]),
    ],
)
def test_split_question(question: str, parts: list[str]) -> None:
    assert split_question(question) == parts


@pytest.mark.parametrize(
    ("question", "needs"),
    [
        ("what did he tweet?", True),
        ("and why?", True),
        ("what about google?", True),
        ("When was that?", True),
        ("What happened to Google's services there?", False),
        ("and facebook?", True),
        ("why?", True),
        ("Smart Voting", False),
        ("and who threatened the apple employee?", False),
        ("How many people use Instagram in Russia?", False),
    ],
)
def test_needs_context(question: str, needs: bool) -> None:
    assert needs_context(question, lambda word: word in {"google", "instagram", "russia", "smart", "voting"}) is needs


def _stem(word: str) -> str:
    return word.removesuffix("s").removesuffix("er")


@pytest.mark.parametrize(
    ("question", "sentence", "expected"),
    [
        ("what was the name of her boyfriend", "Her boyfriend was seen with Ann Lee.", None),
        ("who developed twilight princess?", "The Legend of Zelda: Twilight Princess was shown.", None),
        ("Who made Twilight Princess?", "The Legend of Zelda was made by Nintendo.", "Nintendo"),
    ],
)
def test_the_articles_subject_is_no_answer_about_it(question: str, sentence: str, expected: str | None) -> None:
    assert short_answer(question, sentence, _stem, title="Ann Lee: The Legend of Zelda: Twilight Princess") == expected


@pytest.mark.parametrize(
    ("question", "sentence", "expected"),
    [
        ("Who is the head of Acme?", "The head of Acme, Jane Doe, said profits rose.", "Jane Doe"),
        ("Who is Jane Doe?", "Jane Doe, the head of Acme, said profits rose.", "the head of Acme"),
        # Between commas, what the name did or when is no apposition saying what it is.
        ("what is lightning", "It made a new connector, named Lightning, on September 12, 2012.", None),
        ("who is apple's supplier", "Foxconn, Apple's supplier, initially denied the abuses, then relented.", None),
        ("who was the director", "At the next year's conference, the director said it was late.", None),
        ("Who wrote about the rift?", "Several biographers wrote about the rift.", None),
        ("what is the FSB", "She had threats from the FSB, the successor to the KGB.", "the successor to the KGB"),
        ("How many staff work there?", "This surprised the 300 staff who work there.", "300 staff"),
        # A verb between two names leaves the first the doer; a noun makes it a modifier.
        ("Who sued Samsung?", "Back then Apple sued Samsung over the design.", "Apple"),
        ("Who criticised the ban?", "The ban was criticised by Putin opponent Alexi Navalny.", "Alexi Navalny"),
        # A title set after the asked noun is which one, small words and all.
        ("whats her debut album", "Her debut album, Dangerously in Love (2003), sold well.", "Dangerously in Love"),
        ("who wrote the manga", "A Japan-exclusive manga, penned by Akira Himekawa, came out.", "Akira Himekawa"),
        # In the passive, the name after "by" did it.
        ("Who developed the game?", "The Legend of Zelda was developed by Nintendo EAD in Kyoto.", "Nintendo EAD"),
        # … also with words between the verb and "by", and before the name.
        ("who overthrew the regime", "The regime set up by the Mongols was overthrown in a revolt by the general "
         "Tai Situ.", "Tai Situ"),
        # An adverb after "was" leaves the verb passive: Apple was founded, not the founder.
        ("who founded apple", "Apple was originally founded in 1976 by Steve Jobs.", "Steve Jobs"),
        # A name after the asked noun and "of" is which one; the one in front says whose.
        ("which island has the largest olive groves", "The Greek island of Crete has the largest olive groves.",
         "Crete"),
        # A question that names the thing ("the Smart Voting app") asks what it is, not which.
        ("whats the smart voting app", "Then the Smart Voting app – an app created by Alexi Navalny which let "
         "Russians vote – was taken down.", "an app created by Alexi Navalny"),
        ("what's the smart voting app?", "Then the Smart Voting app – an app created by Alexi Navalny – was taken "
         "down.", "an app created by Alexi Navalny"),
        ("what app did navalny create", "Then the Smart Voting app – an app created by Alexi Navalny – was taken "
         "down.", "Smart Voting"),
        # The rest of a name that opens with the asked brand in small letters is no answer.
        ("who manufactures ipods", "Apple sells the iPod Hi-Fi, but most are manufactured by Belkin.", "Belkin"),
        # A quoted title is no person.
        ("Who sang Crazy in Love?", 'Her songs "Crazy in Love" and "Single Ladies" sold well.', None),
        # Dates of a life or a reign in brackets are not when something else happened.
        ("when did the dynasty fall", "The dynasty fell when Li Zicheng (1606–1645) took it in 1644.", "1644"),
        ("when was the hall founded", "The hall, founded by Peter Hall (1901–1970), collapsed.", None),
        # A life's dates in brackets: born is the first end, died the second; no death date, no answer.
        ("when was he born", "Jan Kos (/kɒs/; 1 March 1810 – 17 October 1849) was a composer.", "1 March 1810"),
        ("When did Kos die?", "Jan Kos (/kɒs/; 1 March 1810 – 17 October 1849) was a composer.", "17 October 1849"),
        ("When was she born?", "Ann Lee (born September 4, 1981) is a singer.", "September 4, 1981"),
        ("When did she die?", "Ann Lee (born September 4, 1981) is a singer.", None),
        # A proper name before the asked noun is its capitalised words; an opening adverb is no name.
        ("What is the largest park in town?", "The largest park in town is Pelham Bay Park.", "Pelham Bay Park"),
        ("What is the nickname of the team?", "Additionally, the team's nickname is the Bombers.", "Bombers"),
        # An ordinal answers which in a series, or a rank.
        ("what number installment is it", "It is the thirteenth installment in the series.", "thirteenth installment"),
        ("where did it rank on the list", "It ranked 16th on the magazine's list.", "16th"),
        ("which installment is it", "It is the thirteenth installment in the series.", "thirteenth installment"),
        ("what place did it get on the list", "The game placed 16th on the magazine's list.", "16th"),
        # A unit written onto the number, or after it, goes with it; "30GB" is not "3".
        ("How much storage did it have?", "The special edition had 30GB of storage.", "30GB"),
        ("How much storage did the first one have?", "The first model had a 5 GB hard drive.", "5 GB"),
        (
            "What laws did they cite?",
            "They cited Russian propaganda and extremism laws.",
            "Russian propaganda and extremism laws",
        ),
        ("Which company owns it?", "It is owned by the tech company Meta Platforms.", "Meta Platforms"),
        ("Who showed up at her home?", "Russian agents allegedly showed up at her home.", "Russian agents"),
        ("What share follow accounts abroad?", "Some 80 percent follow accounts abroad, 5 do not.", "Some 80 percent"),
        ("When will the office close?", "Acme said the office will close at midnight on Sunday.", "midnight on Sunday"),
        ("When was the castle built?", "The castle was built in 1066 by the king.", "1066"),
        ("Who created the app?", "The app was created by Alexi Navalny last year.", "Alexi Navalny"),
        (
            "What's the Belarusian president's name?",
            "It named Belarusian President Alexander Lukashenko.",
            "Alexander Lukashenko",
        ),
        # A role for a name: "the regulator", not "Instagram".
        ("Who sent the email?", "An email from the regulator told people to leave Instagram.", "regulator"),
        ("What do they call it?", "Critics call the plan as bad as ever.", None),
        (
            "What did they label the firm as?",
            "Officials labelled the firm as a ‘foreign agent,’ last week.",
            "foreign agent",
        ),
        ("Where did they move her?", "They moved her to a hotel room under a false name.", "hotel room"),
        (
            "Where was it taken down from?",
            "It was taken down from both the Apple and Google stores.",
            "Apple and Google stores",
        ),
        ("Where did they sign the deal?", "They signed the deal in the wake of the vote in Berlin.", "Berlin"),
        ("Which agency replaced the KGB?", "Threats came from the FSB, the successor to the KGB.", "FSB"),
        (
            "When did the threats start?",
            "The threats, which came from agents who said they would return, began last year.",
            "last year",
        ),
        ("In which city was the executive?", "Agents came to a hotel room of the executive in Moscow.", "Moscow"),
        ("What's the executive's name?", "Agents came to the home of the executive in Moscow.", None),
        (
            "How many card companies stopped working there?",
            "Most of the major American card companies have stopped working there.",
            "Most of the major American card companies",
        ),
        ("Who were the agents?", "Officials say the supposed FSB agents gave an order.", "FSB agents"),
        ("Who were the agents?", "Officials say Russian agents gave an order.", None),
        ("How many awards did she win at the 52nd Grammys?", "At the 52nd Grammys she won six awards.", "six awards"),
        ("Who were Wang and Nyima?", "However, Wang and Nyima state that these claims are wrong.", None),
        ("Who did the Emperor fail with?", "However, the Yongle Emperor’s attempts failed.", None),
        (
            "Who did Clegg say it to?",
            "‘We are clear,’ Nick Clegg, Meta’s head of affairs, said in a statement to the Washington Post.",
            "Washington Post",
        ),
        # A relative shares the family name: the name is the answer, not the question's subject.
        ("who was Doe's father", "Jane's father, Victor Doe, was a Frenchman from Lorraine.", "Victor Doe"),
        ("Who was Doe's partner?", "Jane Doe met Max Doe in Paris.", None),
        # A subject holding the question's words, then "was the … NAME".
        (
            "Who was her first teacher?",
            "Her first instructor, from 1816, was the Czech pianist Wojciech Żywny.",
            "Wojciech Żywny",
        ),
        # A count keeps its currency or unit; "one of" counts nothing.
        ("How much did he charge?", "He charged one guinea for a lesson.", "one guinea"),
        ("How much did it earn?", "The concert earned 5,000 francs.", "5,000 francs"),
        ("How many nocturnes did he write?", "Liszt performed one of his nocturnes.", None),
        ("How old was she when she left?", "She left Poland at the age of 20, in 1830.", "20"),
        ("At what age did he die?", "He died a 39-year-old man.", "39"),
        ("how often is the race held", "The race is held every five years in Warsaw.", "every five years"),
        ("How often do they meet?", "The board meets twice a year.", "twice a year"),
        # The rest of a name the question says is no answer; a number in a name counts nothing.
        ("Who was accused of hurting Mayella?", "The court heard that Mayella Ewell was hurt.", None),
        ("who plays atticus in the movie", "In the film, Atticus Finch is played by Gregory Peck.", "Gregory Peck"),
        ("How much does a subway ride cost?", "Work began on the 7 Subway Extension in 2007.", None),
        # The doer of the asked verb, told in other words ("bought" / "purchased").
        (
            "Who bought the island from the Lenape?",
            "Peter Minuit purchased the island from the Canarsie, a band of the Lenape.",
            "Peter Minuit",
        ),
        # A price is money; a superlative or "which mayor" picks out a name; "how cold" a measure.
        ("How much does a subway ride cost?", "The Subway had 1.75 billion rides in 2014.", None),
        ("How many awards did she win?", "She won six Grammy Awards in 2010.", "six"),
        ("How many people use it?", "It has 80 million users in Russia.", "80 million"),
        ("How many Instagram users are there?", "Instagram has 80 million users.", "80 million users"),
        ("how much did the island cost", "He bought the island in 1626 for 60 guilders.", "60 guilders"),
        # The currency sign is part of the amount.
        ("How much did the deal cost?", "The deal cost $30 million in all.", "$30 million"),
        # An asked adjective after the number goes on to its noun.
        ("how many public concerts did he give", "He gave only some 30 public performances in Paris.",
         "some 30 public performances"),
        ("how big is the city in square miles", "The total area is 468.9 square miles (1,214 km2).",
         "468.9 square miles"),
        # "How many people" counts people, not money.
        ("How many residents work in food?", "Food is a US$5 billion industry that employs 19,000 residents.",
         "19,000 residents"),
        ("How many dollars does it make?", "It makes $5 billion and employs 19,000 residents.", "$5 billion"),
        ("Whats the largest park in the city?", "The largest park in the city is Pelham Bay Park.", "Pelham Bay Park"),
        (
            "Which mayor pledged a cut in emissions?",
            "Mayor Bill de Blasio has pledged a cut in emissions.",
            "Bill de Blasio",
        ),
        ("How cold is it in January?", "The mean temperature in January is 32.6 °F (0.3 °C).", "32.6 °F"),
        ("wheres the highest point", "The highest point is on Staten Island.", "Staten Island"),
        (
            "wheres the highest point in the city",
            "The highest point in the city is Todt Hill on Staten Island, which, at 409.8 feet, is the highest point "
            "on the Eastern Seaboard.",
            "Staten Island",
        ),
        # What the sentence says the subject is, to its end.
        ("whats the FDNY's motto", "The FDNY's motto is New York's Bravest.", "New York's Bravest"),
        # A time in a relative clause on something else is not the time asked for.
        ("When was he born?", "He was born in the Duchy, which after 1815 became part of Poland.", None),
        ("When was he born?", "He was born in Warsaw, which he left in 1830, in March 1810.", "March 1810"),
        ("When did the bridge open?", "The bridge, which opened in 1932, is long.", "1932"),
        # An event told in other words: "start" is where the sentence says "beginning".
        (
            "When does the ban start?",
            "It shuts down beginning at midnight on Sunday, after talks last week.",
            "midnight on Sunday",
        ),
        # Unsure: no candidate near the question's words, or a why-question.
        ("Who sent the letter?", "A letter arrived, and later Instagram was blocked across the whole country.", None),
        ("Why did Acme close the office?", "Acme closed the office in 2020 to cut costs.", None),
    ],
)
def test_short_answer(question: str, sentence: str, expected: str | None) -> None:
    assert short_answer(question, sentence, _stem) == expected


def test_asked_kind() -> None:
    assert asked_short_kind("how many ppl use it") == "number"
    assert asked_short_kind("what % of people") == "percent"
    assert asked_short_kind("Why was it blocked?") is None


def test_a_follow_ups_missing_words_leave_the_exchange_to_locate_the_answer() -> None:
    sentence = "The message from the regulator Roskomnadzor described it."
    assert short_answer("whats it called", sentence, _stem, about="what did the regulator say") == "Roskomnadzor"


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # "Having" opens the sentence and is no name in the articles; Scout is.
        ("Having walked Boo home, Scout stood on the Radley porch.", "Scout"),
        ("Scout walked Boo home and stood on the Radley porch.", "Scout"),
    ],
)
def test_an_opening_word_the_articles_never_name_is_no_answer(sentence: str, expected: str) -> None:
    def is_name(word: str) -> bool:
        return word in {"boo", "radley", "scout"}

    assert short_answer("who walked boo home", sentence, _stem, is_name=is_name) == expected
