"""Domain errors: a workflow refuses with a Russian message that a view shows as is."""


class DomainError(Exception):
    """A rule of the domain refused the action. ``field`` names the form field at fault, if any."""

    def __init__(self, message: str, *, field: str | None = None, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code
