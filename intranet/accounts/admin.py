from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import ApiToken, Invitation, Organisation, Topic, User, UserRole


class UserRoleInline(admin.TabularInline):
    model = UserRole
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["name"]
    list_display = ["name", "email", "organisation", "is_active"]
    list_filter = ["organisation", "is_active"]
    search_fields = ["name", "email"]
    inlines = [UserRoleInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Profile"), {"fields": ("name", "organisation", "position", "phone", "bio", "language",
                               "topics")}),
        (_("Status"), {"fields": ("is_active", "is_staff", "is_superuser", "last_login",
                               "date_joined")}),
    )
    add_fieldsets = ((None, {"fields": ("email", "name", "organisation", "password1",
                                        "password2")}),)
    filter_horizontal = ["topics"]
    readonly_fields = ["last_login", "date_joined"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "kind", "region"]
    list_filter = ["kind"]
    search_fields = ["name", "slug"]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organisation", "created_at", "accepted_at", "revoked_at"]
    readonly_fields = ["nonce"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "revoked_at"]
    readonly_fields = ["key_hash", "prefix"]
