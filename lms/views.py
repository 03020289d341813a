from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from certificates.models import Certificate
from courses.models import Enrolment
from courses.services import course_progress

from .forms import SignUpForm


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
    enrolments = list(
        Enrolment.objects.filter(user=request.user).select_related("course").order_by("-enrolled_at")
    )
    rows = [(enrolment, course_progress(enrolment)) for enrolment in enrolments]
    certificates = Certificate.objects.filter(user=request.user).order_by("-issued_at")
    return render(request, "lms/dashboard.html", {"rows": rows, "certificates": certificates})
