"""Background work for certificates (django-tasks).

Tasks run on the "certificates" backend: the database queue in development and production
(a worker runs them: `python manage.py db_worker --backend certificates`), the immediate
backend in tests. Arguments are plain ids, never model instances.
"""

from django_tasks import task

TASK_BACKEND = "certificates"


@task(backend=TASK_BACKEND)
def render_certificate_task(certificate_id: int, generation: int) -> str:
    """Render and store one certificate's PDF (one attempt; it re-enqueues itself to retry)."""
    from .services import run_render

    return run_render(certificate_id, generation)
