"""Filter pieces shared by every API list. Each parameter accepts exactly what the OpenAPI schema says it
does (the schema is declared next to the parser), and anything else is a 400 naming the parameter."""

import re

from django import forms
from django.db.models import F
from django.utils.datastructures import MultiValueDict
from django_filters import rest_framework as filters
from django_filters.fields import BaseCSVField
from django_filters.widgets import BaseCSVWidget
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter, SearchFilter

# Ids are bigint primary keys: a larger number is a client error, not a database overflow.
MAX_ID = 2**63 - 1
ID = re.compile(r"[1-9][0-9]{0,18}")
AMOUNT = re.compile(r"[0-9]{1,10}(\.[0-9]{1,2})?")


class FilterBackend(filters.DjangoFilterBackend):
    """django-filter's backend, skipped when the request carries none of the filterset's parameters: a FilterSet
    and its form deep-copy every filter and form field on each request (milliseconds on a hot list), to filter
    nothing then. A filter's parameter is its name, or its name with a suffix (`price_min`, `published_after`)."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None:
            return queryset
        names = tuple(filterset_class.base_filters)
        if not any(param.startswith(names) for param in request.query_params):
            return queryset
        return super().filter_queryset(request, queryset, view)


class PatternDecimalField(forms.DecimalField):
    """A decimal form field that first holds the raw text to a pattern, so "1e3", " 5" or ".5" are refused
    rather than read as numbers the schema does not describe."""

    def __init__(self, *args, pattern, message, **kwargs):
        self.pattern, self.message = pattern, message
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if value not in self.empty_values and not self.pattern.fullmatch(str(value)):
            raise forms.ValidationError(self.message, code="invalid")
        return super().to_python(value)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(filters.NumberFilter):
    """One object id: a whole number from 1 up."""

    field_class = PatternDecimalField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, pattern=ID, message="Enter an id: a whole number from 1.", **kwargs)


def list_values(data, name):
    """The values of a list parameter: each given value split at commas, so `?author=1,2`, `?author=1&author=2`
    (what generated clients send) and `?author=1,2&author=3` all say the same. None when the parameter is
    absent, and [] when it is only sent empty (an empty query value is no filter)."""
    values = data.getlist(name) if isinstance(data, MultiValueDict) else [data[name]] if name in data else []
    if not values:
        return None
    if not any(values):
        return []
    return [part for value in values for part in value.split(",")]


class ListWidget(BaseCSVWidget):
    def value_from_datadict(self, data, files, name):
        return list_values(data, name)


class ListField(BaseCSVField):
    base_widget_class = ListWidget

    def clean(self, value):
        # `?author=1,` or `?author=1&author=`: an empty entry among others is a mistake, not "no filter".
        if value and "" in value:
            raise forms.ValidationError("Leave no value in the list empty.", code="invalid")
        return super().clean(value)


class ListFilter(filters.BaseInFilter):
    """An `in` filter over a list parameter, repeated or comma-separated (see `list_values`); the schema
    documents the repeated form (`explode: true`) and mentions the other."""

    base_field_class = ListField
    list_hint = "Repeat the parameter for several values (`{name}=...&{name}=...`), or separate them with commas."


class IdInFilter(ListFilter, IdFilter):
    """A list of ids."""


@extend_schema_field({"type": "string", "pattern": f"^{AMOUNT.pattern}$"})
class AmountFilter(filters.NumberFilter):
    """An amount of money: digits with up to two decimals, e.g. 12.50."""

    field_class = PatternDecimalField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, pattern=AMOUNT, message="Enter an amount such as 12.50.", **kwargs)


@extend_schema_field({"type": "boolean"})
class BooleanFilter(filters.ChoiceFilter):
    """`true` or `false`, nothing else (django-filter's own treats any other value as no filter)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, choices=[("true", "true"), ("false", "false")], **kwargs)

    def filter(self, queryset, value):
        return super().filter(queryset, value == "true") if value else queryset


class IsoDateFilter(filters.DateFilter):
    """A date as the schema documents it: YYYY-MM-DD only."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m-%d"])
        super().__init__(*args, **kwargs)


class BoundedSearchFilter(SearchFilter):
    """DRF's search with a cap on the number of terms: each term adds a condition to the query. Terms are
    counted as the schema's pattern counts them: runs of characters between spaces and commas."""

    max_terms = 10
    separators = " \t\n\r,"

    def searched(self, request) -> bool:
        """Whether the request searches: without the parameter, DRF would still make a form field to clean the
        empty text (a few percent of a list's time)."""
        return bool(request.query_params.get(self.search_param))

    def filter_queryset(self, request, queryset, view):
        return super().filter_queryset(request, queryset, view) if self.searched(request) else queryset

    def get_search_terms(self, request):
        text = request.query_params.get(self.search_param, "")
        if len(re.findall(f"[^{self.separators}]+", text)) > self.max_terms:
            raise ValidationError({self.search_param: [f"Use at most {self.max_terms} search terms."]})
        return super().get_search_terms(request)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        sep = self.separators
        pattern = f"^[{sep}]*(?:[^{sep}]+(?:[{sep}]+|$)){{0,{self.max_terms}}}$"
        parameters[0]["schema"]["pattern"] = pattern
        parameters[0]["description"] = f"Up to {self.max_terms} words, matched anywhere in the listed fields."
        return parameters


class StableOrderingFilter(OrderingFilter):
    """`?ordering=` with the values the view allows (a list, `-` for descending; anything
    else is a 400 naming the allowed values), always ending in the primary key, so that equal values page
    deterministically. Nullable fields sort their empty values last in both directions.
    """

    def allowed(self, queryset, view, request):
        names = [name for name, _ in self.get_valid_fields(queryset, view, {"request": request})]
        return [value for name in names for value in (name, f"-{name}")]

    def get_ordering(self, request, queryset, view):
        ordering = list_values(request.query_params, self.ordering_param)
        if ordering:
            allowed = self.allowed(queryset, view, request)
            if not set(ordering) <= set(allowed):
                raise ValidationError({self.ordering_param: [f"Order by one or more of: {', '.join(allowed)}."]})
        else:
            ordering = self.get_default_ordering(view)
        if not ordering or any(field.lstrip("-") in ("id", "pk") for field in ordering):
            return ordering
        # The tie-breaker follows the last field's direction, so (field, id) indexes serve both ways.
        return [*ordering, "-id" if ordering[-1].startswith("-") else "id"]

    def filter_queryset(self, request, queryset, view):
        ordering = self.get_ordering(request, queryset, view)
        if not ordering:
            return queryset
        return queryset.order_by(*(self._expression(queryset.model, field) for field in ordering))

    def get_schema_operation_parameters(self, view):
        allowed = self.allowed(view.get_queryset(), view, view.request)
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": "Sort by these fields, in turn (`-` for descending); ties are broken by id. "
                + ListFilter.list_hint.format(name=self.ordering_param),
                "schema": {
                    "type": "array",
                    # x-enum-varnames: generated clients name the values PRICE and PRICE_DESC, not VALUE_3.
                    "items": {"type": "string", "enum": allowed, "x-enum-varnames": list(map(self.varname, allowed))},
                },
                "style": "form",
                "explode": True,
            }
        ]

    @staticmethod
    def varname(value):
        return value.lstrip("-").upper() + ("_DESC" if value.startswith("-") else "")

    @staticmethod
    def _expression(model, field):
        name = field.lstrip("-")
        if "__" in name or not model._meta.get_field(name).null:
            return field
        return F(name).desc(nulls_last=True) if field.startswith("-") else F(name).asc(nulls_last=True)
