"""Representations of reviews (the same in v1 and v2; only the lists page differently) and their input."""

from rest_framework import serializers

from bookstore.api.serializers import StrictFieldsMixin

from .models import BODY_MAX_LENGTH, RATING_MAX, RATING_MIN, REASON_MAX_LENGTH, TITLE_MAX_LENGTH, Review


class ReviewAuthorSerializer(serializers.Serializer):
    """Who wrote a review, as readers see them: an id and a first name with the last name's initial."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.SerializerMethodField()

    def get_name(self, user) -> str:
        initial = f" {user.last_name[:1]}." if user.last_name else ""
        return f"{user.first_name}{initial}".strip() or "A reader"


class ReviewSerializer(serializers.ModelSerializer):
    """A review. `status` is `published` or `hidden` (only its author and moderators see a hidden one, with the
    moderator's reason in `hidden_reason`)."""

    author = ReviewAuthorSerializer(source="user", read_only=True)
    hidden_reason = serializers.SerializerMethodField()

    class Meta:
        model = Review
        fields = [
            "id",
            "book",
            "author",
            "rating",
            "title",
            "body",
            "verified_purchase",
            "status",
            "hidden_reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_hidden_reason(self, review) -> str | None:
        return review.moderation_reason if review.status == Review.Status.HIDDEN else None


class ReviewWriteSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """What a reader writes: a rating of 1 to 5, an optional title, and a text."""

    rating = serializers.IntegerField(min_value=RATING_MIN, max_value=RATING_MAX)
    title = serializers.CharField(max_length=TITLE_MAX_LENGTH, allow_blank=True, required=False, default="")
    body = serializers.CharField(max_length=BODY_MAX_LENGTH)

    class Meta:
        model = Review
        fields = ["rating", "title", "body"]


class ReviewModerationSerializer(StrictFieldsMixin, serializers.Serializer):
    """Why a moderator hides (or publishes again) a review."""

    reason = serializers.CharField(max_length=REASON_MAX_LENGTH)
