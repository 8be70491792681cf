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


class NetworkFigures(models.Model):
    """A network's figures as last counted (hourly, by beat): the dashboard reads one row
    per network instead of counting a nation's memberships, posts and tasks per visit.
    The 30- and 90-day windows end at ``counted_at``."""

    network = models.OneToOneField("networks.Network", primary_key=True,
                                   on_delete=models.CASCADE, related_name="steering_figures",
                                   verbose_name=_("network"))
    members = models.PositiveIntegerField(_("members"), default=0)
    active_leads = models.PositiveIntegerField(_("active leads"), default=0)
    cities = models.PositiveIntegerField(_("cities"), default=0)
    posts_30 = models.PositiveIntegerField(_("posts (30 days)"), default=0)
    posts_90 = models.PositiveIntegerField(_("posts (90 days)"), default=0)
    comments_30 = models.PositiveIntegerField(_("comments (30 days)"), default=0)
    comments_90 = models.PositiveIntegerField(_("comments (90 days)"), default=0)
    tasks_open = models.PositiveIntegerField(_("open tasks"), default=0)
    tasks_overdue = models.PositiveIntegerField(_("overdue tasks"), default=0)
    tasks_done = models.PositiveIntegerField(_("done tasks"), default=0)
    meetings = models.PositiveIntegerField(_("meetings held"), default=0)
    results = models.PositiveIntegerField(_("results published"), default=0)
    last_post_at = models.DateTimeField(_("last post"), null=True, blank=True)
    last_comment_at = models.DateTimeField(_("last comment"), null=True, blank=True)
    last_meeting_at = models.DateTimeField(_("last meeting"), null=True, blank=True)
    counted_at = models.DateTimeField(_("counted at"))

    class Meta:
        verbose_name = _("network figures")
        verbose_name_plural = _("network figures")

    def __str__(self):
        return f"{self.network_id} @ {self.counted_at:%Y-%m-%d %H:%M}"


class CityFigures(models.Model):
    """A member city's figures as last counted, like ``NetworkFigures``."""

    city = models.OneToOneField("accounts.Organisation", primary_key=True,
                                on_delete=models.CASCADE, related_name="steering_figures",
                                verbose_name=_("city"))
    people = models.PositiveIntegerField(_("people"), default=0)
    active_people = models.PositiveIntegerField(_("active people"), default=0)
    coordinators = models.PositiveIntegerField(_("coordinators"), default=0)
    networks = models.PositiveIntegerField(_("open networks"), default=0)
    network_members = models.PositiveIntegerField(_("members in open networks"), default=0)
    events_attended = models.PositiveIntegerField(_("events attended"), default=0)
    posts = models.PositiveIntegerField(_("posts"), default=0)
    counted_at = models.DateTimeField(_("counted at"))

    class Meta:
        verbose_name = _("city figures")
        verbose_name_plural = _("city figures")

    def __str__(self):
        return f"{self.city_id} @ {self.counted_at:%Y-%m-%d %H:%M}"
