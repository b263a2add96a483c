from django.urls import path

from rights import views

urlpatterns = [
    path("my/data/", views.my_data, name="my_data"),
    path("my/data/access/", views.my_contact_access, name="my_contact_access"),
    path("my/data/download/<str:token>/", views.data_export_download, name="data_export_download"),
    path("my/delete/", views.account_erase_self, name="account_erase_self"),
    path(
        "coordination/people/<int:pk>/delete/",
        views.account_erase_on_request,
        name="account_erase_on_request",
    ),
]
