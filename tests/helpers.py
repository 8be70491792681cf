import re


def comparable_body(response, path: str = "") -> str:
    """The page without what differs per request (CSRF tokens, its own address)."""
    body = response.content.decode()
    if path:
        body = body.replace(path, "PATH")
    body = re.sub(r'"X-CSRFToken": "[^"]+"', "CSRF", body)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", body)
