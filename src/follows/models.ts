// The values this domain's GraphQL types resolve from (codegen's mappers: see codegen.ts).
/** A pending request to follow a private account, as the API resolves it. */
export interface FollowRequestModel {
  id: bigint;
  requesterId: bigint;
  targetId: bigint;
  createdAt: Date;
}
