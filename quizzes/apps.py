from django.apps import AppConfig


class QuizzesConfig(AppConfig):
    name = "quizzes"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Models and views can only be imported once the app registry is ready.
        from wagtail.models import ReferenceIndex

        from courses.items import register_item_type
        from courses.page_context import register_context_provider

        from . import views
        from .models import Question, QuestionCategory, QuizPage

        # A quiz is a course item: courses counts it done once it is passed.
        register_item_type(QuizPage)
        register_context_provider(QuizPage, views.quiz_page_context)
        # Track uses of questions saved outside the admin too (e.g. by `load_courses`), so the
        # admin's delete screens tell trainers where a question is used.
        ReferenceIndex.register_model(Question)
        ReferenceIndex.register_model(QuestionCategory)
