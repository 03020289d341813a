"""Benchmark-only URLs: the site's own, plus /bench/ok/, a bare Django view answering "ok" through
the same middleware and gunicorn. Its throughput is the ceiling every page's is given as a share
of. Not in the production URLs (lms/urls.py); bench/settings.py names this module."""

from django.http import HttpResponse
from django.urls import include, path


def ok(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/ok/", ok), path("", include("lms.urls"))]
