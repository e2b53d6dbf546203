import type { Post } from '../generated/prisma/client';
import { rowMapping } from '../core/columns';

export const POST_ROW = rowMapping<Post>({
  id: 'id',
  authorId: 'author_id',
  caption: 'caption',
  createdAt: 'created_at',
  editedAt: 'edited_at',
  likeCount: 'like_count',
  commentCount: 'comment_count',
} satisfies Record<keyof Post, string>);

export const postColumns = (alias: string) => POST_ROW.columns(alias);
