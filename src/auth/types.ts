import type { UserModel } from '../users/columns';

export interface AuthPayloadModel {
  token: string;
  user: UserModel;
}
