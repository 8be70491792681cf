"""The Expertenforum: one edition a year, hosted by a member city in turn."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from intranet.accounts.models import OrganisationKind

from .event import Event, Kind


class ForumEdition(models.Model):
    """One year's Expertenforum: a member city hosts it (the rotation), usually for two
    days. Registration runs through an ``Event`` of kind forum, once there is one; an
    adopted suggestion starts with the year and the host alone."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    host_organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("host city"), on_delete=models.PROTECT,
        related_name="hosted_forum_editions")
    theme = models.CharField(_("theme"), max_length=200, blank=True)
    start_date = models.DateField(_("first day"), null=True, blank=True)
    end_date = models.DateField(_("last day"), null=True, blank=True)
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    event = models.OneToOneField(
        Event, verbose_name=_("registration event"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="forum_edition",
        limit_choices_to={"kind": Kind.FORUM})
    description = models.TextField(_("description and results"), max_length=10000, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("Expertenforum edition")
        verbose_name_plural = _("Expertenforum editions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="forum_edition_ends_after_start"),
        ]

    def __str__(self):
        return _("Expertenforum %(year)s") % {"year": self.year}

    def get_absolute_url(self):
        return reverse("events:forum_detail", args=[self.year])

    def clean(self):
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The last day must not be before the first day.")
        if self.start_date and self.year and self.start_date.year != self.year:
            errors["start_date"] = _("The forum must begin in its year.")
        if (self.host_organisation_id
                and self.host_organisation.kind != OrganisationKind.MUNICIPALITY):
            errors["host_organisation"] = _("Only a member city hosts the Expertenforum.")
        if self.event_id and self.event.kind != Kind.FORUM:
            errors["event"] = _("Link an event of the kind Expertenforum.")
        if errors:
            raise ValidationError(errors)


PHOTO_TYPES = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"),
               "WEBP": ("image/webp", "webp")}


def forum_photo_path(instance, filename):
    # Never a public media URL: the photos live under a private folder and go out through a
    # view that checks who asks. The stored name is ours, not the uploader's.
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"private/forum/{instance.edition.year}/{uuid.uuid4().hex}.{suffix}"


class ForumPhoto(models.Model):
    """A photo of an edition ("Eindrücke"): re-encoded on upload (no metadata, at most
    ``FORUM_PHOTO_MAX_SIDE`` pixels a side) with a thumbnail, and a caption that is also
    the text for those who cannot see it."""

    edition = models.ForeignKey(ForumEdition, verbose_name=_("Expertenforum"),
                                on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(_("photo"), upload_to=forum_photo_path, max_length=300)
    thumbnail = models.FileField(_("thumbnail"), upload_to=forum_photo_path, max_length=300)
    content_type = models.CharField(max_length=20)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    caption = models.CharField(_("caption"), max_length=300, help_text=_(
        "What the photo shows, for everyone who cannot see it."))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("photo of the Expertenforum")
        verbose_name_plural = _("photos of the Expertenforum")

    def __str__(self):
        return self.caption

    def get_absolute_url(self):
        return reverse("events:forum_photo", args=[self.edition.year, self.pk, "gross"])

    @property
    def thumbnail_url(self) -> str:
        return reverse("events:forum_photo", args=[self.edition.year, self.pk, "klein"])
