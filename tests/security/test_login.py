"""Login defences: throttling per account and per address, equal work for unknown users, bounded
hashing, no open redirect after login, a copied session cookie dies with logout, common passwords refused."""
from __future__ import annotations

import threading
import time

from importlib import resources

import pytest

from planner.errors import Invalid
from planner.services import accounts, login_guard
from tests.conftest import PASSWORD


def _login(client, username, password, **kw):
    return client.post("/login", data={"username": username, "password": password}, **kw)


def test_account_is_throttled_after_repeated_failures_even_with_the_right_password(client, org, make_user):
    make_user("ani", "penyusun", org)
    for _ in range(5):
        assert _login(client, "ani", "salah-sekali").status_code == 401
    resp = _login(client, "ani", PASSWORD)
    assert resp.status_code == 429
    assert 0 < int(resp.headers["Retry-After"]) <= 900
    assert "Terlalu banyak percobaan" in resp.get_data(as_text=True)
    # the API token endpoint shares the count
    api = client.post("/api/v1/auth/token", json={"username": "ani", "password": PASSWORD})
    assert api.status_code == 429 and api.json["error"]["code"] == "too_many_requests"
    assert "Retry-After" in api.headers


def test_success_before_the_limit_clears_the_account_count(client, org, make_user):
    make_user("ani", "penyusun", org)
    for _ in range(4):
        _login(client, "ani", "salah-sekali")
    assert _login(client, "ani", PASSWORD).status_code == 302
    client.post("/logout")
    for _ in range(4):
        _login(client, "ani", "salah-sekali")
    assert _login(client, "ani", PASSWORD).status_code == 302


def test_address_is_throttled_across_accounts(app, client, org, make_user):
    app.config["LOGIN_MAX_PER_ADDRESS"] = 6
    make_user("ani", "penyusun", org)
    for i in range(6):  # spraying one password over many names
        assert _login(client, f"tebakan{i}", "password-umum").status_code == 401
    assert _login(client, "ani", PASSWORD).status_code == 429
    other = app.test_client()
    assert _login(other, "ani", PASSWORD, environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 302


def test_unknown_user_costs_the_same_hashing_work(client, org, make_user, monkeypatch):
    make_user("ani", "penyusun", org)
    calls = []
    real = accounts.check_password_hash
    monkeypatch.setattr(accounts, "check_password_hash", lambda h, p: calls.append(h.split("$")[0]) or real(h, p))
    _login(client, "ani", "salah-sekali")
    _login(client, "tidak-ada", "salah-sekali")
    assert len(calls) == 2 and calls[0] == calls[1], calls  # one hash each, of the same method and cost


def test_unknown_user_timing_is_close_to_a_known_one(client, org, make_user, monkeypatch):
    monkeypatch.setattr(accounts, "HASH_METHOD", "pbkdf2:sha256:200000")
    make_user("ani", "penyusun", org)
    client.application.config["LOGIN_MAX_PER_ACCOUNT"] = 100

    def timed(name):
        start = time.perf_counter()
        _login(client, name, "salah-sekali")
        return time.perf_counter() - start

    timed("ani"), timed("tidak-ada")  # warm the dummy hash
    known = min(timed("ani") for _ in range(3))
    unknown = min(timed("tidak-ada") for _ in range(3))
    assert unknown > known * 0.5, (known, unknown)


def test_concurrent_password_hashing_is_bounded(monkeypatch):
    login_guard.set_hash_slots(2)
    running, peak, lock = [0], [0], threading.Lock()

    def slow_check(stored, password):
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        time.sleep(0.05)
        with lock:
            running[0] -= 1
        return False

    monkeypatch.setattr(accounts, "check_password_hash", slow_check)

    class NoDb:
        def exec(self, *_):
            return type("R", (), {"first": lambda self: None})()

    threads = [threading.Thread(target=accounts.authenticate, args=(NoDb(), "x", "y")) for _ in range(8)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert peak[0] == 2


def test_hashing_slots_answer_busy_instead_of_queueing_forever(monkeypatch):
    login_guard.set_hash_slots(1)
    monkeypatch.setattr(login_guard, "HASH_WAIT_SECONDS", 0.01)
    with login_guard.hashing_slot():
        with pytest.raises(login_guard.Busy):
            with login_guard.hashing_slot():
                pass
    login_guard.set_hash_slots(2)


@pytest.mark.parametrize("target", ["/%09/evil.example/", "//evil.example/", "/\\evil.example", "https://evil.example/",
                                    "/%0a/evil.example", "\\\\evil.example", "/\t/evil.example/", "javascript:alert(1)"])
def test_no_open_redirect_after_login(client, org, make_user, target):
    make_user("ani", "penyusun", org)
    resp = client.post("/login?next=" + target, data={"username": "ani", "password": PASSWORD})
    assert resp.status_code == 302
    location = resp.headers["Location"]
    assert location == "/", location


def test_same_site_next_is_kept(client, org, make_user):
    make_user("ani", "penyusun", org)
    resp = client.post("/login?next=/plans/new%3Fx%3D1", data={"username": "ani", "password": PASSWORD})
    assert resp.headers["Location"] == "/plans/new?x=1"


def test_copied_session_cookie_stops_working_after_logout(app, org, make_user):
    make_user("ani", "penyusun", org)
    browser = app.test_client()
    assert _login(browser, "ani", PASSWORD).status_code == 302
    cookie = browser.get_cookie("session").value
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    assert thief.get("/").status_code == 200
    browser.post("/logout")
    resp = thief.get("/")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


@pytest.mark.parametrize("password", ["password123", "Password123", "12345678", "qwerty123", "aaaaaaaaaa",
                                      "bismillah", "ani-rahasia-saya"])
def test_common_or_trivial_passwords_are_refused(s, password):
    with pytest.raises(Invalid) as err:
        accounts.create_user(s, "ani-rahasia", password)
    assert err.value.field == "password"


def test_the_common_password_list_is_a_top_ten_thousand_list():
    """ASVS 2.1.7: the shipped list holds the 10 000 most frequent passwords of a public breach corpus (its
    source and licence are named in the file's header) plus the local favourites."""
    listed = accounts.common_passwords()
    assert len(listed) >= 10_000
    header = (resources.files("planner") / "data/common-passwords.txt").read_text(encoding="utf-8")[:800]
    assert "public domain" in header and "MIT" in header
    # well down the ranking, not only the first hundred; and the Indonesian favourites stay
    assert {"trustno1", "starwars", "hockey1", "wolverine", "bismillah", "indonesia123"} <= listed


@pytest.mark.parametrize("password", ["Starwars", "WOLVERINE", "Concorde", "iloveyou2"])
def test_passwords_from_deep_in_the_list_are_refused(s, password):
    with pytest.raises(Invalid) as err:
        accounts.create_user(s, "budi", password)
    assert err.value.field == "password"


def test_a_long_passphrase_is_accepted(s):
    assert accounts.create_user(s, "ani", "kopi tubruk di pagi hari").id


def test_secure_cookies_setting(monkeypatch, tmp_path):
    from planner import config
    monkeypatch.setenv("PLANNER_SECURE_COOKIES", "1")
    loaded = config.load(str(tmp_path), {"SECRET_KEY": "x"})
    assert loaded["SESSION_COOKIE_SECURE"] is True and loaded["REMEMBER_COOKIE_SECURE"] is True
    monkeypatch.setenv("PLANNER_SECURE_COOKIES", "0")
    assert not config.load(str(tmp_path), {"SECRET_KEY": "x"}).get("SESSION_COOKIE_SECURE")
