"""The personal Atom feed of API.md: ``/feeds/<token>/board.atom``, the posts its owner
may see. The secret token stands in for the session, so feed readers need no sign-in; a
renewed token makes the old address a 404."""

from django.contrib.auth import get_user_model
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from intranet.core.access import PUBLIC, access_rule, not_found

from .selectors import feed_posts_visible_to


class BoardFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, token: str):
        person = get_user_model().objects.filter(feed_token=token, is_active=True).first()
        if person is None or not token:
            raise not_found()
        return person

    def title(self, person):
        return _("Klima.Werk notice board for %(name)s") % {"name": person.name}

    def subtitle(self, person):
        return _("The newest posts you may read on the notice board.")

    def link(self, person):
        return reverse("board:list")

    def items(self, person):
        return feed_posts_visible_to(user=person)

    def item_title(self, post):
        return f"[{post.get_category_display()}] {post.title}"

    def item_description(self, post):
        return post.body_html  # sanitised when written

    def item_link(self, post):
        return reverse("board:detail", args=[post.pk])

    def item_author_name(self, post):
        if post.author is None:
            return _("former user")
        city = f" ({post.author_organisation.name})" if post.author_organisation else ""
        return post.author.name + city

    def item_pubdate(self, post):
        return post.created_at

    def item_updateddate(self, post):
        return post.edited_at or post.created_at

    def item_categories(self, post):
        return [post.get_category_display()]


_board_feed = BoardFeed()


# Public: the secret token in the address is the permission (renewable in the settings).
@access_rule(PUBLIC)
def board_feed(request, token: str):
    response = _board_feed(request, token=token)
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
