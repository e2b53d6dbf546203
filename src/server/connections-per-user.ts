/**
 * A client connection as the count sees it: a WebSocket, or the response of an event stream.
 * Node's `ws` sockets and HTTP responses both emit `close` once the client has gone.
 */
export interface CountedConnection {
  /** false once the client has gone (it may drop while its token is still being checked) */
  isOpen(): boolean;
  once(event: 'close', listener: () => void): unknown;
}

/**
 * Open subscription connections per user on this instance, WebSockets and event streams in one
 * budget (WS_MAX_SOCKETS_PER_USER): what the cap bounds is what a user holds open on one
 * instance (connections, their buffers and subscriptions), whatever the transport, and one
 * budget keeps a client from doubling it by mixing the two. Per instance by design: a
 * cluster-wide count would need Redis on every connect, and the cap exists to bound one
 * instance's memory, not to meter users. Anonymous connections are not counted (no user).
 *
 * A connection is counted only while it is open, and given back on its own `close` event:
 * a release tied to the connection (rather than to the protocol library's completion hooks,
 * which can run before authentication has finished) cannot be missed, whatever the order.
 */
export class ConnectionsPerUser {
  private readonly open = new Map<bigint, number>();

  constructor(readonly max: number) {}

  /**
   * Counts `connection` against the user until it closes. False, with nothing counted, when
   * the user is at the cap or the connection is no longer open.
   */
  tryOpen(userId: bigint, connection: CountedConnection): boolean {
    if (!connection.isOpen()) return false;
    const count = this.open.get(userId) ?? 0;
    if (count >= this.max) return false;
    this.open.set(userId, count + 1);
    connection.once('close', () => this.release(userId));
    return true;
  }

  private release(userId: bigint): void {
    const count = (this.open.get(userId) ?? 1) - 1;
    if (count > 0) this.open.set(userId, count);
    else this.open.delete(userId);
  }
}
