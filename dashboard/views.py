"""My learning (the learner's home) and the download of their records (APP 12)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from courses.routing import use_cached_site

from .privacy import learner_records, records_csv
from .services import learner_dashboard


@login_required
def dashboard(request):
    use_cached_site(request)
    return render(request, "dashboard/my_learning.html", learner_dashboard(request.user))


@login_required
def my_records(request, fmt):
    """Download everything we hold about you (APP 12), as JSON or CSV."""
    records = learner_records(request.user)
    stamp = timezone.localdate().isoformat()
    if fmt == "json":
        response = JsonResponse(records, json_dumps_params={"indent": 2, "ensure_ascii": False})
    else:
        response = HttpResponse(records_csv(records), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="my-govsocial-records-{stamp}.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response
