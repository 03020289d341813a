"""Builders of practice activities for tests and demo data (each published under a module)."""

from courses.factories import add_child

from .models import DraftPostPage, MetricsExercisePage, Platform, ReflectionPage, ScenarioPage

BODY = [("text", "<p>Read the brief, then have a go.</p>")]

ENGAGEMENT_FIGURES = [
    ("figure", {"name": "reach", "label": "Reach", "value": 2000}),
    ("figure", {"name": "impressions", "label": "Impressions", "value": 5000}),
    ("figure", {"name": "likes", "label": "Likes", "value": 120}),
    ("figure", {"name": "comments", "label": "Comments", "value": 30}),
    ("figure", {"name": "shares", "label": "Shares", "value": 50}),
    ("figure", {"name": "clicks", "label": "Link clicks", "value": 75}),
]
ENGAGEMENT_QUESTIONS = [
    (
        "question",
        {
            "label": "Engagement rate",
            "formula": "(likes + comments + shares) / reach * 100",
            "tolerance": "0.1",
            "unit": "%",
            "explanation": "Likes, comments and shares together, divided by reach, times 100.",
        },
    ),
    (
        "question",
        {
            "label": "Click-through rate",
            "formula": "clicks / impressions * 100",
            "tolerance": "0.1",
            "unit": "%",
            "explanation": "Link clicks divided by impressions, times 100.",
        },
    ),
]


def make_draft_post(module, title="Draft a post", platform="X", **fields):
    fields.setdefault("task_prompt", "<p>Tell residents the pool opens on Saturday.</p>")
    return add_child(
        module, DraftPostPage(title=title, body=BODY, platform=Platform.objects.get(name=platform), **fields)
    )


def make_metrics_exercise(module, title="Work out the rates", **fields):
    fields.setdefault("figures", ENGAGEMENT_FIGURES)
    fields.setdefault("questions", ENGAGEMENT_QUESTIONS)
    return add_child(module, MetricsExercisePage(title=title, body=BODY, **fields))


def comment(author, text):
    return {"author": author, "text": text}


def reply(text, consequence, next_step="", outcome="fail"):
    return {"reply": text, "consequence": consequence, "next_step": next_step, "outcome": outcome}


COMPLAINT_STEPS = [
    (
        "step",
        {
            "name": "start",
            "comments": [comment("Resident", "The bins weren't collected AGAIN. Useless council.")],
            "question": "How do you reply?",
            "choices": [
                reply(
                    "Sorry about that. Which street? We'll check with the crew today.",
                    "They give the street.",
                    "details",
                ),
                reply("Collections are on schedule.", "More residents pile on.", "", "fail"),
            ],
        },
    ),
    (
        "step",
        {
            "name": "details",
            "comments": [comment("Resident", "Smith St. Third week running!")],
            "question": "What next?",
            "choices": [
                reply(
                    "Thanks. The crew will come tomorrow; we've logged it as job 42.",
                    "They thank you.",
                    "",
                    "pass",
                ),
                reply("Please call us instead.", "They feel brushed off.", "", "fail"),
            ],
        },
    ),
]


def make_scenario(module, title="A complaint about bins", **fields):
    fields.setdefault("steps", COMPLAINT_STEPS)
    return add_child(module, ScenarioPage(title=title, body=BODY, **fields))


def make_reflection(module, title="Plan four weeks of posts", **fields):
    fields.setdefault("task_prompt", "<p>Plan four weeks of posts in a table.</p>")
    fields.setdefault("min_words", 10)
    return add_child(module, ReflectionPage(title=title, body=BODY, **fields))
