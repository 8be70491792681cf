"""Who may see and do what in the library: the only place that decides."""

from intranet.core.access import not_found
from networks.permissions import can_contribute


def can_view_library_page(user, page) -> bool:
    """Published pages for everyone signed in; drafts are read in the editor only."""
    return bool(user and user.is_authenticated and user.is_active and page.live)


def can_start_result(user, network) -> bool:
    """Members of an active network publish its results."""
    return can_contribute(user, network)


def can_view_document(user, document) -> bool:
    from .selectors import documents_visible_to

    return documents_visible_to(user=user).filter(pk=document.pk).exists()


def access_library_page(user, pk: int):
    from .selectors import library_pages_visible_to

    page = library_pages_visible_to(user=user).filter(pk=pk).specific().first()
    if page is None:
        raise not_found()
    return page


def can_view_image(user, image) -> bool:
    """Images of published pages for everyone signed in; the rest for their collection's
    editors only (a draft's photos are as private as the draft)."""
    from wagtail.images.permissions import permission_policy

    from .selectors import image_is_published

    if not (user and user.is_authenticated and user.is_active):
        return False
    if permission_policy.user_has_any_permission_for_instance(user, ["choose", "change"],
                                                              image):
        return True
    return image_is_published(image=image)


def access_media_image(user, path: str):
    """The image behind a media path (original or rendition), or the one 404."""
    from .selectors import image_by_media_path

    image = image_by_media_path(path=path)
    if image is None or not can_view_image(user, image):
        raise not_found()
    return image
