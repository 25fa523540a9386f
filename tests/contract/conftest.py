"""The app as channels reach it: the whole WSGI application behind an httpx transport."""

import httpx
import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections


@pytest.fixture
def app_server():
    """The WSGI application behind an httpx transport; ``url`` as the live server has it.

    As Django's own test client does, requests keep the test's database connection (which
    would otherwise be closed at the end of each request, ending the test's transaction).
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    transport = httpx.WSGITransport(app=WSGIHandler())
    try:
        yield type("Server", (), {"url": "http://testserver", "transport": transport})
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
