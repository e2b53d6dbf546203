import { badUserInput } from '../graphql/errors';

/**
 * Relay global IDs: base64url("<Type>:<database id>"). Opaque to clients, typed on the way
 * in: an ID of another type where a Post is expected is BAD_USER_INPUT, never another object.
 */
export type NodeType = 'User' | 'Post' | 'Comment';
const NODE_TYPES: ReadonlySet<string> = new Set<NodeType>(['User', 'Post', 'Comment']);

export function toGlobalId(type: NodeType, id: bigint): string {
  return Buffer.from(`${type}:${id}`).toString('base64url');
}

/** Decodes any global ID, or null when it is not one of ours. */
export function parseGlobalId(globalId: string): { type: NodeType; id: bigint } | null {
  if (globalId.length > 64) return null;
  const match = /^([A-Za-z]+):([1-9][0-9]{0,18})$/.exec(Buffer.from(globalId, 'base64url').toString());
  if (!match || !NODE_TYPES.has(match[1]!)) return null;
  const id = BigInt(match[2]!);
  if (id > 9223372036854775807n) return null;
  return { type: match[1] as NodeType, id };
}

/** Decodes an ID argument that must name a `type`; BAD_USER_INPUT on `field` otherwise. */
export function fromGlobalId(type: NodeType, globalId: string, field: string): bigint {
  const parsed = parseGlobalId(globalId);
  if (!parsed || parsed.type !== type) throw badUserInput(field, `Not a valid ${type} ID.`);
  return parsed.id;
}
