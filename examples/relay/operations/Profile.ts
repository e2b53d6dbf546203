import { graphql } from 'relay-runtime';

// Read by relay-compiler only (see ../main.ts): without Babel's relay plugin a graphql tag throws.

export const profile = graphql`
  fragment Profile_user on User
  @argumentDefinitions(count: { type: "Int", defaultValue: 2 }, cursor: { type: "String" })
  @refetchable(queryName: "ProfilePostsPaginationQuery") {
    username
    posts(first: $count, after: $cursor) @connection(key: "Profile_posts") {
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          ...Post_post
        }
      }
    }
  }
`;

export const query = graphql`
  query ProfileQuery($username: String!) {
    user(username: $username) {
      ...Profile_user
    }
  }
`;
