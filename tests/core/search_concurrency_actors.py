"""The processes of ``test_search_concurrency``: the search queue's worker, writers that use
the board's and the networks' services, and a reader that searches the whole time.

Run as ``python -m tests.core.search_concurrency_actors <role> <json>``, with
``DATABASE_URL`` (the test database), ``CELERY_BROKER_URL`` and ``REDIS_URL`` set. The
JSON gives ``index`` (the Whoosh index's path, shared by every process of the test) and
what the role needs; writers and the reader write what they did to ``out`` as JSON.
Not collected by pytest (no ``test_`` prefix).
"""

import json
import os
import sys
import time
import traceback
from contextlib import suppress
from pathlib import Path

# Letters without vowels: the German stemmer leaves such words whole, so each search word
# is one exact term. All have the same length, so none is a compound part of another.
CONSONANTS = "bcdfghjklmnpqrstvwxz"
WORD_LENGTH = 12


def word(*numbers: int) -> str:
    """A distinctive search word for these numbers, the same in every process."""
    letters = []
    for number in numbers:
        letters.append(CONSONANTS[number // len(CONSONANTS) % len(CONSONANTS)])
        letters.append(CONSONANTS[number % len(CONSONANTS)])
    return ("kw" + "".join(letters)).ljust(WORD_LENGTH, "x")[:WORD_LENGTH]


def _set_up_django(index_path: str) -> None:
    """Django against the test's database and broker, with the test's index path (the
    test settings make a temporary one per process; it is replaced before first use)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intranet.settings.test")
    import django
    from django.conf import settings

    made_here = settings.HAYSTACK_CONNECTIONS["default"]["PATH"]
    settings.HAYSTACK_CONNECTIONS["default"]["PATH"] = index_path
    with suppress(OSError):
        os.rmdir(made_here)  # empty: nothing was written there
    django.setup()


def _write_result(path: str, result: dict) -> None:
    temporary = Path(f"{path}.part")
    temporary.write_text(json.dumps(result))
    temporary.replace(path)  # the test never reads half a file


def _error(error: BaseException) -> str:
    return "".join(traceback.format_exception(error))[-3000:]


# --- The search queue's worker -------------------------------------------------------------

def run_worker(options: dict) -> None:
    """As production runs it (Makefile): the default pool with one process, here on the
    ``search`` queue only."""
    from intranet.celery import app

    app.worker_main(["worker", "-Q", "search", "--concurrency", "1", "-l", "INFO",
                     "-n", options["name"], "--without-mingle", "--without-gossip"])


# --- A writer: what people do on the board --------------------------------------------------

def run_writer(options: dict) -> None:
    """``rounds`` times: publish a post with a new word (every third in the shared network),
    replace the words of the post before, and now and then hide, restore, delete or comment
    on one; one writer renames the network halfway and closes it to its members. Every
    error is recorded: it is what a person would have seen."""
    from board.models import Audience, Post
    from board.services import comment_create, post_create, post_delete, post_hide, post_update
    from intranet.accounts.models import User
    from networks.models import Network, Visibility
    from networks.services import network_update

    number, rounds = options["writer"], options["rounds"]
    author = User.objects.get(pk=options["author"])
    moderator = User.objects.get(pk=options["moderator"])
    network = Network.objects.get(pk=options["network"])
    posts, errors, network_words = [], [], []

    def attempt(action, **kwargs) -> bool:
        try:
            action(**kwargs)
            return True
        except Exception as error:  # noqa: BLE001 - every kind is a failed write
            errors.append(_error(error))
            return False

    def latest(record):
        return Post.objects.select_related("network").get(pk=record["pk"])

    def last(state, **wanted):
        return next((record for record in reversed(posts[:-1]) if record["state"] == state
                     and all(record[key] == value for key, value in wanted.items())), None)

    def publish(round_number):
        first = word(number, round_number, 0)
        in_network = round_number % 3 == 2
        try:
            post = post_create(
                author=author, title=f"Meldung {first}",
                body=f"Wir berichten über {first} im Quartier.", category="announcement",
                audience=Audience.NETWORK if in_network else Audience.PLATFORM,
                network=network if in_network else None)
        except Exception as error:  # noqa: BLE001
            errors.append(_error(error))
            return
        posts.append({"pk": post.pk, "round": round_number, "words": [first],
                      "state": "visible", "in_network": in_network})

    def edit(record, version):
        new = word(number, record["round"], version)
        if attempt(post_update, post=latest(record), actor=author, title=f"Meldung {new}",
                   body=f"Neu: {new} statt des alten Worts."):
            record["words"].append(new)

    def set_state(record, state, action, **kwargs):
        if record and attempt(action, post=latest(record), **kwargs):
            record["state"] = state

    for round_number in range(rounds):
        publish(round_number)
        if (before := last("visible")) is not None:
            edit(before, 1)
        if round_number % 4 == 3:  # the moderation hides a platform post
            set_state(last("visible", in_network=False), "hidden", post_hide, actor=moderator)
        if round_number % 6 == 5:  # ... and restores one
            set_state(last("hidden"), "visible", post_hide, actor=moderator, hidden=False)
        if round_number % 5 == 4:
            set_state(last("visible"), "deleted", post_delete, actor=author)
        if round_number % 3 == 1 and posts and posts[-1]["state"] == "visible":
            attempt(comment_create, post=latest(posts[-1]), author=author,
                    body="Nachtrag: Danke für die Rückmeldungen.")
        if options.get("renames_network") and round_number == rounds // 2:
            renamed = word(900 + number, round_number, 7)
            network.refresh_from_db()
            if attempt(network_update, network=network, actor=author, name=f"Runde {renamed}",
                       visibility=Visibility.CONFIDENTIAL):
                network_words.append(renamed)
        time.sleep(options.get("pause", 0))  # people do not write in lockstep
    if posts and posts[-1]["state"] == "visible":
        edit(posts[-1], 2)  # the newest post, edited too
    _write_result(options["out"], {"posts": posts, "errors": errors,
                                   "network_words": network_words})


# --- The reader: a person searching the whole time ------------------------------------------

def run_reader(options: dict) -> None:
    """Searches for the words the writers use, as a person would on the search page, until
    ``stop`` exists (or the deadline). Any exception is what a person would have seen."""
    from intranet.accounts.models import User
    from intranet.core.search import search_visible_to

    user = User.objects.get(pk=options["user"])
    deadline = time.monotonic() + options["seconds"]
    queries = hits = 0
    errors = []
    words = ["Meldung", "Quartier", *(word(n, r, v) for n in range(options["writers"])
                                      for r in range(options["rounds"]) for v in (0, 1, 2))]
    while time.monotonic() < deadline and not os.path.exists(options["stop"]):
        q = words[queries % len(words)]
        try:
            hits += len(search_visible_to(user=user, q=q))
        except Exception as error:  # SearchUnavailable, a lock error, anything
            errors.append(_error(error))
        queries += 1
        if queries == 1:
            Path(options["ready"]).touch()
    _write_result(options["out"], {"queries": queries, "hits": hits, "errors": errors})


ROLES = {"worker": run_worker, "writer": run_writer, "reader": run_reader}


if __name__ == "__main__":
    role, arguments = sys.argv[1], json.loads(sys.argv[2])
    _set_up_django(arguments["index"])
    ROLES[role](arguments)
