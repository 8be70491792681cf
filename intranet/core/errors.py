from django.core.exceptions import ValidationError


class ConflictError(Exception):
    """The object's state forbids this change (HTTP 409): e.g. writing to a dissolved network,
    or the last lead leaving. The message is shown to the person as it is."""


class FileTooLarge(ValidationError):
    """An upload over the size limit: the API answers 413 (API.md), forms show the message."""
