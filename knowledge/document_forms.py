"""The Wagtail admin's document upload, checked by content like every other upload.

Wagtail itself checks only the name's ending; here the content must be a document type we
accept (no HTML or SVG, whatever the name) and must be what the name says it is."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from wagtail.documents.forms import BaseDocumentForm

from networks.files import EXTENSIONS, validate_upload


class LibraryDocumentForm(BaseDocumentForm):
    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload is None or "file" not in self.changed_data:
            return upload
        try:
            content_type = validate_upload(upload)
        except ValidationError as error:
            raise ValidationError(error.message_dict["file"]) from None
        ending = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
        if ending not in EXTENSIONS.get(content_type, ()):
            raise ValidationError(_(
                "The file's content does not match its name ending (.%(ending)s).")
                % {"ending": ending})
        return upload
