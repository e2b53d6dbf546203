import { graphql } from 'relay-runtime';

// Read by relay-compiler only (see ../main.ts): without Babel's relay plugin a graphql tag throws.

export const post = graphql`
  fragment Post_post on Post {
    id
    caption
    author {
      username
    }
    likeCount
    viewerHasLiked
    media {
      id
      url
    }
  }
`;

export const like = graphql`
  mutation PostLikeMutation($postId: ID!) {
    likePost(postId: $postId) {
      id
      likeCount
      viewerHasLiked
    }
  }
`;
