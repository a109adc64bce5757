"""The reviews app's domain errors."""

from bookstore.api.errors import Conflict, DomainError


class ReviewExists(Conflict):
    """A reader reviews a book once; `details.review` is the id of the review they already wrote."""

    message = "You have already reviewed this book: change or delete that review instead."


class ReviewNotFound(DomainError):
    """The review does not exist, or is not the caller's to change (never a 403: its existence stays private)."""

    code = "not_found"
    status = 404
    message = "Not found."
