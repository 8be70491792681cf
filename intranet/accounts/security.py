from django.shortcuts import render


def login_identifier(request, credentials):
    """The account name a login attempt was for, whichever door it came through."""
    credentials = credentials or {}
    value = (
        credentials.get("email")
        or credentials.get("username")
        or credentials.get("login")
        or request.POST.get("login")
        or request.POST.get("username")
        or ""
    )
    return value.strip().lower()


def lockout_response(request, response=None, credentials=None):
    """The same answer whether or not the account exists: no enumeration through the lock."""
    return render(request, "account/lockout.html", status=429)
