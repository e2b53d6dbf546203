import type { Comment } from '../generated/prisma/client';
import { rowMapping } from '../core/columns';

export const COMMENT_ROW = rowMapping<Comment>({
  id: 'id',
  postId: 'post_id',
  authorId: 'author_id',
  body: 'body',
  createdAt: 'created_at',
} satisfies Record<keyof Comment, string>);

export const commentColumns = (alias: string) => COMMENT_ROW.columns(alias);
export const commentFromRow = (row: object): Comment => COMMENT_ROW.fromRow(row);
