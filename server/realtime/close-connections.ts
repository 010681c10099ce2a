import type { Server } from 'socket.io';

/**
 * Closes every connection once it has written what it was sent, then resolves; gives up waiting
 * after `ms`. io.close() alone discards events still queued on a connection, such as the result and
 * completion sent just before a graceful shutdown. Clients see their transport close and reconnect,
 * as they would after io.close(). This serves WebSocket connections: a long-polling client needs a
 * new request to collect its queue, which the server stopped taking when shutdown began, so it
 * reconnects elsewhere and its resume returns what it missed.
 */
export async function closeConnections(io: Server, ms: number): Promise<void> {
  const closing = [...io.of('/').sockets.values()]
    .map((socket) => socket.conn)
    .filter((conn) => conn.readyState === 'open')
    .map(
      (conn) =>
        new Promise<void>((resolve) => {
          conn.once('close', () => resolve());
          conn.close();
        }),
    );
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  await Promise.race([Promise.all(closing), timeout]);
  clearTimeout(timer);
}
