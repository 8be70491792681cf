"""The shapes of API.md for networks, membership and tasks."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from intranet.accounts.models import Topic, User
from intranet.accounts.serializers import OrganisationRefSerializer

from .models import MemberRole, Membership, MemberState, Network, Task, TaskState, Visibility


def my_role_of(state: str | None, role: str | None) -> str | None:
    """API.md's ``my_role``: null, lead, member (active), requested or invited (pending)."""
    if state is None:
        return None
    return role if state == MemberState.ACTIVE else state


class NetworkSerializer(serializers.ModelSerializer):
    """A network as the list shows it; needs ``network_list_for_index``'s annotations."""

    topics = serializers.SlugRelatedField(many=True, read_only=True, slug_field="slug")
    member_count = serializers.SerializerMethodField()
    my_role = serializers.SerializerMethodField()

    class Meta:
        model = Network
        fields = ["slug", "name", "status", "visibility", "mandate", "topics", "member_count",
                  "my_role"]
        read_only_fields = fields

    def get_member_count(self, network) -> int:
        return network.member_count or 0

    def get_my_role(self, network) -> str | None:
        return my_role_of(network.my_state, network.my_role)


class NetworkDetailSerializer(NetworkSerializer):
    """The detail adds what everyone who sees the network may read: goals and how it ended."""

    class Meta(NetworkSerializer.Meta):
        fields = [*NetworkSerializer.Meta.fields, "goals", "founded_at", "ended_at",
                  "end_summary", "end_results", "end_reason"]
        read_only_fields = fields


class NetworkWriteSerializer(serializers.Serializer):
    """What a founder sends and a lead may change; nothing else is read (no mass assignment)."""

    name = serializers.CharField(max_length=150)
    mandate = serializers.CharField(max_length=3000)
    visibility = serializers.ChoiceField(choices=Visibility.choices, default=Visibility.OPEN)
    topics = serializers.SlugRelatedField(many=True, slug_field="slug", required=False,
                                          queryset=Topic.objects.all())


class JoinResultSerializer(serializers.Serializer):
    my_role = serializers.ChoiceField(choices=[MemberRole.LEAD, MemberRole.MEMBER,
                                               MemberState.REQUESTED, MemberState.INVITED])


class MemberUserSerializer(serializers.ModelSerializer):
    organisation = OrganisationRefSerializer(allow_null=True)

    class Meta:
        model = User
        fields = ["id", "name", "organisation"]


class MemberSerializer(serializers.ModelSerializer):
    user = MemberUserSerializer()

    class Meta:
        model = Membership
        fields = ["user", "role", "state"]
        read_only_fields = fields


class InviteSerializer(serializers.Serializer):
    """``{user_id, role}``; the person is looked up among the caller's visible colleagues."""

    user_id = serializers.IntegerField()
    role = serializers.ChoiceField(choices=MemberRole.choices, default=MemberRole.MEMBER)

    def validate_user_id(self, value) -> User:
        person = self.context["people"].filter(pk=value).first()
        if person is None:
            raise serializers.ValidationError(_("This person cannot be invited."))
        return person  # validated_data["user_id"] is the person


class DissolveSerializer(serializers.Serializer):
    """The service checks that there is a summary and either results or a reason."""

    summary = serializers.CharField(max_length=5000, required=False, allow_blank=True,
                                    default="")
    results = serializers.CharField(max_length=3000, required=False, allow_blank=True,
                                    default="")
    reason = serializers.CharField(max_length=3000, required=False, allow_blank=True,
                                   default="")


class TaskSerializer(serializers.ModelSerializer):
    """``{id, title, description, assignee_id, due, state}``; tasks go to members only."""

    assignee_id = serializers.IntegerField(allow_null=True, required=False)
    state = serializers.ChoiceField(choices=TaskState.choices, required=False)

    class Meta:
        model = Task
        fields = ["id", "title", "description", "assignee_id", "due", "state"]
        read_only_fields = ["id"]

    def validate_assignee_id(self, value) -> User | None:
        if value is None:
            return None
        membership = self.context["members"].filter(user_id=value).first()
        if membership is None:
            raise serializers.ValidationError(_("Tasks go to members of the network."))
        return membership.user

    def service_fields(self) -> dict:
        """The validated fields as the services take them (``assignee``, not its id)."""
        fields = dict(self.validated_data)
        if "assignee_id" in fields:
            fields["assignee"] = fields.pop("assignee_id")
        return fields
