"""Readers' reviews of books: one per reader and book, a rating of 1 to 5, hidden by moderators when needed."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from catalog.models import Book

RATING_MIN, RATING_MAX = 1, 5
TITLE_MAX_LENGTH = 120
BODY_MAX_LENGTH = 5000
REASON_MAX_LENGTH = 500


class ReviewQuerySet(models.QuerySet):
    def published(self):
        """What every reader sees, and what a book's rating is made of."""
        return self.filter(status=Review.Status.PUBLISHED)

    def visible_to(self, user):
        """Moderators (and superusers) see every review; anyone else the published ones of active books, and
        a signed-in author their own whatever their status."""
        if user.has_perm("reviews.moderate_review"):
            return self
        public = Q(status=Review.Status.PUBLISHED, book__is_active=True)
        return self.filter(public | Q(user=user) if user.is_authenticated else public)


class Review(models.Model):
    """One reader's review of one book: a rating of 1 to 5, a title and a text. `verified_purchase` says the
    reader has a paid (or later) order with the book; a hidden review counts nowhere but for its author."""

    class Status(models.TextChoices):
        PUBLISHED = "published", "Published"
        HIDDEN = "hidden", "Hidden"

    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="reviews")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews")
    rating = models.PositiveSmallIntegerField(validators=[MinValueValidator(RATING_MIN), MaxValueValidator(RATING_MAX)])
    title = models.CharField(max_length=TITLE_MAX_LENGTH, blank=True)
    body = models.TextField(max_length=BODY_MAX_LENGTH)
    verified_purchase = models.BooleanField(default=False, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PUBLISHED, editable=False)
    # The last moderation: why, by whom, when (a hide or an unhide).
    moderation_reason = models.CharField(max_length=REASON_MAX_LENGTH, blank=True, editable=False)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    moderated_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [("moderate_review", "Can hide and unhide reviews")]
        indexes = [
            # A book's published reviews, newest first: the list, and the rating's recount.
            models.Index(fields=["book", "status", "-created_at", "-id"], name="reviews_book_status_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["user", "book"], name="reviews_review_one_per_user_and_book"),
            models.CheckConstraint(
                condition=Q(rating__gte=RATING_MIN, rating__lte=RATING_MAX), name="reviews_review_rating_range"
            ),
            models.CheckConstraint(condition=~Q(body=""), name="reviews_review_body_not_blank"),
            models.CheckConstraint(condition=Q(status__in=["published", "hidden"]), name="reviews_review_status_valid"),
        ]

    def __str__(self):
        return f"{self.rating}/5 on {self.book_id} by {self.user_id}"
