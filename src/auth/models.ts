// The values this domain's GraphQL types resolve from (codegen's mappers: see codegen.ts).
import type { UserModel } from '../users/columns';

export interface AuthPayloadModel {
  token: string;
  user: UserModel;
}
