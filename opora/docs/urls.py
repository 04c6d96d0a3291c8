from django.urls import path

from opora.docs import views

app_name = "docs"

urlpatterns = [
    path(
        "graduates/<int:pk>/documents/contract/<int:contract_pk>.docx",
        views.ContractDocumentView.as_view(),
        name="contract",
    ),
    path(
        "graduates/<int:pk>/documents/contract-draft/<int:case_pk>.docx",
        views.ContractDraftDocumentView.as_view(),
        name="contract_draft",
    ),
    path("graduates/<int:pk>/documents/plan/<int:plan_pk>.docx", views.PlanDocumentView.as_view(), name="plan"),
    path("graduates/<int:pk>/documents/social-card.docx", views.SocialCardDocumentView.as_view(), name="social_card"),
    path(
        "graduates/<int:pk>/documents/transfer/<int:transfer_pk>.docx",
        views.TransferNoticeDocumentView.as_view(),
        name="transfer",
    ),
]
