"""Account endpoints: registration, the JWT lifecycle, the user's own profile, and users for staff."""

from django.contrib.auth import get_user_model
from django.db import transaction
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, mixins, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView
from rest_framework_simplejwt import views as jwt_views
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError

from bookstore.api.conditional import PrivateResponseMixin
from bookstore.api.viewsets import VersionedViewSet

from .filters import UserFilter
from .permissions import ModelPermissionsWithView
from .serializers import (
    PasswordChangeSerializer,
    ProfileSerializer,
    RefreshTokenSerializer,
    RegisterSerializer,
    TokenObtainPairSerializer,
    TokenPairSerializer,
    TokenVerifySerializer,
    UserSerializer,
)
from .services import (
    refresh_token_revoke,
    refresh_token_rotate,
    user_change_password,
    user_register,
    user_revoke_tokens,
    user_set_active,
    user_set_roles,
)
from .throttling import PASSWORD_CHECK_THROTTLES, AddressThrottle, LoginAccountThrottle, ScopedThrottle


def token_pair(refresh):
    return {"access": str(refresh.access_token), "refresh": str(refresh)}


@extend_schema(responses={201: ProfileSerializer})
class RegisterView(PrivateResponseMixin, generics.CreateAPIView):
    """Create a customer account; answers the new user's profile."""

    name = "Register"

    serializer_class = RegisterSerializer
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedThrottle]
    throttle_scope = "auth_register"

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = user_register(**serializer.validated_data)
        location = reverse("me", request=request)
        return Response(ProfileSerializer(user).data, status=status.HTTP_201_CREATED, headers={"Location": location})


@extend_schema(responses={200: TokenPairSerializer})
class TokenObtainPairView(PrivateResponseMixin, jwt_views.TokenObtainPairView):
    """Email and password for an access and a refresh token; throttled per address and per account."""

    name = "Log in (token pair)"

    serializer_class = TokenObtainPairSerializer
    throttle_classes = [AddressThrottle, LoginAccountThrottle]


class RefreshTokenView(PrivateResponseMixin, jwt_views.TokenViewBase):
    """Base of the views that spend a refresh token: a TokenError anywhere is a 401 token_not_valid."""

    serializer_class = RefreshTokenSerializer

    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        try:
            serializer.is_valid(raise_exception=True)
            return Response(self.spend(**serializer.validated_data))
        except TokenError as exc:
            raise InvalidToken(exc.args[0]) from exc


@extend_schema(request=RefreshTokenSerializer, responses={200: TokenPairSerializer})
class TokenRefreshView(RefreshTokenView):
    """Spend a refresh token for a new pair; a refresh token works once."""

    name = "Refresh the token pair"

    throttle_classes = [ScopedThrottle]
    throttle_scope = "auth_refresh"

    def spend(self, token, user):
        return token_pair(refresh_token_rotate(token=token, user=user))


@extend_schema(request=RefreshTokenSerializer, responses={200: None})
class LogoutView(RefreshTokenView):
    """Revoke the refresh token given (log out this session)."""

    name = "Log out"

    def spend(self, token, user):
        refresh_token_revoke(token=token, user=user)


@extend_schema(responses={200: None})
class TokenVerifyView(PrivateResponseMixin, jwt_views.TokenVerifyView):
    """Whether a token would be accepted now."""

    name = "Verify a token"

    serializer_class = TokenVerifySerializer

    def post(self, request, *args, **kwargs):
        super().post(request, *args, **kwargs)
        return Response(None)


class LogoutAllView(PrivateResponseMixin, APIView):
    """Revoke every token of the signed-in user (log out everywhere)."""

    name = "Log out everywhere"

    @extend_schema(request=None, responses={200: None})
    def post(self, request, *args, **kwargs):
        user_revoke_tokens(user=request.user)
        return Response(None)


@extend_schema_view(get=extend_schema(summary="Read my profile"), patch=extend_schema(summary="Update my profile"))
class MeView(PrivateResponseMixin, generics.RetrieveUpdateAPIView):
    """The signed-in user's profile. A new email needs the current password (throttled like a login)
    and revokes every earlier token."""

    name = "My profile"

    serializer_class = ProfileSerializer
    http_method_names = ["get", "patch", "head", "options"]
    throttle_classes = PASSWORD_CHECK_THROTTLES  # only for a PATCH that checks the password

    def get_object(self):
        return self.request.user

    def get_throttles(self):
        data = self.request.data if self.request.method == "PATCH" else None
        return super().get_throttles() if hasattr(data, "get") and "current_password" in data else []


@extend_schema(responses={200: TokenPairSerializer})
class PasswordChangeView(PrivateResponseMixin, generics.GenericAPIView):
    """Change the password; every earlier token stops working and a new pair is answered."""

    name = "Change my password"

    serializer_class = PasswordChangeSerializer
    throttle_classes = PASSWORD_CHECK_THROTTLES

    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        refresh = user_change_password(user=request.user, new_password=serializer.validated_data["new_password"])
        return Response(token_pair(refresh))


class UserViewSet(
    PrivateResponseMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, VersionedViewSet
):
    """Users, for staff with the user permissions: look up, (de)activate, assign roles."""

    queryset = get_user_model().objects.prefetch_related("groups")
    serializer_class = UserSerializer
    permission_classes = [ModelPermissionsWithView]
    http_method_names = ["get", "patch", "head", "options"]
    filterset_class = UserFilter
    search_fields = ["email", "first_name", "last_name"]
    ordering_fields = ["email", "date_joined"]

    @transaction.atomic
    def perform_update(self, serializer):
        is_active = serializer.validated_data.pop("is_active", None)
        roles = serializer.validated_data.pop("groups", None)
        user = serializer.save()
        if roles is not None:
            user_set_roles(user=user, roles=roles)
        if is_active is not None and is_active != user.is_active:
            user_set_active(user=user, is_active=is_active)
