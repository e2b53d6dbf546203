// The values this domain's GraphQL types resolve from (codegen's mappers: see codegen.ts).
export type { Comment as CommentModel } from '../generated/prisma/client';
