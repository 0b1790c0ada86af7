"""A client that gives up mid-request: headers sent, body cut short, connection closed.

PTB does this when it cancels a long poll at shutdown; the bot does it when SIGTERM lands
during a panel call. Servers must take it quietly, without processing half a request.
"""

from __future__ import annotations

import asyncio

from yarl import URL


async def send_cut_off_request(url: str, partial_body: str) -> bytes:
    """POST a form whose body stops short of its Content-Length, then wait for the server to close.

    Returns whatever the server wrote back before closing (normally nothing): the server has
    finished with the request once this returns.
    """
    target = URL(url)
    assert target.host is not None and target.port is not None
    reader, writer = await asyncio.open_connection(target.host, target.port)
    try:
        head = (
            f"POST {target.raw_path_qs} HTTP/1.1\r\nHost: {target.host}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(partial_body) + 100}\r\n\r\n"
        )
        writer.write(head.encode() + partial_body.encode())
        await writer.drain()
        writer.write_eof()
        return await asyncio.wait_for(reader.read(), timeout=10)
    finally:
        writer.close()
