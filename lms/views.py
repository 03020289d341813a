from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from .forms import ProfileForm, SignUpForm
from .services import learner_dashboard


@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect("dashboard")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome, {user.get_short_name()}. Your account is ready.")
        return redirect("dashboard")
    return render(request, "registration/signup.html", {"form": form})


@login_required
def dashboard(request):
    return render(request, "lms/dashboard.html", learner_dashboard(request.user))


@login_required
def my_records(request, fmt):
    """Download everything we hold about you (APP 12), as JSON or CSV."""
    from django.http import HttpResponse, JsonResponse

    from .privacy import learner_records, records_csv

    records = learner_records(request.user)
    stamp = timezone.localdate().isoformat()
    if fmt == "json":
        response = JsonResponse(records, json_dumps_params={"indent": 2, "ensure_ascii": False})
    else:
        response = HttpResponse(records_csv(records), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="my-govsocial-records-{stamp}.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
@login_required
def profile(request):
    """See and correct your details (APP 13: correction)."""
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your details are saved.")
        return redirect("profile")
    return render(request, "lms/profile.html", {"form": form})
