"""What process steering stores itself: the platform's activity per day, written nightly,
so the two-year activity chart reads 730 small rows instead of counting every post."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DailyFigure(models.Model):
    """One day's activity on the whole platform, counted once the day is over."""

    day = models.DateField(_("day"), unique=True)
    posts = models.PositiveIntegerField(_("posts"), default=0)
    comments = models.PositiveIntegerField(_("comments"), default=0)
    tasks = models.PositiveIntegerField(_("tasks created"), default=0)
    meetings = models.PositiveIntegerField(_("meetings held"), default=0)
    computed_at = models.DateTimeField(_("counted at"), auto_now=True)

    class Meta:
        ordering = ["day"]
        verbose_name = _("daily figure")
        verbose_name_plural = _("daily figures")

    def __str__(self):
        return f"{self.day}: {self.posts}/{self.comments}/{self.tasks}/{self.meetings}"
