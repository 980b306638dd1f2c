import { parseTokenResponse } from '../../src/auth/oauth/token-response';

const parse = (payload: unknown, status?: number) => parseTokenResponse(payload, { provider: 'acme', status });

describe('parseTokenResponse', () => {
  it('reads JSON objects and keeps the OAuth wire spelling', () => {
    expect(parse({ access_token: 'a', token_type: 'Bearer', expires_in: 3600, refresh_token: 'r', scope: 'x y' })).toEqual({
      access_token: 'a',
      token_type: 'Bearer',
      expires_in: 3600,
      refresh_token: 'r',
      scope: 'x y',
    });
  });

  it('reads form-encoded bodies and turns numeric strings into numbers', () => {
    expect(parse(Buffer.from('access_token=gho_1&scope=repo%2Cgist&token_type=bearer&expires_in=28800'))).toEqual({
      access_token: 'gho_1',
      scope: 'repo,gist',
      token_type: 'bearer',
      expires_in: 28800,
    });
  });

  it('drops the expires_at Date simple-oauth2 adds, and empty optional members', () => {
    const token = parse({ access_token: 'a', token_type: 'bearer', expires_at: new Date(), refresh_token: '', id_token: 5 });
    expect(token).toEqual({ access_token: 'a', token_type: 'bearer' });
  });

  it('treats an error member as a refusal even with HTTP 200', () => {
    expect(() => parse({ error: 'bad_verification_code', error_description: 'The code passed is incorrect' })).toThrow(
      expect.objectContaining({ reason: 'invalid_token', providerError: 'bad_verification_code' }),
    );
    expect(() => parse(Buffer.from('error=bad_verification_code&error_description=x'))).toThrow(/bad_verification_code/);
  });

  it('classifies server-side failures as provider_unavailable', () => {
    expect(() => parse({ error: 'temporarily_unavailable' })).toThrow(expect.objectContaining({ reason: 'provider_unavailable' }));
    expect(() => parse(Buffer.from('<html>oops</html>'), 503)).toThrow(expect.objectContaining({ reason: 'provider_unavailable', status: 503 }));
    expect(() => parse({ token_type: 'bearer' })).toThrow(/without an access_token/);
    expect(() => parse(null)).toThrow(/malformed/);
  });

  it('never echoes an error code that is not a plain OAuth code', () => {
    const error = (() => {
      try {
        parse({ error: 'secret-token-value <script>alert(1)</script>' }, 400);
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error?.message).toBe('acme token endpoint answered HTTP 400');
  });
});
