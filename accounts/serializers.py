"""Representations and input of the account endpoints. No password or hash is ever serialised."""

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers
from rest_framework_simplejwt import serializers as jwt_serializers
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken

from bookstore.api.serializers import StrictFieldsMixin

from .roles import CATALOG_MANAGERS, CUSTOMERS, MODERATORS, ORDER_MANAGERS
from .services import user_update_profile
from .tokens import UserRefreshToken, user_for_token

User = get_user_model()


def check_password_strength(password, user):
    try:
        password_validation.validate_password(password, user=user)
    except DjangoValidationError as exc:
        raise serializers.ValidationError(exc.messages) from exc


class UniqueEmailField(serializers.EmailField):
    """An email address no other account has, in any letter case."""

    def to_internal_value(self, data):
        email = User.objects.normalize_email(super().to_internal_value(data))
        instance = getattr(self.parent, "instance", None)
        others = User.objects.exclude(pk=instance.pk) if instance else User.objects.all()
        if others.filter(email__iexact=email).exists():
            raise serializers.ValidationError("A user with this email address already exists.")
        return email


class ProfileSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """The signed-in user's own profile: names and email may change, nothing else. A new email
    needs the current password."""

    email = UniqueEmailField(max_length=254)
    roles = serializers.SlugRelatedField(source="groups", slug_field="name", many=True, read_only=True)
    current_password = serializers.CharField(
        write_only=True,
        required=False,
        style={"input_type": "password"},
        help_text="Required to change the email address.",
    )

    class Meta:
        model = User
        fields = ["id", "email", "first_name", "last_name", "roles", "is_staff", "date_joined", "current_password"]
        read_only_fields = ["is_staff", "date_joined"]

    def validate(self, attrs):
        password = attrs.pop("current_password", None)
        user = self.instance
        if password is not None and not user.check_password(password):
            raise serializers.ValidationError({"current_password": ["The current password is not correct."]})
        if password is None and "email" in attrs and attrs["email"] != user.email:
            raise serializers.ValidationError(
                {"current_password": ["The current password is required to change the email address."]}
            )
        return attrs

    def update(self, instance, validated_data):
        return user_update_profile(user=instance, **validated_data)


class RegisterSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """Input of registration."""

    email = UniqueEmailField(max_length=254)
    password = serializers.CharField(write_only=True, style={"input_type": "password"})

    class Meta:
        model = User
        fields = ["email", "password", "first_name", "last_name"]

    def validate(self, attrs):
        candidate = User(
            email=attrs["email"], first_name=attrs.get("first_name", ""), last_name=attrs.get("last_name", "")
        )
        try:
            check_password_strength(attrs["password"], candidate)
        except serializers.ValidationError as exc:
            raise serializers.ValidationError({"password": exc.detail}) from exc
        return attrs


class PasswordChangeSerializer(StrictFieldsMixin, serializers.Serializer):
    """Input of a password change: the current password and the new one."""

    current_password = serializers.CharField(write_only=True, style={"input_type": "password"})
    new_password = serializers.CharField(write_only=True, style={"input_type": "password"})

    def validate_current_password(self, value):
        if not self.context["request"].user.check_password(value):
            raise serializers.ValidationError("The current password is not correct.")
        return value

    def validate_new_password(self, value):
        check_password_strength(value, self.context["request"].user)
        return value


class UserSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """A user as staff see it: they may (de)activate the account and set its roles."""

    roles = serializers.SlugRelatedField(
        source="groups",
        slug_field="name",
        many=True,
        queryset=Group.objects.filter(name__in=[CUSTOMERS, CATALOG_MANAGERS, ORDER_MANAGERS, MODERATORS]),
        required=False,
    )

    class Meta:
        model = User
        fields = [
            "id",
            "email",
            "first_name",
            "last_name",
            "roles",
            "is_active",
            "is_staff",
            "date_joined",
            "last_login",
        ]
        read_only_fields = ["email", "first_name", "last_name", "is_staff", "date_joined", "last_login"]

    def validate_is_active(self, value):
        """Nobody deactivates their own account: the last superuser could lock everyone out of the platform (its
        tokens revoked, the admin closed). Another administrator can."""
        if not value and self.instance is not None and self.instance.pk == self.context["request"].user.pk:
            raise serializers.ValidationError("You cannot deactivate your own account; another administrator can.")
        return value


class TokenPairSerializer(serializers.Serializer):
    """What login, refresh and a password change answer."""

    access = serializers.CharField(read_only=True)
    refresh = serializers.CharField(read_only=True)


class TokenObtainPairSerializer(StrictFieldsMixin, jwt_serializers.TokenObtainPairSerializer):
    """Input of a login: the account's email (any letter case) and password."""

    token_class = UserRefreshToken


class RefreshTokenSerializer(StrictFieldsMixin, serializers.Serializer):
    """Input of refresh and logout: a refresh token that is still valid, and the user it is for."""

    refresh = serializers.CharField(write_only=True)

    def validate(self, attrs):
        token = UserRefreshToken(attrs["refresh"])  # signature, expiry, type and revocation list
        return {"token": token, "user": user_for_token(token)}


class TokenVerifySerializer(StrictFieldsMixin, jwt_serializers.TokenVerifySerializer):
    """A token is valid while its signature, expiry, user and version all hold."""

    def validate(self, attrs):
        token = jwt_serializers.UntypedToken(attrs["token"])
        if BlacklistedToken.objects.filter(token__jti=token.get("jti")).exists():
            raise TokenError("Token is blacklisted")
        user_for_token(token)
        return {}
