"""A Telegram Bot API server on 127.0.0.1 for tests.

It implements the methods the bot calls, checks what Telegram would check
(the token, HTML with only Telegram's tags and entities, 4096 characters,
64-byte callback data, command names), records every call, and hands out
updates through ``getUpdates`` with Telegram's long-poll and offset rules.
Files sent with ``document`` are served as Telegram serves them: ``getFile``
names a path, downloaded from ``/file/bot<token>/<path>``.
Tests push updates with the helpers (``message``, ``document``, ``callback``, ``inline``)
and wait on the record with ``wait_for``: a condition, never a sleep.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

from aiohttp import web

TOKEN = "123456789:AAFakeTokenForTheLoopbackServer_0123"
BOT_USER: dict[str, Any] = {
    "id": 123456789,
    "is_bot": True,
    "first_name": "Article QA",
    "username": "article_qa_test_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": True,
    "supports_inline_queries": True,
}
ALICE: dict[str, Any] = {"id": 1001, "is_bot": False, "first_name": "Alice", "language_code": "en"}
BOB: dict[str, Any] = {"id": 1002, "is_bot": False, "first_name": "Bob"}
GROUP: dict[str, Any] = {"id": -1001234567890, "type": "supergroup", "title": "Readers"}

# Parameters that are strings even when they look like JSON.
_TEXT_PARAMS = frozenset(
    {
        "text",
        "parse_mode",
        "callback_query_id",
        "inline_query_id",
        "url",
        "secret_token",
        "action",
        "caption",
        "next_offset",
        "language_code",
        "inline_message_id",
        "file_id",
    }
)
_TAGS = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "a",
        "code",
        "pre",
        "blockquote",
        "tg-emoji",
    }
)
_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


class ApiError(Exception):
    """A Bot API error reply: ``{"ok": false, "error_code": ..., "description": ...}``."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after


@dataclass
class Call:
    """One request the bot made: the method, its decoded parameters, and what it got back."""

    method: str
    params: dict[str, Any]
    at: float
    result: Any = None
    error: str | None = None

    @property
    def text(self) -> str:
        """The ``text`` parameter (sendMessage, editMessageText), or ""."""
        return str(self.params.get("text", ""))

    @property
    def buttons(self) -> list[dict[str, Any]]:
        """Every inline keyboard button of ``reply_markup``, row by row."""
        markup = self.params.get("reply_markup") or {}
        return [b for row in markup.get("inline_keyboard", []) for b in row]


class _TelegramHTML(HTMLParser):
    """Parses text the way Telegram's HTML parse mode does, rejecting what it rejects."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _TAGS:
            raise ApiError(400, f'Bad Request: can\'t parse entities: Unsupported start tag "{tag}"')
        self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raise ApiError(400, f'Bad Request: can\'t parse entities: Unsupported start tag "{tag}"')

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            raise ApiError(400, f'Bad Request: can\'t parse entities: Unmatched end tag "{tag}"')
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        for char in "<>&":
            if char in data:
                raise ApiError(400, f"Bad Request: can't parse entities: unescaped {char!r}")
        self.parts.append(data)

    def handle_entityref(self, name: str) -> None:
        if name not in _ENTITIES:
            raise ApiError(400, f'Bad Request: can\'t parse entities: Unsupported entity "&{name};"')
        self.parts.append(_ENTITIES[name])

    def handle_charref(self, name: str) -> None:
        self.parts.append(html.unescape(f"&#{name};"))

    def parse(self, text: str) -> str:
        self.feed(text)
        self.close()
        if self.stack:
            raise ApiError(400, f"Bad Request: can't parse entities: Can't find end tag for \"{self.stack[-1]}\"")
        return "".join(self.parts)


def parse_telegram_html(text: str) -> str:
    """The plain text Telegram would show for ``text`` in HTML mode; raises ApiError like it."""
    return _TelegramHTML().parse(text)


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class FakeTelegram:
    """The server: start it, point the bot's base_url at ``base_url``, push updates, read ``calls``."""

    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.calls: list[Call] = []
        self.webhook: dict[str, Any] = {}
        self.commands: list[dict[str, Any]] = []
        self.fail_next: dict[str, list[ApiError]] = {}
        # The method whose first call revokes the token, as @BotFather's /revoke does:
        # that call and every one after it are answered 401 Unauthorized.
        self.revoke_on: str | None = None
        self.revoked = False
        self.last_message: dict[str, Any] = {}  # the last message pushed with ``message``
        self.files: dict[str, bytes] = {}  # file_id -> contents, for getFile and downloads
        self.downloads: list[str] = []  # the file paths fetched
        self._updates: list[dict[str, Any]] = []
        self._next_update_id = 1
        self._next_message_id = 500
        self._confirmed = 0  # every update below this offset has been fetched and confirmed
        self._chats: dict[int, dict[str, Any]] = {}
        self._callback_ids = 0
        self._changed = asyncio.Event()  # set, then replaced, on every change
        self._closing = False
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def base_url(self) -> str:
        """What goes into TELEGRAM_API_BASE_URL: PTB appends the token."""
        return f"http://127.0.0.1:{self.port}/bot"

    async def start(self) -> FakeTelegram:
        """Listens on a free loopback port."""
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def close(self) -> None:
        """Ends pending long polls and stops listening."""
        self._closing = True
        self._bump()
        if self._runner is not None:
            await self._runner.cleanup()

    # ---- what tests use -------------------------------------------------------------------

    def push(self, update: dict[str, Any]) -> int:
        """Queues an update (``update_id`` is added) and wakes a pending getUpdates."""
        update_id = self._next_update_id
        self._next_update_id += 1
        self._updates.append({"update_id": update_id, **update})
        for kind in ("message", "callback_query"):
            payload = update.get(kind, {})
            chat = payload.get("chat") or payload.get("message", {}).get("chat")
            if chat:
                self._chats[chat["id"]] = chat
        self._bump()
        return update_id

    def message(
        self,
        text: str | None = None,
        *,
        user: dict[str, Any] = ALICE,
        chat: dict[str, Any] | None = None,
        mention: bool = False,
        reply_to: dict[str, Any] | None = None,
        **content: Any,
    ) -> int:
        """A message from ``user`` (in a private chat unless ``chat`` is given)."""
        body: dict[str, Any] = {
            "message_id": self._message_id(),
            "date": int(time.time()),
            "chat": chat or private_chat(user),
            "from": user,
            **content,
        }
        if text is not None:
            body["text"] = text
            entities = _command_entities(text)
            if mention:
                handle = "@" + BOT_USER["username"]
                start = text.index(handle)
                entities.append({"type": "mention", "offset": _utf16(text[:start]), "length": _utf16(handle)})
            if entities:
                body["entities"] = entities
        if reply_to is not None:
            body["reply_to_message"] = reply_to
        self.last_message = body
        return self.push({"message": body})

    def document(self, data: bytes, file_name: str, *, user: dict[str, Any] = ALICE, **content: Any) -> int:
        """A file sent by ``user``; the bot can fetch ``data`` with getFile and a download."""
        file_id = f"doc{len(self.files) + 1}"
        self.files[file_id] = data
        document = {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_name": file_name, "file_size": len(data)}
        return self.message(None, user=user, document=document, **content)

    def callback(self, data: str, message: dict[str, Any], *, user: dict[str, Any] = ALICE) -> int:
        """A tap on an inline button with ``data`` under the bot's ``message``."""
        self._callback_ids += 1
        return self.push(
            {
                "callback_query": {
                    "id": f"cb{self._callback_ids}",
                    "from": user,
                    "chat_instance": "ci1",
                    "data": data,
                    "message": message,
                }
            }
        )

    def inline(self, query: str, *, user: dict[str, Any] = ALICE) -> int:
        """An inline query, as typed after @botname in any chat."""
        self._callback_ids += 1
        return self.push(
            {"inline_query": {"id": f"iq{self._callback_ids}", "from": user, "query": query, "offset": ""}}
        )

    def of(self, method: str, since: int = 0) -> list[Call]:
        """The calls of ``method`` recorded from index ``since`` on."""
        return [c for c in self.calls[since:] if c.method == method]

    async def wait_for(
        self, predicate: Callable[[Call], bool], *, count: int = 1, since: int = 0, timeout: float = 10
    ) -> list[Call]:
        """Waits (bounded) until ``count`` recorded calls satisfy ``predicate``."""

        def matching() -> list[Call]:
            return [c for c in self.calls[since:] if predicate(c)]

        await self._until(lambda: len(matching()) >= count, timeout)
        return matching()

    async def wait_confirmed(self, update_id: int, timeout: float = 10) -> None:
        """Waits until the bot has fetched ``update_id`` and asked for what comes after it."""
        await self._until(lambda: self._confirmed > update_id, timeout)

    # ---- the HTTP side ----------------------------------------------------------------------

    def _bump(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def _until(self, condition: Callable[[], bool], timeout: float) -> None:
        async with asyncio.timeout(timeout):
            while not condition():
                await self._changed.wait()

    def _message_id(self) -> int:
        self._next_message_id += 1
        return self._next_message_id

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error(ApiError(401, "Unauthorized"))
        method = request.match_info["method"]
        params = await _params(request)
        call = Call(method, params, time.monotonic())
        self.calls.append(call)
        self._bump()
        try:
            self.revoked = self.revoked or method == self.revoke_on
            if self.revoked:
                raise ApiError(401, "Unauthorized")
            failures = self.fail_next.get(method)
            if failures:
                raise failures.pop(0)
            implementation = getattr(self, f"_api_{method.lower()}", None)
            if implementation is None:
                raise ApiError(404, "Not Found: method not found")
            call.result = await implementation(params)
        except ApiError as error:
            call.error = error.description
            return _error(error)
        finally:
            self._bump()
        return web.json_response({"ok": True, "result": call.result})

    async def _download(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.Response(status=401)
        path = request.match_info["path"]
        self.downloads.append(path)
        data = self.files.get(path.removeprefix("documents/"))
        if data is None:
            return web.Response(status=404)
        return web.Response(body=data, content_type="application/octet-stream")

    async def _api_getfile(self, params: dict[str, Any]) -> Any:
        file_id = str(params.get("file_id", ""))
        if file_id not in self.files:
            raise ApiError(400, "Bad Request: invalid file_id")
        size = len(self.files[file_id])
        path = f"documents/{file_id}"
        return {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": size, "file_path": path}

    async def _api_getme(self, params: dict[str, Any]) -> Any:
        return BOT_USER

    async def _api_getupdates(self, params: dict[str, Any]) -> Any:
        if self.webhook.get("url"):
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active")
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        timeout = float(params.get("timeout") or 0)
        if offset:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            if offset > self._confirmed:
                self._confirmed = offset
                self._bump()

        def pending() -> list[dict[str, Any]]:
            return [u for u in self._updates if u["update_id"] >= offset][:limit]

        if timeout > 0:
            with contextlib.suppress(TimeoutError):  # nothing new: an empty reply, as Telegram gives
                await self._until(lambda: bool(pending()) or self._closing, timeout)
        return pending()

    async def _api_sendmessage(self, params: dict[str, Any]) -> Any:
        self._check_text(params)
        self._check_markup(params)
        return self._bot_message(params, self._message_id())

    async def _api_editmessagetext(self, params: dict[str, Any]) -> Any:
        self._check_text(params)
        self._check_markup(params)
        if params.get("inline_message_id"):
            return True
        return self._bot_message(params, int(params["message_id"]), edit_date=int(time.time()))

    def _bot_message(self, params: dict[str, Any], message_id: int, **extra: Any) -> dict[str, Any]:
        """The Message object Telegram returns for what the bot sent or edited."""
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": self._chat(params["chat_id"]),
            "from": BOT_USER,
            "text": self._shown_text(params),
            **extra,
        }
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        return message

    async def _api_editmessagereplymarkup(self, params: dict[str, Any]) -> Any:
        self._check_markup(params)
        return True

    async def _api_sendchataction(self, params: dict[str, Any]) -> Any:
        return True

    async def _api_answercallbackquery(self, params: dict[str, Any]) -> Any:
        if len(str(params.get("text", ""))) > 200:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        return True

    async def _api_answerinlinequery(self, params: dict[str, Any]) -> Any:
        results = params.get("results") or []
        if len(results) > 50:
            raise ApiError(400, "Bad Request: RESULTS_TOO_MUCH")
        for result in results:
            content = result.get("input_message_content") or {}
            self._check_text({"text": content.get("message_text", ""), "parse_mode": content.get("parse_mode")})
            if not 1 <= len(str(result.get("id", "")).encode()) <= 64:
                raise ApiError(400, "Bad Request: RESULT_ID_INVALID")
        return True

    async def _api_setmycommands(self, params: dict[str, Any]) -> Any:
        for command in params.get("commands") or []:
            name, description = command.get("command", ""), command.get("description", "")
            if not (1 <= len(name) <= 32 and name == name.lower() and name.replace("_", "").isalnum()):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(description) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        self.commands = list(params.get("commands") or [])
        return True

    async def _api_getmycommands(self, params: dict[str, Any]) -> Any:
        return self.commands

    async def _api_deletewebhook(self, params: dict[str, Any]) -> Any:
        self.webhook = {}
        return True

    async def _api_setwebhook(self, params: dict[str, Any]) -> Any:
        self.webhook = dict(params)
        return True

    async def _api_getwebhookinfo(self, params: dict[str, Any]) -> Any:
        return {
            "url": self.webhook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": 0,
        }

    async def _api_close(self, params: dict[str, Any]) -> Any:
        return True

    async def _api_logout(self, params: dict[str, Any]) -> Any:
        return True

    async def _api_deletemessage(self, params: dict[str, Any]) -> Any:
        return True

    def _chat(self, chat_id: Any) -> dict[str, Any]:
        return self._chats.get(int(chat_id), {"id": int(chat_id), "type": "private"})

    @staticmethod
    def _shown_text(params: dict[str, Any]) -> str:
        text = str(params.get("text", ""))
        return parse_telegram_html(text) if params.get("parse_mode") == "HTML" else text

    @classmethod
    def _check_text(cls, params: dict[str, Any]) -> None:
        shown = cls._shown_text(params)
        if not shown.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if _utf16(shown) > 4096:
            raise ApiError(400, "Bad Request: message is too long")

    @staticmethod
    def _check_markup(params: dict[str, Any]) -> None:
        markup = params.get("reply_markup") or {}
        for row in markup.get("inline_keyboard", []):
            for button in row:
                data = button.get("callback_data")
                if data is not None and not 1 <= len(str(data).encode()) <= 64:
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")


def private_chat(user: dict[str, Any]) -> dict[str, Any]:
    """The private chat between ``user`` and the bot."""
    return {"id": user["id"], "type": "private", "first_name": user["first_name"]}


def _command_entities(text: str) -> list[dict[str, Any]]:
    if not text.startswith("/"):
        return []
    command = text.split()[0]
    return [{"type": "bot_command", "offset": 0, "length": _utf16(command)}]


async def _params(request: web.Request) -> dict[str, Any]:
    params: dict[str, Any] = dict(request.query)
    if request.content_type == "application/json":
        params.update(await request.json())
    elif request.can_read_body:
        form = await request.post()
        for key, value in form.items():
            params[key] = value if key in _TEXT_PARAMS else _json_or_text(str(value))
    return params


def _json_or_text(value: str) -> Any:
    try:
        return json.loads(value)
    except ValueError:
        return value


def _error(error: ApiError) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": error.code, "description": error.description}
    if error.retry_after is not None:
        body["parameters"] = {"retry_after": error.retry_after}
    return web.json_response(body, status=error.code)
