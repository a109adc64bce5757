"""Writing, moderating and verifying reviews, and keeping each book's stored rating exact.

Every write locks the book's row first (then the review's), recounts the book's published reviews and stores
the result with catalog's `book_rating_set`, all in one transaction. Writers of one book therefore queue on its
row, and each recounts after the one before it committed: the stored average and count always equal a fresh
count of the visible reviews, whatever runs at once. The lock order (order, then books, then reviews) is the
one checkout and refunds follow, so no two of them can deadlock.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from catalog.models import Book
from catalog.services import book_rating_set
from orders.models import Order

from .errors import ReviewExists, ReviewNotFound
from .models import BODY_MAX_LENGTH, RATING_MAX, RATING_MIN, REASON_MAX_LENGTH, TITLE_MAX_LENGTH, Review

# An order with the book counts as a purchase from the moment it is paid until it is refunded.
PURCHASED = [Order.Status.PAID, Order.Status.SHIPPED, Order.Status.DELIVERED]


def is_moderator(user) -> bool:
    """Moderators (the `moderators` group) and superusers hide and unhide reviews."""
    return user.has_perm("reviews.moderate_review")


def has_bought(*, user_id: int, book_id: int) -> bool:
    """Whether the user has a paid (or shipped, or delivered) order holding the book."""
    return Order.objects.filter(user_id=user_id, status__in=PURCHASED, lines__book_id=book_id).exists()


def _check(*, rating=None, title=None, body=None) -> None:
    """The rules of a review's own fields, as a 400 naming each field that breaks one."""
    errors = {}
    if rating is not None and not (isinstance(rating, int) and RATING_MIN <= rating <= RATING_MAX):
        errors["rating"] = [f"A rating is a whole number from {RATING_MIN} to {RATING_MAX}."]
    if title is not None and len(title) > TITLE_MAX_LENGTH:
        errors["title"] = [f"A title has at most {TITLE_MAX_LENGTH} characters."]
    if body is not None and not body.strip():
        errors["body"] = ["A review needs a text."]
    elif body is not None and len(body) > BODY_MAX_LENGTH:
        errors["body"] = [f"A review has at most {BODY_MAX_LENGTH} characters."]
    if errors:
        raise ValidationError(errors)


def _lock_book(book_id: int) -> Book:
    return Book.objects.select_for_update().get(pk=book_id)


def _lock_review(review: Review) -> Review:
    """Lock the review's row and read it again as it is now (a moderation or edit may have committed since)."""
    if not list(Review.objects.select_for_update().filter(pk=review.pk).values_list("pk")):
        raise ReviewNotFound()  # deleted meanwhile
    review.refresh_from_db()
    return review


def review_lock_book(*, review_id: int) -> None:
    """Lock the book of a review (if there is one), for a caller that must lock the review itself before
    calling a service here (a conditional write reads it under lock): books before reviews, always."""
    book_id = Review.objects.filter(pk=review_id).values_list("book_id", flat=True).first()
    if book_id is not None:
        _lock_book(book_id)


def _recount(book: Book) -> None:
    """Store the book's rating from its published reviews; the caller holds the book's row lock."""
    stats = Review.objects.published().filter(book=book).aggregate(count=Count("id"), total=Sum("rating"))
    book_rating_set(book=book, count=stats["count"], total=stats["total"] or 0)


@transaction.atomic
def review_create(*, user, book: Book, rating: int, body: str, title: str = "") -> Review:
    """A reader reviews an active book, once: a second review of the same book is refused with a conflict
    naming the first. `verified_purchase` says whether the reader has bought the book."""
    _check(rating=rating, title=title, body=body)
    book = _lock_book(book.pk)
    if not book.is_active:
        raise ValidationError({"book": ["This book is not sold any more, so it cannot be reviewed."]})
    existing = Review.objects.filter(user=user, book=book).values_list("pk", flat=True).first()
    if existing is not None:
        raise ReviewExists(details={"review": existing})
    review = Review.objects.create(
        user=user,
        book=book,
        rating=rating,
        title=title,
        body=body,
        verified_purchase=has_bought(user_id=user.pk, book_id=book.pk),
    )
    _recount(book)
    return review


def _own(review: Review, user) -> None:
    if review.user_id != user.pk:
        raise ReviewNotFound()


@transaction.atomic
def review_update(*, review: Review, user, **fields) -> Review:
    """The author changes their review's rating, title or text; `verified_purchase` is computed again."""
    _own(review, user)
    _check(**fields)
    book = _lock_book(review.book_id)
    review = _lock_review(review)
    for name, value in fields.items():
        setattr(review, name, value)
    review.verified_purchase = has_bought(user_id=review.user_id, book_id=review.book_id)
    review.save(update_fields=[*fields, "verified_purchase", "updated_at"])
    _recount(book)
    return review


@transaction.atomic
def review_delete(*, review: Review, user) -> None:
    """The author deletes their review; the book's rating no longer counts it."""
    _own(review, user)
    book = _lock_book(review.book_id)
    _lock_review(review).delete()
    _recount(book)


def _moderate(review: Review, by, *, status: str, reason: str) -> Review:
    if not is_moderator(by):
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": ["Say why."]})
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError({"reason": [f"A reason has at most {REASON_MAX_LENGTH} characters."]})
    book = _lock_book(review.book_id)
    review = _lock_review(review)
    if review.status == status:  # already so: answered as it is
        return review
    review.status = status
    review.moderation_reason, review.moderated_by, review.moderated_at = reason, by, timezone.now()
    review.save(update_fields=["status", "moderation_reason", "moderated_by", "moderated_at"])
    _recount(book)
    return review


@transaction.atomic
def review_hide(*, review: Review, by, reason: str) -> Review:
    """A moderator hides a review, saying why: it leaves the lists and the book's rating; its author still
    sees it, with its status and the reason."""
    return _moderate(review, by, status=Review.Status.HIDDEN, reason=reason)


@transaction.atomic
def review_unhide(*, review: Review, by, reason: str) -> Review:
    """A moderator publishes a hidden review again, saying why; it counts in the book's rating again."""
    return _moderate(review, by, status=Review.Status.PUBLISHED, reason=reason)


@transaction.atomic
def review_purchases_refresh(*, order: Order) -> int:
    """After `order` was refunded (called by orders' `order_refund` in its transaction, see
    ORDER_REFUND_HANDLERS in settings): the buyer's reviews of its books stay verified only while another paid
    (or later) order holds the book. The books are locked as review writes lock them, so a review written at
    the same time sees the refund, or is seen by this. Answers how many reviews changed."""
    book_ids = sorted(set(order.lines.values_list("book_id", flat=True)))
    list(Book.objects.select_for_update().filter(pk__in=book_ids).order_by("pk").values_list("pk"))
    changed = 0
    for review in Review.objects.filter(user_id=order.user_id, book_id__in=book_ids, verified_purchase=True):
        if not has_bought(user_id=order.user_id, book_id=review.book_id):
            changed += Review.objects.filter(pk=review.pk).update(verified_purchase=False)
    return changed
