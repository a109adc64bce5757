"""A script a client developer would write with a client generated from the OpenAPI schema.

CI (scripts/client_check.sh) generates `bookstore_client` with openapi-python-client from openapi/v1.yaml and
from openapi/v2.yaml and runs this same file, unmodified, against a live server with each:

    PYTHONPATH=<dir holding bookstore_client> python scripts/client_script.py \\
        --version v2 --base-url http://127.0.0.1:8000 --email manager@example.com --password ...

It lists and filters books (two authors and two sort keys as lists), follows the `next` link of a page (a
cursor in v2), logs in, creates a book, updates it with If-Match, is refused with a stale ETag, deletes it,
and reads the error code of a 400. Then it reviews a book, reads the review and the book's rating, is refused
a second review (409), and deletes its review. It prints each step, and exits non-zero on anything the
schema did not promise.
"""

import argparse
import secrets
import sys
from urllib.parse import parse_qsl, urlsplit

from bookstore_client import AuthenticatedClient, Client
from bookstore_client.api.auth import auth_token_create
from bookstore_client.api.authors import authors_list
from bookstore_client.api.books import books_create, books_destroy, books_list, books_partial_update, books_retrieve
from bookstore_client.api.publishers import publishers_list
from bookstore_client.api.reviews import books_reviews_create, books_reviews_list, reviews_destroy, reviews_retrieve
from bookstore_client.models import (
    BookRequest,
    BooksListOrderingItem,
    ErrorEnvelope,
    PatchedBookRequest,
    ReviewWriteRequest,
    TokenObtainPairRequest,
)


class Surprise(Exception):
    """The server answered something the script did not expect."""


def expect(condition, what):
    if not condition:
        raise Surprise(what)


def answered(response, status):
    """The parsed body of a response that must have this status."""
    expect(response.status_code == status, f"expected HTTP {status}, got {response.status_code}: {response.content!r}")
    return response.parsed


def isbn13():
    """A fresh ISBN-13 with a correct check digit (979 prefix: no demo book uses one)."""
    digits = "979" + "".join(secrets.choice("0123456789") for _ in range(9))
    total = sum(int(digit) * (3 if position % 2 else 1) for position, digit in enumerate(digits))
    return digits + str((10 - total % 10) % 10)


def price_of(book):
    """A book's price as text: v1 answers `price: "9.99"`, v2 `price: {amount, currency}`."""
    price = book.to_dict()["price"]
    return price["amount"] if isinstance(price, dict) else price


def list_and_filter(client, version):
    page = answered(books_list.sync_detailed(client=client, limit=3), 200).data
    expect(len(page.results) == 3, f"a page of 3 books, got {len(page.results)}")
    print(f"list: {len(page.results)} books, first {page.results[0].title!r}")

    filtered = answered(books_list.sync_detailed(client=client, language="en", price_max="20.00", limit=100), 200)
    books = filtered.data.results
    expect(books, "some English books up to 20.00")
    expect(all(book.language == "en" and float(price_of(book)) <= 20 for book in books), "filters applied")
    print(f"filter language=en price_max=20.00: {len(books)} books, all English and at most 20.00")

    expect(page.next_, "a next link on the first page")
    params = dict(parse_qsl(urlsplit(page.next_).query))
    if version == "v2":
        expect("cursor" in params, f"v2 pages by cursor, next link: {page.next_}")
    arguments = {name: int(value) if value.isdigit() else value for name, value in params.items()}
    second = answered(books_list.sync_detailed(client=client, **arguments), 200).data
    first_ids, second_ids = [book.id for book in page.results], [book.id for book in second.results]
    expect(second_ids and not set(first_ids) & set(second_ids), "the next page holds other books")
    print(f"next page via {sorted(params)}: ids {first_ids} then {second_ids}")


def credited(book):
    return {credit["id"] for credit in book.to_dict()["authors"]}


def filter_by_lists(client):
    """List filters take Python lists; the client sends them as repeated keys (`author=3&author=7`)."""
    shelf = answered(books_list.sync_detailed(client=client, limit=100), 200).data.results
    first = sorted(credited(shelf[0]))[0]
    second = next(author for book in shelf for author in sorted(credited(book)) if first not in credited(book))
    ordering = [BooksListOrderingItem.PRICE_DESC, BooksListOrderingItem.TITLE]
    books = answered(books_list.sync_detailed(client=client, author=[first, second], ordering=ordering), 200)
    books = books.data.results
    by = [credited(book) & {first, second} for book in books]
    expect(all(by), "every book is by one of the two authors")
    expect(set().union(*by) == {first, second}, f"books by both authors {first} and {second}, not only the last")
    keys = [(-float(price_of(book)), book.title) for book in books]
    expect(keys == sorted(keys), "ordered by price descending, then title")
    print(f"filter author=[{first}, {second}] ordering=-price,title: {len(books)} books by either, dearest first")


def log_in(base_url, email, password):
    body = TokenObtainPairRequest(email=email, password=password)
    pair = answered(auth_token_create.sync_detailed(client=Client(base_url=base_url), body=body), 200).data
    print(f"log in as {email}: access token of {len(pair.access)} characters")
    return AuthenticatedClient(base_url=base_url, token=pair.access, raise_on_unexpected_status=True)


def create_update_delete(client):
    author = answered(authors_list.sync_detailed(client=client, limit=1), 200).data.results[0]
    publisher = answered(publishers_list.sync_detailed(client=client, limit=1), 200).data.results[0]
    new_book = BookRequest.from_dict(
        {
            "title": "A Client's First Book",
            "isbn": isbn13(),
            "pages": 123,
            "publisher": publisher.id,
            "authors": [{"id": author.id, "role": "author"}],
            "price": "11.00",
            "language": "en",
        }
    )
    created = books_create.sync_detailed(client=client, body=new_book)
    book = answered(created, 201).data
    etag = created.headers.get("ETag")
    expect(etag and created.headers.get("Location"), "ETag and Location on the 201")
    expect(book.is_active, "a book created without is_active is active")
    print(f"create: book {book.id} {book.title!r}, ETag {etag}")

    patch = PatchedBookRequest.from_dict({"price": "12.50"})
    updated = books_partial_update.sync_detailed(book.id, client=client, body=patch, if_match=etag)
    expect(price_of(answered(updated, 200).data) == "12.50", "the new price")
    new_etag = updated.headers.get("ETag")
    expect(new_etag and new_etag != etag, "a new ETag after the change")
    print(f"patch with If-Match {etag}: price 12.50, ETag now {new_etag}")

    stale = books_partial_update.sync_detailed(book.id, client=client, body=patch, if_match=etag)
    error = answered(stale, 412)
    expect(isinstance(error, ErrorEnvelope) and error.error.code == "precondition_failed", "412 precondition_failed")
    print(f"patch with the stale ETag: 412 {error.error.code}")

    answered(books_destroy.sync_detailed(book.id, client=client, if_match=new_etag), 204)
    gone = answered(books_retrieve.sync_detailed(book.id, client=client), 404)
    expect(gone.error.code == "not_found", "404 not_found after the delete")
    print(f"delete with If-Match: 204; read again: 404 {gone.error.code}")
    return author, publisher


def read_a_400(client, author, publisher):
    bad = BookRequest.from_dict(
        {
            "title": "Bad ISBN",
            "isbn": "978-0-306-40615-8",  # the check digit should be 7
            "pages": 10,
            "publisher": publisher.id,
            "authors": [{"id": author.id, "role": "author"}],
            "price": "1.00",
        }
    )
    error = answered(books_create.sync_detailed(client=client, body=bad), 400)
    expect(isinstance(error, ErrorEnvelope), "the error envelope")
    expect(error.error.code == "validation_error", f"validation_error, got {error.error.code}")
    details = error.error.details.to_dict()
    expect(list(details) == ["isbn"], f"details name the ISBN, got {details}")
    print(f"create with a bad ISBN: 400 {error.error.code}, isbn: {details['isbn'][0]}")


def rating_of(book):
    """A book's rating as (average, count): v1 answers `rating_average` and `rating_count`, v2 `rating`."""
    data = book.to_dict()
    rating = data.get("rating") or {"average": data["rating_average"], "count": data["rating_count"]}
    return rating["average"], rating["count"]


def review_a_book(client, anonymous):
    book = answered(books_list.sync_detailed(client=anonymous, limit=1), 200).data.results[0]
    before = rating_of(book)
    body = ReviewWriteRequest.from_dict({"rating": 5, "title": "From a client", "body": "Read it in one sitting."})
    created = books_reviews_create.sync_detailed(book.id, client=client, body=body)
    review = answered(created, 201).data
    expect(created.headers.get("Location"), "Location on the 201")
    expect((review.book, review.rating, review.status) == (book.id, 5, "published"), f"the review as sent: {review}")
    print(f"review book {book.id}: review {review.id}, rating 5, status {review.status}")

    read = answered(reviews_retrieve.sync_detailed(review.id, client=anonymous), 200).data
    listed = answered(books_reviews_list.sync_detailed(book.id, client=anonymous, limit=100), 200).data.results
    expect(read.body == "Read it in one sitting." and review.id in [r.id for r in listed], "read back and listed")
    after = rating_of(answered(books_retrieve.sync_detailed(book.id, client=anonymous), 200).data)
    expect(after[1] == before[1] + 1 and after[0] is not None, f"the book's rating counts it: {before} -> {after}")
    print(f"read it back, listed on the book; the book's rating {before} -> {after}")

    again = answered(books_reviews_create.sync_detailed(book.id, client=client, body=body), 409)
    expect(again.error.code == "conflict" and again.error.details.to_dict() == {"review": review.id}, "409 naming it")
    print(f"a second review of the book: 409 {again.error.code}, details {again.error.details.to_dict()}")

    answered(reviews_destroy.sync_detailed(review.id, client=client), 204)
    final = rating_of(answered(books_retrieve.sync_detailed(book.id, client=anonymous), 200).data)
    expect(final == before, f"the rating as before the review: {final}")
    print(f"delete the review: 204; the book's rating is {final} again")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--version", required=True, choices=["v1", "v2"], help="the schema the client came from")
    parser.add_argument("--base-url", required=True, help="the server, e.g. http://127.0.0.1:8000")
    parser.add_argument("--email", required=True, help="a catalog manager's email")
    parser.add_argument("--password", required=True)
    args = parser.parse_args()

    anonymous = Client(base_url=args.base_url, raise_on_unexpected_status=True)
    try:
        list_and_filter(anonymous, args.version)
        filter_by_lists(anonymous)
        manager = log_in(args.base_url, args.email, args.password)
        author, publisher = create_update_delete(manager)
        read_a_400(manager, author, publisher)
        review_a_book(manager, anonymous)
    except Surprise as surprise:
        print(f"SURPRISE ({args.version}): {surprise}", file=sys.stderr)
        return 1
    print(f"{args.version}: the generated client did everything the script asked")
    return 0


if __name__ == "__main__":
    sys.exit(main())
