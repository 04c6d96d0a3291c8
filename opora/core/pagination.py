"""The API's pagination (its own module: DRF's generic views import it while opora.core.api loads)."""

from rest_framework import pagination


class Pagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
