"""Domain errors: how a service refuses a request, in terms of the business, not of HTTP frameworks.

Services raise these (or an app's subclasses, e.g. `InsufficientStock(Conflict)`); the API's exception
handler turns each into an error envelope with its code, status, message and details. This module imports
nothing from Django or DRF, so a service and its tests need neither to raise or inspect one.
"""


class DomainError(Exception):
    """A refusal a client can act on: a stable `code`, an HTTP `status`, one human sentence, and details."""

    code = "domain_error"
    status = 400
    message = "The request cannot be carried out."

    def __init__(self, message: str | None = None, *, details: dict | None = None):
        self.message = message or self.message
        self.details = details
        super().__init__(self.message)


class InvalidRequest(DomainError):
    """The request is well formed but asks for something the rules do not allow (400)."""

    code = "invalid_request"
    status = 400


class Conflict(DomainError):
    """The request conflicts with the current state of what it touches (409)."""

    code = "conflict"
    status = 409
    message = "The request conflicts with the current state of the resource."
