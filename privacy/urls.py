from django.urls import path

from privacy.views import privacy_page

urlpatterns = [path("privacy/", privacy_page, name="privacy")]
