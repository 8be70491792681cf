from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "intranet.events"
    label = "events"
    verbose_name = _("Events")

    def ready(self):
        from intranet.core.models import register_audit_actions, register_audit_hider

        from .selectors import events_hidden_from

        register_audit_hider("events.event", events_hidden_from)
        register_audit_actions({
            "event.create": _("Event created"),
            "event.update": _("Event changed"),
            "event.cancel": _("Event cancelled"),
            "registration.create": _("Registered for an event"),
            "registration.waitlist": _("Put on an event's waitlist"),
            "registration.cancel": _("Registration for an event cancelled"),
            "registration.promote": _("Moved up from an event's waitlist"),
            "registration.attendance": _("Attendance of an event recorded"),
            "forum_edition.update": _("Expertenforum edition changed"),
            "forum_plan.create": _("Expertenforum planning steps created"),
            "forum_plan.update": _("Expertenforum planning step changed"),
            "forum_plan.shift": _("Expertenforum planning steps moved"),
            "forum_photo.add": _("Photo added to an Expertenforum"),
            "forum_photo.delete": _("Photo removed from an Expertenforum"),
        })
        from .services.records import AUDIT_ACTIONS

        register_audit_actions(AUDIT_ACTIONS)  # the meeting records
        _keep_the_index_in_step()


def _keep_the_index_in_step() -> None:
    """Who an event reaches lives in the event row and its audience tables; any change of
    them asks the index to read the event again (after commit, DESIGN §4)."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from intranet.core.search import reindex_after_commit

    from .models import AudienceRole, Event

    def event_changed(sender, instance, **kwargs):
        reindex_after_commit(instance)

    def audience_changed(sender, instance, **kwargs):
        if isinstance(instance, Event):
            reindex_after_commit(instance)

    def role_changed(sender, instance, **kwargs):
        reindex_after_commit(instance.event)

    post_save.connect(event_changed, sender=Event, weak=False, dispatch_uid="search.event")
    post_delete.connect(event_changed, sender=Event, weak=False,
                        dispatch_uid="search.event_delete")
    for field in ("audience_cities", "audience_people", "organisers"):
        m2m_changed.connect(audience_changed, sender=getattr(Event, field).through,
                            weak=False, dispatch_uid=f"search.event_{field}")
    post_save.connect(role_changed, sender=AudienceRole, weak=False,
                      dispatch_uid="search.event_role")
    post_delete.connect(role_changed, sender=AudienceRole, weak=False,
                        dispatch_uid="search.event_role_delete")
