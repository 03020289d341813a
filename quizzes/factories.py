from .models import QuestionCategory, QuizPage, QuizQuestion, SingleChoiceQuestion


def make_single_choice(
    category=None,
    name="Best first step",
    correct="Pause and check the facts",
    wrong=("Reply at once", "Delete the comment"),
):
    category = category or QuestionCategory.objects.get_or_create(name="Test bank")[0]
    options = [("option", {"text": correct, "is_correct": True, "feedback": "Yes: check first."})]
    options += [("option", {"text": text, "is_correct": False, "feedback": "Not yet."}) for text in wrong]
    return SingleChoiceQuestion.objects.create(
        category=category,
        name=name,
        text=f"<p>{name}?</p>",
        general_feedback="<p>Checking facts avoids spreading errors.</p>",
        options=options,
    )


def make_quiz(module, title=None, questions=None, pass_mark=80):
    from courses.factories import add_child

    quiz = QuizPage(title=title or f"{module.title} quiz", pass_mark=pass_mark)
    for question in questions or [make_single_choice(name=f"{module.title} question")]:
        quiz.quiz_questions.add(QuizQuestion(question=question))
    return add_child(module, quiz)


def correct_option_id(question):
    return next(option_id for option_id, option in question.option_list() if option["is_correct"])


def wrong_option_id(question):
    return next(option_id for option_id, option in question.option_list() if not option["is_correct"])
