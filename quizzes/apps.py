from django.apps import AppConfig


class QuizzesConfig(AppConfig):
    name = "quizzes"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Models and views can only be imported once the app registry is ready.
        from django.db.models.signals import post_delete, post_save
        from wagtail.models import ReferenceIndex

        from courses.items import register_item_type
        from courses.page_context import register_context_provider
        from courses.services import forget_progress

        from . import views
        from .models import Attempt, Question, QuestionCategory, QuizPage

        # A quiz is a course item: courses counts it done once it is passed.
        register_item_type(QuizPage)
        register_context_provider(QuizPage, views.quiz_page_context)
        # Track uses of questions saved outside the admin too (e.g. by `load_courses`), so the
        # admin's delete screens tell trainers where a question is used.
        ReferenceIndex.register_model(Question)
        ReferenceIndex.register_model(QuestionCategory)
        # Attempts count towards a learner's cached progress: saved or deleted anywhere, forget it.
        for name, signal in (("save", post_save), ("delete", post_delete)):
            signal.connect(
                lambda sender, instance, **kwargs: forget_progress(instance.user_id),
                sender=Attempt,
                dispatch_uid=f"quizzes-progress-attempt-{name}",
                weak=False,
            )
