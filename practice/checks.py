"""The automatic checks of a drafted social media post (the Draft a post activity).

Each check looks at the post as typed and returns a CheckResult that the learner sees at once and
the reviewer sees beside the post. Checks are plain functions of text and rules (no database), so
every edge case is tested without pages: tests/practice/test_checks.py.

How the platforms count characters (the numbers are data on each Platform snippet, which a trainer
updates when a platform changes its rules):
- what a reader sees as one character (a grapheme cluster: "é" typed as e + accent, a flag, a
  family emoji joined by zero-width joiners, a thumbs-up with a skin tone) counts once;
- X counts each emoji as two (`emoji_weight`);
- X and Mastodon count every link as a fixed length whatever its length (`url_length`; 0 means
  the link counts as typed).
"""

import unicodedata
from dataclasses import dataclass, field

import phonenumbers
import regex
import textstat

# A link as platforms detect one: with a scheme, starting www., or a bare domain with a common
# top-level domain (X turns "health.gov.au" into a link too). Trailing punctuation is not part of it.
URL = regex.compile(
    r"""(?:https?://|www\.)[^\s<>"]+
    |(?<![@\w.-])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:com|org|net|gov|edu|info|io|au|nz|uk)\b(?:/[^\s<>"]*)?""",
    regex.IGNORECASE | regex.VERBOSE,
)
TRAILING_PUNCTUATION = ".,;:!?)]}'\""
EMAIL = regex.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", regex.UNICODE)
HASHTAG = regex.compile(r"(?<![\w&])#(\w+)", regex.UNICODE)
MENTION = regex.compile(r"(?<!\w)@\w+")
GRAPHEME = regex.compile(r"\X")
EMOJI = regex.compile(r"\p{Extended_Pictographic}|\p{Regional_Indicator}|\N{VARIATION SELECTOR-16}")
# The longest all-capitals hashtag read out as letters rather than a word (#NSW, #ATO, #NAIDOC).
ACRONYM_MAX = 6
# Fewer words than this and a readability score means nothing.
READABILITY_MIN_WORDS = 8


@dataclass(frozen=True)
class CheckResult:
    """One check's outcome. `advisory` results are advice shown to the learner: they never stop a
    post from passing."""

    key: str
    label: str
    passed: bool
    message: str
    advisory: bool = False

    def as_dict(self):
        return {
            "key": self.key,
            "label": self.label,
            "passed": self.passed,
            "message": self.message,
            "advisory": self.advisory,
        }


@dataclass(frozen=True)
class PostRules:
    """What a post is checked against: the platform's counting rules and the activity's brief."""

    platform_name: str = "the platform"
    character_limit: int = 280
    url_length: int = 0  # every link counts as this many characters; 0: as typed
    emoji_weight: int = 1  # what one emoji counts as
    require_link: bool = False
    words_to_avoid: tuple = field(default_factory=tuple)
    max_reading_grade: float = 9.0  # Australian school year; government style asks for 7 to 9


def find_urls(text):
    """The links in `text`, each without trailing punctuation ("see health.gov.au." ends at au)."""
    urls = []
    for match in URL.finditer(text):
        url = match.group(0)
        # Trailing punctuation ends the sentence, not the link; a closing bracket the link opened
        # stays ("wiki/Perth_(suburb)").
        while url and url[-1] in TRAILING_PUNCTUATION:
            if url[-1] == ")" and url.count("(") >= url.count(")"):
                break
            url = url[:-1]
        urls.append(url)
    return urls


def is_emoji(grapheme):
    return bool(EMOJI.search(grapheme))


def count_characters(text, url_length=0, emoji_weight=1):
    """Characters as the platform counts them (see the module docstring)."""
    text = unicodedata.normalize("NFC", text or "")
    total = 0
    for url in find_urls(text) if url_length else []:
        text = text.replace(url, "", 1)
        total += url_length
    for grapheme in GRAPHEME.findall(text):
        total += emoji_weight if is_emoji(grapheme) else 1
    return total


def hashtags(text):
    return HASHTAG.findall(text or "")


def is_camel_case(tag):
    """True when a screen reader can read the hashtag's words: each word starts with a capital
    (#VoteLocal, #Budget2026) or it is a short acronym (#NSW). #votelocal and #VOTELOCAL fail."""
    letters = [c for c in tag if c.isalpha()]
    if not letters:
        return True  # #2026: nothing to read as words
    if all(c.isupper() for c in letters):
        return len(letters) <= ACRONYM_MAX
    return tag[0].isupper() or (tag[0].isdigit() and letters[0].isupper())


def find_emails(text):
    return EMAIL.findall(text or "")


def find_phone_numbers(text, region="AU"):
    """Phone numbers in Australian formats (0412 345 678, (02) 9876 5432, 1300 123 456, 13 14 50)
    and international ones (+61 2 9876 5432), as written. Numbers that are not valid phone numbers
    (years, dates, counts such as 1,234,567) are not matched."""
    return [
        match.raw_string
        for match in phonenumbers.PhoneNumberMatcher(text or "", region, leniency=phonenumbers.Leniency.VALID)
    ]


def avoided_words_in(text, words):
    """The listed words or phrases that `text` uses, matched whole and ignoring case."""
    found = []
    for word in words:
        word = " ".join(str(word).split())
        pattern = r"\s+".join(regex.escape(part) for part in word.split())
        if word and regex.search(rf"(?<!\w){pattern}(?!\w)", text or "", regex.IGNORECASE):
            found.append(word)
    return found


def reading_grade(text):
    """The Flesch-Kincaid grade (roughly the school year a reader needs) of the words of a post,
    without its links, hashtags and mentions; None for too few words to score."""
    prose = MENTION.sub("", HASHTAG.sub("", text or ""))
    for url in find_urls(prose):
        prose = prose.replace(url, "")
    if len(regex.findall(r"\w+", prose)) < READABILITY_MIN_WORDS:
        return None
    return round(textstat.flesch_kincaid_grade(prose), 1)


def words_to_avoid_from(text):
    """The trainer's list (one per line or separated by commas) as a tuple of words."""
    return tuple(
        word.strip() for line in (text or "").splitlines() for word in line.split(",") if word.strip()
    )


def check_post(text, rules, *, has_image=False, alt_text=""):
    """Every automatic check of a drafted post, in the order the learner reads them."""
    return [
        check_length(text, rules),
        check_readability(text, rules),
        check_alt_text(has_image, alt_text),
        check_hashtags(text),
        check_link(text, rules),
        check_personal_information(text),
        check_words_to_avoid(text, rules),
    ]


def passed(results):
    """A post passes when every check that is not advice passed."""
    return all(result.passed for result in results if not result.advisory)


def check_length(text, rules):
    used = count_characters(text, rules.url_length, rules.emoji_weight)
    limit = rules.character_limit
    if used > limit:
        return CheckResult(
            "length",
            "Length",
            False,
            f"{used} of {limit} characters on {rules.platform_name}: cut {used - limit}.",
        )
    return CheckResult("length", "Length", True, f"{used} of {limit} characters on {rules.platform_name}.")


def check_readability(text, rules):
    grade = reading_grade(text)
    if grade is None:
        return CheckResult("readability", "Plain language", True, "Too short to score.", advisory=True)
    if grade <= rules.max_reading_grade:
        message = f"Easy to read: about school year {max(grade, 1):g}."
        return CheckResult("readability", "Plain language", True, message, advisory=True)
    message = (
        f"Needs about school year {grade:g} to read (aim for {rules.max_reading_grade:g} or lower): "
        "use shorter sentences and everyday words."
    )
    return CheckResult("readability", "Plain language", False, message, advisory=True)


def check_alt_text(has_image, alt_text):
    alt_text = " ".join((alt_text or "").split())
    if not has_image:
        return CheckResult("alt_text", "Image description", True, "No image, so no description needed.")
    if len(alt_text.split()) < 3:
        return CheckResult(
            "alt_text",
            "Image description",
            False,
            "Describe the image in a few words (alt text) so people using screen readers get it too.",
        )
    return CheckResult("alt_text", "Image description", True, "The image has a description.")


def check_hashtags(text):
    unreadable = [f"#{tag}" for tag in hashtags(text) if not is_camel_case(tag)]
    if unreadable:
        return CheckResult(
            "hashtags",
            "Hashtags",
            False,
            f"Start each word with a capital so screen readers say the words: {', '.join(unreadable)}.",
        )
    count = len(hashtags(text))
    message = "No hashtags." if not count else "Hashtags start each word with a capital."
    return CheckResult("hashtags", "Hashtags", True, message)


def check_link(text, rules):
    if not rules.require_link:
        return CheckResult("link", "Link", True, "The brief does not ask for a link.")
    if find_urls(text):
        return CheckResult("link", "Link", True, "The post links to more information.")
    return CheckResult("link", "Link", False, "The brief asks for a link: add one.")


def check_personal_information(text):
    found = find_emails(text) + find_phone_numbers(text)
    if found:
        return CheckResult(
            "personal_information",
            "Personal information",
            False,
            "Remove email addresses and phone numbers: "
            + ", ".join(found)
            + ". Link to a contact page instead.",
        )
    return CheckResult(
        "personal_information", "Personal information", True, "No email addresses or phone numbers."
    )


def check_words_to_avoid(text, rules):
    found = avoided_words_in(text, rules.words_to_avoid)
    if found:
        return CheckResult(
            "words_to_avoid",
            "Words to avoid",
            False,
            "Reword without: " + ", ".join(f"“{w}”" for w in found) + ".",
        )
    return CheckResult("words_to_avoid", "Words to avoid", True, "None of the words to avoid.")
