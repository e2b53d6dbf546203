/**
 * @generated SignedSource<<b2efcabf19d51e3698d0b827be52de12>>
 * @lightSyntaxTransform
 */

/* tslint:disable */
/* eslint-disable */
// @ts-nocheck

import { ConcreteRequest } from 'relay-runtime';
export type LogInInput = {
  login: string;
  password: string;
};
export type SessionLogInMutation$variables = {
  input: LogInInput;
};
export type SessionLogInMutation$data = {
  readonly logIn: {
    readonly token: string;
  };
};
export type SessionLogInMutation = {
  response: SessionLogInMutation$data;
  variables: SessionLogInMutation$variables;
};

const node: ConcreteRequest = (function(){
var v0 = [
  {
    "defaultValue": null,
    "kind": "LocalArgument",
    "name": "input"
  }
],
v1 = [
  {
    "alias": null,
    "args": [
      {
        "kind": "Variable",
        "name": "input",
        "variableName": "input"
      }
    ],
    "concreteType": "AuthPayload",
    "kind": "LinkedField",
    "name": "logIn",
    "plural": false,
    "selections": [
      {
        "alias": null,
        "args": null,
        "kind": "ScalarField",
        "name": "token",
        "storageKey": null
      }
    ],
    "storageKey": null
  }
];
return {
  "fragment": {
    "argumentDefinitions": (v0/*:: as any*/),
    "kind": "Fragment",
    "metadata": null,
    "name": "SessionLogInMutation",
    "selections": (v1/*:: as any*/),
    "type": "Mutation",
    "abstractKey": null
  },
  "kind": "Request",
  "operation": {
    "argumentDefinitions": (v0/*:: as any*/),
    "kind": "Operation",
    "name": "SessionLogInMutation",
    "selections": (v1/*:: as any*/)
  },
  "params": {
    "cacheID": "5a14e761b6d48ac7914d21a747d82ccf",
    "id": null,
    "metadata": {},
    "name": "SessionLogInMutation",
    "operationKind": "mutation",
    "text": "mutation SessionLogInMutation(\n  $input: LogInInput!\n) {\n  logIn(input: $input) {\n    token\n  }\n}\n"
  }
};
})();

(node as any).hash = "5daef748f16f59e53d0f9f6c994d129f";

export default node;
