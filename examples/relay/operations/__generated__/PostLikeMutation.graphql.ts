/**
 * @generated SignedSource<<01ffb3a1aa16c5a368d48b2386b504cd>>
 * @lightSyntaxTransform
 */

/* tslint:disable */
/* eslint-disable */
// @ts-nocheck

import { ConcreteRequest } from 'relay-runtime';
export type PostLikeMutation$variables = {
  postId: string;
};
export type PostLikeMutation$data = {
  readonly likePost: {
    readonly id: string;
    readonly likeCount: number;
    readonly viewerHasLiked: boolean;
  };
};
export type PostLikeMutation = {
  response: PostLikeMutation$data;
  variables: PostLikeMutation$variables;
};

const node: ConcreteRequest = (function(){
var v0 = [
  {
    "defaultValue": null,
    "kind": "LocalArgument",
    "name": "postId"
  }
],
v1 = [
  {
    "alias": null,
    "args": [
      {
        "kind": "Variable",
        "name": "postId",
        "variableName": "postId"
      }
    ],
    "concreteType": "Post",
    "kind": "LinkedField",
    "name": "likePost",
    "plural": false,
    "selections": [
      {
        "alias": null,
        "args": null,
        "kind": "ScalarField",
        "name": "id",
        "storageKey": null
      },
      {
        "alias": null,
        "args": null,
        "kind": "ScalarField",
        "name": "likeCount",
        "storageKey": null
      },
      {
        "alias": null,
        "args": null,
        "kind": "ScalarField",
        "name": "viewerHasLiked",
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
    "name": "PostLikeMutation",
    "selections": (v1/*:: as any*/),
    "type": "Mutation",
    "abstractKey": null
  },
  "kind": "Request",
  "operation": {
    "argumentDefinitions": (v0/*:: as any*/),
    "kind": "Operation",
    "name": "PostLikeMutation",
    "selections": (v1/*:: as any*/)
  },
  "params": {
    "cacheID": "a5e3574c1a227a9823554fc8ec44cdb8",
    "id": null,
    "metadata": {},
    "name": "PostLikeMutation",
    "operationKind": "mutation",
    "text": "mutation PostLikeMutation(\n  $postId: ID!\n) {\n  likePost(postId: $postId) {\n    id\n    likeCount\n    viewerHasLiked\n  }\n}\n"
  }
};
})();

(node as any).hash = "682dc4cc069a6ad63ac20782ce0e3d77";

export default node;
