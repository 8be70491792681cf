"""The library (Wagtail): what the expert networks hand to every city.

The page tree is ``LibraryIndexPage`` (the site root, ``/wissen/``) → one ``ShelfPage`` per
network that has published or drafted anything → ``ResultPage`` and ``ProjectPage``. The
shelf is what isolates one network's editors from another's: their Wagtail group holds
page permissions on their shelf only and collection permissions on their collection only
(``knowledge.editors``). Published pages are read by everyone signed in; drafts only in
the editor, by the shelf's editors (DESIGN §3.8).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.documents.models import AbstractDocument, Document
from wagtail.fields import RichTextField, StreamField
from wagtail.images.blocks import ImageChooserBlock
from wagtail.models import Orderable, Page, Task, TaskState
from wagtail.search import index


class ResultType(models.TextChoices):
    GUIDELINE = "guideline", _("Guideline")
    WORK_AID = "work_aid", _("Work aid")
    POSITION_PAPER = "position_paper", _("Position paper")
    FACT_SHEET = "fact_sheet", _("Fact sheet")
    PRESENTATION = "presentation", _("Presentation")
    MINUTES = "minutes", _("Minutes")
    DATASET = "dataset", _("Dataset")
    STUDY = "study", _("Study or expert report")
    OTHER = "other", _("Other result")
    PROJECT = "project", _("Building project")


class Licence(models.TextChoices):
    CC_BY = "cc-by-4.0", _("CC BY 4.0 (reuse with attribution)")
    CC_BY_SA = "cc-by-sa-4.0", _("CC BY-SA 4.0 (reuse with attribution, share alike)")
    CC0 = "cc0-1.0", _("CC0 1.0 (no rights reserved)")
    INTERNAL = "internal", _("For use by the member cities")


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    BUILDING = "building", _("Under construction")
    COMPLETED = "completed", _("Completed")
    MONITORED = "monitored", _("Completed and monitored")


class LibraryDocument(AbstractDocument):
    """A Wagtail document whose text is searched (PDF, DOCX, ODT, plain text)."""

    text = models.TextField(blank=True, editable=False)
    text_extracted_at = models.DateTimeField(null=True, blank=True, editable=False)

    admin_form_fields = Document.admin_form_fields

    class Meta(AbstractDocument.Meta):
        verbose_name = _("document")
        verbose_name_plural = _("documents")


class Measure(models.Model):
    """A kind of building measure (tree trench, green roof, unsealing …)."""

    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")

    def __str__(self):
        return self.name


class LibraryIndexPage(Page):
    """The library's front page: browse and filter everything published."""

    intro = models.TextField(_("introduction"), blank=True, max_length=1000)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["knowledge.ShelfPage"]
    max_count = 1
    template = "knowledge/library_index.html"

    class Meta:
        verbose_name = _("library")

    def serve(self, request, *args, **kwargs):
        from .views import library_index

        return library_index(request, self)


class ShelfPage(Page):
    """One network's place in the tree. Not a page anyone reads: its address leads to the
    library filtered by the network, for those who may see the network."""

    # Without a network: the shelf of the meetings' documentation (events).
    network = models.OneToOneField("networks.Network", verbose_name=_("network"), null=True,
                                   blank=True, on_delete=models.PROTECT, related_name="shelf")
    # Where the network's documents and images live; only its editors may choose from it.
    collection = models.ForeignKey("wagtailcore.Collection", null=True, editable=False,
                                   on_delete=models.SET_NULL, related_name="+")

    content_panels = [FieldPanel("title")]
    promote_panels = []
    parent_page_types = ["knowledge.LibraryIndexPage"]
    subpage_types = ["knowledge.ResultPage", "knowledge.ProjectPage"]
    is_creatable = False

    class Meta:
        verbose_name = _("network shelf")

    def serve(self, request, *args, **kwargs):
        from .views import shelf_redirect

        return shelf_redirect(request, self)


def _today():
    return timezone.localdate()


class LibraryPage(Page):
    """What results and building projects share: the fields the library filters by."""

    result_type = models.CharField(_("type"), max_length=20, choices=ResultType,
                                   default=ResultType.GUIDELINE)
    summary = models.TextField(_("summary"), max_length=800,
                               help_text=_("Two or three sentences: what it is and who it helps."))
    network = models.ForeignKey("networks.Network", verbose_name=_("network"), null=True,
                                blank=True, editable=False, on_delete=models.SET_NULL,
                                related_name="library_pages")
    topics = ParentalManyToManyField("accounts.Topic", verbose_name=_("topics"), blank=True,
                                     related_name="library_pages")
    cities = ParentalManyToManyField(
        "accounts.Organisation", verbose_name=_("participating cities"), blank=True,
        related_name="library_pages", limit_choices_to={"kind": "municipality"})
    contact = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("contact person"),
                                null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    licence = models.CharField(_("licence"), max_length=20, choices=Licence,
                               default=Licence.CC_BY)
    publication_date = models.DateField(_("publication date"), default=_today, db_index=True)
    version = models.CharField(_("version"), max_length=30, blank=True, default="1.0")

    search_fields = [*Page.search_fields, index.SearchField("summary")]
    parent_page_types = ["knowledge.ShelfPage"]
    subpage_types = []
    is_creatable = False

    class Meta:
        verbose_name = _("library item")
        indexes = [models.Index(fields=["-publication_date", "-page_ptr"],
                                name="library_newest_idx")]

    def save(self, *args, **kwargs):
        # The network is the shelf's, whoever saves and however.
        parent = self.get_parent() if self.pk or self.path else None
        shelf = parent.specific if parent is not None else None
        if isinstance(shelf, ShelfPage):
            self.network_id = shelf.network_id
        super().save(*args, **kwargs)

    def get_template(self, request, *args, **kwargs):
        return f"knowledge/{self._meta.model_name}.html"

    def serve(self, request, *args, **kwargs):
        from .views import library_page

        return library_page(request, self)


class ResultPage(LibraryPage):
    """An Ergebnis: a guideline, work aid, position paper … with its documents."""

    body = StreamField([
        ("heading", blocks.CharBlock(label=_("Heading"), form_classname="title")),
        ("paragraph", blocks.RichTextBlock(label=_("Text"), features=[
            "bold", "italic", "ol", "ul", "link", "document-link"])),
        ("image", ImageChooserBlock(label=_("Image"))),
        ("quote", blocks.BlockQuoteBlock(label=_("Quote"))),
    ], verbose_name=_("content"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("result_type"), FieldPanel("version")]),
        FieldPanel("summary"),
        FieldPanel("body"),
        InlinePanel("documents", label=_("Documents")),
        MultiFieldPanel([FieldPanel("topics"), FieldPanel("cities"), FieldPanel("contact"),
                         FieldRowPanel([FieldPanel("licence"),
                                        FieldPanel("publication_date")])],
                        heading=_("Classification")),
    ]
    search_fields = [*LibraryPage.search_fields, index.SearchField("body")]
    parent_page_types = ["knowledge.ShelfPage"]
    subpage_types = []
    is_creatable = True

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")

    def clean(self):
        super().clean()
        if self.result_type == ResultType.PROJECT:
            raise ValidationError({"result_type": _(
                "Building projects have a page type of their own (Projektsteckbrief).")})


class ProjectPage(LibraryPage):
    """A Projektsteckbrief: one building project in one city, on the map."""

    city = models.ForeignKey("accounts.Organisation", verbose_name=_("city"),
                             on_delete=models.PROTECT, related_name="projects", null=True,
                             limit_choices_to={"kind": "municipality"})
    location = models.CharField(_("location"), max_length=200, blank=True,
                                help_text=_("Street, district or site name."))
    latitude = models.DecimalField(_("latitude"), max_digits=8, decimal_places=5,
                                   null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=8, decimal_places=5,
                                    null=True, blank=True)
    measures = ParentalManyToManyField(Measure, verbose_name=_("measures"), blank=True,
                                       related_name="projects")
    status = models.CharField(_("status"), max_length=20, choices=ProjectStatus,
                              default=ProjectStatus.PLANNED)
    description = RichTextField(_("description"), blank=True,
                                features=["bold", "italic", "ol", "ul", "link"])
    costs = models.DecimalField(_("costs in euros"), max_digits=12, decimal_places=0,
                                null=True, blank=True)
    funding = models.TextField(_("funding"), blank=True, max_length=1000)
    partners = models.TextField(_("partners"), blank=True, max_length=1000)
    lessons_learned = RichTextField(_("lessons learned"), blank=True,
                                    features=["bold", "italic", "ol", "ul", "link"])

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        MultiFieldPanel([FieldPanel("city"), FieldPanel("location"),
                         FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")])],
                        heading=_("Where")),
        MultiFieldPanel([FieldPanel("measures"), FieldPanel("status"),
                         FieldPanel("description")], heading=_("What")),
        MultiFieldPanel([FieldPanel("costs"), FieldPanel("funding"),
                         FieldPanel("partners")], heading=_("Costs, funding and partners")),
        FieldPanel("lessons_learned"),
        InlinePanel("photos", label=_("Photos")),
        InlinePanel("documents", label=_("Documents")),
        MultiFieldPanel([FieldPanel("topics"), FieldPanel("contact"),
                         FieldRowPanel([FieldPanel("licence"),
                                        FieldPanel("publication_date")])],
                        heading=_("Classification")),
    ]
    search_fields = [*LibraryPage.search_fields, index.SearchField("lessons_learned")]
    parent_page_types = ["knowledge.ShelfPage"]
    subpage_types = []
    is_creatable = True

    class Meta:
        verbose_name = _("building project")
        verbose_name_plural = _("building projects")

    def clean(self):
        super().clean()
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError({"longitude": _(
                "Give both latitude and longitude, or neither.")})
        if self.latitude is not None and not (-90 <= self.latitude <= 90):
            raise ValidationError({"latitude": _("A latitude lies between -90 and 90.")})
        if self.longitude is not None and not (-180 <= self.longitude <= 180):
            raise ValidationError({"longitude": _("A longitude lies between -180 and 180.")})

    def save(self, *args, **kwargs):
        self.result_type = ResultType.PROJECT
        super().save(*args, **kwargs)


class LibraryPageDocument(Orderable):
    page = ParentalKey(LibraryPage, on_delete=models.CASCADE, related_name="documents")
    document = models.ForeignKey(settings.WAGTAILDOCS_DOCUMENT_MODEL,
                                 verbose_name=_("document"), on_delete=models.CASCADE,
                                 related_name="library_uses")

    panels = [FieldPanel("document")]

    class Meta(Orderable.Meta):
        verbose_name = _("document")


class ProjectPhoto(Orderable):
    page = ParentalKey(ProjectPage, on_delete=models.CASCADE, related_name="photos")
    image = models.ForeignKey("wagtailimages.Image", verbose_name=_("photo"),
                              on_delete=models.CASCADE, related_name="+")
    caption = models.CharField(_("caption"), max_length=250, blank=True)

    panels = [FieldPanel("image"), FieldPanel("caption")]


class PublicationEvent(models.Model):
    """Outbox row written in the transaction that first publishes a library page; the
    fan-out notifies the network's members and the followers of its topics (DESIGN §5)."""

    page = models.ForeignKey(LibraryPage, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    fanned_out_at = models.DateTimeField(null=True, blank=True, db_index=True)

    def __str__(self):
        return f"publication of page {self.page_id}"


class NetworkLeadApprovalTask(Task):
    """The library's one review step: a lead of the page's own network approves. One task for
    every network, rather than a group task per network, keeps Wagtail's "awaiting your
    review" one query however many networks there are."""

    def _leads(self, obj, user) -> bool:
        from networks.permissions import can_lead

        network = getattr(getattr(obj, "specific", obj), "network", None)
        return network is not None and can_lead(user, network)

    def user_can_access_editor(self, obj, user):
        return self._leads(obj, user)

    def locked_for_user(self, obj, user):
        return not self._leads(obj, user)

    def get_actions(self, obj, user):
        if not self._leads(obj, user):
            return []
        # Wagtail adds "and Publish" to the approve actions of a workflow's last step.
        return [("reject", _("Request changes"), True),
                ("approve", pgettext_lazy("library review", "Approve"), False),
                ("approve", _("Approve with comment"), True)]

    def get_task_states_user_can_moderate(self, user, **kwargs):
        from .selectors import pages_led_by

        pages = [str(pk) for pk in pages_led_by(user=user).values_list("pk", flat=True)]
        return TaskState.objects.filter(task=self, status=TaskState.STATUS_IN_PROGRESS,
                                        workflow_state__object_id__in=pages)

    @classmethod
    def get_description(cls):
        return _("A lead of the network that produced the page approves it.")

    class Meta:
        verbose_name = _("approval by the network's leads")
