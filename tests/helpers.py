import re
from contextlib import contextmanager


def comparable_body(response, path: str = "") -> str:
    """The page without what differs per request (CSRF tokens, its own address)."""
    body = response.content.decode()
    if path:
        body = body.replace(path, "PATH")
    body = re.sub(r'"X-CSRFToken": "[^"]+"', "CSRF", body)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", body)


def closed_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def celery_broker_unreachable():
    """Point Celery at a closed port on loopback and stop running tasks in-process; on exit
    the broker and the eager setting are as before."""
    from intranet.celery import app

    saved = app.conf.broker_url, app.conf.task_always_eager
    app.conf.update(broker_url=f"redis://127.0.0.1:{closed_port()}/0",
                    task_always_eager=False)
    # Forget pooled connections, as Celery itself does after a fork (app.close() would
    # unregister the app and lose the shared tasks).
    app._after_fork()
    try:
        yield
    finally:
        app.conf.update(broker_url=saved[0], task_always_eager=saved[1])
        app._after_fork()
