// The values this domain's GraphQL types resolve from (codegen's mappers: see codegen.ts).
export type { Hashtag as HashtagModel } from '../generated/prisma/client';
