"""403, 404, 500 and the expired-form page: translated, sized for a phone, inside the normal
layout for a signed-in user (the 500 page in a minimal one that needs no request), and the
refusal's own message shown."""

import pytest
from django.core.exceptions import PermissionDenied
from django.template import loader
from django.test import Client
from django.urls import include, path
from django.utils import translation

from hazardloop.testing import web_client

VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1">'


def _boom(request):
    raise RuntimeError("a bug")


def _refused(request):
    raise PermissionDenied(translation.gettext("Your role does not allow this here."))


urlpatterns = [
    path("test-boom/", _boom),
    path("test-refused/", _refused),
    path("", include("hazardloop.urls")),
]


def _get(client, url, language):
    client.cookies["django_language"] = language
    return client.get(url)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "title", "hint", "home"),
    [
        ("zh-hans", "页面不存在", "不在您的职责范围内", "退出登录"),
        ("en", "Page not found", "not within your area of responsibility", "Sign out"),
    ],
)
def test_404_is_translated_inside_the_layout(cast, language, title, hint, home):
    response = _get(web_client(cast.regulator), "/no-such-page/", language)
    page = response.content.decode()
    assert response.status_code == 404
    assert title in page and hint in page
    assert VIEWPORT in page
    assert 'data-testid="main-nav"' in page and home in page  # the normal layout, signed in


@pytest.mark.django_db
def test_404_for_an_object_out_of_scope_looks_like_any_404(cast):
    from hazardloop.hazards.tests.helpers import hazard

    h = hazard(cast)
    response = _get(web_client(cast.neighbour_inspector), f"/hazards/{h.pk}/", "en")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.django_db
def test_404_before_sign_in_is_translated(reference_data):
    response = _get(Client(), "/no-such-page/", "en")
    page = response.content.decode()
    assert response.status_code == 404 and "Page not found" in page and VIEWPORT in page
    assert 'data-testid="main-nav"' not in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "title", "message"),
    [
        ("zh-hans", "无权操作", "您的角色无权在此执行该操作。"),
        ("en", "Not allowed", "Your role does not allow this action here."),
    ],
)
def test_403_shows_the_refusals_own_message(cast, language, title, message):
    # The statistics pages refuse a unit's manager with a message of their own.
    response = _get(web_client(cast.unit_manager), "/stats/", language)
    page = response.content.decode()
    assert response.status_code == 403
    assert title in page and message in page
    assert VIEWPORT in page and 'data-testid="main-nav"' in page


@pytest.mark.django_db
@pytest.mark.urls(__name__)
@pytest.mark.parametrize(
    ("language", "message"),
    [("zh-hans", "您的角色无权在此执行该操作。"), ("en", "Your role does not allow this here.")],
)
def test_403_message_is_in_the_users_language(cast, language, message):
    response = _get(web_client(cast.regulator), "/test-refused/", language)
    assert response.status_code == 403
    assert f'data-testid="refusal">{message}<' in response.content.decode()


@pytest.mark.django_db
@pytest.mark.urls(__name__)
@pytest.mark.parametrize(
    ("language", "title"), [("zh-hans", "系统出错了"), ("en", "Something went wrong")]
)
def test_500_is_translated_and_fits_a_phone(cast, language, title):
    client = Client(raise_request_exception=False)
    client.force_login(cast.regulator)
    response = _get(client, "/test-boom/", language)
    page = response.content.decode()
    assert response.status_code == 500
    assert title in page and VIEWPORT in page
    assert "a bug" not in page and "Traceback" not in page


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_500_page_renders_without_request_or_database(language):
    # Django renders 500.html with an empty context and no request: the template must need
    # neither (no user, no URL reversing, no database, no static manifest lookup).
    with translation.override(language):
        page = loader.get_template("500.html").render({})
    assert VIEWPORT in page
    assert ("系统出错了" if language == "zh-hans" else "Something went wrong") in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "title"), [("zh-hans", "表单已过期"), ("en", "The form has expired")]
)
def test_expired_form_is_translated(cast, language, title):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.regulator)
    client.cookies["django_language"] = language
    response = client.post("/logout/")
    page = response.content.decode()
    assert response.status_code == 403
    assert title in page and VIEWPORT in page
