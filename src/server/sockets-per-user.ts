/** The part of a `ws` socket the count needs: whether it is still open, and its close event. */
export interface CountedSocket {
  readonly readyState: number;
  readonly OPEN: number;
  once(event: 'close', listener: () => void): unknown;
}

/**
 * Open sockets per user on this instance, for WS_MAX_SOCKETS_PER_USER. Per instance by design:
 * a cluster-wide count would need Redis on every connect, and the cap exists to bound one
 * instance's memory, not to meter users.
 *
 * A socket is counted only while it is open, and given back on its own `close` event: a client
 * may drop while its token is still being checked, and a release tied to the socket (rather
 * than to graphql-ws's onClose, which can run before authentication has finished) cannot be
 * missed, whatever the order of the two.
 */
export class SocketsPerUser {
  private readonly open = new Map<bigint, number>();

  constructor(private readonly max: number) {}

  /**
   * Counts `socket` against the user until it closes. False, with nothing counted, when the
   * user is at the cap or the socket is no longer open.
   */
  tryOpen(userId: bigint, socket: CountedSocket): boolean {
    if (socket.readyState !== socket.OPEN) return false;
    const count = this.open.get(userId) ?? 0;
    if (count >= this.max) return false;
    this.open.set(userId, count + 1);
    socket.once('close', () => this.release(userId));
    return true;
  }

  private release(userId: bigint): void {
    const count = (this.open.get(userId) ?? 1) - 1;
    if (count > 0) this.open.set(userId, count);
    else this.open.delete(userId);
  }
}
