"""The genre tree never gets a loop, whether edited in the admin or through the API."""

import pytest
from django.urls import reverse

from catalog.models import Genre
from tests.envelope import error_of
from tests.factories import GenreFactory


@pytest.fixture
def chain(db):
    top = GenreFactory(name="Fiction")
    middle = GenreFactory(name="Crime", parent=top)
    bottom = GenreFactory(name="Noir", parent=middle)
    return top, middle, bottom


def test_admin_refuses_to_put_a_genre_under_its_own_grandchild(superuser_browser, chain):
    top, _, bottom = chain
    response = superuser_browser.post(
        reverse("admin:catalog_genre_change", args=[top.pk]),
        {"name": top.name, "slug": top.slug, "parent": bottom.pk},
    )
    assert response.status_code == 200
    assert "cannot be placed under itself or one of its sub-genres" in response.content.decode()
    top.refresh_from_db()
    assert top.parent is None


def test_api_refuses_to_put_a_genre_under_its_own_grandchild(client_for, chain):
    top, _, bottom = chain
    response = client_for("catalog_manager").patch(
        reverse("v1:genre-detail", args=[top.pk]), {"parent": bottom.pk}, format="json"
    )
    assert list(error_of(response, 400, "validation_error")["details"]) == ["parent"]
    top.refresh_from_db()
    assert top.parent is None


def test_a_loop_already_in_the_table_is_reported_not_followed_forever(client_for, chain):
    top, middle, bottom = chain
    Genre.objects.filter(pk=top.pk).update(parent=bottom)  # written behind the validators' back
    other = GenreFactory()
    response = client_for("catalog_manager").patch(
        reverse("v1:genre-detail", args=[other.pk]), {"parent": middle.pk}, format="json"
    )
    assert list(error_of(response, 400, "validation_error")["details"]) == ["parent"]
