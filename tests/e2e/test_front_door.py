"""The front door in a browser: it renders under its own strict Content-Security-Policy from the platform's
assets alone, and every link on it answers 200."""

from urllib.parse import urljoin, urlsplit

import pytest
from django.urls import reverse
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_every_link_on_the_front_door_answers_200(page, base_url, live_server):
    refused, assets = [], {}
    page.on(
        "console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None
    )
    page.on("response", lambda response: assets.update({urlsplit(response.url).path: response.status}))
    page.goto("/")

    expect(page.get_by_role("heading", name="Bookstore platform API", level=1)).to_be_visible()
    expect(page.locator("#v2")).to_contain_text("recommended")
    hrefs = page.locator("a[href]").evaluate_all("links => links.map(link => link.getAttribute('href'))")
    links = sorted({urljoin(base_url + "/", href).split("#")[0] for href in hrefs})
    assert len(links) >= 10
    assert all(urlsplit(link).netloc == urlsplit(base_url).netloc for link in links)

    # page.request runs outside Chromium, so it reaches the live server by its own name; redirects are followed.
    answers = {link: page.request.get(live_server.url + urlsplit(link).path).status for link in links}

    assert {link: status for link, status in answers.items() if status != 200} == {}
    # Nothing was refused by the page's policy, and its stylesheet came from the platform.
    assert refused == []
    assert {path: status for path, status in assets.items() if path.startswith("/static/")} == {
        "/static/rest_framework/css/bootstrap.min.css": 200
    }


def test_the_front_door_leads_to_the_v2_browsable_api_and_its_docs(page):
    page.goto(reverse("api-front-door"))
    page.locator("#v2").get_by_role("link", name="Browsable API").click()

    expect(page.get_by_role("heading", name="Bookstore API", exact=True)).to_be_visible()
    page.locator(".response-info").get_by_role("link", name=reverse("v2:redoc"), exact=False).click()
    expect(page).to_have_url(f"{urlsplit(page.url).scheme}://{urlsplit(page.url).netloc}{reverse('v2:redoc')}")
