from django.urls import path

from opora.core import views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("audit/", views.AuditLogView.as_view(), name="audit"),
]
