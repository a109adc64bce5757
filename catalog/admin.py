from django.contrib import admin
from django.utils.text import smart_split

from .isbn import isbn_search_term
from .models import Author, Book, BookAuthor, Genre, Publisher
from .services import book_search_refresh


class BookAuthorInline(admin.TabularInline):
    """The byline: authors in order, each with a role."""

    model = BookAuthor
    extra = 1
    autocomplete_fields = ["author"]
    fields = ["position", "author", "role"]
    ordering = ["position", "id"]


@admin.register(Book)
class BookAdmin(admin.ModelAdmin):
    """Staff edit books here; price and stock can be changed straight from the list."""

    list_display = ["title", "author_names", "price", "stock", "is_active"]
    list_editable = ["price", "stock"]
    list_filter = ["genres", "format", "language", "is_active"]
    search_fields = ["title", "isbn", "credits__author__name"]
    autocomplete_fields = ["publisher"]
    filter_horizontal = ["genres"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["rating_average", "rating_count", "created_at", "updated_at"]
    inlines = [BookAuthorInline]
    list_per_page = 50

    def save_model(self, request, obj, form, change):
        # The rating is kept by the reviews' writes under the book's row lock; saving every field loaded with
        # the form would write back the rating as it was then, over a review that came in meanwhile.
        if change:
            rating = {"rating_average", "rating_count"}
            obj.save(
                update_fields=[f.name for f in Book._meta.concrete_fields if not f.primary_key and f.name not in rating]
            )
        else:
            super().save_model(request, obj, form, change)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("credits__author")

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The byline inline writes credits itself: bring the searched byline names up to date.
        book_search_refresh(book_ids=[form.instance.pk])

    def get_search_results(self, request, queryset, search_term):
        # ISBNs are stored as 13 digits: an ISBN-10 or a hyphenated ISBN is searched in that form, as the
        # API's search does.
        search_term = " ".join(isbn_search_term(term) for term in smart_split(search_term))
        return super().get_search_results(request, queryset, search_term)

    @admin.display(description="Authors")
    def author_names(self, book):
        return ", ".join(credit.author.name for credit in book.credits.all())


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    """Authors; searched by the book form's author autocomplete."""

    list_display = ["name", "sort_name", "birth_date", "death_date"]
    search_fields = ["name", "sort_name"]
    prepopulated_fields = {"slug": ["name"]}

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "name" in form.changed_data:
            # The searched byline names of the author's books.
            book_search_refresh(book_ids=list(obj.credits.values_list("book_id", flat=True).distinct()))


@admin.register(Publisher)
class PublisherAdmin(admin.ModelAdmin):
    """Publishers; searched by the book form's publisher autocomplete."""

    list_display = ["name", "country", "website"]
    list_filter = ["country"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Genre)
class GenreAdmin(admin.ModelAdmin):
    """Genres and their parents."""

    list_display = ["name", "parent"]
    list_filter = ["parent"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
