"""The book admin: staff find, filter and edit books, and the same invariants hold as in the API."""

from decimal import Decimal

import pytest
from django.urls import reverse

from catalog.models import Book, BookAuthor
from tests.factories import AuthorFactory, BookFactory, GenreFactory, PublisherFactory


@pytest.fixture
def orwell(db):
    return AuthorFactory(name="George Orwell", sort_name="Orwell, George")


@pytest.fixture
def dystopia(db):
    return GenreFactory(name="Dystopian fiction")


@pytest.fixture
def book(orwell, dystopia):
    return BookFactory(
        title="Nineteen Eighty-Four",
        isbn="9780451524935",
        authors=[orwell],
        genres=[dystopia],
        price="9.99",
        stock=25,
        format=Book.Format.PAPERBACK,
        language="en",
    )


@pytest.fixture
def other_book(db):
    return BookFactory(
        title="Pride and Prejudice",
        isbn="9780141439518",
        authors=[AuthorFactory(name="Jane Austen")],
        format=Book.Format.HARDCOVER,
        language="fr",
        is_active=False,
    )


def changelist(superuser_browser, **params):
    response = superuser_browser.get(reverse("admin:catalog_book_changelist"), params)
    assert response.status_code == 200
    return response


def listed_titles(response):
    return sorted(book.title for book in response.context["cl"].result_list)


def change_form_data(book, **overrides):
    """The POST body of the book change form as a browser sends it, with the byline inline prefilled."""
    credits = list(book.credits.all())
    data = {
        "title": book.title,
        "subtitle": book.subtitle,
        "slug": book.slug,
        "isbn": book.isbn,
        "description": book.description,
        "language": book.language,
        "pages": book.pages,
        "publication_date": book.publication_date or "",
        "format": book.format,
        "publisher": book.publisher_id,
        "genres": [genre.pk for genre in book.genres.all()],
        "price": book.price,
        "currency": book.currency,
        "stock": book.stock,
        "is_active": "on" if book.is_active else "",
        "credits-TOTAL_FORMS": len(credits),
        "credits-INITIAL_FORMS": len(credits),
        "credits-MIN_NUM_FORMS": 0,
        "credits-MAX_NUM_FORMS": 1000,
        "_save": "Save",
    }
    for i, credit in enumerate(credits):
        data |= {
            f"credits-{i}-id": credit.pk,
            f"credits-{i}-book": book.pk,
            f"credits-{i}-position": credit.position,
            f"credits-{i}-author": credit.author_id,
            f"credits-{i}-role": credit.role,
        }
    return {**data, **overrides}


def test_changelist_shows_the_book_columns(superuser_browser, book):
    response = changelist(superuser_browser)

    content = response.content.decode()
    for column in ["title", "author_names", "price", "stock", "is_active"]:
        assert f"column-{column}" in content
    assert "Nineteen Eighty-Four" in content
    assert "George Orwell" in content
    assert 'value="9.99"' in content
    assert 'value="25"' in content


def test_changelist_is_only_for_staff(client, customer, book):
    client.force_login(customer)

    response = client.get(reverse("admin:catalog_book_changelist"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("eighty-four", id="title"),
        pytest.param("9780451524935", id="isbn"),
        pytest.param("978-0-451-52493-5", id="hyphenated-isbn13"),
        pytest.param("0451524934", id="isbn10"),
        pytest.param("0-451-52493-4", id="hyphenated-isbn10"),
        pytest.param("eighty-four 0-451-52493-4", id="title-and-isbn10"),
        pytest.param("orwell", id="author-name"),
    ],
)
def test_search_finds_the_book(superuser_browser, book, other_book, query):
    response = changelist(superuser_browser, q=query)

    assert listed_titles(response) == ["Nineteen Eighty-Four"]


def test_search_by_author_lists_a_co_written_book_once(superuser_browser, orwell):
    BookFactory(title="Collected Essays", authors=[orwell, AuthorFactory(name="Orwell Society")])

    response = changelist(superuser_browser, q="orwell")

    assert listed_titles(response) == ["Collected Essays"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        pytest.param({"format__exact": "hardcover"}, ["Pride and Prejudice"], id="format"),
        pytest.param({"language": "en"}, ["Nineteen Eighty-Four"], id="language"),
        pytest.param({"is_active__exact": "0"}, ["Pride and Prejudice"], id="inactive"),
        pytest.param({"is_active__exact": "1"}, ["Nineteen Eighty-Four"], id="active"),
    ],
)
def test_list_filters(superuser_browser, book, other_book, params, expected):
    response = changelist(superuser_browser, **params)

    assert listed_titles(response) == expected


def test_list_filter_by_genre(superuser_browser, book, other_book, dystopia):
    response = changelist(superuser_browser, genres__id__exact=dystopia.pk)

    assert listed_titles(response) == ["Nineteen Eighty-Four"]


def test_change_form_renders_with_the_byline_inline(superuser_browser, book, orwell):
    response = superuser_browser.get(reverse("admin:catalog_book_change", args=[book.pk]))

    assert response.status_code == 200
    content = response.content.decode()
    assert 'name="credits-TOTAL_FORMS"' in content
    (inline,) = response.context["inline_admin_formsets"]
    assert [form.instance.author for form in inline.formset.initial_forms] == [orwell]


def test_add_form_renders(superuser_browser, db):
    response = superuser_browser.get(reverse("admin:catalog_book_add"))

    assert response.status_code == 200
    assert 'name="credits-TOTAL_FORMS"' in response.content.decode()


def test_saving_the_change_form_stores_the_change(superuser_browser, book, orwell):
    translator = AuthorFactory(name="Translator")
    data = change_form_data(
        book,
        title="1984",
        price="12.50",
        **{
            "credits-TOTAL_FORMS": 2,
            "credits-1-position": 1,
            "credits-1-author": translator.pk,
            "credits-1-role": BookAuthor.Role.TRANSLATOR,
        },
    )

    response = superuser_browser.post(reverse("admin:catalog_book_change", args=[book.pk]), data)

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:catalog_book_changelist")
    book.refresh_from_db()
    assert book.title == "1984"
    assert book.price == Decimal("12.50")
    assert [(credit.author, credit.role) for credit in book.credits.all()] == [
        (orwell, BookAuthor.Role.AUTHOR),
        (translator, BookAuthor.Role.TRANSLATOR),
    ]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        pytest.param("isbn", "9780451524936", id="isbn-checksum"),
        pytest.param("isbn", "not an isbn", id="isbn-format"),
        pytest.param("title", "X", id="one-character-title"),
        pytest.param("pages", 0, id="no-pages"),
        pytest.param("price", "-1.00", id="negative-price"),
    ],
)
def test_invalid_change_shows_the_error_and_saves_nothing(superuser_browser, book, field, value):
    before = Book.objects.values().get(pk=book.pk)
    data = change_form_data(book, **{field: value, "stock": 3})

    response = superuser_browser.post(reverse("admin:catalog_book_change", args=[book.pk]), data)

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert list(form.errors) == [field]
    assert 'class="errornote"' in response.content.decode()
    assert Book.objects.values().get(pk=book.pk) == before


def test_add_form_stores_a_hyphenated_isbn10_as_isbn13(superuser_browser, orwell):
    publisher = PublisherFactory()
    data = {
        "title": "Animal Farm",
        "subtitle": "",
        "slug": "animal-farm",
        "isbn": "0-306-40615-2",
        "description": "",
        "language": "en",
        "pages": 112,
        "publication_date": "1945-08-17",
        "format": Book.Format.PAPERBACK,
        "publisher": publisher.pk,
        "price": "8.99",
        "currency": Book.Currency.GBP,
        "stock": 4,
        "is_active": "on",
        "credits-TOTAL_FORMS": 1,
        "credits-INITIAL_FORMS": 0,
        "credits-MIN_NUM_FORMS": 0,
        "credits-MAX_NUM_FORMS": 1000,
        "credits-0-position": 0,
        "credits-0-author": orwell.pk,
        "credits-0-role": BookAuthor.Role.AUTHOR,
        "_save": "Save",
    }

    response = superuser_browser.post(reverse("admin:catalog_book_add"), data)

    assert response.status_code == 302
    created = Book.objects.get(slug="animal-farm")
    assert created.isbn == "9780306406157"
    assert list(created.authors.all()) == [orwell]


def test_add_form_refuses_the_isbn10_of_an_existing_book(superuser_browser, book):
    data = change_form_data(book, slug="another-slug", isbn="0-451-52493-4")
    data |= {"credits-INITIAL_FORMS": 0, "credits-0-id": "", "credits-0-book": ""}

    response = superuser_browser.post(reverse("admin:catalog_book_add"), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"isbn": ["Book with this ISBN already exists."]}
    assert Book.objects.count() == 1


def test_price_and_stock_are_editable_from_the_changelist(superuser_browser, book, other_book):
    data = {
        "form-TOTAL_FORMS": 1,
        "form-INITIAL_FORMS": 1,
        "form-MIN_NUM_FORMS": 0,
        "form-MAX_NUM_FORMS": 1000,
        "form-0-id": book.pk,
        "form-0-price": "7.49",
        "form-0-stock": 3,
        "_save": "Save",
    }

    response = superuser_browser.post(reverse("admin:catalog_book_changelist"), data)

    assert response.status_code == 302
    book.refresh_from_db()
    other_book.refresh_from_db()
    assert (book.price, book.stock) == (Decimal("7.49"), 3)
    assert (other_book.price, other_book.stock) == (Decimal("10.00"), 5)


def test_changelist_refuses_a_negative_stock(superuser_browser, book):
    data = {
        "form-TOTAL_FORMS": 1,
        "form-INITIAL_FORMS": 1,
        "form-MIN_NUM_FORMS": 0,
        "form-MAX_NUM_FORMS": 1000,
        "form-0-id": book.pk,
        "form-0-price": "7.49",
        "form-0-stock": -1,
        "_save": "Save",
    }

    response = superuser_browser.post(reverse("admin:catalog_book_changelist"), data)

    assert response.status_code == 200
    assert response.context["cl"].formset.errors == [{"stock": ["Ensure this value is greater than or equal to 0."]}]
    book.refresh_from_db()
    assert (book.price, book.stock) == (Decimal("9.99"), 25)
