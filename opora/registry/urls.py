from django.urls import path

from opora.registry import views

app_name = "registry"

urlpatterns = [
    path("", views.GraduateListView.as_view(), name="list"),
    path("new/", views.GraduateCreateView.as_view(), name="create"),
    path("<int:pk>/", views.GraduateDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.GraduateUpdateView.as_view(), name="update"),
    path("<int:pk>/confirm-details/", views.GraduateConfirmDetailsView.as_view(), name="confirm_details"),
    path("<int:pk>/delete/", views.GraduateDeleteView.as_view(), name="delete"),
    path("<int:pk>/consents/", views.GraduateConsentsView.as_view(), name="consents"),
    path("<int:pk>/consents/<int:consent_pk>/scan/", views.ConsentScanView.as_view(), name="consent_scan"),
    path("<int:pk>/consents/<int:consent_pk>/withdraw/", views.ConsentWithdrawView.as_view(), name="consent_withdraw"),
    path("<int:pk>/history/", views.GraduateHistoryView.as_view(), name="history"),
    path("<int:pk>/photo/<str:kind>/", views.GraduatePhotoView.as_view(), name="photo"),
]
