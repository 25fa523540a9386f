"""The API v2 answers hostile listing queries with 400, never 500."""

import pytest

HUGE = "9" * 5000


@pytest.mark.parametrize(
    "query",
    [
        f"offset={HUGE}",
        f"limit={HUGE}",
        "offset=-1",
        "offset=1e3",
        "offset=%EF%BC%91",  # a full-width digit one
        "limit=",
        f"child_of={HUGE}",
        f"descendant_of={HUGE}",
        "descendant_of=99999999999",
        f"id={HUGE}",
        "search_operator=xor&search=a",
        "search_operator=&search=a",
        "search=%00",
        "search=a%0Db",
    ],
)
def test_hostile_listing_queries_are_bad_requests(client, seeded, query):
    response = client.get(f"/api/v2/pages/?{query}")
    assert response.status_code == 400, response.content
    assert "message" in response.json()


@pytest.mark.parametrize(
    "query", ["offset=0&limit=1", "child_of=root", "search=실&search_operator=or"]
)
def test_ordinary_queries_still_work(client, seeded, query):
    assert client.get(f"/api/v2/pages/?{query}").status_code == 200


def test_an_id_beyond_the_column_is_answered_like_any_missing_page(client, seeded):
    missing = client.get("/api/v2/pages/999999/")
    beyond = client.get("/api/v2/pages/99999999999999/")
    assert (beyond.status_code, beyond.get("Location")) == (
        missing.status_code,
        missing.get("Location", "").replace("999999", "99999999999999") or None,
    )
    assert client.get(f"/api/v2/pages/find/?id={HUGE}").status_code == 400
