from django.test import RequestFactory

from hazardloop.core.urls_public import printed_url


def test_printed_url_prefers_the_public_base(settings):
    request = RequestFactory().get("/", HTTP_HOST="testserver")
    settings.PUBLIC_BASE_URL = ""
    assert printed_url(request, "/d/abc/") == "http://testserver/d/abc/"
    settings.PUBLIC_BASE_URL = "https://aq.example.gov.cn/"
    assert printed_url(request, "/d/abc/") == "https://aq.example.gov.cn/d/abc/"
