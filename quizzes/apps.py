from django.apps import AppConfig


class QuizzesConfig(AppConfig):
    name = "quizzes"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from wagtail.models import ReferenceIndex

        from .models import Question, QuestionCategory

        # Track uses of questions saved outside the admin too (e.g. by `load_courses`), so the
        # admin's delete screens tell trainers where a question is used.
        ReferenceIndex.register_model(Question)
        ReferenceIndex.register_model(QuestionCategory)
