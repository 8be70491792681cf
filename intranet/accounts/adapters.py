from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """No open sign-up (issue 2, item 4); account e-mails leave through the e-mail queue."""

    def is_open_for_signup(self, request):
        return False

    def send_mail(self, template_prefix, email, context):
        from intranet.core.tasks import enqueue_after_commit, send_email

        message = self.render_mail(template_prefix, email, context)
        html = next((content for content, kind in getattr(message, "alternatives", [])
                     if kind == "text/html"), None)
        payload = {"subject": message.subject, "body": message.body,
                   "from_email": message.from_email, "to": list(message.to), "html": html}
        enqueue_after_commit(send_email, run_here_if_broker_down=True, **payload)
