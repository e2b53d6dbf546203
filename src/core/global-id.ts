import type { NodeResolvers } from '../generated/graphql';
import { badUserInput } from './errors';

/**
 * Relay global IDs: base64url("<Type>:<database id>"). Opaque to clients, typed on the way
 * in: an ID of another type where a Post is expected is BAD_USER_INPUT, never another object.
 */
export type NodeType = NonNullable<Awaited<ReturnType<NodeResolvers['__resolveType']>>>;

export function toGlobalId(type: NodeType, id: bigint): string {
  return Buffer.from(`${type}:${id}`).toString('base64url');
}

/**
 * Decodes any well-formed global ID; the type is only a name here (node(id:) returns null for
 * a name no domain owns, fromGlobalId refuses one that is not the type expected).
 */
export function parseGlobalId(globalId: string): { type: string; id: bigint } | null {
  if (globalId.length > 64) return null;
  const match = /^([A-Za-z]+):([1-9][0-9]{0,18})$/.exec(Buffer.from(globalId, 'base64url').toString());
  if (!match) return null;
  const id = BigInt(match[2]!);
  if (id > 9223372036854775807n) return null;
  return { type: match[1]!, id };
}

/** Decodes an ID argument that must name a `type`; BAD_USER_INPUT on `field` otherwise. */
export function fromGlobalId(type: NodeType, globalId: string, field: string): bigint {
  const parsed = parseGlobalId(globalId);
  if (!parsed || parsed.type !== type) throw badUserInput(field, `Not a valid ${type} ID.`);
  return parsed.id;
}
