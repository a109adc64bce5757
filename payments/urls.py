from django.urls import path

from . import views

urlpatterns = [
    path("orders/<uuid:pk>/payment/", views.OrderPaymentView.as_view(), name="order-payment"),
]
