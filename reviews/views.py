"""Review endpoints of v1 and v2: a book's reviews (anyone reads, signed-in readers write one each), and one
review, which only its author changes or deletes and moderators hide or publish again."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.response import Response

from bookstore.api.viewsets import ResourceViewSet, VersionedViewSet
from catalog.models import Book

from . import services
from .models import Review
from .serializers import ReviewModerationSerializer, ReviewSerializer, ReviewWriteSerializer


def reviews_for(user):
    return Review.objects.visible_to(user).select_related("user")


@extend_schema(
    tags=["reviews"], parameters=[OpenApiParameter("book_pk", int, OpenApiParameter.PATH, description="The book's id.")]
)
class BookReviewViewSet(mixins.ListModelMixin, VersionedViewSet):
    """A book's reviews, newest first: the published ones, and your own whatever their status (moderators see
    every one). A book you may not see is a 404."""

    queryset = Review.objects.none()  # the model, for the schema; get_queryset scopes every request
    serializer_class = ReviewSerializer
    permission_classes = [IsAuthenticatedOrReadOnly]
    filter_backends = []

    def get_serializer_class(self):
        # The browsable API's form asks for the serializer of the method it renders a form for.
        return ReviewWriteSerializer if self.request.method == "POST" else ReviewSerializer

    def get_queryset(self):
        book = get_object_or_404(Book.objects.visible_to(self.request.user), pk=self.kwargs["book_pk"])
        return reviews_for(self.request.user).filter(book=book)

    @extend_schema(request=ReviewWriteSerializer, responses={201: ReviewSerializer})
    def create(self, request, *args, **kwargs):
        """Review the book: one review per reader and book (a second is a 409 naming the first)."""
        serializer = ReviewWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        book = Book.objects.filter(pk=self.kwargs["book_pk"]).first()
        if book is None:
            raise ValidationError({"book": ["There is no book with this id."]})
        review = services.review_create(user=request.user, book=book, **serializer.validated_data)
        location = request.build_absolute_uri(reverse(f"{request.version}:review-detail", args=[review.pk]))
        body = ReviewSerializer(reviews_for(request.user).get(pk=review.pk)).data
        return Response(body, status=status.HTTP_201_CREATED, headers={"Location": location})


@extend_schema(tags=["reviews"])
class ReviewViewSet(ResourceViewSet):
    """One review: anyone reads a published one; its author also reads it hidden, and alone changes or deletes
    it (anyone else: 404); moderators and superusers hide it or publish it again, saying why."""

    queryset = Review.objects.none()  # the model, for the schema; get_queryset scopes every request
    serializer_class = ReviewSerializer
    write_serializer_class = ReviewWriteSerializer
    permission_classes = [IsAuthenticatedOrReadOnly]
    filter_backends = []

    def get_queryset(self):
        if self.action in ("partial_update", "destroy"):
            return Review.objects.filter(user=self.request.user).select_related("user")
        return reviews_for(self.request.user)

    def get_serializer_class(self):
        # By method rather than action, so that the browsable API's PATCH form shows the fields one writes.
        return ReviewWriteSerializer if self.request.method == "PATCH" else ReviewSerializer

    def get_object(self):
        if self._checks_if_match():  # the If-Match read locks the review: its book must be locked first
            services.review_lock_book(review_id=self.kwargs["pk"])
        return super().get_object()

    def perform_update(self, serializer):
        services.review_update(review=serializer.instance, user=self.request.user, **serializer.validated_data)

    def perform_destroy(self, instance):
        services.review_delete(review=instance, user=self.request.user)

    def _moderate(self, service):
        serializer = ReviewModerationSerializer(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        review = service(review=self.get_object(), by=self.request.user, **serializer.validated_data)
        return Response(self.represent(reviews_for(self.request.user).get(pk=review.pk)))

    @extend_schema(request=ReviewModerationSerializer, responses=ReviewSerializer)
    @action(detail=True, methods=["post"])
    def hide(self, request, *args, **kwargs):
        """Hide a review, saying why (moderators): it leaves the lists and the book's rating."""
        return self._moderate(services.review_hide)

    @extend_schema(request=ReviewModerationSerializer, responses=ReviewSerializer)
    @action(detail=True, methods=["post"])
    def unhide(self, request, *args, **kwargs):
        """Publish a hidden review again, saying why (moderators): it counts in the book's rating again."""
        return self._moderate(services.review_unhide)
