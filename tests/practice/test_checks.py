"""The automatic checks of a drafted post: character counting (graphemes, emoji, links),
readability, alt text, CamelCase hashtags, links, personal information and words to avoid."""

import pytest

from practice.checks import (
    PostRules,
    avoided_words_in,
    check_post,
    count_characters,
    find_emails,
    find_phone_numbers,
    find_urls,
    is_camel_case,
    passed,
    reading_grade,
    words_to_avoid_from,
)

X = PostRules(platform_name="X", character_limit=280, url_length=23, emoji_weight=2)
FACEBOOK = PostRules(platform_name="Facebook", character_limit=63206)


def results_by_key(text, rules=FACEBOOK, **kwargs):
    return {result.key: result for result in check_post(text, rules, **kwargs)}


# --- Character counts ------------------------------------------------------------------------------


def test_plain_text_counts_each_character():
    assert count_characters("Pool closed today.") == 18
    assert count_characters("") == 0


@pytest.mark.parametrize(
    ("text", "graphemes"),
    [
        ("e\u0301", 1),  # e + combining accent: one character on screen
        ("👍🏽", 1),  # thumbs up with a skin tone
        ("👨‍👩‍👧", 1),  # a family joined by zero-width joiners
        ("🇦🇺", 1),  # a flag: two regional indicators
        ("❤️", 1),  # heart + variation selector
        ("Hi 👋", 4),
    ],
)
def test_what_a_reader_sees_as_one_character_counts_once(text, graphemes):
    assert count_characters(text) == graphemes


def test_x_counts_each_emoji_as_two():
    assert count_characters("Hi 👋🇦🇺", emoji_weight=2) == 3 + 2 + 2
    assert count_characters("👨‍👩‍👧", emoji_weight=2) == 2


def test_links_count_as_a_fixed_length_where_the_platform_does():
    long_link = "https://www.health.gov.au/topics/immunisation/when-to-get-vaccinated/flu-season-2026"
    text = f"Book your flu shot: {long_link}"
    assert count_characters(text) == len(text)
    assert count_characters(text, url_length=23) == len("Book your flu shot: ") + 23
    # Two links count twice; a bare domain is a link too.
    assert count_characters("a health.gov.au b https://x.org/1", url_length=23) == 5 + 46


def test_trailing_punctuation_is_not_part_of_a_link():
    assert find_urls("See health.gov.au. Or (https://example.org/a)!") == [
        "health.gov.au",
        "https://example.org/a",
    ]
    assert find_urls("wiki https://en.wikipedia.org/wiki/Perth_(suburb), ok") == [
        "https://en.wikipedia.org/wiki/Perth_(suburb)"
    ]


def test_an_email_domain_is_not_a_link():
    assert find_urls("Write to media@health.gov.au") == []


def test_length_check_fails_over_the_limit_and_says_by_how_much():
    result = results_by_key("a" * 281, X)["length"]
    assert not result.passed and "cut 1" in result.message and "X" in result.message
    assert results_by_key("a" * 280, X)["length"].passed
    # 260 letters and a 90-character link fit on X, which counts the link as 23.
    link = "https://example.org/" + "p" * 70
    assert results_by_key("a" * 256 + " " + link, X)["length"].passed
    assert not results_by_key("a" * 256 + " " + link, PostRules(character_limit=280))["length"].passed


# --- Hashtags --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "tag", ["VoteLocal", "Budget", "Budget2026", "NSW", "NAIDOC", "NSWBudget", "2026Budget", "2026", "ÉtéSûr"]
)
def test_readable_hashtags(tag):
    assert is_camel_case(tag)


@pytest.mark.parametrize("tag", ["votelocal", "budget", "VOTELOCAL", "voteLocal", "2026budget"])
def test_hashtags_a_screen_reader_cannot_split(tag):
    assert not is_camel_case(tag)


def test_hashtag_check_names_each_unreadable_tag_and_ignores_anchors():
    result = results_by_key("Get ready #VoteLocal #floodrecovery #BUSHFIRESEASON")["hashtags"]
    assert not result.passed
    assert "#floodrecovery" in result.message and "#BUSHFIRESEASON" in result.message
    assert "#VoteLocal" not in result.message
    # A link's #fragment and an HTML entity are not hashtags.
    assert results_by_key("See https://example.org/page#section and &#39;")["hashtags"].passed


# --- Personal information --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    [
        "0412 345 678",
        "0412345678",
        "(02) 9876 5432",
        "02 9876 5432",
        "(03) 9123-4567",
        "+61 2 9876 5432",
        "+61 412 345 678",
        "1300 123 456",
        "1800 555 000",
        "13 14 50",
        "+44 20 7946 0958",
    ],
)
def test_phone_numbers_in_australian_and_international_formats(number):
    assert find_phone_numbers(f"Call {number} today.") == [number]


@pytest.mark.parametrize(
    "text",
    ["We reached 1,234,567 people in 2026.", "Ref 20240101, postcode 3000, 12.5% up", "Open 9 to 5"],
)
def test_figures_dates_and_postcodes_are_not_phone_numbers(text):
    assert find_phone_numbers(text) == []


def test_email_addresses_are_found():
    assert find_emails("Write to jo.citizen+news@council.nsw.gov.au now") == [
        "jo.citizen+news@council.nsw.gov.au"
    ]
    assert find_emails("Follow @council on social") == []


def test_personal_information_check_lists_what_to_remove():
    result = results_by_key("Questions? Email sam@example.com or call 0412 345 678.")["personal_information"]
    assert not result.passed
    assert "sam@example.com" in result.message and "0412 345 678" in result.message
    assert results_by_key("Questions? Visit our contact page.")["personal_information"].passed


# --- Readability -----------------------------------------------------------------------------------


def test_plain_words_score_a_low_grade_and_jargon_a_high_one():
    plain = "The pool is closed on Monday. It opens again on Tuesday. Bring a hat and water."
    jargon = (
        "Notwithstanding infrastructural rehabilitation considerations, aquatic facility "
        "operationalisation is provisionally discontinued pending comprehensive organisational evaluation."
    )
    assert reading_grade(plain) < 6 < reading_grade(jargon)
    rules = PostRules(max_reading_grade=9)
    assert results_by_key(plain, rules)["readability"].passed
    hard = results_by_key(jargon, rules)["readability"]
    assert not hard.passed and hard.advisory
    # Advice never fails the post by itself.
    assert passed(check_post(jargon, rules))


def test_links_hashtags_and_mentions_are_left_out_of_the_score_and_short_posts_are_not_scored():
    assert reading_grade("Great day! #CommunityFestivalCelebrations") is None
    with_extras = "The pool is closed on Monday. It opens again on Tuesday. @council https://example.org/x"
    assert reading_grade(with_extras) == reading_grade(
        "The pool is closed on Monday. It opens again on Tuesday."
    )


# --- Alt text, links, words to avoid ---------------------------------------------------------------


def test_an_image_needs_a_description():
    assert results_by_key("Hello", has_image=False)["alt_text"].passed
    assert not results_by_key("Hello", has_image=True, alt_text="")["alt_text"].passed
    assert not results_by_key("Hello", has_image=True, alt_text="IMG_2041.jpg")["alt_text"].passed
    assert results_by_key("Hello", has_image=True, alt_text="Volunteers planting trees by the river")[
        "alt_text"
    ].passed


def test_a_link_is_needed_only_when_the_brief_asks():
    rules = PostRules(require_link=True)
    assert not results_by_key("No link here", rules)["link"].passed
    assert results_by_key("Details at council.nsw.gov.au/pools", rules)["link"].passed
    assert results_by_key("No link here")["link"].passed


def test_words_to_avoid_match_whole_words_and_phrases_ignoring_case():
    words = words_to_avoid_from("utilise, leverage\nkey learnings\n\n")
    assert words == ("utilise", "leverage", "key learnings")
    assert avoided_words_in("We will LEVERAGE our Key  Learnings", words) == ["leverage", "key learnings"]
    # "utilised" is another word; whole words only.
    assert avoided_words_in("We utilised the hall", words) == []
    result = results_by_key("We leverage data", PostRules(words_to_avoid=words))["words_to_avoid"]
    assert not result.passed and "leverage" in result.message


def test_a_post_passes_only_when_every_check_that_is_not_advice_passes():
    rules = PostRules(platform_name="X", character_limit=280, url_length=23, require_link=True)
    good = "Our pools open on Saturday. Check times at council.nsw.gov.au/pools #SummerSafety"
    assert passed(check_post(good, rules))
    assert not passed(check_post(good.replace("#SummerSafety", "#summersafety"), rules))
    assert not passed(check_post(good, rules, has_image=True))
    assert [r.key for r in check_post(good, rules)] == [
        "length",
        "readability",
        "alt_text",
        "hashtags",
        "link",
        "personal_information",
        "words_to_avoid",
    ]
