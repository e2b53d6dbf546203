import { graphql } from 'relay-runtime';

// Read by relay-compiler only (see ../main.ts): without Babel's relay plugin a graphql tag throws.

export const logIn = graphql`
  mutation SessionLogInMutation($input: LogInInput!) {
    logIn(input: $input) {
      token
    }
  }
`;
