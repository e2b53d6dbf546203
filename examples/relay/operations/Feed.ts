import { graphql } from 'relay-runtime';

// Read by relay-compiler only (see ../main.ts): without Babel's relay plugin a graphql tag throws.

export const feed = graphql`
  fragment Feed_query on Query
  @argumentDefinitions(count: { type: "Int", defaultValue: 2 }, cursor: { type: "String" })
  @refetchable(queryName: "FeedPaginationQuery") {
    feed(first: $count, after: $cursor) @connection(key: "Feed_feed") {
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
  query FeedQuery {
    ...Feed_query
  }
`;

/** New posts go to the top of every feed connection named in `connections`. */
export const postCreated = graphql`
  subscription FeedPostCreatedSubscription($connections: [ID!]!) {
    postCreated @prependNode(connections: $connections, edgeTypeName: "PostEdge") {
      id
      ...Post_post
    }
  }
`;
