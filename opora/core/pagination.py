"""The API's pagination (its own module: DRF's generic views import it while opora.core.api loads).

``page`` and ``page_size`` are integers from 1: anything else («1e20», «-1», «abc», a number
past the database's range) is a 400 with a Russian message, not a guess. A page past the last
one is a 404, as DRF answers; a ``page_size`` above :attr:`Pagination.max_page_size` is cut to it.
"""

from django.utils.translation import gettext as _
from rest_framework import pagination
from rest_framework.exceptions import ValidationError

from opora.core.validators import parse_id


class Pagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def _number(self, request, name: str) -> int | None:
        raw = request.query_params.get(name)
        if raw is None or raw == "":
            return None
        if name == self.page_query_param and raw in self.last_page_strings:
            return None
        number = parse_id(raw)
        if number is None:
            raise ValidationError({name: [_("Нужно целое число от 1.")]})
        return number

    def get_page_size(self, request):
        size = self._number(request, self.page_size_query_param)
        return self.page_size if size is None else min(size, self.max_page_size)

    def paginate_queryset(self, queryset, request, view=None):
        self._number(request, self.page_query_param)
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
            elif parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": self.max_page_size}
        return parameters
