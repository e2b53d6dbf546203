// The values this domain's GraphQL types resolve from (codegen's mappers: see codegen.ts).
export type { Media as MediaModel, Post as PostModel } from '../generated/prisma/client';
