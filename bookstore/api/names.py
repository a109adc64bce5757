"""What the API calls its views, in words: the browsable API's titles and breadcrumbs, the schema's summaries."""

from django.utils.text import capfirst
from rest_framework.views import get_view_name as class_view_name


def model_of(view):
    """The model a view serves, read from its class (no request needed), or None."""
    queryset = getattr(type(view), "queryset", None)
    if queryset is not None:
        return queryset.model
    serializer = getattr(type(view), "serializer_class", None)
    return getattr(getattr(serializer, "Meta", None), "model", None)


def article(noun):
    """ "a book", "an author", "a user" (a leading u is mostly said "you")."""
    return f"{'an' if noun[:1].lower() in 'aeio' else 'a'} {noun}"


def view_name(view):
    """VIEW_NAME_FUNCTION: titles and breadcrumbs in words ("Books", "Book"), not class names ("Book List",
    "Book Instance"). A view's own `name` wins; a view that serves no model keeps DRF's name."""
    name = getattr(view, "name", None)
    if name:
        return name
    model = model_of(view)
    suffix = getattr(view, "suffix", None)
    if model is not None and suffix in ("List", "Instance"):
        meta = model._meta
        return capfirst(meta.verbose_name_plural if suffix == "List" else meta.verbose_name)
    return class_view_name(view)
