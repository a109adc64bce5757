from django.urls import path

from . import views

urlpatterns = [
    path("cart/", views.CartViewSet.as_view({"get": "retrieve", "delete": "destroy"}), name="cart"),
    path("cart/items/", views.CartItemViewSet.as_view({"post": "create"}), name="cart-item-list"),
    path(
        "cart/items/<int:pk>/",
        views.CartItemViewSet.as_view({"get": "retrieve", "patch": "partial_update", "delete": "destroy"}),
        name="cart-item-detail",
    ),
]
