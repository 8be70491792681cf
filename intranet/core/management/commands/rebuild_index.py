"""``rebuild_index`` that never leaves the search without an index (DESIGN §4).

haystack's command clears the index and then fills it again a batch of 1,000 at a time,
each batch a commit and a merge: 35 minutes for 50,000 documents, with search empty or
partial meanwhile. For the Whoosh index this one writes a fresh index beside the live one
in one writer and one commit, swaps it in and deletes the old one; queries keep being
answered by the old index until the swap. There is no "are you sure?": nothing is removed
before its replacement is complete, so ``--noinput`` is accepted and changes nothing.
Other engines (``SEARCH_URL``: Solr, Elasticsearch) get haystack's own rebuild.

``intranet.core`` comes before ``haystack`` in ``INSTALLED_APPS``, so this command wins.
"""

import time

from haystack import connections
from haystack.management.commands.rebuild_index import Command as HaystackRebuildIndex

from intranet.core.search_backend import LiveWhooshSearchBackend, rebuild


class Command(HaystackRebuildIndex):
    help = ("Builds a fresh search index beside the live one and swaps it in (Whoosh); "
            "other engines: haystack's clear_index and update_index.")

    def handle(self, **options):
        verbosity = int(options.get("verbosity", 1))
        others = []
        for alias in options.get("using") or list(connections.connections_info):
            if not isinstance(connections[alias].get_backend(), LiveWhooshSearchBackend):
                others.append(alias)
                continue
            started = time.monotonic()
            count = rebuild(alias)
            if verbosity >= 1:
                self.stdout.write(f"{alias}: {count} documents indexed and swapped in "
                                  f"({time.monotonic() - started:.1f} s).")
        if others:
            super().handle(**{**options, "using": others})
