"""Translation catalogs from the admin: refresh, download, upload (checked before used)."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cms.articles.models import ArticlePage


def source(slug="thread-lifting"):
    return ArticlePage.objects.get(slug=slug, locale__language_code="ko")


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_the_catalogs_page_lists_each_target_language(seeded, admin_client, catalog_root):
    response = admin_client.get(reverse("editorial_catalogs", args=[source().pk]))
    html = response.content.decode()
    assert 'data-language="en"' in html
    assert "thread-lifting.po" in html


def test_refresh_writes_the_catalogs_without_a_command(seeded, admin_client, catalog_root):
    target = catalog_root / "en" / "LC_MESSAGES" / "articles" / "thread-lifting.po"
    target.unlink()
    response = admin_client.post(
        reverse("editorial_catalogs", args=[source().pk]), {"refresh": "1"}, follow=True
    )
    assert target.exists()
    assert any("카탈로그를 새로 고쳤습니다" in m for m in messages_of(response))


def test_download_serves_the_po_file(seeded, admin_client, catalog_root):
    response = admin_client.get(reverse("editorial_catalog_download", args=[source().pk, "en"]))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('filename="thread-lifting.po"')
    body = b"".join(response.streaming_content).decode()
    assert str(source().translation_key) in body


def test_an_uploaded_catalog_is_checked_stored_and_applied(seeded, admin_client, catalog_root):
    path = catalog_root / "en" / "LC_MESSAGES" / "articles" / "thread-lifting.po"
    text = path.read_text(encoding="utf-8")
    edited = text.replace(
        'msgstr "Thread Lifting: What to Check Before the Procedure"',
        'msgstr "Thread Lifting: What to Know First"',
    )
    assert edited != text
    upload = SimpleUploadedFile("thread-lifting.po", edited.encode("utf-8"))
    response = admin_client.post(
        reverse("editorial_catalogs", args=[source().pk]),
        {"upload": "1", "language": "en", "catalog": upload},
        follow=True,
    )
    assert path.read_text(encoding="utf-8") == edited
    assert any("적용했습니다" in m for m in messages_of(response))
    english = ArticlePage.objects.get(
        translation_key=source().translation_key, locale__language_code="en"
    )
    assert english.get_latest_revision_as_object().title == "Thread Lifting: What to Know First"


def test_a_catalog_of_another_article_is_refused_and_nothing_replaced(
    seeded, admin_client, catalog_root
):
    mine = catalog_root / "en" / "LC_MESSAGES" / "articles" / "thread-lifting.po"
    other = (
        catalog_root / "en" / "LC_MESSAGES" / "articles" / "mini-thread-lifting-vs-mini-facelift.po"
    )
    before = mine.read_bytes()
    upload = SimpleUploadedFile("thread-lifting.po", other.read_bytes())
    response = admin_client.post(
        reverse("editorial_catalogs", args=[source().pk]),
        {"upload": "1", "language": "en", "catalog": upload},
        follow=True,
    )
    assert mine.read_bytes() == before
    assert any("another article" in m for m in messages_of(response))


def test_a_broken_catalog_is_refused_with_its_line(seeded, admin_client, catalog_root):
    mine = catalog_root / "en" / "LC_MESSAGES" / "articles" / "thread-lifting.po"
    before = mine.read_bytes()
    upload = SimpleUploadedFile("thread-lifting.po", before + b'\nmsgid "unterminated\n')
    response = admin_client.post(
        reverse("editorial_catalogs", args=[source().pk]),
        {"upload": "1", "language": "en", "catalog": upload},
        follow=True,
    )
    assert mine.read_bytes() == before
    assert any(
        "카탈로그를 사용하지 않았습니다: thread-lifting.po:" in m for m in messages_of(response)
    )
