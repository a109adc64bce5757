"""v1 representations of the catalog."""

import json

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers
from rest_framework.fields import empty
from rest_framework.utils import html
from rest_framework.validators import UniqueValidator

from bookstore.api import parsers
from bookstore.api.serializers import StrictFieldsMixin

from .isbn import normalize_isbn
from .models import Author, Book, BookAuthor, Genre, Publisher
from .services import (
    author_create,
    author_update,
    book_create,
    book_update,
    genre_create,
    genre_update,
    publisher_create,
)


class ISBNField(serializers.CharField):
    """Accepts ISBN-13, ISBN-10 or hyphenated input; the value is the normalised ISBN-13."""

    def to_internal_value(self, data):
        try:
            return normalize_isbn(super().to_internal_value(data))
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc


class RatingAverageField(serializers.DecimalField):
    """A book's average rating as a decimal string with 2 places, or null before its first review."""

    def __init__(self, **kwargs):
        super().__init__(max_digits=3, decimal_places=2, source="*", read_only=True, allow_null=True, **kwargs)

    def to_representation(self, book):
        rating = book.rating
        return None if rating is None else super().to_representation(rating)


class SluggedSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """The slug is optional on create: without one, the create service makes a unique one from the
    name (or title)."""


class AuthorSerializer(SluggedSerializer):
    """An author."""

    class Meta:
        model = Author
        fields = ["id", "name", "slug", "sort_name", "bio", "birth_date", "death_date"]
        extra_kwargs = {"slug": {"required": False}}

    def validate(self, attrs):
        birth = attrs.get("birth_date", getattr(self.instance, "birth_date", None))
        death = attrs.get("death_date", getattr(self.instance, "death_date", None))
        if birth and death and death < birth:
            raise serializers.ValidationError({"death_date": ["The date of death cannot be before the date of birth."]})
        return attrs

    def create(self, validated_data):
        return author_create(**validated_data)

    def update(self, instance, validated_data):
        return author_update(author=instance, **validated_data)


class PublisherSerializer(SluggedSerializer):
    """A publisher."""

    class Meta:
        model = Publisher
        fields = ["id", "name", "slug", "website", "country"]
        extra_kwargs = {"slug": {"required": False}}

    def create(self, validated_data):
        return publisher_create(**validated_data)


class GenreSerializer(SluggedSerializer):
    """A genre; `parent` is the id of the genre it belongs to, or null."""

    class Meta:
        model = Genre
        fields = ["id", "name", "slug", "parent"]
        extra_kwargs = {"slug": {"required": False}}

    def validate_parent(self, parent):
        if parent is not None and self.instance is not None and parent.is_within(self.instance):
            raise serializers.ValidationError("A genre cannot be placed under itself or one of its sub-genres.")
        return parent

    def create(self, validated_data):
        return genre_create(**validated_data)

    def update(self, instance, validated_data):
        try:
            return genre_update(genre=instance, **validated_data)
        except DjangoValidationError as exc:  # the check under the tree lock, against a concurrent move
            raise serializers.ValidationError(exc.message_dict) from exc


class JSONText(list):
    """A list that prints as JSON, so that an HTML form shows a byline the way it takes it back."""

    def __str__(self):
        return json.dumps(self)


class BylineSerializer(serializers.ListSerializer):
    """The byline. JSON clients send a list; the browsable API's HTML form sends the same list as
    JSON text in one textarea (DRF's HTML forms cannot render a list of objects)."""

    def get_value(self, dictionary):
        if html.is_html_input(dictionary) and self.field_name in dictionary:
            text = dictionary[self.field_name]
            try:
                return parsers.loads(text)
            except ValueError:
                return text  # reported as "Expected a list of items"
        return super().get_value(dictionary)

    def to_representation(self, data):
        return JSONText(super().to_representation(data))


class FormCheckboxField(serializers.BooleanField):
    """A boolean whose HTML form input means what its JSON input means.

    An unticked checkbox posts nothing, and DRF reads a boolean missing from form data as false, so a form
    left as it is would switch the flag off. Here the form posts a hidden "false" before the checkbox (see
    catalog/templates/catalog/forms/checkbox.html), so it always sends what the box shows, and a field that is
    not sent at all, in form data as in JSON, keeps its default on create and its value on update.
    """

    default_empty_html = empty

    def __init__(self, **kwargs):
        kwargs.setdefault("style", {"template": "catalog/forms/checkbox.html"})
        super().__init__(**kwargs)


class BookCreditSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """One entry of a book's byline: the author's id and their role."""

    id = serializers.PrimaryKeyRelatedField(source="author", queryset=Author.objects.all())

    class Meta:
        model = BookAuthor
        fields = ["id", "role"]
        extra_kwargs = {"role": {"default": BookAuthor.Role.AUTHOR}}
        list_serializer_class = BylineSerializer

    def validate(self, attrs):
        # The byline is replaced whole, so each entry is whole even in a PATCH (where DRF skips the
        # required check and the default of nested fields).
        if "author" not in attrs:
            raise serializers.ValidationError({"id": ["This field is required."]})
        return {"role": BookAuthor.Role.AUTHOR, **attrs}


class BookSerializer(SluggedSerializer):
    """A book. `authors` is the byline in order; `publisher` and `genres` are ids."""

    isbn = ISBNField(
        max_length=17,
        help_text="ISBN-13 or ISBN-10, hyphens allowed; answered as 13 digits.",
        validators=[UniqueValidator(queryset=Book.objects.all(), message="A book with this ISBN already exists.")],
    )
    authors = BookCreditSerializer(
        source="credits",
        many=True,
        allow_empty=False,
        help_text='The byline in order, e.g. [{"id": 1, "role": "author"}, {"id": 7, "role": "translator"}].',
        style={"base_template": "textarea.html"},
    )
    # The create form shows the box ticked: a new book is active unless it is unticked, as in JSON.
    is_active = FormCheckboxField(required=False, initial=True)
    rating_average = RatingAverageField(help_text="The readers' average rating (1 to 5), null before any review.")

    class Meta:
        model = Book
        fields = [
            "id",
            "title",
            "subtitle",
            "slug",
            "isbn",
            "description",
            "language",
            "pages",
            "publication_date",
            "format",
            "publisher",
            "authors",
            "genres",
            "price",
            "currency",
            "stock",
            "rating_average",
            "rating_count",
            "is_active",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["rating_count", "created_at", "updated_at"]
        extra_kwargs = {"slug": {"required": False}}

    def validate_authors(self, credits):
        seen = set()
        for credit in credits:
            key = (credit["author"].pk, credit["role"])
            if key in seen:
                raise serializers.ValidationError("Each author is credited once per role.")
            seen.add(key)
        return credits

    def create(self, validated_data):
        return book_create(**validated_data)

    def update(self, instance, validated_data):
        return book_update(book=instance, **validated_data)


# v2 representations. Input stays as in v1 (ids); only what the server answers is richer.


class AuthorCreditV2Serializer(serializers.ModelSerializer):
    """One entry of a v2 byline."""

    id = serializers.IntegerField(source="author.id", read_only=True)
    name = serializers.CharField(source="author.name", read_only=True)

    class Meta:
        model = BookAuthor
        fields = ["id", "name", "role"]
        read_only_fields = fields


class GenreRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Genre
        fields = ["id", "name", "slug"]
        read_only_fields = fields


class PriceSerializer(serializers.Serializer):
    amount = serializers.DecimalField(source="price", max_digits=10, decimal_places=2, read_only=True)
    currency = serializers.CharField(read_only=True)


class AvailabilitySerializer(serializers.Serializer):
    in_stock = serializers.SerializerMethodField()
    quantity = serializers.IntegerField(source="stock", read_only=True)

    def get_in_stock(self, book) -> bool:
        return book.stock > 0


class RatingSerializer(serializers.Serializer):
    average = RatingAverageField(help_text="The readers' average rating (1 to 5), null before any review.")
    count = serializers.IntegerField(source="rating_count", read_only=True)


class BookV2Serializer(serializers.ModelSerializer):
    """A book in v2: authors and genres as objects, price with its currency, availability."""

    authors = AuthorCreditV2Serializer(source="credits", many=True, read_only=True)
    genres = GenreRefSerializer(many=True, read_only=True)
    price = PriceSerializer(source="*", read_only=True)
    availability = AvailabilitySerializer(source="*", read_only=True)
    rating = RatingSerializer(source="*", read_only=True)

    class Meta:
        model = Book
        fields = [
            "id",
            "title",
            "subtitle",
            "slug",
            "isbn",
            "description",
            "language",
            "pages",
            "publication_date",
            "format",
            "publisher",
            "authors",
            "genres",
            "price",
            "availability",
            "rating",
            "is_active",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
