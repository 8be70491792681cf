"""Networks, membership and tasks of API.md, through the same selectors and permissions
as the HTML pages.

Order of the checks on every write, the same as in the services: hidden or missing → 404;
a dissolved network → 409 (read-only for everyone); not allowed → 403; bad input → 400.
"""

import django_filters
import django_filters.rest_framework
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from intranet.accounts.selectors import person_list_visible_to
from intranet.core.access import not_found
from intranet.core.errors import ConflictError

from . import permissions, selectors, services
from .models import Membership, Network, Status, Task, TaskState
from .serializers import (
    DissolveSerializer,
    InviteSerializer,
    JoinResultSerializer,
    MemberSerializer,
    NetworkDetailSerializer,
    NetworkSerializer,
    NetworkWriteSerializer,
    TaskSerializer,
    my_role_of,
)

NO_CONTENT = {204: OpenApiResponse(description="Done, no content.")}


def _writable(network: Network, allowed: bool) -> None:
    """409 on a dissolved network, then 403 for who may not (the services' order)."""
    if network.is_dissolved:
        raise ConflictError(_("This network is dissolved and can no longer be changed."))
    if not allowed:
        raise PermissionDenied


def _readable_workspace(user, slug: str) -> Network:
    """Members' names and tasks: 404 if the network is hidden, 403 if only its existence is
    visible (a network on request to a non-member), as API.md's 403 "visible but not allowed"."""
    network = permissions.access_network(user, slug)
    if not permissions.can_read_workspace(user, network):
        raise PermissionDenied
    return network


def _with_annotations(user, network: Network) -> Network:
    """The network again with member_count and my_role, as the list shows it."""
    return selectors.network_list_for_index(user=user).get(pk=network.pk)


# --- Networks ---------------------------------------------------------------------------

class NetworkFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Status.choices, method="noop")
    topic = django_filters.CharFilter(method="noop", max_length=60)
    organisation = django_filters.CharFilter(method="noop", max_length=60)
    mine = django_filters.rest_framework.BooleanFilter(method="noop")  # true/false, 1/0
    q = django_filters.CharFilter(method="noop", max_length=100)

    def noop(self, queryset, name, value):
        return queryset  # the selector applies the filters; this class validates and documents


class NetworkListView(generics.ListCreateAPIView):
    access_rule = "login: network_list_for_index (visible networks); POST can_found_network"
    serializer_class = NetworkSerializer
    filterset_class = NetworkFilter
    queryset = Network.objects.none()  # for the schema; get_queryset reads the selector

    def get_queryset(self):
        params = self.request.query_params
        return selectors.network_list_for_index(
            user=self.request.user,
            status=params.get("status", ""),
            topic=params.get("topic", ""),
            organisation=params.get("organisation", ""),
            mine=params.get("mine", "").lower() in ("true", "1"),
            q=params.get("q", "")[:100],
        )

    @extend_schema(request=NetworkWriteSerializer, responses={201: NetworkDetailSerializer})
    def post(self, request):
        if not permissions.can_found_network(request.user):
            raise PermissionDenied
        data = NetworkWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        network = services.network_found(founder=request.user, **data.validated_data)
        return Response(NetworkDetailSerializer(_with_annotations(request.user, network)).data,
                        status=status.HTTP_201_CREATED)


class NetworkDetailView(APIView):
    access_rule = "login: access_network; PATCH can_lead"
    http_method_names = ["get", "patch", "head", "options"]

    @extend_schema(responses=NetworkDetailSerializer)
    def get(self, request, slug):
        network = selectors.network_list_for_index(user=request.user).filter(slug=slug).first()
        if network is None:
            raise not_found()  # network_list_for_index reads through network_list_visible_to
        return Response(NetworkDetailSerializer(network).data)

    @extend_schema(request=NetworkWriteSerializer(partial=True),
                   responses=NetworkDetailSerializer)
    def patch(self, request, slug):
        network = permissions.access_network(request.user, slug)
        _writable(network, permissions.can_lead(request.user, network))
        data = NetworkWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.network_update(network=network, actor=request.user, **data.validated_data)
        return Response(NetworkDetailSerializer(_with_annotations(request.user, network)).data)


class NetworkJoinView(APIView):
    access_rule = "login: access_network_to_answer; can_join or a pending invitation"

    @extend_schema(request=None, responses=JoinResultSerializer)
    def post(self, request, slug):
        network = permissions.access_network_to_answer(request.user, slug)
        membership = services.membership_join(network=network, user=request.user)
        return Response({"my_role": my_role_of(membership.state, membership.role)})


class NetworkLeaveView(APIView):
    access_rule = "login: access_network_to_answer (leave, withdraw a request or decline)"

    @extend_schema(request=None, responses=NO_CONTENT)
    def post(self, request, slug):
        network = permissions.access_network_to_answer(request.user, slug)
        services.membership_leave(network=network, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class NetworkDissolveView(APIView):
    access_rule = "login: access_network; can_end_network (leads, steering)"

    @extend_schema(request=DissolveSerializer, responses=NetworkDetailSerializer)
    def post(self, request, slug):
        network = permissions.access_network(request.user, slug)
        _writable(network, permissions.can_end_network(request.user, network))
        data = DissolveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.network_dissolve(network=network, actor=request.user, **data.validated_data)
        return Response(NetworkDetailSerializer(_with_annotations(request.user, network)).data)


class NetworkReopenView(APIView):
    access_rule = "login: access_network; can_reopen_network (steering)"

    @extend_schema(request=None, responses=NetworkDetailSerializer)
    def post(self, request, slug):
        network = permissions.access_network(request.user, slug)
        if network.status != Status.DISSOLVED:
            raise ConflictError(_("Only a dissolved network can be reopened."))
        if not permissions.can_reopen_network(request.user, network):
            raise PermissionDenied
        services.network_reopen(network=network, actor=request.user)
        return Response(NetworkDetailSerializer(_with_annotations(request.user, network)).data)


# --- Members ----------------------------------------------------------------------------

class MemberListView(generics.ListCreateAPIView):
    """Members' names are workspace content; leads also see requests and invitations."""

    access_rule = "login: access_network + can_read_workspace; POST can_lead"
    serializer_class = MemberSerializer
    queryset = Membership.objects.none()  # for the schema; get_queryset reads the selectors

    def get_queryset(self):
        network = _readable_workspace(self.request.user, self.kwargs["slug"])
        members = list(selectors.members_of(network=network))
        if permissions.is_lead(self.request.user, network):
            members += selectors.pending_of(network=network)
        return members

    @extend_schema(request=InviteSerializer, responses={201: MemberSerializer})
    def post(self, request, slug):
        network = permissions.access_network(request.user, slug)
        _writable(network, permissions.can_lead(request.user, network))
        data = InviteSerializer(data=request.data,
                                context={"people": person_list_visible_to(user=request.user)})
        data.is_valid(raise_exception=True)
        membership = services.membership_invite(
            network=network, user=data.validated_data["user_id"], actor=request.user,
            role=data.validated_data["role"])
        return Response(MemberSerializer(membership).data, status=status.HTTP_201_CREATED)


def _membership_to_decide(request, slug: str, user_id: int) -> Membership:
    """Leads only; the person's membership in any state (the services check the state),
    or the one 404."""
    network = permissions.access_network(request.user, slug)
    _writable(network, permissions.can_lead(request.user, network))
    membership = (selectors.pending_of(network=network).filter(user_id=user_id).first()
                  or selectors.members_of(network=network).filter(user_id=user_id).first())
    if membership is None:
        raise not_found()
    return membership


class MemberDetailView(APIView):
    access_rule = "login: access_network; can_lead (remove a member or withdraw an invitation)"
    http_method_names = ["delete", "options"]

    @extend_schema(responses=NO_CONTENT)
    def delete(self, request, slug, user_id):
        membership = _membership_to_decide(request, slug, user_id)
        services.membership_remove(membership=membership, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MemberApproveView(APIView):
    access_rule = "login: access_network; can_lead"

    @extend_schema(request=None, responses=MemberSerializer)
    def post(self, request, slug, user_id):
        membership = _membership_to_decide(request, slug, user_id)
        membership = services.membership_approve(membership=membership, actor=request.user)
        return Response(MemberSerializer(membership).data)


class MemberDeclineView(APIView):
    access_rule = "login: access_network; can_lead"

    @extend_schema(request=None, responses=NO_CONTENT)
    def post(self, request, slug, user_id):
        membership = _membership_to_decide(request, slug, user_id)
        services.membership_decline(membership=membership, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Tasks ------------------------------------------------------------------------------

class TaskFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=TaskState.choices)

    class Meta:
        model = Task
        fields = ["state"]


class TaskListView(generics.ListCreateAPIView):
    access_rule = "login: access_network + can_read_workspace; POST can_contribute"
    serializer_class = TaskSerializer
    filterset_class = TaskFilter
    queryset = Task.objects.none()  # for the schema; get_queryset reads through the selector

    def get_queryset(self):
        network = _readable_workspace(self.request.user, self.kwargs["slug"])
        return selectors.tasks_of(network=network, include_done=True)

    @extend_schema(request=TaskSerializer, responses={201: TaskSerializer})
    def post(self, request, slug):
        network = permissions.access_network(request.user, slug)
        _writable(network, permissions.can_contribute(request.user, network))
        data = TaskSerializer(data=request.data,
                              context={"members": selectors.members_of(network=network)})
        data.is_valid(raise_exception=True)
        fields = data.service_fields()
        fields.pop("state", None)  # a new task is open; PATCH moves it on
        task = services.task_create(network=network, actor=request.user, **fields)
        return Response(TaskSerializer(task).data, status=status.HTTP_201_CREATED)


class TaskDetailView(APIView):
    access_rule = "login: access_task (can_read_workspace); PATCH can_contribute"
    http_method_names = ["get", "patch", "head", "options"]

    @extend_schema(responses=TaskSerializer)
    def get(self, request, pk):
        return Response(TaskSerializer(permissions.access_task(request.user, pk)).data)

    @extend_schema(request=TaskSerializer(partial=True), responses=TaskSerializer)
    def patch(self, request, pk):
        task = permissions.access_task(request.user, pk)
        _writable(task.network, permissions.can_contribute(request.user, task.network))
        data = TaskSerializer(task, data=request.data, partial=True,
                              context={"members": selectors.members_of(network=task.network)})
        data.is_valid(raise_exception=True)
        task = services.task_update(task=task, actor=request.user, **data.service_fields())
        return Response(TaskSerializer(task).data)

