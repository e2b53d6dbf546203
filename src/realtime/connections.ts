/**
 * Open sockets per user on this instance, for WS_MAX_SOCKETS_PER_USER. Per instance by design:
 * a cluster-wide count would need Redis on every connect, and the cap exists to bound one
 * instance's memory, not to meter users.
 */
export class SocketsPerUser {
  private readonly open = new Map<bigint, number>();

  constructor(private readonly max: number) {}

  /** Counts one more socket for the user; false (and nothing counted) when at the cap. */
  tryOpen(userId: bigint): boolean {
    const count = this.open.get(userId) ?? 0;
    if (count >= this.max) return false;
    this.open.set(userId, count + 1);
    return true;
  }

  close(userId: bigint): void {
    const count = (this.open.get(userId) ?? 1) - 1;
    if (count > 0) this.open.set(userId, count);
    else this.open.delete(userId);
  }
}
