from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinLengthValidator, MinValueValidator, RegexValidator
from django.db import connections, models
from django.db.models import F, Prefetch, Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact, GreaterThanOrEqual, LessThanOrEqual

from .isbn import normalize_isbn, validate_isbn13

TITLE_MIN_LENGTH = 2
TITLE_MAX_LENGTH = 100


class ISBNField(models.CharField):
    """A 13-digit ISBN; forms accept ISBN-10 and hyphenated input and store the normalised form."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 13)
        super().__init__(*args, **kwargs)
        self.validators.append(validate_isbn13)

    def to_python(self, value):
        value = super().to_python(value)
        return normalize_isbn(value) if value else value

    def formfield(self, **kwargs):
        # Room for a hyphenated ISBN-13 ("978-0-14-044913-6"), which to_python shortens to 13 digits.
        return super().formfield(**{"max_length": 17, **kwargs})


class Author(models.Model):
    """A person credited on books: writer, editor, translator or illustrator."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=120, unique=True)
    sort_name = models.CharField(max_length=200, help_text="How the name sorts, e.g. “Orwell, George”.")
    bio = models.TextField(blank=True)
    birth_date = models.DateField(null=True, blank=True)
    death_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["sort_name", "id"]
        indexes = [models.Index(fields=["sort_name", "id"], name="catalog_author_sort_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(death_date__isnull=True) | Q(birth_date__isnull=True) | Q(death_date__gte=F("birth_date")),
                name="catalog_author_death_after_birth",
                violation_error_message="The date of death cannot be before the date of birth.",
            ),
        ]

    def __str__(self):
        return self.name


class Publisher(models.Model):
    """A publishing house."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=120, unique=True)
    website = models.URLField(blank=True)
    country = models.CharField(
        max_length=2,
        blank=True,
        validators=[RegexValidator(r"^[A-Z]{2}$", "Use the two-letter ISO 3166 country code, e.g. “GB”.")],
    )

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["name", "id"], name="catalog_publisher_name_idx")]

    def __str__(self):
        return self.name


class Genre(models.Model):
    """A genre; a genre with a parent is a sub-genre of it (the tree is two levels deep in practice)."""

    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=120, unique=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["name", "id"], name="catalog_genre_name_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=F("id")),
                name="catalog_genre_not_own_parent",
                violation_error_message="A genre cannot be its own parent.",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.parent is not None and self.parent.is_within(self):
            raise ValidationError({"parent": "A genre cannot be placed under itself or one of its sub-genres."})

    def is_within(self, genre):
        """Whether this genre is `genre` or lies below it (a loop in the stored tree counts as yes)."""
        seen = set()
        node = self
        while node is not None:
            if node.pk is not None and node.pk == genre.pk or node.pk in seen:
                return True
            seen.add(node.pk)
            node = node.parent
        return False


class BookQuerySet(models.QuerySet):
    """Book queries: visibility per user, and everything a representation needs in a fixed number of queries."""

    def visible_to(self, user):
        """Inactive books exist only for those who may change them."""
        return self if user.has_perm("catalog.change_book") else self.filter(is_active=True)

    def stored_count(self, *, include_inactive: bool) -> int | None:
        """How many books there are (active ones, or all) as the counter PostgreSQL keeps exact in every write's
        transaction (migration 0006): one primary-key read instead of a COUNT(*) over the table. None where
        there is no counter (SQLite)."""
        connection = connections[self.db]
        if connection.vendor != "postgresql":
            return None
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT COALESCE(sum(books), 0) FROM catalog_book_count WHERE is_active OR %s", [include_inactive]
            )
            return int(cursor.fetchone()[0])

    def with_relations(self):
        """Everything a book's representation shows, in a fixed number of queries."""
        return self.select_related("publisher").prefetch_related(
            Prefetch("credits", queryset=BookAuthor.objects.select_related("author")),
            "genres",
        )


class Book(models.Model):
    """A title the store sells, in one edition (one ISBN)."""

    class Format(models.TextChoices):
        HARDCOVER = "hardcover", "Hardcover"
        PAPERBACK = "paperback", "Paperback"
        EBOOK = "ebook", "E-book"
        AUDIOBOOK = "audiobook", "Audiobook"

    class Currency(models.TextChoices):
        EUR = "EUR", "Euro"
        GBP = "GBP", "Pound sterling"
        USD = "USD", "US dollar"

    title = models.CharField(max_length=TITLE_MAX_LENGTH, validators=[MinLengthValidator(TITLE_MIN_LENGTH)])
    subtitle = models.CharField(max_length=200, blank=True)
    slug = models.SlugField(max_length=120, unique=True)
    isbn = ISBNField("ISBN", unique=True, help_text="ISBN-13 or ISBN-10; stored as 13 digits.")
    description = models.TextField(blank=True)
    language = models.CharField(
        max_length=2,
        default="en",
        validators=[RegexValidator(r"^[a-z]{2}$", "Use the two-letter ISO 639-1 language code, e.g. “en”.")],
    )
    pages = models.IntegerField(validators=[MinValueValidator(1), MaxValueValidator(100_000)])
    publication_date = models.DateField(null=True, blank=True)
    format = models.CharField(max_length=10, choices=Format.choices, default=Format.PAPERBACK)
    publisher = models.ForeignKey(Publisher, on_delete=models.PROTECT, related_name="books")
    authors = models.ManyToManyField(Author, through="BookAuthor", related_name="books")
    genres = models.ManyToManyField(Genre, blank=True, related_name="books")
    price = models.DecimalField(max_digits=10, decimal_places=2, validators=[MinValueValidator(0)])
    currency = models.CharField(max_length=3, choices=Currency.choices, default=Currency.EUR)
    stock = models.IntegerField(default=0, validators=[MinValueValidator(0), MaxValueValidator(2_147_483_647)])
    is_active = models.BooleanField(default=True)
    # The readers' rating, kept by book_rating_set from the visible reviews (0.00 and 0 before the first).
    rating_average = models.DecimalField(
        max_digits=3, decimal_places=2, default=0, editable=False, validators=[MaxValueValidator(5)]
    )
    rating_count = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Derived: the byline's names in order, which the search document (PostgreSQL) weighs after the title. The
    # catalog services keep it whenever a byline or an author's name changes (catalog/search.py).
    author_names = models.TextField(blank=True, editable=False)

    objects = BookQuerySet.as_manager()

    class Meta:
        ordering = ["title", "id"]
        indexes = [
            models.Index(fields=["title", "id"], name="catalog_book_title_idx"),
            models.Index(fields=["price", "id"], name="catalog_book_price_idx"),
            models.Index(fields=["publication_date", "id"], name="catalog_book_pubdate_idx"),
            models.Index(fields=["created_at", "id"], name="catalog_book_created_idx"),
            models.Index(fields=["rating_average", "id"], name="catalog_book_rating_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=GreaterThanOrEqual(Length("title"), TITLE_MIN_LENGTH)
                & LessThanOrEqual(Length("title"), TITLE_MAX_LENGTH),
                name="catalog_book_title_length",
                violation_error_message="A title has 2 to 100 characters.",
            ),
            models.CheckConstraint(condition=Q(pages__gt=0), name="catalog_book_pages_positive"),
            models.CheckConstraint(condition=Q(price__gte=0), name="catalog_book_price_not_negative"),
            models.CheckConstraint(condition=Q(stock__gte=0), name="catalog_book_stock_not_negative"),
            models.CheckConstraint(condition=Exact(Length("isbn"), 13), name="catalog_book_isbn_13_digits"),
            models.CheckConstraint(
                condition=Q(rating_count=0, rating_average=0)
                | Q(rating_count__gt=0, rating_average__gte=1, rating_average__lte=5),
                name="catalog_book_rating_range",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def rating(self):
        """The average rating, or None before the first (visible) review."""
        return self.rating_average if self.rating_count else None


class BookAuthor(models.Model):
    """One credit of a book: which author, in which role, at which position in the byline."""

    class Role(models.TextChoices):
        AUTHOR = "author", "Author"
        EDITOR = "editor", "Editor"
        TRANSLATOR = "translator", "Translator"
        ILLUSTRATOR = "illustrator", "Illustrator"

    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="credits")
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="credits")
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.AUTHOR)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "book credit"
        constraints = [
            models.UniqueConstraint(fields=["book", "author", "role"], name="catalog_bookauthor_unique_credit"),
        ]
        indexes = [models.Index(fields=["author", "book"], name="catalog_bookauthor_author_idx")]

    def __str__(self):
        return f"{self.author} ({self.get_role_display()})"
