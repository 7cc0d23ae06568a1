"""The whole compare runs with the network unavailable: nothing is downloaded at run time."""

from __future__ import annotations

import socket

import pytest

import wiretrace
from conftest import SEED_AP, SEED_REWRITE


def test_compare_runs_with_every_socket_refused(monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("network disabled by test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", 9))
    result = wiretrace.compare(SEED_AP, SEED_REWRITE)
    assert result.relation.type == "rewrite"
    assert "<html" in result.to_html().lower()
    assert "REWRITE" in result.summary()
