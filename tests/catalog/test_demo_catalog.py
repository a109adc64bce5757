"""The demo data commands behind `make run`: load_demo_catalog and create_demo_staff."""

import shutil
import subprocess
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import override_settings

from accounts.roles import CATALOG_MANAGERS, ORDER_MANAGERS
from catalog.isbn import normalize_isbn
from catalog.models import Author, Book, BookAuthor, Genre, Publisher

DEMO_EMAIL = "admin@bookstore.test"
DEMO_PASSWORD = "demo-password-for-tests"


def load_demo_catalog():
    call_command("load_demo_catalog", stdout=StringIO())


def catalog_state():
    """Every row the command writes, with the fields that show whether it was touched."""
    return {
        "publishers": list(Publisher.objects.order_by("pk").values()),
        "authors": list(Author.objects.order_by("pk").values()),
        "genres": list(Genre.objects.order_by("pk").values()),
        "books": list(Book.objects.order_by("pk").values()),
        "credits": list(BookAuthor.objects.order_by("pk").values()),
        "book_genres": list(Book.genres.through.objects.order_by("pk").values()),
    }


@pytest.fixture
def demo_catalog(db):
    load_demo_catalog()


@pytest.mark.usefixtures("demo_catalog")
def test_loads_a_catalog_worth_browsing():
    assert Book.objects.count() >= 60
    assert Author.objects.count() > 0
    assert Publisher.objects.count() > 0
    assert Genre.objects.filter(parent__isnull=False).exists()


@pytest.mark.usefixtures("demo_catalog")
def test_every_book_has_a_byline_and_a_genre():
    assert not Book.objects.filter(credits__isnull=True).exists()
    assert not Book.objects.filter(genres__isnull=True).exists()


@pytest.mark.usefixtures("demo_catalog")
def test_every_isbn_is_stored_normalised():
    isbns = list(Book.objects.values_list("isbn", flat=True))

    assert [normalize_isbn(isbn) for isbn in isbns] == isbns


@pytest.mark.usefixtures("demo_catalog")
def test_every_row_passes_model_validation():
    for model in (Publisher, Author, Genre, Book):
        for row in model.objects.all():
            row.full_clean()


@pytest.mark.usefixtures("demo_catalog")
def test_a_second_run_creates_and_changes_nothing():
    before = catalog_state()

    out = StringIO()
    call_command("load_demo_catalog", stdout=out)

    assert catalog_state() == before
    assert "(0 new)" in out.getvalue()


@pytest.mark.usefixtures("demo_catalog")
def test_a_second_run_keeps_staff_edits():
    book = Book.objects.order_by("pk").first()
    Book.objects.filter(pk=book.pk).update(price="1.00", stock=0)

    load_demo_catalog()

    book.refresh_from_db()
    assert (str(book.price), book.stock) == ("1.00", 0)


def test_create_demo_staff_is_refused_without_demo_settings(db):
    with pytest.raises(CommandError, match="local settings"):
        call_command("create_demo_staff", stdout=StringIO())

    assert not get_user_model().objects.exists()


@override_settings(DEMO_STAFF_EMAIL=DEMO_EMAIL, DEMO_STAFF_PASSWORD=DEMO_PASSWORD)
def test_create_demo_staff_creates_a_superuser_and_a_catalog_manager(db):
    call_command("create_demo_staff", stdout=StringIO())

    User = get_user_model()
    admin = User.objects.get(email=DEMO_EMAIL)
    manager = User.objects.get(email="manager@bookstore.test")
    assert admin.is_superuser
    assert admin.check_password(DEMO_PASSWORD)
    assert manager.is_staff
    assert not manager.is_superuser
    assert manager.check_password(DEMO_PASSWORD)
    assert list(manager.groups.values_list("name", flat=True)) == [CATALOG_MANAGERS]
    assert manager.has_perm("catalog.change_book")


@override_settings(DEMO_STAFF_EMAIL=DEMO_EMAIL, DEMO_STAFF_PASSWORD=DEMO_PASSWORD)
def test_create_demo_staff_creates_an_order_manager(db):
    out = StringIO()
    call_command("create_demo_staff", stdout=out)

    orders = get_user_model().objects.get(email="orders@bookstore.test")
    assert (orders.is_staff, orders.is_superuser, orders.check_password(DEMO_PASSWORD)) == (True, False, True)
    assert list(orders.groups.values_list("name", flat=True)) == [ORDER_MANAGERS]
    assert orders.has_perm("orders.change_order")
    assert not orders.has_perm("catalog.change_book")
    assert f"order manager:   orders@bookstore.test / {DEMO_PASSWORD}" in out.getvalue()


@override_settings(DEMO_STAFF_EMAIL=DEMO_EMAIL, DEMO_STAFF_PASSWORD=DEMO_PASSWORD)
def test_create_demo_staff_twice_does_not_duplicate(db):
    call_command("create_demo_staff", stdout=StringIO())
    User = get_user_model()
    before = list(User.objects.order_by("pk").values("pk", "email", "password", "is_staff", "is_superuser"))

    call_command("create_demo_staff", stdout=StringIO())

    assert list(User.objects.order_by("pk").values("pk", "email", "password", "is_staff", "is_superuser")) == before
    assert len(before) == 3
    assert User.objects.get(email="manager@bookstore.test").groups.count() == 1
    assert User.objects.get(email="orders@bookstore.test").groups.count() == 1


@override_settings(DEMO_STAFF_EMAIL=DEMO_EMAIL, DEMO_STAFF_PASSWORD=DEMO_PASSWORD)
@pytest.mark.parametrize(
    ("options", "admin_url"),
    [
        pytest.param({}, "http://127.0.0.1:8000/admin/", id="default"),
        pytest.param({"host": "127.0.0.1:9123"}, "http://127.0.0.1:9123/admin/", id="address-and-port"),
        pytest.param({"host": "9123"}, "http://127.0.0.1:9123/admin/", id="port-only"),
        pytest.param({"host": "localhost:8080"}, "http://localhost:8080/admin/", id="name"),
        pytest.param({"host": "[::1]:8080"}, "http://[::1]:8080/admin/", id="ipv6"),
    ],
)
def test_create_demo_staff_prints_the_address_the_server_runs_at(db, options, admin_url):
    out = StringIO()

    call_command("create_demo_staff", stdout=out, **options)

    assert out.getvalue().splitlines()[0] == f"Admin: {admin_url}"


@pytest.mark.skipif(not shutil.which("make"), reason="needs GNU make (apt-get install make)")
def test_make_setup_passes_host_to_create_demo_staff():
    dry_run = subprocess.run(  # noqa: S603 - fixed arguments
        ["make", "--dry-run", "--always-make", "setup", "HOST=127.0.0.1:9123"],  # noqa: S607 - make from PATH
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )

    assert "manage.py create_demo_staff --host 127.0.0.1:9123" in dry_run.stdout
