from django.contrib import admin
from django.contrib.auth.views import LoginView
from django.urls import include, path, re_path

from accounts.throttling import throttle_login_posts
from bookstore.api.views import api_not_found
from bookstore.front_door import FaviconView, front_door
from payments.views import PaymentWebhookView, fake_payment_page

urlpatterns = [
    # The front door: each version, its docs and the auth endpoints.
    path("", front_door, name="front-door"),
    path("favicon.ico", FaviconView.as_view(), name="favicon"),
    # The login forms share the login throttles of POST /api/v1/auth/token/ (per address, per account).
    path("admin/login/", throttle_login_posts(admin.site.login)),
    path("admin/", admin.site.urls),
    path("api-auth/login/", throttle_login_posts(LoginView.as_view(template_name="rest_framework/login.html"))),
    path("api-auth/", include("rest_framework.urls")),
    # Both versions serve the same URLs; the namespace is the version (DRF's NamespaceVersioning).
    path("api/v1/", include(("bookstore.api_router", "v1"))),
    path("api/v2/", include(("bookstore.api_router", "v2"))),
    # The payment provider's signed events, not versioned; and the fake provider's Pay/Decline page.
    path("api/webhooks/payments/", PaymentWebhookView.as_view(), name="payment-webhook"),
    path("payments/fake/<uuid:payment_id>/", fake_payment_page, name="fake-payment-page"),
    path("api/", front_door, name="api-front-door"),
    # Last: any other path under /api/ (an unknown version included) is a 404 in the envelope.
    re_path(r"^api/", api_not_found),
]

handler400 = "bookstore.api.views.bad_request"
handler500 = "bookstore.api.views.server_error"
