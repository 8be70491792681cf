import re
import secrets
import unicodedata

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("City coordinator")
    MEMBER = "member", _("Member")
    STEERING = "steering", _("Process steering")
    SERVICE = "service", _("Service organisation")
    DEPARTMENT_HEAD = "department_head", _("Department head")
    ADMIN = "admin", _("Platform administrator")


class OrganisationKind(models.TextChoices):
    MUNICIPALITY = "municipality", _("City")
    SERVICE = "service", _("Service organisation")
    OTHER = "other", _("Other organisation")


class Organisation(models.Model):
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=150, unique=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=OrganisationKind, default=OrganisationKind.MUNICIPALITY
    )
    region = models.CharField(_("region"), max_length=100, blank=True)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["kind", "name"], name="organisation_list_idx")]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name


class Topic(models.Model):
    """The network's themes: what people know about and what networks work on."""

    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self):
        return self.name


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)

    def create_user(self, email, password=None, **fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


def new_nonce() -> str:
    return secrets.token_hex(16)


phone_validator = RegexValidator(
    r"^[0-9+()/ \-]{3,40}$", _("Enter a phone number of digits, spaces and + ( ) / -.")
)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("e-mail address"), unique=True)
    name = models.CharField(_("name"), max_length=150)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="people",
        null=True,
        blank=True,
    )
    position = models.CharField(_("position"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True, validators=[phone_validator])
    topics = models.ManyToManyField(
        Topic, verbose_name=_("expertise topics"), blank=True, related_name="experts"
    )
    bio = models.TextField(_("short biography"), max_length=1500, blank=True)
    language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, default="de"
    )
    feed_token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    # The name colleagues write after "@" to mention the person; made from the name.
    handle = models.CharField(_("handle"), max_length=80, unique=True, null=True,
                              editable=False)
    # Visits: ``previous_visit_at`` is when the visit before this one ended, so the start
    # page can say what is new since then; the board counts older posts as read.
    last_seen_at = models.DateTimeField(null=True, blank=True, editable=False)
    previous_visit_at = models.DateTimeField(null=True, blank=True, editable=False)
    board_read_from = models.DateTimeField(default=timezone.now, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("may use the Django admin"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        ordering = ["name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]
        # The people finder sorts by name, the start page's newcomers by joining date.
        indexes = [
            models.Index(fields=["name", "id"], name="user_name_idx"),
            models.Index(fields=["-date_joined", "-id"], name="user_joined_idx"),
        ]

    def __str__(self):
        return self.name or self.email

    def get_full_name(self):
        return self.name

    def get_short_name(self):
        return self.name.split(" ")[0] if self.name else self.email

    @cached_property
    def roles(self) -> set[str]:
        """The platform roles, from one query (or none, when prefetched)."""
        return {assignment.role for assignment in self.role_assignments.all()}

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("person_detail", args=[self.pk])

    def save(self, *args, **kwargs):
        if not self.handle:
            self.handle = unique_handle(self.name or self.email.split("@")[0],
                                        exclude_pk=self.pk)
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "handle"}
        super().save(*args, **kwargs)


HANDLE_PATTERN = r"[a-z0-9](?:[a-z0-9._-]*[a-z0-9])?"


def handle_base(name: str) -> str:
    """``Maria Müller-Lüdenscheidt`` → ``maria.mueller-luedenscheidt``."""
    german = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
    ascii_name = unicodedata.normalize("NFKD", name.lower().translate(german)).encode(
        "ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9-]+", ".", ascii_name)
    return re.sub(r"[.-]*\.[.-]*", ".", base).strip(".-")[:70].strip(".-") or "person"


def unique_handle(name: str, *, exclude_pk=None) -> str:
    """The handle for this name, numbered when it is taken (``maria.mueller2``)."""
    base = handle_base(name)
    taken = set(User.objects.filter(handle__startswith=base).exclude(pk=exclude_pk)
                .values_list("handle", flat=True))
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}{number}"
    return candidate


class UserRole(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=20, choices=Role)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [models.UniqueConstraint("user", "role", name="user_role_unique")]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()}"


class Invitation(models.Model):
    """An invitation by e-mail; the link in it is signed, so only a nonce is stored."""

    email = models.EmailField(_("e-mail address"))
    name = models.CharField(_("name"), max_length=150)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE,
        related_name="invitations",
    )
    roles = models.JSONField(_("roles"), default=list)
    invited_by = models.ForeignKey(
        User, verbose_name=_("invited by"), on_delete=models.SET_NULL, null=True,
        related_name="invitations_sent",
    )
    nonce = models.CharField(max_length=32, default=new_nonce)
    created_at = models.DateTimeField(_("invited at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("valid until"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self):
        return f"{self.name} <{self.email}>"

    @property
    def is_open(self) -> bool:
        return not self.accepted_at and not self.revoked_at and self.expires_at > timezone.now()

    def get_status_display(self):
        if self.accepted_at:
            return _("accepted")
        if self.revoked_at:
            return _("withdrawn")
        if self.expires_at <= timezone.now():
            return _("expired")
        return _("open")


class ApiToken(models.Model):
    """A personal API token. Only the SHA-256 of the secret is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"


class OrganisationUserObjectPermission(UserObjectPermissionBase):
    """Direct foreign-key grants (guardian): who may edit which city's page."""

    content_object = models.ForeignKey(Organisation, on_delete=models.CASCADE)


class OrganisationGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Organisation, on_delete=models.CASCADE)
