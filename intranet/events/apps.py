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
        })
