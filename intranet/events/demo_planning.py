"""Demo data of the Expertenforum's planning: the coming edition's timeline with some steps
done, and photos ("Eindrücke") of two past editions, drawn with Pillow at seed time (no
network, no image files in git)."""

import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from intranet.accounts.models import UserRole

from .models import EventTask, ForumEdition, ForumPhoto
from .services import (
    forum_photo_add,
    forum_plan_create,
    forum_plan_step_done,
    forum_plan_step_update,
)

# (caption, palette): what each demo photo shows, and the colours it is drawn in.
DEMO_PHOTOS = [
    ("Plenum im großen Saal: die Gastgeberstadt begrüßt die Teilnehmer:innen.",
     ((224, 214, 196), (120, 84, 60), (44, 90, 140))),
    ("Open-Space-Marktplatz: die Anliegen hängen an der Pinnwand, Punkte zeigen das "
     "Interesse.", ((236, 236, 228), (196, 160, 60), (60, 120, 90))),
    ("Exkursion: eine neu gebaute Baumrigole im Straßenraum, mit Erläuterungen des "
     "Tiefbauamts.", ((150, 196, 230), (90, 150, 80), (110, 110, 110))),
]


def _demo_picture(seed: int, palette) -> bytes:
    """A simple, recognisably "photo-like" scene: sky or wall, ground, people, a board."""
    rng = random.Random(seed)
    background, accent, figures = palette
    image = Image.new("RGB", (1200, 800), background)
    draw = ImageDraw.Draw(image)
    for y in range(0, 480, 4):  # a soft gradient towards the horizon
        shade = tuple(max(0, channel - y // 12) for channel in background)
        draw.rectangle((0, y, 1200, y + 4), fill=shade)
    draw.rectangle((0, 480, 1200, 800), fill=accent)
    draw.rectangle((420, 140, 780, 380), fill=(250, 250, 245), outline=(60, 60, 60), width=6)
    for row in range(5):
        draw.line((450, 180 + row * 40, 450 + rng.randint(160, 300), 180 + row * 40),
                  fill=(80, 80, 80), width=8)
    for _ in range(14):
        x, y = rng.randint(40, 1140), rng.randint(470, 700)
        colour = tuple(min(255, channel + rng.randint(-30, 30)) for channel in figures)
        draw.ellipse((x - 22, y - 120, x + 22, y - 76), fill=(230, 190, 160))
        draw.rounded_rectangle((x - 36, y - 76, x + 36, y + 40), radius=18, fill=colour)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def seed_forum_photos(service) -> int:
    """Three photos for each of the last two editions that took place (idempotent: only
    while there is no photo)."""
    if ForumPhoto.objects.exists():
        return 0
    today = timezone.localdate()
    past = list(ForumEdition.objects.filter(end_date__lt=today).order_by("-year")[:2])
    created = 0
    for edition in past:
        for number, (caption, palette) in enumerate(DEMO_PHOTOS):
            data = _demo_picture(edition.year * 10 + number, palette)
            forum_photo_add(edition=edition, actor=service, caption=caption,
                            upload=SimpleUploadedFile(f"eindruck-{number}.jpg", data,
                                                      content_type="image/jpeg"))
            created += 1
    return created


def seed_forum_planning(service) -> int:
    """The coming edition's plan: the standard steps owned by the service organisation,
    the programme by a coordinator of the host city; the steps already due are done
    (idempotent: the plan adds nothing twice)."""
    from .demo import _next_edition

    edition = _next_edition(service)
    if edition is None or edition.start_date is None:
        return 0
    created = forum_plan_create(edition=edition, actor=service)
    if not created:
        return 0
    host_coordinator = (UserRole.objects.filter(
        role="coordinator", user__organisation_id=edition.host_organisation_id,
        user__is_active=True).select_related("user").order_by("user__name").first())
    steps = {task.step: task for task in created}
    if host_coordinator is not None and "programme" in steps:
        task = steps["programme"]
        forum_plan_step_update(task=task, actor=service, assignee=host_coordinator.user,
                               due=task.due, state=task.state)
    ordered = sorted(created, key=lambda task: task.due)
    due = [task for task in ordered if task.due < timezone.localdate()]
    # What was due is done, but with three or more the latest of them is still overdue;
    # with none due yet, the first step was done early.
    for task in (due[:-1] if len(due) >= 3 else due) or ordered[:1]:
        forum_plan_step_done(task=task, actor=service)
    return EventTask.objects.filter(forum_edition=edition).count()


def seed_forum(service) -> int:
    return seed_forum_planning(service) + seed_forum_photos(service)
