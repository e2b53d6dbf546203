import type { User } from '../generated/prisma/client';

export interface AuthPayloadModel {
  token: string;
  user: User;
}
