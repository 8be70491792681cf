"""The site's URLs plus the two benchmark references (``@pytest.mark.urls``)."""

from django.urls import path

from intranet import urls as site
from tests.perf import bench_views

urlpatterns = [
    path("bench/ok/", bench_views.ok, name="bench_ok"),
    path("bench/reference/", bench_views.reference, name="bench_reference"),
    *site.urlpatterns,
]

handler403 = site.handler403
handler404 = site.handler404
handler500 = site.handler500
