from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """No open sign-up (issue 2, item 4); account e-mails leave through the e-mail queue."""

    def is_open_for_signup(self, request):
        return False

    def _get_login_attempts_cache_key(self, request, **credentials):
        """allauth counts failed sign-ins per account name alone, so five wrong passwords
        from anywhere would lock a person out everywhere (and anyone could lock anyone out).
        Count them per (account, address) like django-axes: the person still gets in from
        another address. Checked by tests/trust/test_accounts_throttling.py."""
        return f"{super()._get_login_attempts_cache_key(request, **credentials)}@" \
               f"{self.get_client_ip(request)}"

    def send_mail(self, template_prefix, email, context):
        from intranet.core.tasks import enqueue_after_commit, send_email

        message = self.render_mail(template_prefix, email, context)
        html = next((content for content, kind in getattr(message, "alternatives", [])
                     if kind == "text/html"), None)
        payload = {"subject": message.subject, "body": message.body,
                   "from_email": message.from_email, "to": list(message.to), "html": html}
        enqueue_after_commit(send_email, run_here_if_broker_down=True, **payload)
