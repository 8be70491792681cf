"""The two references every page of the benchmark is compared with.

Both are mounted by ``tests/perf/urls.py`` in front of the site's own URLs, so they pass
through exactly the middleware the real pages pass through.

* ``ok``: a bare view returning "ok": the floor of the framework (session, user, roles,
  language, login requirement, second-factor check, messages, …).
* ``reference``: a signed-in list of 50 people from exactly 2 queries, rendered in the
  site's base template. Page targets are ratios to this page.

The reference is built to cost the same at every scale: its rows come in primary-key order
(an index walk that stops after 50 rows) and the second query fetches the topics of just
those 50 people. So a page whose ratio grows from region to nation does work that grows
with the data (a scan, a sort without an index, an unpaginated list), and the reference
does not hide it by growing too.
"""

from django.http import HttpResponse
from django.template import engines

from intranet.accounts.models import User
from intranet.core.access import access_rule

REFERENCE_ROWS = 50
REFERENCE_VIEW_QUERIES = 2  # 1: the 50 newest people with their organisation; 2: their topics
# What base.html itself asks on every page (and the bare view does not): the header's unread
# count of notifications (intranet.core.context_processors).
BASE_TEMPLATE_QUERIES = 1

REFERENCE_TEMPLATE = """{% extends "base.html" %}{% load i18n %}
{% block title %}Benchmark reference{% endblock %}
{% block content %}
<div class="kern-hgroup page-head"><h1 class="kern-heading-large">Reference list</h1>
  <p class="kern-subline">{{ people|length }} people</p></div>
<div class="kern-table-responsive">
<table class="kern-table kern-table--striped">
  <thead><tr><th scope="col">{% translate "Name" %}</th>
    <th scope="col">{% translate "Position" %}</th>
    <th scope="col">{% translate "City or organisation" %}</th>
    <th scope="col">{% translate "Topic" %}</th></tr></thead>
  <tbody>{% for person in people %}
    <tr><td><a class="kern-link" href="{% url 'person_detail' person.pk %}">
      {{ person.name }}</a></td>
      <td>{{ person.position }}</td><td>{{ person.organisation.name|default:"–" }}</td>
      <td>{% for topic in person.topics.all %}{{ topic.name }}{% if not forloop.last %}, {% endif %}
        {% endfor %}</td></tr>{% endfor %}
  </tbody>
</table>
</div>
{% endblock %}"""

_compiled = None


def _reference_template():
    # Compiled once, as the cached template loader does for the site's own templates.
    global _compiled
    if _compiled is None:
        _compiled = engines["django"].from_string(REFERENCE_TEMPLATE)
    return _compiled


@access_rule("login: benchmark floor")
def ok(request):
    return HttpResponse("ok", content_type="text/plain")


@access_rule("login: benchmark reference")
def reference(request):
    people = list(
        User.objects.filter(is_active=True)
        .select_related("organisation")
        .prefetch_related("topics")
        .order_by("-pk")[:REFERENCE_ROWS]
    )
    html = _reference_template().render({"people": people}, request)
    return HttpResponse(html)
