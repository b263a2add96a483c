from __future__ import annotations

from django.urls import path

from intake import views

urlpatterns = [
    path("intake/", views.intake_people, name="intake_people"),
    path("intake/new/", views.intake_register, name="intake_register"),
    path("intake/<int:pk>/", views.intake_person, name="intake_person"),
    path("intake/<int:pk>/needs/new/", views.intake_need_create, name="intake_need_create"),
    path("intake/<int:pk>/claim-code/", views.intake_claim_code, name="intake_claim_code"),
    path("claim/", views.account_claim_view, name="account_claim"),
]
