from __future__ import annotations

from django.urls import path

from offers.views import OFFER_KIND, host_verification, host_verification_withdraw_view
from posts import views

kind = {"kind": OFFER_KIND}

urlpatterns = [
    path("", views.post_list, kind, name="offer_list"),
    path("new/", views.post_create, kind, name="offer_create"),
    path("<int:pk>/", views.post_detail, kind, name="offer_detail"),
    path("<int:pk>/edit/", views.post_edit, kind, name="offer_edit"),
    # Before the status pattern, which would take "host-verification" for an action.
    path("<int:pk>/host-verification/", host_verification, name="offer_host_verification"),
    path(
        "<int:pk>/host-verification/withdraw/",
        host_verification_withdraw_view,
        name="offer_host_verification_withdraw",
    ),
    path("<int:pk>/renew/", views.post_renew, kind, name="offer_renew"),
    path("<int:pk>/<slug:action>/", views.post_status, kind, name="offer_status"),
]
