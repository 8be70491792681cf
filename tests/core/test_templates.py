import re
from pathlib import Path

from django.conf import settings


def test_templates_use_only_icons_that_kern_ships():
    """An unknown kern-icon class renders as an empty square or a gap."""
    shipped = set(re.findall(r"kern-icon--[a-z0-9-]+", (
        Path(settings.BASE_DIR) / "intranet/static/vendor/kern/kern.min.css").read_text()))
    used = {}
    for template in (Path(settings.BASE_DIR) / "templates").rglob("*.html"):
        for icon in re.findall(r"kern-icon--[a-z0-9-]+", template.read_text()):
            used.setdefault(icon, template.name)
    assert {icon: name for icon, name in used.items() if icon not in shipped} == {}
