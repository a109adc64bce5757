from django.urls import path

from . import views

detail = {"get": "retrieve", "patch": "partial_update", "delete": "destroy"}

urlpatterns = [
    path(
        "books/<int:book_pk>/reviews/",
        views.BookReviewViewSet.as_view({"get": "list", "post": "create"}),
        name="book-review-list",
    ),
    path("reviews/<int:pk>/", views.ReviewViewSet.as_view(detail), name="review-detail"),
    path("reviews/<int:pk>/hide/", views.ReviewViewSet.as_view({"post": "hide"}), name="review-hide"),
    path("reviews/<int:pk>/unhide/", views.ReviewViewSet.as_view({"post": "unhide"}), name="review-unhide"),
]
