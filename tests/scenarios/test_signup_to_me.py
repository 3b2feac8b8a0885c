def test_signup_token_me(client, db):
    import json

    body = {
        "organization": {"name": "Acme", "code": "acme", "country": "FR", "base_currency": "EUR"},
        "user": {"email": "Ada@Example.com", "password": "s3cret-passw0rd!", "first_name": "Ada", "last_name": "L"},
    }
    r = client.post("/api/v1/auth/signup", json.dumps(body), content_type="application/json")
    assert r.status_code == 201, r.content
    r = client.post(
        "/api/v1/auth/token",
        json.dumps({"email": "ada@example.com", "password": "s3cret-passw0rd!"}),
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    access = r.json()["access"]
    r = client.get("/api/v1/me", headers={"Authorization": f"Bearer {access}"})
    assert r.status_code == 200, r.content
    me = r.json()
    assert me["user"]["email"] == "ada@example.com"
    assert me["org_role"] == "OWNER"
    assert "platform.view_workspace" in me["permissions"]
