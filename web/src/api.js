// The GraphQL API over HTTP (AppSync, or the local AppSync of `campaigns serve`).

/** An error the API answered: its message and AppSync's errorType (e.g. NotFoundException). */
export class ApiError extends Error {
  constructor(message, type) {
    super(message);
    this.name = 'ApiError';
    this.type = type || 'Error';
  }
}

/** request(query, variables) → data; GraphQL errors become one ApiError naming each. */
export function createApi(config, auth, fetchImpl = (...a) => fetch(...a)) {
  return {
    async request(query, variables = {}) {
      const headers = { 'content-type': 'application/json' };
      const token = await auth.token();
      if (token) {
        headers.authorization = token;
      }
      let response;
      try {
        response = await fetchImpl(config.graphqlUrl, {
          method: 'POST',
          headers,
          body: JSON.stringify({ query, variables }),
        });
      } catch (e) {
        throw new ApiError(`the API could not be reached (${e.message})`, 'NetworkError');
      }
      if (response.status === 401) {
        auth.login();
        throw new ApiError('your sign-in has expired', 'UnauthorizedException');
      }
      let body;
      try {
        body = await response.json();
      } catch {
        throw new ApiError(`the API answered HTTP ${response.status} without JSON`, 'NetworkError');
      }
      if (Array.isArray(body.errors) && body.errors.length) {
        throw new ApiError(body.errors.map((e) => e.message).join('; '), body.errors[0].errorType);
      }
      if (!response.ok) {
        throw new ApiError(`the API answered HTTP ${response.status}`, 'NetworkError');
      }
      return body.data;
    },
  };
}
