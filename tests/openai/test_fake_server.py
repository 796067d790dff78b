"""The fake OpenAI server answers in the shapes the real openai client expects."""

from __future__ import annotations

import httpx
import openai
import pytest

from tests.openai.fake_openai import INVALID_JSON, FakeOpenAI, JSONReply, Reply, Status


def client(server: FakeOpenAI) -> openai.OpenAI:
    return openai.OpenAI(api_key="sk-test", base_url=server.url, max_retries=0, timeout=1.0)


def test_completion_shape_and_recorded_request(fake_openai: FakeOpenAI) -> None:
    fake_openai.queue(JSONReply({"ok": True}, prompt_tokens=7, completion_tokens=3))
    reply = client(fake_openai).chat.completions.create(model="m", messages=[{"role": "user", "content": "hi there"}])
    assert reply.object == "chat.completion" and reply.model == "m"
    assert reply.choices[0].message.content == '{"ok": true}'
    assert reply.choices[0].finish_reason == "stop"
    assert reply.usage is not None and reply.usage.total_tokens == 10
    assert fake_openai.requests[0]["messages"][0]["content"] == "hi there"
    assert fake_openai.sent_text() == "hi there"


@pytest.mark.parametrize("include_usage", [True, False])
def test_streaming_chunks(fake_openai: FakeOpenAI, include_usage: bool) -> None:
    fake_openai.queue(Reply("one two three four five six seven"))
    stream = client(fake_openai).chat.completions.create(
        model="m",
        messages=[{"role": "user", "content": "x"}],
        stream=True,
        stream_options={"include_usage": include_usage},
    )
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "one two three four five six seven"
    assert sum(1 for c in chunks if c.choices and c.choices[0].delta.content) >= 3
    assert (chunks[-1].usage is not None) is include_usage


def test_errors_carry_status_and_retry_headers(fake_openai: FakeOpenAI) -> None:
    fake_openai.queue(Status(429, retry_after=1, retry_after_ms=20), Status(500))
    with pytest.raises(openai.RateLimitError) as info:
        client(fake_openai).chat.completions.create(model="m", messages=[])
    assert info.value.response.headers["retry-after-ms"] == "20"
    assert info.value.response.headers["retry-after"] == "1"
    with pytest.raises(openai.InternalServerError):
        client(fake_openai).chat.completions.create(model="m", messages=[])


def test_default_reply_callables_and_unknown_routes(fake_openai: FakeOpenAI) -> None:
    fake_openai.queue(lambda body: Reply(f"echo {len(body['messages'])}"), INVALID_JSON)
    c = client(fake_openai)
    replies = [c.chat.completions.create(model="m", messages=[]) for _ in range(3)]
    contents = [r.choices[0].message.content for r in replies]
    assert contents == ["echo 0", INVALID_JSON.text, "fake reply"]
    assert httpx.post(fake_openai.url + "/embeddings", json={}).status_code == 404
