"""factory_boy factories for the catalog and accounts."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from accounts.roles import CATALOG_MANAGERS, CUSTOMERS, MODERATORS, ORDER_MANAGERS
from catalog.isbn import isbn13_check_digit
from catalog.models import Author, Book, BookAuthor, Genre, Publisher
from catalog.services import book_search_refresh

PASSWORD = "correct-horse-battery-staple"


def isbn13(n: int) -> str:
    first12 = f"978{n:09d}"
    return first12 + isbn13_check_digit(first12)


class UserFactory(factory.django.DjangoModelFactory):
    """A user with no role: in no group, so no permission. Registration never makes one (see CustomerFactory)."""

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.django.Password(PASSWORD)


class CustomerFactory(UserFactory):
    """A customer: in the `customers` group, as registration leaves every new user."""

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create:
            self.groups.add(Group.objects.get(name=CUSTOMERS))


class CatalogManagerFactory(UserFactory):
    """A catalog manager: staff, in the `catalog_managers` group."""

    is_staff = True

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create:
            self.groups.add(Group.objects.get(name=CATALOG_MANAGERS))


class OrderManagerFactory(UserFactory):
    """An order manager: staff, in the `order_managers` group."""

    is_staff = True

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create:
            self.groups.add(Group.objects.get(name=ORDER_MANAGERS))


class ModeratorFactory(CustomerFactory):
    """A moderator: a customer also in the `moderators` group (not staff: the API is enough to moderate)."""

    @factory.post_generation
    def moderator(self, create, extracted, **kwargs):
        if create:
            self.groups.add(Group.objects.get(name=MODERATORS))


class SuperuserFactory(UserFactory):
    is_staff = True
    is_superuser = True


# The roles of the permission tables, and the factory of a user in each; "anonymous" has no user.
ROLE_FACTORIES = {
    "anonymous": None,
    "customer": CustomerFactory,
    "catalog_manager": CatalogManagerFactory,
    "moderator": ModeratorFactory,
    "superuser": SuperuserFactory,
}


class PublisherFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Publisher

    name = factory.Sequence(lambda n: f"Publisher {n}")
    slug = factory.Sequence(lambda n: f"publisher-{n}")
    website = "https://publisher.example.com/"
    country = "GB"


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author

    name = factory.Sequence(lambda n: f"Author {n}")
    slug = factory.Sequence(lambda n: f"author-{n}")
    sort_name = factory.LazyAttribute(lambda author: author.name)


class GenreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Genre

    name = factory.Sequence(lambda n: f"Genre {n}")
    slug = factory.Sequence(lambda n: f"genre-{n}")


class BookFactory(factory.django.DjangoModelFactory):
    """A book with one author; pass `authors=[...]` and `genres=[...]` for more."""

    class Meta:
        model = Book
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Book {n:04d}")
    slug = factory.Sequence(lambda n: f"book-{n}")
    isbn = factory.Sequence(isbn13)
    language = "en"
    pages = 200
    format = Book.Format.PAPERBACK
    publisher = factory.SubFactory(PublisherFactory)
    price = "10.00"
    currency = Book.Currency.EUR
    stock = 5

    @factory.post_generation
    def authors(self, create, extracted, **kwargs):
        if not create:
            return
        for position, author in enumerate(extracted if extracted is not None else [AuthorFactory()]):
            BookAuthor.objects.create(book=self, author=author, position=position)
        # As the admin does after writing credits itself: the byline names that search reads.
        book_search_refresh(book_ids=[self.pk])
        self.refresh_from_db(fields=["author_names"])

    @factory.post_generation
    def genres(self, create, extracted, **kwargs):
        if create and extracted:
            self.genres.set(extracted)
