from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """No open sign-up: people join by invitation (issue 2, item 4)."""

    def is_open_for_signup(self, request):
        return False
